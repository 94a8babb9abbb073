import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkFailure, BulkOperation, BulkResult, SearchGateway } from './search-gateway.js';

export interface ThrottleRetry {
  /** Extra sends of the documents still rejected with 429. */
  readonly retries: number;
  /** Pause before the first resend; doubled for each further one (with up to 50 % jitter). */
  readonly firstDelayMs: number;
}

/** About 0.7 s in all: a burst of back-pressure passes, a longer overload goes to the caller's own retry. */
export const LIVE_WRITE_THROTTLE_RETRY: ThrottleRetry = { retries: 3, firstDelayMs: 100 };

/**
 * A per-document 429 means the node's write queue or indexing-pressure limit was full for a
 * moment (a backfill's bulks compete for both). As the client's bulk helper does, only those
 * documents are sent again after a short pause; any other rejection is returned at once.
 */
export async function bulkRetryingThrottled(gateway: SearchGateway, index: string, operations: readonly BulkOperation[], retry: ThrottleRetry): Promise<BulkResult> {
  let pending = operations;
  let written = 0;
  let staleSkipped = 0;
  const failures: BulkFailure[] = [];
  for (let attempt = 0; ; attempt++) {
    const result = await gateway.bulk(index, pending);
    written += result.written;
    staleSkipped += result.staleSkipped;
    const throttled = result.failures.filter((failure) => failure.status === 429);
    failures.push(...result.failures.filter((failure) => failure.status !== 429));
    if (throttled.length === 0 || attempt === retry.retries) return { written, staleSkipped, failures: [...failures, ...throttled] };
    const throttledIds = new Set(throttled.map((failure) => failure.id));
    pending = pending.filter((operation) => throttledIds.has(operation.id));
    await sleep(retry.firstDelayMs * 2 ** attempt * (1 + Math.random() / 2));
  }
}
