import { Injectable, Logger } from '@nestjs/common';
import { connect, type ChannelModel } from 'amqplib';
import { AppConfig } from '../config/index.js';
import { changeOf, describeDeadLetter, describeSelector, requeuedCopy, selects, type DeadLetter, type DeadLetterSelector } from './dead-letter.js';
import { scanDeadLetters, type ScanOutcome, type ScanPlan, type Settlement } from './dead-letter-scan.js';
import { DeadLettersErrorCode, DeadLettersException } from './dead-letters.exception.js';
import { LiveUpdatesTopology } from './live-updates-topology.js';

export interface DeadLetterPage {
  /** Messages ready in the dead-letter queue when it was read. */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  /** The `offset` of the next page; null on the last. */
  readonly next: number | null;
  readonly entries: readonly DeadLetter[];
}

export interface RequeueResult {
  readonly total: number;
  readonly scanned: number;
  readonly matched: number;
  readonly requeued: number;
  /** Matched, but not a valid change: left in the queue (purge them). */
  readonly skipped: number;
  /** Copies the broker did not confirm: their dead letters stay. */
  readonly failed: number;
}

export interface PurgeResult {
  readonly total: number;
  readonly scanned: number;
  readonly purged: number;
}

const KEEP: Settlement = { kind: 'keep' };
/** How long an operation waits for another replica's scan to let go of the queue. */
const BUSY_WAIT_MS = 5000;

/**
 * The dead-letter queue for operators: read a page, requeue, purge. Every operation is one scan
 * (`scanDeadLetters`) on a connection of its own, one at a time on this replica and, through the
 * broker's exclusive consumer, across replicas.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger(DeadLetters.name);
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly topology: LiveUpdatesTopology,
  ) {}

  /** Messages `offset` to `offset + limit - 1` from the head; every one stays where it is. */
  async list(page: { offset: number; limit: number }): Promise<DeadLetterPage> {
    const entries: DeadLetter[] = [];
    const outcome = await this.run({
      upTo: page.offset + page.limit,
      visit: (message, position) => {
        if (position >= page.offset) entries.push(describeDeadLetter(message, position));
        return KEEP;
      },
    });
    const next = page.offset + page.limit < outcome.total ? page.offset + page.limit : null;
    return { total: outcome.total, offset: page.offset, limit: page.limit, next, entries };
  }

  /** Republishes the selected dead letters to the live queue (a key: the first with it), each acked once its copy is confirmed. */
  async requeue(selector: DeadLetterSelector): Promise<RequeueResult> {
    let matched = 0;
    let skipped = 0;
    const now = Date.now();
    const outcome = await this.run({
      visit: (message) => {
        if (!selects(selector, describeDeadLetter(message, 0))) return KEEP;
        matched++;
        if (changeOf(message) === null) {
          skipped++;
          return KEEP;
        }
        return { kind: 'requeue', options: requeuedCopy(message, now) };
      },
      finished: () => 'key' in selector && matched > 0,
    });
    if ('key' in selector) this.checkOne(selector.key, matched, skipped, outcome);
    const result = { total: outcome.total, scanned: outcome.visited, matched, requeued: outcome.requeued, skipped, failed: outcome.failed };
    this.logger.log(`requeued ${describeSelector(selector)}: ${JSON.stringify(result)}`);
    return result;
  }

  /** Removes exactly the selected dead letters; every other one stays where it is. */
  async purge(selector: DeadLetterSelector): Promise<PurgeResult> {
    const outcome = await this.run({ visit: (message) => (selects(selector, describeDeadLetter(message, 0)) ? { kind: 'purge' } : KEEP) });
    const result = { total: outcome.total, scanned: outcome.visited, purged: outcome.purged };
    this.logger.log(`purged ${describeSelector(selector)}: ${JSON.stringify(result)}`);
    return result;
  }

  /** A connection of its own: closing it hands back whatever a scan kept, even after a failure half-way. */
  protected openConnection(): Promise<ChannelModel> {
    const { url, ca } = this.config.rabbitmq;
    return connect(url, { timeout: 10_000, ...(ca ? { ca: [ca] } : {}) });
  }

  private checkOne(key: string, matched: number, skipped: number, outcome: ScanOutcome): void {
    if (matched === 0) throw new DeadLettersException(DeadLettersErrorCode.DEAD_LETTER_NOT_FOUND, `no dead letter has the key ${key} (GET /dead-letters lists them)`);
    if (skipped > 0) throw new DeadLettersException(DeadLettersErrorCode.DEAD_LETTER_NOT_REQUEUABLE, `the dead letter ${key} is not a valid change and would be dead-lettered again at once; purge it instead`);
    if (outcome.failed > 0) throw new DeadLettersException(DeadLettersErrorCode.REQUEUE_NOT_CONFIRMED, `RabbitMQ did not confirm the copy of ${key}; the dead letter stays in the queue`);
  }

  /** One operation at a time on this replica, in the order asked. */
  private run(plan: ScanPlan): Promise<ScanOutcome> {
    const result = this.previous.then(() => this.scanWhenFree(plan));
    this.previous = result.catch(() => undefined);
    return result;
  }

  private async scanWhenFree(plan: ScanPlan): Promise<ScanOutcome> {
    const connection = await this.openConnection().catch((error: Error) => {
      throw new DeadLettersException(DeadLettersErrorCode.RABBITMQ_UNAVAILABLE, `RabbitMQ did not answer: ${error.message}`);
    });
    connection.on('error', () => undefined);
    try {
      const deadline = Date.now() + BUSY_WAIT_MS;
      for (let attempt = 1; ; attempt++) {
        try {
          // A refused consume happens before any visit, so a retry starts from nothing.
          return await scanDeadLetters(connection, this.topology, plan);
        } catch (error) {
          if (!isHeldByAnother(error)) throw new DeadLettersException(DeadLettersErrorCode.RABBITMQ_UNAVAILABLE, `RabbitMQ refused: ${(error as Error).message}`);
          if (Date.now() > deadline) {
            throw new DeadLettersException(DeadLettersErrorCode.DEAD_LETTERS_BUSY, `${this.topology.deadLetterQueue} is held by another reader (a dead-letter operation on another replica, or a consumer of its own); try again`);
          }
          await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1000)));
        }
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}

function isHeldByAnother(error: unknown): boolean {
  return (error as { code?: unknown }).code === 403 && /exclusive use/.test((error as Error).message);
}
