import type { Job } from '../../job-store/index.js';
import { hasSwapped } from '../state-machine/job-state-machine.js';

/** What a job does once an attempt of its step has failed for good (retries exhausted or permanent). */
export type FailureDecision = { readonly action: 'pause'; readonly reason: string; readonly failingSince: Date } | GiveUp;

/** The job ends: FAILED before its swap, COMPLETED without its cleanup after it (JobEndings carries it out). */
export type GiveUp = { readonly action: 'fail'; readonly reason: string } | GiveUpAfterSwap;

/** Past the swap a job cannot fail (its index is live): giving up ends it without its cleanup. */
export interface GiveUpAfterSwap {
  readonly action: 'end-without-cleanup';
  readonly reason: string;
}

/** What the recovery check does with a paused job. */
export type RecoveryDecision = { readonly action: 'resume' } | GiveUp | { readonly action: 'wait' };

export interface FailurePolicyLimits {
  readonly maxRetries: number;
  readonly pauseTimeoutMs: number;
}

/**
 * A step that failed after its retries pauses the job; a permanent error, or a run of failures
 * older than the pause timeout, fails it. The run counts from its first pause (`failingSince`),
 * which auto-resumes do not reset and only a completed step clears: a job whose step fails every
 * time ends FAILED instead of cycling pause → resume forever.
 */
export function afterFailedStep(job: Pick<Job, 'failingSince' | 'phase'>, error: { message: string; permanent: boolean }, now: Date, limits: FailurePolicyLimits): FailureDecision {
  if (error.permanent) return giveUp(job, error.message);
  const failingSince = job.failingSince ?? now;
  const failingForMs = now.getTime() - failingSince.getTime();
  if (failingForMs > limits.pauseTimeoutMs) return giveUp(job, failingTooLong(failingForMs, error.message));
  return { action: 'pause', reason: `paused after ${limits.maxRetries} retries: ${error.message}`, failingSince };
}

/** Retry-paused jobs resume once MySQL and OpenSearch answer, and fail once their run of failures is too old; operator pauses wait. */
export function onRecoveryCheck(job: Pick<Job, 'pausedBy' | 'pausedAt' | 'failingSince' | 'lastError' | 'phase'>, now: Date, servicesAnswer: boolean, limits: FailurePolicyLimits): RecoveryDecision {
  if (job.pausedBy !== 'retries-exhausted') return { action: 'wait' };
  const since = job.failingSince ?? job.pausedAt ?? now;
  const failingForMs = now.getTime() - since.getTime();
  if (failingForMs > limits.pauseTimeoutMs) return giveUp(job, failingTooLong(failingForMs, job.lastError ?? 'none'));
  return servicesAnswer ? { action: 'resume' } : { action: 'wait' };
}

/** FAILED before the swap; after it, the new index serves and the job ends without the rest of its cleanup. */
function giveUp(job: Pick<Job, 'phase'>, reason: string): GiveUp {
  if (!hasSwapped(job.phase)) return { action: 'fail', reason };
  return { action: 'end-without-cleanup', reason: `the new index serves; cleanup given up (the indices it could not delete are left for the next cleanup of the alias): ${reason}` };
}

function failingTooLong(failingForMs: number, lastError: string): string {
  return `failing for ${Math.round(failingForMs / 1000)} s, longer than REINDEX_PAUSE_TIMEOUT_MS; last error: ${lastError}`;
}
