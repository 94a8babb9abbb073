import type { Job } from '../job-store/job.js';

/** Documents per second of a RUNNING job's BACKFILL since the phase started; null in any other state. */
export function backfillDocsPerSecond(job: Job, now: number): number | null {
  if (job.status !== 'RUNNING' || job.phase !== 'BACKFILL' || !job.phaseStartedAt) return null;
  return job.docsProcessed / Math.max(1, (now - job.phaseStartedAt.getTime()) / 1000);
}
