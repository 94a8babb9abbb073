import { Logger } from '@nestjs/common';
import { Metrics } from '../metrics/index.js';
import { ChangeConsumer } from './change-consumer.service.js';
import type { ChangeDelivery } from './change-delivery.js';
import { ChangeHandler } from './change-handler.js';
import type { EntityChange } from './entity-change.js';
import { LiveUpdatesErrorCode, LiveUpdatesException } from './live-updates.exception.js';

class FakeDelivery implements ChangeDelivery {
  readonly settled: string[] = [];
  deadLetter?: LiveUpdatesException;
  retryDelayMs?: number;
  failPublish = false;

  constructor(
    readonly attempt = 1,
    readonly publishedAt: number | null = null,
  ) {}

  ack(): void {
    this.settled.push('ack');
  }

  requeue(): void {
    this.settled.push('requeue');
  }

  sendToRetry(delayMs: number): Promise<void> {
    if (this.failPublish) return Promise.reject(new Error('channel closed'));
    this.retryDelayMs = delayMs;
    this.settled.push('retry');
    return Promise.resolve();
  }

  sendToDeadLetter(error: LiveUpdatesException): Promise<void> {
    if (this.failPublish) return Promise.reject(new Error('channel closed'));
    this.deadLetter = error;
    this.settled.push('dead-letter');
    return Promise.resolve();
  }
}

class ScriptedHandler extends ChangeHandler {
  readonly received: EntityChange[] = [];
  failWith?: Error;

  handle(change: EntityChange): Promise<void> {
    this.received.push(change);
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve();
  }
}

describe('ChangeConsumer', () => {
  const policy = { maxAttempts: 3, delayMs: 250 };
  let handler: ScriptedHandler;
  let consumer: ChangeConsumer;
  let metrics: Metrics;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    handler = new ScriptedHandler();
    metrics = new Metrics();
    consumer = new ChangeConsumer(handler, policy, metrics);
  });

  const json = (body: unknown) => ({ kind: 'json', body }) as const;

  it('hands a valid change to the handler and acks after it resolved', async () => {
    const delivery = new FakeDelivery();
    await consumer.consume(json({ entity: 'venue', id: '42', op: 'delete', extra: 'ignored' }), delivery);
    expect(handler.received).toEqual([{ entity: 'venue', id: '42', op: 'delete' }]);
    expect(delivery.settled).toEqual(['ack']);
  });

  it('dead-letters a body that is not JSON without calling the handler', async () => {
    const delivery = new FakeDelivery();
    await consumer.consume({ kind: 'not-json' }, delivery);
    expect(handler.received).toEqual([]);
    expect(delivery.settled).toEqual(['dead-letter', 'ack']);
    expect(delivery.deadLetter?.code).toBe(LiveUpdatesErrorCode.NOT_JSON);
  });

  it.each([
    ['an entity that is no name', { entity: 'Ticket!', id: '1', op: 'upsert' }, /entity must be a lowercase name/],
    ['a numeric id', { entity: 'event', id: 1, op: 'upsert' }, /id must be a string of 1 to 20 digits/],
    ['an id with letters', { entity: 'event', id: '12a', op: 'upsert' }, /id must be/],
    ['an empty id', { entity: 'event', id: '', op: 'upsert' }, /id must be/],
    ['a missing op', { entity: 'event', id: '1' }, /op must be one of upsert, delete/],
    ['an array', [{ entity: 'event', id: '1', op: 'upsert' }], /JSON object/],
    ['null', null, /JSON object/],
  ])('dead-letters %s as an invalid message', async (_name, body, detail) => {
    const delivery = new FakeDelivery();
    await consumer.consume(json(body), delivery);
    expect(handler.received).toEqual([]);
    expect(delivery.settled).toEqual(['dead-letter', 'ack']);
    expect(delivery.deadLetter?.code).toBe(LiveUpdatesErrorCode.INVALID_MESSAGE);
    expect(delivery.deadLetter?.message).toMatch(detail);
  });

  it('sends a failed change to the retry queue below the attempt limit', async () => {
    handler.failWith = new Error('OpenSearch timed out');
    const delivery = new FakeDelivery(2);
    await consumer.consume(json({ entity: 'event', id: '7', op: 'upsert' }), delivery);
    expect(delivery.settled).toEqual(['retry', 'ack']);
    expect(delivery.retryDelayMs).toBe(250);
  });

  it('dead-letters a change that failed on its last attempt', async () => {
    handler.failWith = new Error('OpenSearch timed out');
    const delivery = new FakeDelivery(3);
    await consumer.consume(json({ entity: 'event', id: '7', op: 'upsert' }), delivery);
    expect(delivery.settled).toEqual(['dead-letter', 'ack']);
    expect(delivery.deadLetter?.code).toBe(LiveUpdatesErrorCode.ATTEMPTS_EXHAUSTED);
    expect(delivery.deadLetter?.message).toMatch(/failed 3 times, last: OpenSearch timed out/);
  });

  it('dead-letters at once a change the handler declares unprocessable', async () => {
    handler.failWith = new LiveUpdatesException(LiveUpdatesErrorCode.UNPROCESSABLE_CHANGE, 'mapper_parsing_exception');
    const delivery = new FakeDelivery(1);
    await consumer.consume(json({ entity: 'event', id: '7', op: 'upsert' }), delivery);
    expect(delivery.settled).toEqual(['dead-letter', 'ack']);
    expect(delivery.deadLetter).toBe(handler.failWith);
  });

  it('neither acks nor throws when the copy cannot be published, and hands the message back', async () => {
    handler.failWith = new Error('OpenSearch timed out');
    const delivery = new FakeDelivery(1);
    delivery.failPublish = true;
    await expect(consumer.consume(json({ entity: 'event', id: '7', op: 'upsert' }), delivery)).resolves.toBeUndefined();
    expect(delivery.settled).toEqual(['requeue']);
  });
  it('counts each outcome and measures the publish-to-written lag of an applied change', async () => {
    await consumer.consume(json({ entity: 'event', id: '1', op: 'upsert' }), new FakeDelivery(1, Date.now() - 1500));
    await consumer.consume({ kind: 'not-json' }, new FakeDelivery());
    handler.failWith = new Error('MySQL went away');
    await consumer.consume(json({ entity: 'event', id: '2', op: 'upsert' }), new FakeDelivery(1));
    const unsettled = new FakeDelivery(1);
    unsettled.failPublish = true;
    await consumer.consume(json({ entity: 'event', id: '3', op: 'upsert' }), unsettled);

    const outcomes = (await metrics.registry.getSingleMetric('reindexer_live_changes_total')!.get()).values.map(({ labels, value }) => [labels.outcome, value]);
    expect(Object.fromEntries(outcomes)).toEqual({ applied: 1, dead_lettered: 1, retried: 1, requeued: 1 });
    const lag = await metrics.registry.getSingleMetricAsString('reindexer_live_change_lag_seconds');
    expect(Number(/_sum\{source="rabbitmq"\} (\S+)/.exec(lag)?.[1])).toBeGreaterThanOrEqual(1.5);
    expect(lag).toContain('reindexer_live_change_lag_seconds_count{source="rabbitmq"} 1');
  });
});
