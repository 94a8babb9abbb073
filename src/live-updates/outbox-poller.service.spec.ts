import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import { OutboxStore, type OutboxRow, type OutboxSettlement } from '../job-store/index.js';
import { Metrics } from '../metrics/index.js';
import { ChangeHandler } from './change-handler.js';
import type { ChangePublisher } from './change-publisher.service.js';
import type { EntityChange } from './entity-change.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';
import { OutboxPoller } from './outbox-poller.service.js';

/** The outbox table in memory, with the store's contract: due rows only, none locked twice, settlements written at the end. */
class MemoryOutbox extends OutboxStore {
  rows: (OutboxRow & { nextAttemptAt: number })[] = [];
  drains = 0;
  now = 0;
  private readonly locked = new Set<bigint>();
  private nextId = 1n;

  add(entity: string, entityId: string, op = 'upsert'): bigint {
    const id = this.nextId++;
    this.rows.push({ id, entity, entityId, op, ageMs: 0, attempts: 0, lastError: null, deadLetterReason: null, nextAttemptAt: 0 });
    return id;
  }

  row(id: bigint) {
    return this.rows.find((row) => row.id === id);
  }

  backlog(): Promise<{ rows: number; oldestAgeSeconds: number | null }> {
    return Promise.resolve({ rows: this.rows.length, oldestAgeSeconds: null });
  }

  async drain(limit: number, settle: (rows: readonly OutboxRow[]) => Promise<readonly OutboxSettlement[]>): Promise<number> {
    this.drains++;
    const batch = this.rows.filter((row) => row.nextAttemptAt <= this.now && !this.locked.has(row.id)).slice(0, limit);
    if (batch.length === 0) return 0;
    for (const row of batch) this.locked.add(row.id);
    try {
      for (const settlement of await settle(batch.map((row) => ({ ...row })))) {
        const index = this.rows.findIndex((row) => row.id === settlement.id);
        if (settlement.outcome === 'delete') this.rows.splice(index, 1);
        else this.rows[index] = { ...this.rows[index], attempts: settlement.attempts, lastError: settlement.error, deadLetterReason: settlement.deadLetterReason, nextAttemptAt: this.now + settlement.delayMs };
      }
    } finally {
      for (const row of batch) this.locked.delete(row.id);
    }
    return batch.length;
  }
}

class ScriptedHandler extends ChangeHandler {
  readonly received: EntityChange[] = [];
  failFor = new Map<string, Error>();

  handle(change: EntityChange): Promise<void> {
    this.received.push(change);
    const error = this.failFor.get(change.id);
    return error ? Promise.reject(error) : Promise.resolve();
  }
}

class FakeDeadLetters {
  readonly sent: { body: string; code: string; message: string; attempts: number; headers: Record<string, string> }[] = [];
  fail = false;

  publishDeadLetter(body: string, error: LiveUpdatesException, attempts: number, headers: Record<string, string> = {}): Promise<void> {
    if (this.fail) return Promise.reject(new Error('channel closed'));
    this.sent.push({ body, code: error.code, message: error.message, attempts, headers });
    return Promise.resolve();
  }
}

