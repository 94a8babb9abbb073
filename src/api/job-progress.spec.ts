import type { Job } from '../job-store/job.js';
import { backfillDocsPerSecond, paceOf, paceSetBy } from './job-progress.js';

const STARTED = Date.parse('2026-12-02T10:00:00Z');
const backfilling = (docsProcessed: number, maxDocsPerSecond: number | null = null, pace: Job['pace'] = null) =>
  ({ status: 'RUNNING', phase: 'BACKFILL', phaseStartedAt: new Date(STARTED), docsProcessed, maxDocsPerSecond, pace }) as Job;
const autoPace = (docsPerSecond: number): Job['pace'] => ({ docsPerSecond, state: 'decreasing', reason: 'over budget', budget: 3, searchP99Ms: 30, baselineP99Ms: 6, at: '2026-12-02T10:00:05Z' });

describe('backfillDocsPerSecond', () => {
  it('is the mean since BACKFILL began when unpaced, or paced slower than that', () => {
    expect(backfillDocsPerSecond(backfilling(50_000), STARTED + 10_000, 0)).toBe(5000);
    expect(backfillDocsPerSecond(backfilling(1000), STARTED + 10_000, 250)).toBe(100);
  });

  it('shows a new, slower pace at once instead of the mean the fast start holds up', () => {
    // 50,000 documents in the first 10 s, then slowed to 250/s for a minute: 65,000 in 70 s.
    expect(backfillDocsPerSecond(backfilling(65_000), STARTED + 70_000, 250)).toBe(250);
  });

  it('is null outside a running BACKFILL', () => {
    expect(backfillDocsPerSecond({ ...backfilling(10), phase: 'VERIFY' }, STARTED + 1000, 0)).toBeNull();
    expect(backfillDocsPerSecond({ ...backfilling(10), status: 'PAUSED' }, STARTED + 1000, 0)).toBeNull();
  });
});

describe('paceOf', () => {
  const fixed = { pace: 'fixed', maxDocsPerSecond: 5000 } as const;
  const auto = { pace: 'auto', maxDocsPerSecond: 5000 } as const;

  it('takes the operator’s pace on the job over the service’s, 0 included', () => {
    expect(paceOf(backfilling(0, 250), fixed)).toBe(250);
    expect(paceOf(backfilling(0, 0), auto)).toBe(0);
    expect(paceOf(backfilling(0, 250, autoPace(1400)), auto)).toBe(250);
    expect(paceSetBy(backfilling(0, 0, autoPace(1400)), auto)).toBe('operator');
  });

  it('takes the adaptive pace under auto, REINDEX_MAX_DOCS_PER_SECOND before it decided or under fixed', () => {
    expect(paceOf(backfilling(0, null, autoPace(1400)), auto)).toBe(1400);
    expect(paceSetBy(backfilling(0, null, autoPace(1400)), auto)).toBe('auto');
    expect(paceOf(backfilling(0, null), auto)).toBe(5000);
    expect(paceOf(backfilling(0, null, autoPace(1400)), fixed)).toBe(5000);
    expect(paceSetBy(backfilling(0, null, autoPace(1400)), fixed)).toBe('REINDEX_MAX_DOCS_PER_SECOND');
  });
});
