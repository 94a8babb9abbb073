import type { INestApplication } from '@nestjs/common';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import type { AppConfig } from '../../src/config/app-config.js';
import type { DeadLetter } from '../../src/live-updates/dead-letter.js';
import { DeadLettersErrorCode } from '../../src/live-updates/dead-letters.exception.js';
import { DeadLetters } from '../../src/live-updates/dead-letters.service.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { LiveUpdatesTopology } from '../../src/live-updates/live-updates-topology.js';
import type { BulkOperation, BulkResult } from '../../src/opensearch/search-gateway.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { SourceFactory } from '../support/factories.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { BrokerProbe } from './live-updates-test-app.js';
import { DelegatingGateway, firstBuildsCompleted, startAppWith, wrapGateway } from './rebuild-harness.js';

const VIEWER = 'viewer-token-0123456789abcdef';

/** The real gateway, whose bulks fail while `down`: the consumer's retries run out and its changes are dead-lettered. */
class OutageGateway extends DelegatingGateway {
  down = false;

  override bulk(index: string, operations: readonly BulkOperation[]): Promise<BulkResult> {
    return this.down ? Promise.reject(new Error('search cluster unavailable (test outage)')) : this.real.bulk(index, operations);
  }
}

/**
 * The dead-letter queue through the API, against the real service: its consumer, RabbitMQ,
 * MySQL and OpenSearch. Changes dead-lettered during an outage are requeued and reach search;
 * a purge takes exactly what its filter names; reading loses and reorders nothing.
 */