describe('OutboxPoller', () => {
  let outbox: MemoryOutbox;
  let handler: ScriptedHandler;
  let deadLetters: FakeDeadLetters;
  let poller: OutboxPoller;
  const config = (enabled = true, mode: 'run' | 'observe' = 'run') => ({ outbox: { enabled, pollIntervalMs: 50, batchSize: 10 }, reindex: { mode } }) as AppConfig;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    outbox = new MemoryOutbox();
    handler = new ScriptedHandler();
    deadLetters = new FakeDeadLetters();
    poller = new OutboxPoller(config(), outbox, handler, deadLetters as unknown as ChangePublisher, { maxAttempts: 3, delayMs: 0 }, new Metrics());
  });

  afterEach(async () => {
    await poller.onModuleDestroy();
  });

  it('applies each row through the handler and deletes it', async () => {
    outbox.add('event', '1');
    outbox.add('venue', '2', 'delete');

    expect(await poller.pollOnce()).toEqual({ locked: 2, applied: 2, deadLettered: 0, deferred: 0 });
    expect(handler.received).toEqual([
      { entity: 'event', id: '1', op: 'upsert' },
      { entity: 'venue', id: '2', op: 'delete' },
    ]);
    expect(outbox.rows).toEqual([]);
  });

  it('applies rows naming the same entity once and deletes them all', async () => {
    outbox.add('event', '7');
    outbox.add('event', '7', 'delete');
    outbox.add('event', '7');

    expect(await poller.pollOnce()).toMatchObject({ locked: 3, applied: 3 });
    expect(handler.received).toHaveLength(1);
  });

  it('dead-letters an invalid row with its reason and the outbox id, and applies the rows after it', async () => {
    const bad = outbox.add('Ticket!', '1');
    outbox.add('event', '2');
    outbox.add('event', 'x', 'upsert');

    expect(await poller.pollOnce()).toEqual({ locked: 3, applied: 1, deadLettered: 2, deferred: 0 });
    expect(handler.received).toEqual([{ entity: 'event', id: '2', op: 'upsert' }]);
    expect(deadLetters.sent[0]).toEqual({
      body: JSON.stringify({ entity: 'Ticket!', id: '1', op: 'upsert' }),
      code: LiveUpdatesErrorCode.INVALID_MESSAGE,
      message: 'entity must be a lowercase name (letters, digits, _), such as "event"',
      attempts: 1,
      headers: { 'x-source': 'outbox', 'x-outbox-id': String(bad), timestamp_in_ms: expect.any(String) as string },
    });
    expect(outbox.rows).toEqual([]);
  });

  it('dead-letters at once a change the handler declares unprocessable', async () => {
    outbox.add('event', '3');
    handler.failFor.set('3', new LiveUpdatesException(LiveUpdatesErrorCode.UNPROCESSABLE_CHANGE, 'mapper_parsing_exception'));

    expect(await poller.pollOnce()).toMatchObject({ applied: 0, deadLettered: 1 });
    expect(deadLetters.sent[0]).toMatchObject({ code: LiveUpdatesErrorCode.UNPROCESSABLE_CHANGE, attempts: 1 });
  });

  it('counts a failing row\'s attempts on the row, without holding up the others, and dead-letters it at the attempt limit', async () => {
    const failing = outbox.add('event', '4');
    outbox.add('event', '5');
    handler.failFor.set('4', new Error('OpenSearch timed out'));

    expect(await poller.pollOnce()).toEqual({ locked: 2, applied: 1, deadLettered: 0, deferred: 1 });
    expect(outbox.row(failing)).toMatchObject({ attempts: 1, lastError: 'OpenSearch timed out', deadLetterReason: null });
    expect(await poller.pollOnce()).toEqual({ locked: 1, applied: 0, deadLettered: 0, deferred: 1 });
    expect(outbox.row(failing)).toMatchObject({ attempts: 2 });
    expect(await poller.pollOnce()).toEqual({ locked: 1, applied: 0, deadLettered: 1, deferred: 0 });
    expect(deadLetters.sent).toEqual([expect.objectContaining({ code: LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED, attempts: 3, message: 'failed 3 times, last: OpenSearch timed out' })]);
    expect(outbox.rows).toEqual([]);
  });

  it('asks the store not to hand a failed row out again before the retry delay', async () => {
    poller = new OutboxPoller(config(), outbox, handler, deadLetters as unknown as ChangePublisher, { maxAttempts: 3, delayMs: 60_000 }, new Metrics());
    const failing = outbox.add('event', '4');
    handler.failFor.set('4', new Error('OpenSearch timed out'));

    await poller.pollOnce();
    expect(await poller.pollOnce()).toMatchObject({ locked: 0 });
    expect(outbox.row(failing)).toMatchObject({ attempts: 1, nextAttemptAt: 60_000 });
    outbox.now = 60_000;
    expect(await poller.pollOnce()).toMatchObject({ locked: 1, deferred: 1 });

    expect(handler.received).toHaveLength(2);
    expect(outbox.row(failing)).toMatchObject({ attempts: 2, nextAttemptAt: 120_000 });
  });

  it('counts attempts once across two replicas polling the same outbox', async () => {
    const other = new OutboxPoller(config(), outbox, handler, deadLetters as unknown as ChangePublisher, { maxAttempts: 3, delayMs: 0 }, new Metrics());
    outbox.add('event', '4');
    handler.failFor.set('4', new Error('OpenSearch timed out'));

    await poller.pollOnce();
    await other.pollOnce();
    await poller.pollOnce();
    await other.pollOnce();

    expect(handler.received).toHaveLength(3);
    expect(deadLetters.sent).toEqual([expect.objectContaining({ code: LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED, attempts: 3 })]);
    expect(outbox.rows).toEqual([]);
  });

  it('keeps a dead letter the queue did not take as one: never applied again, its copy sent again until confirmed', async () => {
    const failing = outbox.add('event', '4');
    handler.failFor.set('4', new Error('OpenSearch timed out'));
    poller = new OutboxPoller(config(), outbox, handler, deadLetters as unknown as ChangePublisher, { maxAttempts: 1, delayMs: 0 }, new Metrics());
    deadLetters.fail = true;

    expect(await poller.pollOnce()).toEqual({ locked: 1, applied: 0, deadLettered: 0, deferred: 1 });
    expect(outbox.row(failing)).toMatchObject({ attempts: 1, deadLetterReason: LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED, lastError: 'failed 1 times, last: OpenSearch timed out' });
    expect(await poller.pollOnce()).toMatchObject({ deferred: 1 });
    deadLetters.fail = false;
    handler.failFor.clear();
    expect(await poller.pollOnce()).toEqual({ locked: 1, applied: 0, deadLettered: 1, deferred: 0 });

    expect(handler.received).toHaveLength(1);
    expect(deadLetters.sent).toEqual([
      { body: JSON.stringify({ entity: 'event', id: '4', op: 'upsert' }), code: LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED, message: 'failed 1 times, last: OpenSearch timed out', attempts: 1, headers: { 'x-source': 'outbox', 'x-outbox-id': String(failing), timestamp_in_ms: expect.any(String) as string } },
    ]);
    expect(outbox.rows).toEqual([]);
  });

  it('keeps an invalid row as a dead letter when the dead-letter queue cannot be reached', async () => {
    deadLetters.fail = true;
    const invalid = outbox.add('Ticket!', '1');

    expect(await poller.pollOnce()).toMatchObject({ deadLettered: 0, deferred: 1 });
    expect(outbox.row(invalid)).toMatchObject({ attempts: 1, deadLetterReason: LiveUpdatesErrorCode.INVALID_MESSAGE });
  });

  it('polls on its own when enabled, and never when disabled or under REINDEX_MODE=observe', async () => {
    outbox.add('event', '1');
    poller.onApplicationBootstrap();
    const disabled = new MemoryOutbox();
    const idle = new OutboxPoller(config(false), disabled, handler, deadLetters as unknown as ChangePublisher, { maxAttempts: 3, delayMs: 0 }, new Metrics());
    idle.onApplicationBootstrap();
    const observed = new MemoryOutbox();
    observed.add('event', '2');
    const observing = new OutboxPoller(config(true, 'observe'), observed, handler, deadLetters as unknown as ChangePublisher, { maxAttempts: 3, delayMs: 0 }, new Metrics());
    observing.onApplicationBootstrap();

    await new Promise((resolve) => setTimeout(resolve, 200));
    await idle.onModuleDestroy();
    await observing.onModuleDestroy();

    expect(outbox.rows).toEqual([]);
    expect(outbox.drains).toBeGreaterThan(1);
    expect(disabled.drains).toBe(0);
    expect(observed.drains).toBe(0);
    expect(observed.rows).toHaveLength(1);
  });
});
