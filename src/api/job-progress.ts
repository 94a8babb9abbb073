import type { AppConfig } from '../config/index.js';
import type { Job, JobPace, PaceState } from '../job-store/index.js';

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

/** A FULL job whose backfill runs or is still to come: the only jobs a pace applies to. */
function backfillAhead(job: Job): boolean {
  const ended = job.status === 'COMPLETED' || job.status === 'FAILED' || job.status === 'CANCELLED';
  return job.kind === 'FULL' && !ended && (job.phase === null || job.phase === 'PREPARE' || job.phase === 'BACKFILL');
}

/**
 * The backfill pace in force for a FULL job, 0 = unlimited: the one an operator set on it, else the
 * adaptive pace its backfill last decided (REINDEX_PACE=auto), else REINDEX_MAX_DOCS_PER_SECOND.
 * Null once the backfill is over (or for a PARTIAL job): no pace is in force then.
 */
export function paceOf(job: Job, pacing: ServicePacing): number | null {
  if (!backfillAhead(job)) return null;
  return job.maxDocsPerSecond ?? (pacing.pace === 'auto' && job.pace ? job.pace.docsPerSecond : pacing.maxDocsPerSecond);
}

/** Who set the pace paceOf gives; null when it gives none. */
export function paceSetBy(job: Job, pacing: ServicePacing): 'operator' | 'auto' | 'REINDEX_MAX_DOCS_PER_SECOND' | null {
  if (!backfillAhead(job)) return null;
  if (job.maxDocsPerSecond !== null) return 'operator';
  return pacing.pace === 'auto' && job.pace ? 'auto' : 'REINDEX_MAX_DOCS_PER_SECOND';
}

/** The adaptive pace as the API shows it: `overridden` while an operator's pace is in force. */
export type AdaptivePaceView = Omit<JobPace, 'state'> & { readonly state: PaceState | 'overridden' };

/**
 * What the adaptive pacing decided last, as it stands: while an operator's pace is in force, that
 * pace, saying the adaptive one waits for it to be handed back (its own last decision would name
 * another rate than the one the job goes at).
 */
export function adaptivePaceOf(job: Job, pacing: ServicePacing): AdaptivePaceView | null {
  if (!job.pace || paceSetBy(job, pacing) !== 'operator') return job.pace;
  const rate = job.maxDocsPerSecond === 0 ? 'unlimited' : `${job.maxDocsPerSecond} documents/s`;
  return { ...job.pace, state: 'overridden', docsPerSecond: job.maxDocsPerSecond!, reason: `an operator set the pace (${rate}): the adaptive pace goes on from it once handed back` };
}
