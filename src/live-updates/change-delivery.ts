import type { LiveUpdatesException } from './live-updates.exception.js';

/** One received message and the ways to settle it; the consumer's only view of the broker. */
export interface ChangeDelivery {
  /** 1 for the first delivery, then one more per pass through the retry queue. */
  readonly attempt: number;
  /** When the change was published (ms since the epoch), if the message says; retries keep the first. */
  readonly publishedAt: number | null;
  ack(): void;
  /** Hands the message back to the broker for redelivery now. */
  requeue(): void;
  /** Resolves once the broker confirmed the copy in the retry queue. */
  sendToRetry(delayMs: number): Promise<void>;
  /** Resolves once the broker confirmed the copy, with the reason, in the dead-letter queue. */
  sendToDeadLetter(error: LiveUpdatesException): Promise<void>;
}
