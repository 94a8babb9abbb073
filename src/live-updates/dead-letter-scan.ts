import type { ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { LiveUpdatesTopology } from './live-updates-topology.js';

/** What becomes of one dead letter a scan visits. */
export type Settlement =
  /** Left where it is: unacked until the scan ends, then back at its place in the queue. */
  | { readonly kind: 'keep' }
  /** Acked: gone. */
  | { readonly kind: 'purge' }
  /** Published to the live queue with these options, and acked only once the broker confirmed the copy. */
  | { readonly kind: 'requeue'; readonly options: Options.Publish };

export interface ScanPlan {
  /** Visit only the first `upTo` messages from the head (a page); by default every message there was when the scan began. */
  readonly upTo?: number;
  readonly visit: (message: ConsumeMessage, position: number) => Settlement;
  /** Asked after each visit: true ends the scan early (one key found). */
  readonly finished?: () => boolean;
}

export interface ScanOutcome {
  /** Messages ready in the dead-letter queue when the scan began. */
  readonly total: number;
  readonly visited: number;
  readonly purged: number;
  readonly requeued: number;
  /** Copies the broker refused (nack) or whose original could not be acked: those dead letters stay. */
  readonly failed: number;
}

/** AMQP's ACCESS_REFUSED: here, another exclusive reader (or any consumer) holds the dead-letter queue. */
export const ACCESS_REFUSED = 403;
/** A scan that receives nothing for this long has seen all it will (another client took the rest). */
const IDLE_MS = 1000;

/**
 * One pass over the dead-letter queue on its own confirm channel. It consumes the queue with
 * `exclusive`, so at most one scan runs at a time across every replica (the broker refuses a
 * second with ACCESS_REFUSED, and forgets the first if its connection dies), and visits the
 * messages in queue order without acking the ones it keeps. Closing the channel hands every kept
 * message back to its place in the queue, flagged redelivered: reading reorders nothing and loses
 * nothing. A requeued copy goes through the default exchange to the live queue the consumer reads
 * (asserted on this channel just before, so it exists), and its dead letter is acked only after
 * the broker confirmed the copy.
 */
export async function scanDeadLetters(connection: ChannelModel, topology: LiveUpdatesTopology, plan: ScanPlan): Promise<ScanOutcome> {
  const channel = await connection.createConfirmChannel();
  // A refused consume closes the channel with an error event; the rejected consume says why.
  channel.on('error', () => undefined);
  try {
    await topology.assert(channel);
    const { messageCount: total, consumerCount } = await channel.checkQueue(topology.deadLetterQueue);
    // What another reader holds is not counted as ready: an empty count would pass for an empty queue.
    if (consumerCount > 0) throw heldElsewhere(topology.deadLetterQueue);
    const target = Math.min(total, plan.upTo ?? total);
    if (target === 0) return { total, visited: 0, purged: 0, requeued: 0, failed: 0 };
    // A page holds exactly its messages; a full pass takes everything, since the ones it keeps stay unacked.
    await channel.prefetch(plan.upTo === undefined ? 0 : target);
    return { total, ...(await visitAll(channel, topology, plan, target)) };
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** What a refused exclusive consume raises, for a queue another reader is seen holding before this one consumes. */
function heldElsewhere(queue: string): Error {
  return Object.assign(new Error(`ACCESS_REFUSED - queue '${queue}' in exclusive use (another reader holds its messages)`), { code: ACCESS_REFUSED });
}

async function visitAll(channel: ConfirmChannel, topology: LiveUpdatesTopology, plan: ScanPlan, target: number): Promise<Omit<ScanOutcome, 'total'>> {
  const counts = { visited: 0, purged: 0, requeued: 0, failed: 0 };
  const confirms: Promise<void>[] = [];
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  let idle = setTimeout(finish, IDLE_MS);
  const { consumerTag } = await channel.consume(
    topology.deadLetterQueue,
    (message) => {
      // null: the broker cancelled the consumer (the queue was deleted).
      if (message === null) return finish();
      // Beyond the snapshot or after the end: kept, back at its place when the channel closes.
      if (counts.visited >= target || plan.finished?.()) return;
      clearTimeout(idle);
      idle = setTimeout(finish, IDLE_MS);
      const settlement = plan.visit(message, counts.visited++);
      if (settlement.kind === 'purge') {
        channel.ack(message);
        counts.purged++;
      } else if (settlement.kind === 'requeue') {
        confirms.push(requeue(channel, topology.queue, message, settlement.options).then((done) => void (done ? counts.requeued++ : counts.failed++)));
      }
      if (counts.visited >= target || plan.finished?.()) finish();
    },
    { noAck: false, exclusive: true },
  );
  await ended;
  clearTimeout(idle);
  await channel.cancel(consumerTag).catch(() => undefined);
  await Promise.all(confirms);
  return counts;
}

/** Publishes the copy and, once the broker confirmed it, acks the dead letter; false when either did not happen. */
function requeue(channel: ConfirmChannel, queue: string, message: ConsumeMessage, options: Options.Publish): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      channel.sendToQueue(queue, message.content, options, (error: unknown) => {
        if (error) return resolve(false);
        try {
          // A crash before this ack leaves the change in both queues: applied twice, harmless (writes are versioned).
          channel.ack(message);
          resolve(true);
        } catch {
          resolve(false);
        }
      });
    } catch {
      resolve(false);
    }
  });
}
