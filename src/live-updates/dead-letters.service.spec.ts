import type { ChannelModel, ConsumeMessage, MessageProperties, Options } from 'amqplib';
import { loadConfig } from '../config/app-config.js';
import { DeadLettersErrorCode } from './dead-letters.exception.js';
import { DeadLetters } from './dead-letters.service.js';
import { LiveUpdatesTopology } from './live-updates-topology.js';

interface Stored {
  readonly body: string;
  readonly headers: Record<string, unknown>;
}

/**
 * The dead-letter queue as RabbitMQ keeps it for one exclusive consumer: deliveries in order,
 * acked ones gone, unacked ones back at their place when the channel closes; each copy to the
 * live queue confirmed, or refused while `refuseCopies` is set.
 */
class FakeBroker {
  dlq: Stored[] = [];
  live: { body: string; options: Options.Publish }[] = [];
  refuseCopies = false;
  heldElsewhere = 0;
  /** Counts of the queue that still show another reader consuming it (holding its messages, so none ready). */
  consumedElsewhere = 0;
  readonly order: string[] = [];

  connection(): ChannelModel {
    return { on: () => undefined, close: () => Promise.resolve(), createConfirmChannel: () => Promise.resolve(this.channel()) } as unknown as ChannelModel;
  }

  private channel() {
    const acked = new Set<number>();
    const delivered: Stored[] = [];
    const none = () => Promise.resolve();
    return {
      on: () => undefined,
      assertExchange: none,
      assertQueue: none,
      bindQueue: none,
      checkQueue: () => Promise.resolve(this.consumedElsewhere-- > 0 ? { messageCount: 0, consumerCount: 1 } : { messageCount: this.dlq.length, consumerCount: 0 }),
      prefetch: none,
      consume: (_queue: string, onMessage: (message: ConsumeMessage) => void) => {
        if (this.heldElsewhere-- > 0) return Promise.reject(Object.assign(new Error("ACCESS_REFUSED - queue 'q.dlq' in vhost '/' in exclusive use"), { code: 403 }));
        delivered.push(...this.dlq.splice(0));
        setImmediate(() => delivered.forEach((stored, tag) => onMessage({ content: Buffer.from(stored.body), fields: { deliveryTag: tag }, properties: { headers: stored.headers } as MessageProperties } as ConsumeMessage)));
        return Promise.resolve({ consumerTag: 'scan' });
      },
      ack: (message: ConsumeMessage) => {
        this.order.push(`ack ${message.content.toString()}`);
        acked.add(message.fields.deliveryTag);
      },
      sendToQueue: (_queue: string, content: Buffer, options: Options.Publish, confirmed: (error: Error | null) => void) => {
        if (this.refuseCopies) return setImmediate(() => confirmed(new Error('nack')));
        this.live.push({ body: content.toString(), options });
        this.order.push(`confirm ${content.toString()}`);
        setImmediate(() => confirmed(null));
      },
      cancel: none,
      close: () => {
        this.dlq.unshift(...delivered.filter((_, tag) => !acked.has(tag)));
        return Promise.resolve();
      },
    };
  }
}

const change = (entity: string, id: string) => JSON.stringify({ entity, id, op: 'upsert' });
const reason = (code: string) => ({ 'x-reason': code, 'x-attempts': 5 });

