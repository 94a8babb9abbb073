import type { Job } from '../job-store/job.js';

/**
 * Documents per second of a RUNNING job's BACKFILL: the mean since the phase started, but never
 * above `paceDocsPerSecond` (0 = unlimited), so that right after an operator slows a job down its
 * rate and ETA show the new pace rather than a mean the fast start still holds up. Null in any other state.
 */
export function backfillDocsPerSecond(job: Job, now: number, paceDocsPerSecond: number): number | null {
  if (job.status !== 'RUNNING' || job.phase !== 'BACKFILL' || !job.phaseStartedAt) return null;
  const mean = job.docsProcessed / Math.max(1, (now - job.phaseStartedAt.getTime()) / 1000);
  return paceDocsPerSecond > 0 ? Math.min(mean, paceDocsPerSecond) : mean;
}

/** The backfill pace in force for a FULL job: the one an operator set on it, else REINDEX_MAX_DOCS_PER_SECOND; 0 = unlimited. */
export function paceOf(job: Job, defaultMaxDocsPerSecond: number): number {
  return job.maxDocsPerSecond ?? defaultMaxDocsPerSecond;
}
