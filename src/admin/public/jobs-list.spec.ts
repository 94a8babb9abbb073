import { firstPage, jobsPath, newerPage, olderPage } from './jobs-list.js';

describe('the jobs list', () => {
  it('reads the newest page of every job, 50 at a time', () => {
    expect(jobsPath(firstPage({ alias: '', status: '' }))).toBe('/jobs?limit=50');
  });

  it('sends the filters chosen, encoded, and the cursor of the page', () => {
    const list = olderPage(firstPage({ alias: 'events & co', status: 'FAILED' }), 340);

    expect(jobsPath(list)).toBe('/jobs?limit=50&alias=events+%26+co&status=FAILED&before=340');
    expect(new URLSearchParams(jobsPath(list).split('?')[1]).get('alias')).toBe('events & co');
  });

  it('goes back through older pages by their cursors and returns the same way, ending at the newest', () => {
    const newest = firstPage({ alias: 'events', status: '' });
    const second = olderPage(newest, 340);
    const third = olderPage(second, 290);

    expect(third).toMatchObject({ before: 290, newer: [null, 340] });
    expect(newerPage(third)).toEqual(second);
    expect(newerPage(newerPage(third))).toEqual(newest);
    expect(newerPage(newest)).toBe(newest);
  });

  it('leaves the list it was given as it was, so a page read for it can tell it is still the one shown', () => {
    const newest = firstPage({ alias: '', status: 'PAUSED' });
    olderPage(newest, 12);

    expect(newest).toEqual({ filters: { alias: '', status: 'PAUSED' }, before: null, newer: [] });
  });
});
