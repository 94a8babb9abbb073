import type { Job } from '../job-store/job.js';
import { backfillDocsPerSecond, paceOf } from './job-progress.js';

const STARTED = Date.parse('2026-12-02T10:00:00Z');
const backfilling = (docsProcessed: number, maxDocsPerSecond: number | null = null) =>
  ({ status: 'RUNNING', phase: 'BACKFILL', phaseStartedAt: new Date(STARTED), docsProcessed, maxDocsPerSecond }) as Job;

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
  it('takes the operator’s pace on the job over REINDEX_MAX_DOCS_PER_SECOND, 0 included', () => {
    expect(paceOf(backfilling(0, 250), 5000)).toBe(250);
    expect(paceOf(backfilling(0, 0), 5000)).toBe(0);
    expect(paceOf(backfilling(0, null), 5000)).toBe(5000);
  });
});
