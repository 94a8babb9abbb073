import type { Logger } from '@nestjs/common';
import type { Job, JobStore } from '../../job-store/index.js';
import { JobReleasedError } from './job-released.error.js';

export interface LeaseHeartbeat {
  /** Renews the lease, and throws unless this attempt still holds the job: called right before an irreversible act. */
  readonly fence: () => Promise<void>;
  readonly stop: () => void;
}

/**
 * Renews the claim's lease four times per lease. A job that is no longer this claim's (paused,
 * cancelled, taken over) aborts the attempt; one whose lease cannot be renewed (MySQL down) stops
 * it, handing the job back, before the lease can expire and another replica take it over.
 */
export function startLeaseHeartbeat(store: JobStore, job: Job, leaseToken: string, leaseMs: number, abort: AbortController, logger: Logger): LeaseHeartbeat {
  let renewedAt = Date.now();
  const renew = async () => {
    if (!(await store.renewLease(job.id, leaseToken, leaseMs))) {
      throw new JobReleasedError(`job ${job.id} is no longer this claim's (paused, cancelled or taken over)`);
    }
    renewedAt = Date.now();
  };
  const timer = setInterval(() => {
    renew().catch((error: Error) => {
      if (error instanceof JobReleasedError) return abort.abort(error);
      logger.warn(`lease renewal failed: ${error.message}`);
      // Stop before the lease can expire: past that another replica may take the job over.
      if (Date.now() - renewedAt > (leaseMs * 2) / 3) abort.abort(new JobReleasedError(`lease not renewed for ${Date.now() - renewedAt} ms (${error.message})`, true));
    });
  }, Math.max(200, Math.floor(leaseMs / 4)));
  const fence = async () => {
    abort.signal.throwIfAborted();
    await renew();
  };
  return { fence, stop: () => clearInterval(timer) };
}
