import { jest } from '@jest/globals';
import { buttonLabels, byTag, cellTexts, click } from '../element-queries.js';
import { jobsView, type JobActions, type JobRow } from './jobs.view.js';

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

const actions = (): JobActions => ({ openJob: jest.fn(), pause: jest.fn(), resume: jest.fn(), cancel: jest.fn(), rethrottle: jest.fn() });

describe('jobsView', () => {
  it('shows a running job as the jobs table reads it: status as its class, progress as a bar, rate and pace', () => {
    const [row] = jobsView([job()], actions());

    expect(cellTexts(row)).toEqual(['#7', 'events', 'FULL', 'manual', 'RUNNING', 'BACKFILL', ' 1,500 / 6,000', '1,200/s, 4 s left\nmax 250/s (auto)', '', 'PauseCancel…Pace…']);
    expect(row.children[4]).toMatchObject({ tag: 'td', attrs: { class: 'RUNNING' } });
    expect(byTag(row, 'progress')[0].attrs).toEqual({ max: 6000, value: 1500, 'aria-label': 'job 7: 25%' });
  });

  it('offers the buttons the status allows: pause while it runs, resume while paused, a pace for a full rebuild, nothing once ended', () => {
    const labels = (overrides: Partial<JobRow>) => buttonLabels(jobsView([job(overrides)], actions())[0]).slice(1);

    expect(labels({ status: 'RUNNING' })).toEqual(['Pause', 'Cancel…', 'Pace…']);
    expect(labels({ status: 'PENDING' })).toEqual(['Pause', 'Cancel…', 'Pace…']);
    expect(labels({ status: 'PAUSED' })).toEqual(['Resume', 'Cancel…', 'Pace…']);
    expect(labels({ kind: 'PARTIAL', status: 'RUNNING' })).toEqual(['Pause', 'Cancel…']);
    expect(labels({ status: 'COMPLETED' })).toEqual([]);
    expect(labels({ status: 'CANCELLED' })).toEqual([]);
  });

  it('counts the documents without a bar while the total is unknown, and leaves rate and pace out when there are none', () => {
    const [row] = jobsView([job({ kind: 'PARTIAL', docsTotal: null, docsPerSecond: null, maxDocsPerSecond: null, lastError: 'boom' })], actions());

    expect(cellTexts(row).slice(6, 9)).toEqual(['1,500', '', 'boom']);
    expect(byTag(row, 'progress')).toEqual([]);
  });

  it('calls the action of the button clicked, with the job', () => {
    const act = actions();
    const shown = job({ status: 'PAUSED' });
    const [row] = jobsView([shown], act);

    click(row, '#7');
    click(row, 'Resume');
    click(row, 'Cancel…');
    click(row, 'Pace…');

    expect(act.openJob).toHaveBeenCalledWith(7);
    expect(act.resume).toHaveBeenCalledWith(shown);
    expect(act.cancel).toHaveBeenCalledWith(shown);
    expect(act.rethrottle).toHaveBeenCalledWith(shown);
    expect(byTag(row, 'button').map((button) => button.attrs['data-key'])).toEqual(['open:7', 'resume:7', 'cancel:7', 'pace:7']);
  });
});
