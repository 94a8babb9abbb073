import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { OutboxStore, type OutboxRow } from '../job-store/outbox-store.js';
import { ChangeHandler } from './change-handler.js';
import { toEntityChange } from './change-message.dto.js';
import { ChangePublisher } from './change-publisher.service.js';
import type { EntityChange } from './entity-change.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';
import { RetryPolicy } from './retry-policy.js';

/** Distinct changes of a batch applied at once; the handler is idempotent and re-reads rows, so order does not matter. */
const CONCURRENCY = 8;

export interface OutboxPollResult {
  /** Rows this poll locked (others may be held by another replica). */
  readonly locked: number;
  readonly applied: number;
  readonly deadLettered: number;
  /** Rows left in the outbox for a later poll (failed below the attempt limit, or waiting out their retry delay). */
  readonly deferred: number;
}

/**
 * The outbox change source (OUTBOX_ENABLED). Every OUTBOX_POLL_INTERVAL_MS it takes up
 * to OUTBOX_BATCH_SIZE rows of `reindexer_outbox` in id order (rows another replica holds
 * are skipped, not waited for), validates each like a RabbitMQ message, applies it with
 * the same ChangeHandler and deletes it. Failures are settled like the consumer's: a row
 * that is invalid or unprocessable, or failed RABBITMQ_MAX_ATTEMPTS times (tries
 * RABBITMQ_RETRY_DELAY_MS apart), is copied to the dead-letter queue with its reason and
 * deleted, so it never holds up the rows behind it.
 */
@Injectable()
export class OutboxPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxPoller.name);
  /** Failed attempts of rows still in the outbox, counted by this replica. */
  private readonly retries = new Map<bigint, { attempts: number; notBefore: number }>();
  private timer?: NodeJS.Timeout;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly store: OutboxStore,
    private readonly handler: ChangeHandler,
    private readonly publisher: ChangePublisher,
    private readonly retryPolicy: RetryPolicy,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outbox.enabled) return;
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
      const settled = await this.applyBatch(rows);
      outcome = { applied: settled.applied.length, deadLettered: settled.deadLettered.length, deferred: rows.length - settled.applied.length - settled.deadLettered.length };
      return [...settled.applied, ...settled.deadLettered];
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

  private async applyBatch(rows: readonly OutboxRow[]): Promise<{ applied: bigint[]; deadLettered: bigint[] }> {
    const applied: bigint[] = [];
    const deadLettered: bigint[] = [];
    // Rows older than the oldest one left are gone (applied here or by another replica).
    for (const id of this.retries.keys()) if (id < rows[0].id) this.retries.delete(id);
    const now = Date.now();
    const changes = new Map<string, { change: EntityChange; rows: OutboxRow[] }>();
    for (const row of rows) {
      if ((this.retries.get(row.id)?.notBefore ?? 0) > now) continue;
      let change: EntityChange;
      try {
        change = toEntityChange({ entity: row.entity, id: row.entityId, op: row.op });
      } catch (error) {
        const invalid = error instanceof LiveUpdatesException ? error : new LiveUpdatesException(LiveUpdatesErrorCode.INVALID_MESSAGE, String(error));
        if (await this.deadLetter(row, invalid, 1)) deadLettered.push(row.id);
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
          this.retries.delete(row.id);
          applied.push(row.id);
        }
      } catch (error) {
        for (const row of named) if (await this.onFailure(row, error)) deadLettered.push(row.id);
      }
    });
    return { applied, deadLettered };
  }

  /** True when the row was dead-lettered (and may be deleted). */
  private async onFailure(row: OutboxRow, error: unknown): Promise<boolean> {
    const attempts = (this.retries.get(row.id)?.attempts ?? 0) + 1;
    const message = error instanceof Error ? error.message : String(error);
    let permanent: LiveUpdatesException | null = error instanceof LiveUpdatesException ? error : null;
    if (!permanent && attempts >= this.retryPolicy.maxAttempts) {
      permanent = new LiveUpdatesException(LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED, `failed ${attempts} times, last: ${message}`);
    }
    if (permanent) return this.deadLetter(row, permanent, attempts);
    this.retries.set(row.id, { attempts, notBefore: Date.now() + this.retryPolicy.delayMs });
    this.logger.warn(`outbox row ${row.id}: attempt ${attempts} of ${this.retryPolicy.maxAttempts} failed, retrying in ${this.retryPolicy.delayMs} ms: ${message}`);
    return false;
  }

  /** Copies the row to the dead-letter queue; false (the row stays) when the broker did not confirm it. */
  private async deadLetter(row: OutboxRow, error: LiveUpdatesException, attempts: number): Promise<boolean> {
    const body = JSON.stringify({ entity: row.entity, id: row.entityId, op: row.op });
    try {
      await this.publisher.publishDeadLetter(body, error, attempts, { 'x-source': 'outbox', 'x-outbox-id': String(row.id) });
    } catch (publishError) {
      this.logger.error(`outbox row ${row.id} cannot be applied (${error.code}: ${error.message}) nor dead-lettered, kept for the next poll: ${(publishError as Error).message}`);
      return false;
    }
    this.retries.delete(row.id);
    this.logger.warn(`dead-lettered outbox row ${row.id} ${body} (${error.code}): ${error.message}`);
    return true;
  }
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
