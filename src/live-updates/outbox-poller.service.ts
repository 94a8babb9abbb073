import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { OutboxStore, type OutboxRow, type OutboxSettlement } from '../job-store/index.js';
import { Metrics } from '../metrics/index.js';
import { ChangeHandler } from './change-handler.js';
import { toEntityChange } from './change-message.dto.js';
import { ChangePublisher } from './change-publisher.service.js';
import type { EntityChange } from './entity-change.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';
import { TIMESTAMP_MS_HEADER } from './rabbitmq-change-delivery.js';
import { deadLetterReason, RetryPolicy } from './retry-policy.js';

/** Distinct changes of a batch applied at once; the handler is idempotent and re-reads rows, so order does not matter. */
const CONCURRENCY = 8;

export interface OutboxPollResult {
  /** Rows this poll locked (others may be held by another replica, or not be due yet). */
  readonly locked: number;
  readonly applied: number;
  /** Rows whose copy the dead-letter queue confirmed (and which are deleted). */
  readonly deadLettered: number;
  /** Rows left in the outbox for a later poll: failed below the attempt limit, or dead letters the queue did not take yet. */
  readonly deferred: number;
}

/**
 * The outbox change source (OUTBOX_ENABLED). Every OUTBOX_POLL_INTERVAL_MS it takes up
 * to OUTBOX_BATCH_SIZE due rows of `reindexer_outbox` in id order (rows another replica
 * holds are skipped, not waited for), validates each like a RabbitMQ message, applies it
 * with the same ChangeHandler and deletes it. Failures are settled with the consumer's
 * decision (deadLetterReason), and their state lives on the row, so every replica counts
 * the same attempts and waits the same delay: a row that failed below RABBITMQ_MAX_ATTEMPTS
 * is tried again RABBITMQ_RETRY_DELAY_MS later; one that is invalid, unprocessable or out of
 * attempts is copied to the dead-letter queue with its reason and deleted. A dead letter the
 * queue does not confirm stays in the table as one (`dead_letter_reason`) and is never applied
 * again; its copy is sent again after each delay until the queue confirms it.
 */
