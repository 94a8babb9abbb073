import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';

/**
 * How often a failing change is tried (first delivery included) and how long it waits
 * in the retry queue between tries.
 */
@Injectable()
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly delayMs: number;

  constructor(config?: AppConfig) {
    this.maxAttempts = config?.rabbitmq.maxAttempts ?? 5;
    this.delayMs = config?.rabbitmq.retryDelayMs ?? 5000;
  }
}

/**
 * The one retry-or-dead-letter decision, for RabbitMQ messages and outbox rows alike: null
 * when the failure is worth another attempt, else why the change goes to the dead-letter
 * queue. A LiveUpdatesException can never succeed; anything else is retried until attempt
 * `maxAttempts`. `attempt` counts the one that just failed (1 for the first).
 */
export function deadLetterReason(policy: Pick<RetryPolicy, 'maxAttempts'>, error: unknown, attempt: number): LiveUpdatesException | null {
  if (error instanceof LiveUpdatesException) return error;
  if (attempt < policy.maxAttempts) return null;
  return new LiveUpdatesException(LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED, `failed ${attempt} times, last: ${error instanceof Error ? error.message : String(error)}`);
}