describe('dead letters', () => {
  let context: TestContext;
  let app: INestApplication;
  let gateway: OutageGateway;
  let factory: SourceFactory;
  let probe: BrokerProbe;
  let url: string;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('dead_letters');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 50, 7);
    factory = SourceFactory.connect(context.databaseUrl);
    const config = context.config({ RABBITMQ_MAX_ATTEMPTS: '2', RABBITMQ_RETRY_DELAY_MS: '100', ADMIN_API_TOKENS: `bob:viewer:${VIEWER}` });
    app = await startAppWith(config, undefined, (builder) => wrapGateway(builder, (real) => (gateway = new OutageGateway(real))));
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await firstBuildsCompleted(app);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
  });
  afterAll(async () => {
    await probe?.close();
    await app?.close();
    await factory?.close();
    await context?.dispose();
  });

  const call = async <T>(method: string, path: string, token = TEST_ADMIN_TOKEN) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as T };
  };
  const list = async (query = '') => (await call<{ total: number; next: number | null; entries: DeadLetter[] }>('GET', `/dead-letters${query}`)).body;
  const deadLetterCount = () => probe.messageCount(`${context.queue}.dlq`);
  const indexedVersion = async (id: number) => (await app.get(SearchGateway).getVersions(events, [String(id)])).get(String(id));
  const reachesSearch = (id: number) => waitFor(`event ${id} in search at its row's version`, async () => ((await indexedVersion(id)) === (await factory.documentVersion(id)) ? true : undefined), 30_000);

  it('requeues changes dead-lettered during an outage, one by key then by filter, and they reach search', async () => {
    gateway.down = true;
    const created = await factory.createEvents(3);
    for (const event of created) await app.get(ChangePublisher).publish({ entity: 'event', id: String(event.id), op: 'upsert' });
    await waitFor('3 dead letters', async () => ((await deadLetterCount()) === 3 ? true : undefined));
    // One at a time, so that the queue's order is known.
    const poison = ['not json 0', 'not json 1', ...[1, 2].map((id) => JSON.stringify({ entity: 'ticket', id: String(id), op: 'upsert' }))];
    for (const [n, body] of poison.entries()) {
      await probe.publish(context.exchange, 'poison', body);
      await waitFor(`${4 + n} dead letters`, async () => ((await deadLetterCount()) === 4 + n ? true : undefined));
    }
    gateway.down = false;

    // Paged from the head; read twice, in the same order, and nothing leaves the queue.
    const first = await list('?limit=3');
    expect(first).toMatchObject({ total: 7, next: 3 });
    const rest = [...(await list('?offset=3&limit=3')).entries, ...(await list('?offset=6&limit=3')).entries];
    expect((await list('?offset=6&limit=3')).next).toBeNull();
    const all = [...first.entries, ...rest];
    expect(all.map((letter) => letter.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((await list('?limit=7')).entries.map((letter) => letter.key)).toEqual(all.map((letter) => letter.key));
    expect(new Set(all.map((letter) => letter.key)).size).toBe(7);
    expect(await deadLetterCount()).toBe(7);
    const outage = all.filter((letter) => letter.reason === 'attempts-exhausted');
    expect(outage.map((letter) => Number(letter.id)).sort((a, b) => a - b)).toEqual(created.map((event) => event.id));
    for (const letter of outage) {
      expect(letter).toMatchObject({ entity: 'event', op: 'upsert', attempts: 2, source: 'broker', error: expect.stringContaining('test outage') as string });
      expect(letter.firstSeen).toBeLessThanOrEqual(letter.lastSeen!);
    }
    expect(all.filter((letter) => letter.reason === 'not-json').map((letter) => letter.body)).toEqual(['not json 0', 'not json 1']);
    for (const event of created) expect(await indexedVersion(event.id)).toBeUndefined();

    const one = await call<{ requeued: number }>('POST', `/dead-letters/${outage[0].key}/requeue`);
    expect(one).toEqual({ status: 200, body: expect.objectContaining({ matched: 1, requeued: 1 }) as unknown });
    await reachesSearch(Number(outage[0].id));
    expect(await indexedVersion(Number(outage[1].id))).toBeUndefined();
    const filtered = await call<{ requeued: number }>('POST', '/dead-letters/requeue?entity=event&reason=attempts-exhausted');
    expect(filtered.body).toMatchObject({ total: 6, matched: 2, requeued: 2, skipped: 0, failed: 0 });
    for (const letter of outage.slice(1)) await reachesSearch(Number(letter.id));
    expect((await list()).entries.map((letter) => letter.key)).toEqual(all.filter((letter) => letter.reason !== 'attempts-exhausted').map((letter) => letter.key));
  });

  it('purges exactly the dead letters its filter names, refuses a viewer and bad input, and keeps the rest in order', async () => {
    const before = (await list()).entries;
    expect(before.map((letter) => letter.reason)).toEqual(['not-json', 'not-json', 'unknown-entity', 'unknown-entity']);

    expect((await call('DELETE', '/dead-letters?reason=not-json', VIEWER)).status).toBe(403);
    for (const bad of ['', '?all=true&entity=event', '?reason=NOT-JSON', '?entity=Event!', '?all=yes']) expect({ bad, ...(await call('DELETE', `/dead-letters${bad}`)) }).toMatchObject({ bad, status: 400 });
    expect((await call('POST', '/dead-letters/not-a-key/requeue')).status).toBe(400);
    expect((await call('POST', '/dead-letters/0000000000000000/requeue')).body).toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND' });
    expect((await call('POST', `/dead-letters/${before[0].key}/requeue`)).body).toMatchObject({ code: 'DEAD_LETTER_NOT_REQUEUABLE' });
    expect(await deadLetterCount()).toBe(4);

    expect((await call('DELETE', '/dead-letters?reason=not-json')).body).toEqual({ total: 4, scanned: 4, purged: 2 });
    expect((await list()).entries.map((letter) => letter.key)).toEqual(before.slice(2).map((letter) => letter.key));
    expect((await call('DELETE', '/dead-letters?all=true')).body).toMatchObject({ purged: 2 });
    expect(await deadLetterCount()).toBe(0);
    // Recorded once each answer is sent.
    const audit = await waitFor('the purge in the audit trail', async () => {
      const { entries } = (await call<{ entries: { path: string; status: number }[] }>('GET', '/audit?limit=3')).body;
      return entries[0]?.path === '/dead-letters?all=true' ? entries : undefined;
    });
    expect(audit.map((entry) => `${entry.status} ${entry.path}`)).toEqual(['200 /dead-letters?all=true', '200 /dead-letters?reason=not-json', `409 /dead-letters/${before[0].key}/requeue`]);
  });
});

