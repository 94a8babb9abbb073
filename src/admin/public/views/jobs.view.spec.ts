import { jest } from '@jest/globals';
import { buttonLabels, byTag, cellTexts, click, textOf } from '../element-queries.js';
import { h } from '../elements.js';
import { firstPage, olderPage } from '../jobs-list.js';
import { aliasOptions, jobsPager, jobsView, type JobActions, type JobRow } from './jobs.view.js';

const job = (overrides: Partial<JobRow> = {}): JobRow => ({
  id: 7,
  alias: 'events',
  kind: 'FULL',
  trigger: 'manual',
  status: 'RUNNING',
  phase: 'BACKFILL',
  docsProcessed: 1500,
  docsTotal: 6000,
  docsPerSecond: 1200,
  etaSeconds: 4,
  maxDocsPerSecond: 250,
  maxDocsPerSecondSetBy: 'auto',
  lastError: null,
  ...overrides,
});

const actions = (): JobActions => ({ pause: jest.fn(), resume: jest.fn(), approve: jest.fn(), cancel: jest.fn(), rethrottle: jest.fn() });

describe('jobsView', () => {
  it('shows a running job as the jobs table reads it: status as its class, progress as a bar, rate and pace', () => {
    const [row] = jobsView([job()], actions());

    expect(cellTexts(row)).toEqual(['#7', 'events', 'FULL', 'manual', 'RUNNING', 'BACKFILL', ' 1,500 / 6,000', '1,200/s, 4 s left\nmax 250/s (auto)', '', 'PauseCancel…Pace…']);
    expect(row.children[4]).toMatchObject({ tag: 'td', attrs: { class: 'RUNNING' } });
    expect(byTag(row, 'progress')[0].attrs).toEqual({ max: 6000, value: 1500, 'aria-label': 'job 7: 25%' });
  });

  it('offers the buttons the status allows: pause while it runs, resume while paused, a pace for a full rebuild, nothing once ended', () => {
    const labels = (overrides: Partial<JobRow>) => buttonLabels(jobsView([job(overrides)], actions())[0]);

    expect(labels({ status: 'RUNNING' })).toEqual(['Pause', 'Cancel…', 'Pace…']);
    expect(labels({ status: 'PENDING' })).toEqual(['Pause', 'Cancel…', 'Pace…']);
    expect(labels({ status: 'PAUSED' })).toEqual(['Resume', 'Cancel…', 'Pace…']);
    // Stopped by the relevance gate: approve, or resume to judge again.
    expect(labels({ status: 'PAUSED', pausedBy: 'relevance-gate' })).toEqual(['Approve…', 'Resume', 'Cancel…', 'Pace…']);
    expect(labels({ kind: 'PARTIAL', status: 'RUNNING' })).toEqual(['Pause', 'Cancel…']);
    expect(labels({ status: 'COMPLETED' })).toEqual([]);
    expect(labels({ status: 'CANCELLED' })).toEqual([]);
  });

  it('counts the documents without a bar while the total is unknown, and leaves rate and pace out when there are none', () => {
    const [row] = jobsView([job({ kind: 'PARTIAL', docsTotal: null, docsPerSecond: null, maxDocsPerSecond: null, lastError: 'boom' })], actions());

    expect(cellTexts(row).slice(6, 9)).toEqual(['1,500', '', 'boom']);
    expect(byTag(row, 'progress')).toEqual([]);
  });

  it('links the job number to its panel, #/jobs/<id>, and calls the action of the button clicked, with the job', () => {
    const act = actions();
    const shown = job({ status: 'PAUSED' });
    const [row] = jobsView([shown], act);

    click(row, 'Resume');
    click(row, 'Cancel…');
    click(row, 'Pace…');

    expect(byTag(row, 'a').map((link) => [textOf(link), link.attrs])).toEqual([['#7', { href: '#/jobs/7', 'data-key': 'open:7' }]]);
    expect(act.resume).toHaveBeenCalledWith(shown);
    expect(act.cancel).toHaveBeenCalledWith(shown);
    expect(act.rethrottle).toHaveBeenCalledWith(shown);
    expect(byTag(row, 'button').map((button) => button.attrs['data-key'])).toEqual(['resume:7', 'cancel:7', 'pace:7']);
  });
});

describe('the jobs filters and pages', () => {
  const pager = () => ({ newerJobs: jest.fn(), olderJobs: jest.fn() });
  const text = (parts: ReturnType<typeof jobsPager>) => textOf(h('p', null, parts));
  const newest = firstPage({ alias: '', status: '' });

  it('offers every alias and any, with the chosen one selected, kept when no index has it any more', () => {
    const shown = (chosen: string) => aliasOptions(['events', 'venues'], chosen).map((option) => [textOf(option), option.attrs.value, option.attrs.selected]);

    expect(shown('')).toEqual([['all', '', undefined], ['events', 'events', false], ['venues', 'venues', false]]);
    expect(shown('venues')[2]).toEqual(['venues', 'venues', true]);
    expect(shown('archive').at(-1)).toEqual(['archive', 'archive', true]);
  });

  it('offers older jobs while the API has a next page, and newer ones once gone back', () => {
    const act = pager();
    const first = jobsPager(newest, { jobs: [job({ id: 9 }), job({ id: 8 })], next: 8 }, act);
    const last = jobsPager(olderPage(newest, 8), { jobs: [job({ id: 3 })], next: null }, act);

    expect(text(first)).toBe('The newest 2 jobs. Older');
    expect(text(last)).toBe('1 job older than #8. Newer');
    expect(text(jobsPager(olderPage(newest, 8), { jobs: [job({ id: 7 })], next: 7 }, act))).toBe('1 job older than #8. Newer Older');
    click(h('p', null, first), 'Older');
    click(h('p', null, last), 'Newer');
    expect(act.olderJobs).toHaveBeenCalledWith(8);
    expect(act.newerJobs).toHaveBeenCalledTimes(1);
  });

  it('says when nothing matches the filters, on the first page and further back', () => {
    const filtered = firstPage({ alias: 'events', status: 'FAILED' });

    expect(text(jobsPager(filtered, { jobs: [], next: null }, pager()))).toBe('No jobs matching the filters.');
    expect(text(jobsPager(filtered, { jobs: [job()], next: null }, pager()))).toBe('The newest 1 job matching the filters.');
    expect(text(jobsPager(olderPage(newest, 40), { jobs: [], next: null }, pager()))).toBe('No jobs older than #40. Newer');
  });
});
