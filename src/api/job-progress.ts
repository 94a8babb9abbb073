import type { AppConfig } from '../config/app-config.js';
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

/** The service's pacing settings a job follows unless an operator rethrottled it. */
export type ServicePacing = Pick<AppConfig['reindex'], 'pace' | 'maxDocsPerSecond'>;

/**
 * The backfill pace in force for a FULL job, 0 = unlimited: the one an operator set on it, else the
 * adaptive pace its backfill last decided (REINDEX_PACE=auto), else REINDEX_MAX_DOCS_PER_SECOND.
 */
export function paceOf(job: Job, pacing: ServicePacing): number {
  return job.maxDocsPerSecond ?? (pacing.pace === 'auto' && job.pace ? job.pace.docsPerSecond : pacing.maxDocsPerSecond);
}

/** Who set the pace paceOf gives. */
export function paceSetBy(job: Job, pacing: ServicePacing): 'operator' | 'auto' | 'REINDEX_MAX_DOCS_PER_SECOND' {
  if (job.maxDocsPerSecond !== null) return 'operator';
  return pacing.pace === 'auto' && job.pace ? 'auto' : 'REINDEX_MAX_DOCS_PER_SECOND';
}