/** The requeue's confirm path on the real broker: a live queue that refuses every publish (x-overflow reject-publish). */
describe('dead letters requeued to a queue that refuses them', () => {
  let context: TestContext;
  let config: AppConfig;
  let deadLetters: DeadLetters;
  let probe: BrokerProbe;
  let admin: ChannelModel;
  let channel: Channel;

  /** Declares the dead-letter queue as the service does, and a live queue that nacks every copy. */
  class RefusingTopology extends LiveUpdatesTopology {
    override async assert(on: Channel): Promise<void> {
      await on.assertQueue(this.deadLetterQueue, { durable: true });
      await on.assertQueue(this.queue, { durable: true, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    }
  }

  beforeAll(async () => {
    context = await TestContext.create('dead_letters_nack', { demoSchema: false });
    config = context.config({ RABBITMQ_QUEUE: `${context.queue}.full` });
    deadLetters = new DeadLetters(config, new RefusingTopology(config));
    probe = await BrokerProbe.open(context.rabbitmqUrl);
    admin = await connect(context.rabbitmqUrl);
    channel = await admin.createChannel();
    // The context's own queues too, which it deletes when disposed.
    await new LiveUpdatesTopology(context.config()).assert(channel);
    await new RefusingTopology(config).assert(channel);
    for (let i = 0; i < 3; i++) await probe.publish('', config.rabbitmq.deadLetterQueue, JSON.stringify({ entity: 'event', id: String(i + 1), op: 'upsert' }));
  });
  afterAll(async () => {
    for (const queue of [config.rabbitmq.queue, config.rabbitmq.deadLetterQueue]) await channel.deleteQueue(queue);
    await admin?.close();
    await probe?.close();
    await context?.dispose();
  });

  it('keeps every dead letter, in order, whose copy RabbitMQ did not confirm', async () => {
    const keys = (await deadLetters.list({ offset: 0, limit: 10 })).entries.map((letter) => letter.key);
    expect(await deadLetters.requeue({ all: true })).toEqual({ total: 3, scanned: 3, matched: 3, requeued: 0, skipped: 0, failed: 3 });
    await expect(deadLetters.requeue({ key: keys[1] })).rejects.toMatchObject({ code: DeadLettersErrorCode.REQUEUE_NOT_CONFIRMED });
    expect((await deadLetters.list({ offset: 0, limit: 10 })).entries.map((letter) => letter.key)).toEqual(keys);
    expect(await probe.messageCount(config.rabbitmq.queue)).toBe(0);
  });

  /** Another reader holding the queue: an exclusive consumer on a channel of its own; closing it hands every message back. */
  async function hold(): Promise<() => Promise<void>> {
    const holder = await admin.createChannel();
    await holder.consume(config.rabbitmq.deadLetterQueue, () => undefined, { exclusive: true, noAck: false });
    return () => holder.close();
  }

  it('waits while another reader holds the queue exclusively, and says DEAD_LETTERS_BUSY when it does not let go', async () => {
    const release = await hold();
    const released = new Promise((resolve) => setTimeout(resolve, 1500)).then(release);
    expect((await deadLetters.list({ offset: 0, limit: 10 })).total).toBe(3);
    await released;
    const releaseAgain = await hold();
    await expect(deadLetters.purge({ all: true })).rejects.toMatchObject({ code: DeadLettersErrorCode.DEAD_LETTERS_BUSY });
    await releaseAgain();
    await waitFor('the held dead letters back', async () => ((await probe.messageCount(config.rabbitmq.deadLetterQueue)) === 3 ? true : undefined));
  }, 30_000);
});
