import type { EntityChange } from './entity-change.js';

/**
 * Applies one validated change (re-reads the row and writes the documents it touches).
 * The consumer acks only after `handle` resolves. A rejection is retried with a delay
 * until the attempt limit; throw a `LiveUpdatesException` with code
 * `UNPROCESSABLE_CHANGE` for a change that can never succeed, to dead-letter it at once.
 * Must be idempotent: a change can be delivered more than once.
 */
export abstract class ChangeHandler {
  abstract handle(change: EntityChange): Promise<void>;
}
