import { cellTexts } from '../element-queries.js';
import { checkStarted, reportView, type CheckReport } from './report.view.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const none = { total: 0, ids: [] };
const report = (overrides: Partial<CheckReport> = {}): CheckReport => ({
  alias: 'events',
  index: 'events_v3',
  sourceCount: 6000,
  indexCount: 6001,
  missing: { total: 1, ids: [11] },
  stale: { total: 1, ids: [12] },
  extra: { total: 1, ids: [99_999_999] },
  ...overrides,
});

describe('reportView', () => {
  it('shows a verify as the report table reads it: difference, total and sample ids, a row with some flagged', () => {
    const view = reportView('verify', report({ extra: none }), NOW);

    expect(view.title).toMatch(/^Verify of events at \d{2}:00:00$/);
    expect(view.summary).toBe('Source: 6,000 indexable rows. Index events_v3: 6,001 documents. 2 differences.');
    expect(view.rows.map(cellTexts)).toEqual([
      ['Missing', '1', '11'],
      ['Stale', '1', '12'],
      ['Extra', '0', ''],
    ]);
    expect(view.rows.map((row) => row.attrs.class)).toEqual(['found', 'found', '']);
  });

  it('says a sync repaired what it found, and what it could not restore and why', () => {
    const view = reportView('sync', report({ unrepaired: { total: 1, ids: [12], reason: 'row locked' } }), NOW);

    expect(view.title).toMatch(/^Sync of events at /);
    expect(view.summary).toContain('3 differences found and repaired from MySQL.');
    expect(view.rows.map(cellTexts).at(-1)).toEqual(['Not restored', '1', '12\nrow locked']);
    expect(reportView('sync', report({ missing: none, stale: none, extra: none, unrepaired: none }), NOW).rows.map(cellTexts).at(-1)).toEqual(['Not restored', '0', '']);
  });

  it('counts the ids it does not list, and says when there is no difference', () => {
    const view = reportView('verify', report({ missing: { total: 1200, ids: [1, 2, 3] }, stale: none, extra: none }), NOW);

    expect(view.rows.map(cellTexts)[0]).toEqual(['Missing', '1,200', '1, 2, 3 … and 1,197 more']);
    expect(reportView('verify', report({ missing: none, stale: none, extra: none }), NOW).summary).toMatch(/No differences\.$/);
  });

  it('names the job a verify or a sync runs as, started or joined', () => {
    expect(checkStarted('verify', 'events', { id: 41, created: true })).toBe('Verify of events started: job #41.');
    expect(checkStarted('sync', 'events', { id: 41, created: false })).toBe('Sync of events already under way: job #41.');
  });
});
