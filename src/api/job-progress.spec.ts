import type { Job } from '../job-store/index.js';
import { adaptivePaceOf, backfillDocsPerSecond, paceOf, paceSetBy } from './job-progress.js';

const STARTED = Date.parse('2026-12-02T10:00:00Z');
const backfilling = (docsProcessed: number, maxDocsPerSecond: number | null = null, pace: Job['pace'] = null) =>
  ({ kind: 'FULL', status: 'RUNNING', phase: 'BACKFILL', phaseStartedAt: new Date(STARTED), docsProcessed, maxDocsPerSecond, pace }) as Job;
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

  it('gives no pace once the backfill is over, nor for a PARTIAL job: none is in force', () => {
    for (const job of [
      { ...backfilling(10, null, autoPace(1000)), status: 'COMPLETED', phase: 'CLEANUP' },
      { ...backfilling(10, 1000), phase: 'VERIFY' },
      { ...backfilling(10, null, autoPace(1000)), status: 'CANCELLED' },
      { ...backfilling(10), kind: 'PARTIAL' },
    ] as Job[]) {
      expect([paceOf(job, auto), paceSetBy(job, auto)]).toEqual([null, null]);
    }
    expect(paceOf({ ...backfilling(0, 250), status: 'PENDING', phase: null }, auto)).toBe(250);
    expect(paceOf({ ...backfilling(0, 250), status: 'PAUSED' }, auto)).toBe(250);
  });
});

describe('adaptivePaceOf', () => {
  const auto = { pace: 'auto', maxDocsPerSecond: 0 } as const;
  const quiet: Job['pace'] = { docsPerSecond: 0, state: 'quiet', reason: 'no searches on the live index (0.0/s besides the probes): unpaced', budget: 3, searchP99Ms: null, baselineP99Ms: 2, at: '2026-12-02T10:00:05Z' };

  it('says the operator’s pace is in force while one is set, not the adaptive decision it overrides', () => {
    expect(adaptivePaceOf(backfilling(0, 2000, quiet), auto)).toMatchObject({ state: 'overridden', docsPerSecond: 2000, reason: expect.stringContaining('an operator set the pace (2000 documents/s)') as string });
    expect(adaptivePaceOf(backfilling(0, 0, quiet), auto)).toMatchObject({ state: 'overridden', docsPerSecond: 0, reason: expect.stringContaining('(unlimited)') as string });
  });

  it('is the adaptive decision itself once handed back, and after the backfill', () => {
    expect(adaptivePaceOf(backfilling(0, null, quiet), auto)).toEqual(quiet);
    expect(adaptivePaceOf({ ...backfilling(0, 2000, quiet), status: 'COMPLETED', phase: 'CLEANUP' }, auto)).toEqual(quiet);
  });
});
