import type { Job, JobPace, PaceState } from '../job-store/index.js';
import { paceInForce, type PaceInForce, type ServicePacing } from '../reindex/index.js';

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

/** A FULL job whose backfill runs or is still to come: the only jobs a pace applies to. */
function backfillAhead(job: Job): boolean {
  const ended = job.status === 'COMPLETED' || job.status === 'FAILED' || job.status === 'CANCELLED';
  return job.kind === 'FULL' && !ended && (job.phase === null || job.phase === 'PREPARE' || job.phase === 'BACKFILL');
}

/** The pace in force for a FULL job (paceInForce, from what the job has persisted); null once its backfill is over, or for a PARTIAL job. */
function jobPace(job: Job, pacing: ServicePacing): PaceInForce | null {
  return backfillAhead(job) ? paceInForce(job.maxDocsPerSecond, job.pace?.docsPerSecond ?? null, pacing) : null;
}

/** The backfill pace in force for a FULL job, 0 = unlimited; null when none is in force. */
export function paceOf(job: Job, pacing: ServicePacing): number | null {
  return jobPace(job, pacing)?.docsPerSecond ?? null;
}

/** Who set the pace paceOf gives; null when it gives none. */
export function paceSetBy(job: Job, pacing: ServicePacing): PaceInForce['setBy'] | null {
  return jobPace(job, pacing)?.setBy ?? null;
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
