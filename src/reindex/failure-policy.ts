import type { Job } from '../job-store/job.js';

/** What a job does once an attempt of its step has failed for good (retries exhausted or permanent). */
export type FailureDecision =
  | { readonly action: 'pause'; readonly reason: string; readonly failingSince: Date }
  | { readonly action: 'fail'; readonly reason: string };

/** What the recovery check does with a paused job. */
export type RecoveryDecision = { readonly action: 'resume' } | { readonly action: 'fail'; readonly reason: string } | { readonly action: 'wait' };

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
export function afterFailedStep(job: Pick<Job, 'failingSince'>, error: { message: string; permanent: boolean }, now: Date, limits: FailurePolicyLimits): FailureDecision {
  if (error.permanent) return { action: 'fail', reason: error.message };
  const failingSince = job.failingSince ?? now;
  const failingForMs = now.getTime() - failingSince.getTime();
  if (failingForMs > limits.pauseTimeoutMs) return { action: 'fail', reason: failingTooLong(failingForMs, error.message) };
  return { action: 'pause', reason: `paused after ${limits.maxRetries} retries: ${error.message}`, failingSince };
}

/** Retry-paused jobs resume once MySQL and OpenSearch answer, and fail once their run of failures is too old; operator pauses wait. */
export function onRecoveryCheck(job: Pick<Job, 'pausedBy' | 'pausedAt' | 'failingSince' | 'lastError'>, now: Date, servicesAnswer: boolean, limits: FailurePolicyLimits): RecoveryDecision {
  if (job.pausedBy !== 'retries-exhausted') return { action: 'wait' };
  const since = job.failingSince ?? job.pausedAt ?? now;
  const failingForMs = now.getTime() - since.getTime();
  if (failingForMs > limits.pauseTimeoutMs) return { action: 'fail', reason: failingTooLong(failingForMs, job.lastError ?? 'none') };
  return servicesAnswer ? { action: 'resume' } : { action: 'wait' };
}

function failingTooLong(failingForMs: number, lastError: string): string {
  return `failing for ${Math.round(failingForMs / 1000)} s, longer than REINDEX_PAUSE_TIMEOUT_MS; last error: ${lastError}`;
}