describe('DeadLetters', () => {
  let broker: FakeBroker;
  let deadLetters: DeadLetters;

  beforeEach(() => {
    broker = new FakeBroker();
    const config = loadConfig({ DATABASE_URL: 'mysql://root@localhost/x', OPENSEARCH_NODE: 'http://localhost:9200', RABBITMQ_URL: 'amqp://localhost', ADMIN_API_TOKEN: 'a-token-of-at-least-16-chars', RABBITMQ_QUEUE: 'q' });
    deadLetters = new (class extends DeadLetters {
      protected override openConnection(): Promise<ChannelModel> {
        return Promise.resolve(broker.connection());
      }
    })(config, new LiveUpdatesTopology(config));
    broker.dlq = [
      { body: change('event', '1'), headers: reason('attempts-exhausted') },
      { body: 'not json', headers: reason('not-json') },
      { body: change('venue', '2'), headers: reason('attempts-exhausted') },
      { body: change('ticket', '3'), headers: reason('unknown-entity') },
      { body: change('event', '4'), headers: reason('unknown-entity') },
    ];
  });

  const bodies = () => broker.dlq.map((stored) => stored.body);

  it('lists a page in queue order and leaves every message in its place', async () => {
    const before = bodies();
    const page = await deadLetters.list({ offset: 1, limit: 2 });
    expect(page).toMatchObject({ total: 5, offset: 1, limit: 2, next: 3 });
    expect(page.entries.map((letter) => [letter.position, letter.reason])).toEqual([[1, 'not-json'], [2, 'attempts-exhausted']]);
    expect(bodies()).toEqual(before);
    expect((await deadLetters.list({ offset: 3, limit: 2 })).next).toBeNull();
  });

  it('requeues by entity and reason, acking each dead letter only after its copy is confirmed', async () => {
    const result = await deadLetters.requeue({ reason: 'attempts-exhausted' });
    expect(result).toEqual({ total: 5, scanned: 5, matched: 2, requeued: 2, skipped: 0, failed: 0 });
    expect(broker.live.map((copy) => copy.body)).toEqual([change('event', '1'), change('venue', '2')]);
    expect(broker.live[0].options.headers).toMatchObject({ 'x-requeues': 1 });
    expect(broker.live[0].options.headers).not.toHaveProperty('x-attempts');
    expect(broker.order).toEqual([`confirm ${change('event', '1')}`, `confirm ${change('venue', '2')}`, `ack ${change('event', '1')}`, `ack ${change('venue', '2')}`]);
    expect(bodies()).toEqual(['not json', change('ticket', '3'), change('event', '4')]);
  });

  it('keeps every dead letter whose copy the broker refused', async () => {
    broker.refuseCopies = true;
    expect(await deadLetters.requeue({ all: true })).toMatchObject({ matched: 5, requeued: 0, skipped: 1, failed: 4 });
    expect(bodies()).toHaveLength(5);
    const [first] = (await deadLetters.list({ offset: 0, limit: 1 })).entries;
    await expect(deadLetters.requeue({ key: first.key })).rejects.toMatchObject({ code: DeadLettersErrorCode.REQUEUE_NOT_CONFIRMED });
  });

  it('requeues one by key, refuses a body that is no change, and says when the key is unknown', async () => {
    const { entries } = await deadLetters.list({ offset: 0, limit: 5 });
    expect(await deadLetters.requeue({ key: entries[4].key })).toMatchObject({ matched: 1, requeued: 1 });
    expect(bodies()).toEqual([change('event', '1'), 'not json', change('venue', '2'), change('ticket', '3')]);
    await expect(deadLetters.requeue({ key: entries[1].key })).rejects.toMatchObject({ code: DeadLettersErrorCode.DEAD_LETTER_NOT_REQUEUABLE });
    await expect(deadLetters.requeue({ key: entries[4].key })).rejects.toMatchObject({ code: DeadLettersErrorCode.DEAD_LETTER_NOT_FOUND });
  });

  it('purges exactly the selected dead letters', async () => {
    expect(await deadLetters.purge({ entity: 'event', reason: 'unknown-entity' })).toEqual({ total: 5, scanned: 5, purged: 1 });
    expect(bodies()).toEqual([change('event', '1'), 'not json', change('venue', '2'), change('ticket', '3')]);
    expect(await deadLetters.purge({ all: true })).toMatchObject({ purged: 4 });
    expect(bodies()).toEqual([]);
  });

  it('waits for another replica to let go of the queue, then gives up with DEAD_LETTERS_BUSY', async () => {
    broker.heldElsewhere = 2;
    expect((await deadLetters.list({ offset: 0, limit: 1 })).total).toBe(5);
    broker.heldElsewhere = 1000;
    await expect(deadLetters.purge({ all: true })).rejects.toMatchObject({ code: DeadLettersErrorCode.DEAD_LETTERS_BUSY });
    expect(bodies()).toHaveLength(5);
  }, 15_000);

  it('waits for a reader that holds every message (none ready), never answering an empty queue', async () => {
    broker.consumedElsewhere = 2;
    expect((await deadLetters.list({ offset: 0, limit: 10 })).total).toBe(5);
    broker.consumedElsewhere = 1000;
    await expect(deadLetters.list({ offset: 0, limit: 10 })).rejects.toMatchObject({ code: DeadLettersErrorCode.DEAD_LETTERS_BUSY });
  }, 15_000);
});