@Injectable()
export class OutboxPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxPoller.name);
  private timer?: NodeJS.Timeout;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly store: OutboxStore,
    private readonly handler: ChangeHandler,
    private readonly publisher: ChangePublisher,
    private readonly retryPolicy: RetryPolicy,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outbox.enabled) return;
    if (this.config.reindex.mode === 'observe') {
      this.logger.log('REINDEX_MODE=observe: reindexer_outbox is not polled');
      return;
    }
    this.logger.log(`polling reindexer_outbox every ${this.config.outbox.pollIntervalMs} ms, up to ${this.config.outbox.batchSize} rows at a time`);
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in progress, before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** One poll: applies, dead-letters or defers each row of one batch. */
  async pollOnce(): Promise<OutboxPollResult> {
    let outcome = { applied: 0, deadLettered: 0, deferred: 0 };
    const locked = await this.store.drain(this.config.outbox.batchSize, async (rows) => {
      const settled = await this.settleBatch(rows);
      outcome = { applied: settled.applied, deadLettered: settled.deadLettered, deferred: settled.settlements.filter((settlement) => settlement.outcome === 'defer').length };
      return settled.settlements;
    });
    return { locked, ...(locked > 0 ? outcome : { applied: 0, deadLettered: 0, deferred: 0 }) };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.pollOnce().then(
        // A full batch that made progress means a backlog: go on at once.
        (result) => this.schedule(result.locked === this.config.outbox.batchSize && result.deferred < result.locked ? 0 : this.config.outbox.pollIntervalMs),
        (error: Error) => {
          this.logger.warn(`outbox poll failed, rows stay for the next one: ${error.message}`);
          this.schedule(this.config.outbox.pollIntervalMs);
        },
      );
    }, delayMs);
  }

  private async settleBatch(rows: readonly OutboxRow[]): Promise<{ settlements: OutboxSettlement[]; applied: number; deadLettered: number }> {
    const settlements: OutboxSettlement[] = [];
    let applied = 0;
    let deadLettered = 0;
    const settle = (settlement: OutboxSettlement, as: 'applied' | 'failed') => {
      settlements.push(settlement);
      if (settlement.outcome === 'delete') {
        if (as === 'applied') applied++;
        else deadLettered++;
      }
    };
    const changes = new Map<string, { change: EntityChange; rows: OutboxRow[] }>();
    for (const row of rows) {
      if (row.deadLetterReason !== null) {
        // Dead-lettered by an earlier poll whose copy the queue did not confirm: never applied again.
        settle(await this.deadLetter(row, new LiveUpdatesException(row.deadLetterReason as LiveUpdatesErrorCode, row.lastError ?? ''), row.attempts), 'failed');
        continue;
      }
      let change: EntityChange;
      try {
        change = toEntityChange({ entity: row.entity, id: row.entityId, op: row.op });
      } catch (error) {
        const invalid = error instanceof LiveUpdatesException ? error : new LiveUpdatesException(LiveUpdatesErrorCode.INVALID_MESSAGE, String(error));
        settle(await this.onFailure(row, invalid), 'failed');
        continue;
      }
      // The handler re-reads the row whatever the op: one call settles every row naming it.
      const key = `${change.entity}:${change.id}`;
      const same = changes.get(key);
      if (same) same.rows.push(row);
      else changes.set(key, { change, rows: [row] });
    }
    await forEachConcurrently([...changes.values()], CONCURRENCY, async ({ change, rows: named }) => {
      try {
        await this.handler.handle(change);
        for (const row of named) {
          settle({ id: row.id, outcome: 'delete' }, 'applied');
          this.metrics.liveChangeWritten('outbox', row.ageMs / 1000);
        }
      } catch (error) {
        for (const row of named) settle(await this.onFailure(row, error), 'failed');
      }
    });
    return { settlements, applied, deadLettered };
  }

  /** Counts the failed attempt on the row: tried again after the retry delay, or dead-lettered. */
  private async onFailure(row: OutboxRow, error: unknown): Promise<OutboxSettlement> {
    const attempts = row.attempts + 1;
    const reason = deadLetterReason(this.retryPolicy, error, attempts);
    if (reason) return this.deadLetter(row, reason, attempts);
    const message = error instanceof Error ? error.message : String(error);
    this.metrics.liveChangeSettled('outbox', 'retried');
    this.logger.warn(`outbox row ${row.id}: attempt ${attempts} of ${this.retryPolicy.maxAttempts} failed, retrying in ${this.retryPolicy.delayMs} ms: ${message}`);
    return { id: row.id, outcome: 'defer', attempts, error: message, deadLetterReason: null, delayMs: this.retryPolicy.delayMs };
  }

  /** Copies the row to the dead-letter queue, then it may be deleted; unconfirmed, the row stays as a dead letter and is sent again later. */
  private async deadLetter(row: OutboxRow, error: LiveUpdatesException, attempts: number): Promise<OutboxSettlement> {
    const body = JSON.stringify({ entity: row.entity, id: row.entityId, op: row.op });
    try {
      // Stamped with when the application wrote the row: the dead letter's first sighting.
      await this.publisher.publishDeadLetter(body, error, attempts, { 'x-source': 'outbox', 'x-outbox-id': String(row.id), [TIMESTAMP_MS_HEADER]: String(Date.now() - row.ageMs) });
    } catch (publishError) {
      this.logger.error(
        `outbox row ${row.id} is dead-lettered (${error.code}: ${error.message}) but the dead-letter queue did not take it; ` +
          `kept as one, sent again in ${this.retryPolicy.delayMs} ms: ${(publishError as Error).message}`,
      );
      return { id: row.id, outcome: 'defer', attempts, error: error.message, deadLetterReason: error.code, delayMs: this.retryPolicy.delayMs };
    }
    this.metrics.liveChangeSettled('outbox', 'dead_lettered');
    this.logger.warn(`dead-lettered outbox row ${row.id} ${body} (${error.code}): ${error.message}`);
    return { id: row.id, outcome: 'delete' };
  }
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
