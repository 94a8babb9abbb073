import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import type { EntityChange } from '../../src/live-updates/entity-change.js';
import { LiveUpdatesHealth } from '../../src/live-updates/live-updates-health.service.js';
import { rabbitMqMicroserviceOptions } from '../../src/live-updates/live-updates.microservice.js';
import type { LiveUpdatesServer } from '../../src/live-updates/live-updates.server.js';
import { TestContext } from '../support/test-context.js';
import { BrokerProbe, ScriptedChangeHandler, startLiveUpdatesApp, waitFor } from './live-updates-test-app.js';

const run = promisify(execFile);

describe('RabbitMQ live-update consumer', () => {
  let context: TestContext;
  let app: INestApplication | undefined;
  let probe: BrokerProbe;
  let queues: { main: string; retry: string; dlq: string };

  beforeAll(async () => {
    context = await TestContext.create('rabbitmq-consumer');
    queues = { main: context.queue, retry: `${context.queue}.retry`, dlq: `${context.queue}.dlq` };
  });
  afterAll(() => context.dispose());

  beforeEach(async () => {
    probe = await BrokerProbe.open(context.rabbitmqUrl);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await probe.purge(queues.main, queues.retry, queues.dlq);
    await probe.close();
  });

  /** Closing the app closes its channel, so anything it had not acked would be back in the queue. */
  async function expectAllAckedAfterClose(): Promise<void> {
    await app?.close();
    app = undefined;
    expect(await probe.messageCount(queues.main)).toBe(0);
    expect(await probe.messageCount(queues.retry)).toBe(0);
  }

  it('hands a published change to the handler and acks it', async () => {
    const handler = new ScriptedChangeHandler();
    app = await startLiveUpdatesApp(context.config(), { handler });

    await app.get(ChangePublisher).publish({ entity: 'event', id: '123', op: 'upsert' });

    await waitFor('the change to be handled', () => handler.handled.length === 1);
    expect(handler.handled).toEqual([{ entity: 'event', id: '123', op: 'upsert' }]);
    await expectAllAckedAfterClose();
    expect(await probe.messageCount(queues.dlq)).toBe(0);
  });

  it('dead-letters 100 poison messages with a reason and handles every valid message around them', async () => {
    const handler = new ScriptedChangeHandler();
    app = await startLiveUpdatesApp(context.config(), { handler });
    const poisonKinds: ((i: number) => string)[] = [
      (i) => `not json at all ${i}`,
      (i) => JSON.stringify({ entity: 'Ticket!', id: String(i), op: 'upsert' }),
      (i) => JSON.stringify({ entity: 'event', id: i % 2 ? `x${i}` : i, op: 'upsert' }),
      (i) => JSON.stringify({ entity: 'venue', id: String(i) }),
    ];
    const entities = ['event', 'venue', 'booking'] as const;
    const valid: EntityChange[] = [];
    const poison: string[] = [];
    for (let i = 0; i < 100; i++) {
      const change: EntityChange = { entity: entities[i % 3], id: String(1000 + i), op: i % 2 ? 'upsert' : 'delete' };
      const bad = poisonKinds[i % 4](i);
      valid.push(change);
      poison.push(bad);
      await probe.publish(context.exchange, 'mixed', bad);
      await probe.publish(context.exchange, `${change.entity}.${change.op}`, JSON.stringify(change));
    }

    await waitFor('100 valid changes handled and 100 dead letters', async () => handler.handled.length === 100 && (await probe.messageCount(queues.dlq)) === 100);
    expect(new Set(handler.handled.map((change) => change.id))).toEqual(new Set(valid.map((change) => change.id)));
    const deadLetters = await probe.drain(queues.dlq);
    expect(deadLetters.map((message) => message.content.toString()).sort()).toEqual([...poison].sort());
    const reasons = deadLetters.map((message) => message.properties.headers?.['x-reason'] as string);
    expect(reasons.filter((reason) => reason === 'not-json')).toHaveLength(25);
    expect(reasons.filter((reason) => reason === 'invalid-message')).toHaveLength(75);
    for (const message of deadLetters) expect(message.properties.headers?.['x-error']).toEqual(expect.any(String));
    const badEntity = deadLetters.find((message) => message.content.toString().includes('Ticket!'));
    expect(badEntity?.properties.headers?.['x-error']).toMatch(/entity must be a lowercase name/);
    await expectAllAckedAfterClose();
  }, 30_000);

  it('retries a change that fails twice after a delay, without holding up the others, and handles it once', async () => {
    const handler = new ScriptedChangeHandler((change, attempt) =>
      change.id === '77' && attempt <= 2 ? Promise.reject(new Error(`OpenSearch timed out (attempt ${attempt})`)) : Promise.resolve(),
    );
    app = await startLiveUpdatesApp(context.config(), { handler, retryPolicy: { maxAttempts: 5, delayMs: 500 } });
    const publisher = app.get(ChangePublisher);

    await publisher.publish({ entity: 'event', id: '77', op: 'upsert' });
    await waitFor('the first attempt', () => handler.callsFor('77').length === 1);
    await publisher.publish({ entity: 'event', id: '78', op: 'upsert' });

    await waitFor('the third attempt to succeed', () => handler.handled.some((change) => change.id === '77'));
    const attempts = handler.callsFor('77').map((call) => call.at);
    expect(attempts).toHaveLength(3);
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(450);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(450);
    // 78 was published after 77 failed, and handled while 77 waited in the retry queue.
    expect(handler.handled.map((change) => change.id)).toEqual(['78', '77']);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(handler.callsFor('77')).toHaveLength(3);
    await expectAllAckedAfterClose();
    expect(await probe.messageCount(queues.dlq)).toBe(0);
  }, 30_000);

  it('dead-letters a change that keeps failing once the attempt limit is reached', async () => {
    const handler = new ScriptedChangeHandler(() => Promise.reject(new Error('search cluster unavailable')));
    app = await startLiveUpdatesApp(context.config(), { handler, retryPolicy: { maxAttempts: 3, delayMs: 200 } });

    await app.get(ChangePublisher).publish({ entity: 'booking', id: '99', op: 'delete' });

    await waitFor('the dead letter', async () => (await probe.messageCount(queues.dlq)) === 1);
    expect(handler.callsFor('99')).toHaveLength(3);
    const [deadLetter] = await probe.drain(queues.dlq);
    expect(JSON.parse(deadLetter.content.toString())).toEqual({ entity: 'booking', id: '99', op: 'delete' });
    expect(deadLetter.properties.headers).toMatchObject({ 'x-reason': 'attempts-exhausted', 'x-attempts': 3 });
    expect(deadLetter.properties.headers?.['x-error']).toMatch(/failed 3 times, last: search cluster unavailable/);
    expect(deadLetter.properties.deliveryMode).toBe(2);
    await expectAllAckedAfterClose();
  }, 30_000);

  it('loses no acknowledged change across a RabbitMQ restart and resumes consuming', async () => {
    let releaseHeldChanges = () => {};
    const heldUntilOutage = new Promise<void>((resolve) => (releaseHeldChanges = resolve));
    // From the 100th change on, the consumer is held mid-stream until the outage is seen, so the
    // outage always catches unacked deliveries, however fast the machine drains the queue.
    const handler: ScriptedChangeHandler = new ScriptedChangeHandler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (handler.handled.length >= 100) await heldUntilOutage;
    });
    app = await startLiveUpdatesApp(context.config({ RABBITMQ_PREFETCH: '4' }), { handler });
    const publisher = app.get(ChangePublisher);
    const health = app.get(LiveUpdatesHealth);
    const confirmed = new Set<string>();
    const publish = async (from: number, to: number) => {
      const ids = Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
      const outcomes = await Promise.allSettled(ids.map((id) => publisher.publish({ entity: 'event', id, op: 'upsert' }).then(() => confirmed.add(id))));
      return outcomes.filter((outcome) => outcome.status === 'rejected').length;
    };

    expect(await publish(1, 600)).toBe(0);
    await waitFor('the consumer to be mid-stream', () => handler.handled.length >= 100);
    let publishedDuringOutage: Promise<number>;
    try {
      await run('rabbitmqctl', ['stop_app']);
      await waitFor('the health check to see the outage', async () => !(await health.isHealthy()));
      expect(handler.handled.length).toBeLessThan(600);
      publishedDuringOutage = publish(601, 700);
    } finally {
      releaseHeldChanges();
      await run('rabbitmqctl', ['start_app']);
    }
    expect(await publishedDuringOutage).toBe(0);

    await waitFor('the consumer to reconnect', () => health.isHealthy(), 60_000);
    expect(await publish(701, 750)).toBe(0);
    const handledIds = () => new Set(handler.handled.map((change) => change.id));
    await waitFor('every confirmed change to be handled', () => [...confirmed].every((id) => handledIds().has(id)), 60_000);
    expect(confirmed.size).toBe(750);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
    await expectAllAckedAfterClose();
    expect(await probe.messageCount(queues.dlq)).toBe(0);
  }, 180_000);

  it('stops start-up with a message naming RABBITMQ_URL when the broker cannot be reached', async () => {
    const config = context.config({ RABBITMQ_URL: 'amqp://guest:secret@127.0.0.1:1' });
    await expect(startLiveUpdatesApp(config, { handler: new ScriptedChangeHandler() })).rejects.toThrow(
      /^RABBITMQ_URL: cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/,
    );
  }, 30_000);
});

describe('RabbitMQ consumer channel closed during its set-up', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await TestContext.create('rabbitmq-setup-close');
  });
  afterAll(() => context.dispose());

  it('hears a channel set-up cut short by a close, instead of leaving an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      for (let round = 0; round < 10; round++) {
        const server = rabbitMqMicroserviceOptions(context.config()).strategy as LiveUpdatesServer;
        void server.listen(() => undefined);
        // The channel exists as soon as the connection does; its set-up RPCs are then in flight.
        const opened = Date.now();
        while ((server as unknown as { channel: unknown }).channel === null) {
          if (Date.now() - opened > 10_000) throw new Error('the consumer channel was never created');
          await new Promise((resolve) => setImmediate(resolve));
        }
        await server.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  }, 60_000);
});
