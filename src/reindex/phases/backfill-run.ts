import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../../config/index.js';
import { IndexingErrorCode, IndexingException, operationForRow } from '../../indexing/index.js';
import { writeAliasOf, type SourceRow } from '../../indices/index.js';
import type { JobStore, SourceReader } from '../../job-store/index.js';
import type { BulkOperation, BulkResult, PendingBulk, WritePressure } from '../../opensearch/index.js';
import type { AdaptivePace } from '../pacing/adaptive-pace.js';
import { paceInForce } from '../pacing/pace-in-force.js';
import { Pacer } from '../pacing/pacer.js';
import { ContiguousCursor } from './contiguous-cursor.js';
import type { PhaseContext } from './phase.js';

/** The first reads are small and double up to the batch size (why: BENCHMARKS.md, "Backfill memory"). */
const FIRST_READ_ROWS = 100;
/** How often the job's pace is read again, and the longest a paced wait lasts before it is. */
const PACE_CHECK_MS = 500;
/** Documents a node refused for a moment (429) are sent again up to this many times, after 0.2 s doubling (12.6 s in all). */
const THROTTLED_RESENDS = 6;
const THROTTLED_FIRST_DELAY_MS = 200;
/** After a 429, or while write tasks wait for the node's threads, fewer requests go in flight; one more is let in per this long without either, up to REINDEX_BULK_CONCURRENCY. */
const IN_FLIGHT_RECOVERY_MS = 2000;
/** How often the nodes' write thread pools are read. */
const PRESSURE_CHECK_MS = 1000;

type Position = { cursor: number; docsProcessed: number };
/** Pages read into a bulk request not sent yet: the request, the last id it holds and its documents. */
type OpenRequest = { bulk: PendingBulk; lastId: number; documents: number };
/** A request handed to the gateway: its last id, its size, and its answer to come. */
type SentRequest = { lastId: number; documents: number; written: Promise<BulkResult> };

/**
 * One BACKFILL attempt, as the loop of Elasticsearch's AbstractAsyncBulkByScrollAction: read a page,
 * build the bulk, send it, acknowledge it, save the cursor. A request holds one page, or with
 * REINDEX_BULK_BYTES pages until it is that large (unpaced only: a paced page goes at once); the next
 * page is read while the requests before it are in flight. Up to REINDEX_BULK_CONCURRENCY requests are
 * in flight; the contiguous cursor saved under the lease counts only requests acknowledged in read order.
 */
export class BackfillRun {
  private readonly pacer: Pacer;
  private paceCheckedAt = performance.now();
  private readonly cursor: ContiguousCursor;
  private readonly writes = new Set<Promise<void>>();
  private failure: Error | undefined;
  /** Documents read, sent and saved: what the pace counts, what is in flight, what a crash would not redo. */
  private read: number;
  private sent: number;
  private saved: number;
  private open: OpenRequest | null = null;
  /** Documents of the largest request so far: the bound on unsaved documents counts in requests. */
  private requestDocuments = 1;
  /** Requests let in flight now: REINDEX_BULK_CONCURRENCY, fewer while the node does not keep up (steer). */
  private inFlight: number;
  private inFlightChangedAt = performance.now();
  private pressureCheckedAt = performance.now();
  private pressureAsked = false;
  /** The nodes' count of refused write tasks when last read; null before. */
  private rejectedSeen: number | null = null;
  /** Cursor saves chained so positions reach MySQL in order; each write takes the newest position. */
  private persisted = Promise.resolve();
  private saving = 0;
  private latest: Position | null = null;
  private readAfter: number;
  private readSize = FIRST_READ_ROWS;

  constructor(
    private readonly store: JobStore,
    private readonly reader: SourceReader,
    private readonly settings: AppConfig['reindex'],
    private readonly context: PhaseContext,
    private readonly docsTotal: number,
    private readonly adaptive: AdaptivePace | null,
    private readonly onSent: (sent: number) => void,
  ) {
    const { job } = context;
    this.pacer = new Pacer(this.paceOf(job.maxDocsPerSecond), performance.now(), job.docsProcessed);
    this.cursor = new ContiguousCursor(job.cursor, job.docsProcessed);
    this.inFlight = settings.bulkConcurrency;
    this.read = job.docsProcessed;
    this.sent = job.docsProcessed;
    this.saved = job.docsProcessed;
    this.readAfter = job.cursor;
  }

  async run(): Promise<string> {
    const { signal } = this.context;
    while (!this.failure && !signal.aborted) {
      if (performance.now() - this.paceCheckedAt >= PACE_CHECK_MS) await this.followPace();
      if (performance.now() - this.pressureCheckedAt >= PRESSURE_CHECK_MS) this.followPressure();
      if (this.open && this.isComplete(this.open)) {
        if (!(await this.sendWhenRoom())) break;
        continue;
      }
      // Paced, a batch is at most a quarter second of the pace: small steps leave searches room in between.
      const readRows = Math.min(this.pacer.batchSize(this.settings.batchSize), this.readSize);
      const early = this.pacer.delayMs(this.read, readRows, performance.now());
      if (early > 0) {
        // In steps, so that a new pace is seen; aborting ends the wait and the loop condition then stops.
        await sleep(Math.min(early, PACE_CHECK_MS), undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (!(await this.readPage(readRows))) break;
      this.readSize = readRows * 2;
    }
    if (this.open && !this.failure && !signal.aborted) await this.sendWhenRoom();
    await Promise.allSettled([...this.writes]);
    await this.persisted;
    if (this.failure) throw this.failure;
    signal.throwIfAborted();
    return `backfilled ${this.docsTotal} indexable rows up to id ${this.readAfter}`;
  }

  /** Sends the open request once there is room for it; false when the attempt stopped meanwhile. */
  private async sendWhenRoom(): Promise<boolean> {
    for (let room = this.waitForRoom(); room; room = this.waitForRoom()) {
      await room;
      if (this.failure || this.context.signal.aborted) return false;
    }
    this.sendOpen();
    return true;
  }

  /** A request is sent at once paced, or without REINDEX_BULK_BYTES; otherwise once that large. */
  private isComplete(open: OpenRequest): boolean {
    const { bulkBytes } = this.settings;
    return bulkBytes === 0 || this.pacer.maxDocsPerSecond > 0 || open.bulk.bytes() >= bulkBytes;
  }

  /** The pace in force (paceInForce); a pace an operator set is what the adaptive pace follows from then on. */
  private paceOf(operator: number | null): number {
    if (operator !== null) this.adaptive?.follow(operator);
    return paceInForce(operator, this.adaptive?.docsPerSecond ?? null, this.settings).docsPerSecond;
  }

  /** Reads the nodes' write thread pools in the background; a node that does not answer leaves it to the bulks to say so. */
  private followPressure(): void {
    this.pressureCheckedAt = performance.now();
    if (this.pressureAsked) return;
    this.pressureAsked = true;
    Promise.resolve()
      .then(() => this.context.gateway.writePressure())
      .then((pressure) => this.steer(pressure))
      .catch(() => undefined)
      .finally(() => (this.pressureAsked = false));
  }

  /**
   * Fewer requests in flight while the node refused write tasks since it was last read (halved) or
   * while more of them wait than it has threads (one less): what waits there only delays the live
   * writes queued behind it. One more is let in again once it keeps up (widen).
   */
  private steer({ threads, queue, rejected }: WritePressure): void {
    const refused = this.rejectedSeen !== null && rejected > this.rejectedSeen;
    this.rejectedSeen = rejected;
    if (refused) this.narrow(Math.floor(this.inFlight / 2));
    else if (queue > threads) this.narrow(this.inFlight - 1);
  }

  private narrow(to: number): void {
    this.inFlight = Math.max(1, to);
    this.inFlightChangedAt = performance.now();
  }

  /** One more request in flight, up to REINDEX_BULK_CONCURRENCY, once nothing narrowed them for a while. */
  private widen(): void {
    if (this.inFlight >= this.settings.bulkConcurrency || performance.now() - this.inFlightChangedAt < IN_FLIGHT_RECOVERY_MS) return;
    this.inFlight++;
    this.inFlightChangedAt = performance.now();
  }

  /** Reads the job's pace again; while MySQL does not answer the pace in use stays (saving progress then fails the attempt anyway). */
  private async followPace(): Promise<void> {
    this.paceCheckedAt = performance.now();
    const pace = await this.store.readMaxDocsPerSecond(this.context.job.id).then((operator) => this.paceOf(operator), () => this.pacer.maxDocsPerSecond);
    this.pacer.setRate(pace, this.read, performance.now());
  }

  /**
   * What to wait for before the open request is sent, or null to send it now: a free bulk slot, and a
   * saved position close enough that a crash re-sends at most the requests in flight plus the one being
   * saved. The next page is read meanwhile, written at once into the open request's body: what waits is
   * bytes in reused buffers, never rows outliving V8's young generation (BENCHMARKS.md, "Backfill memory").
   */
  private waitForRoom(): Promise<unknown> | null {
    const waiting = this.open?.documents ?? 0;
    const maxUnsaved = (this.settings.bulkConcurrency + 1) * Math.max(this.requestDocuments, waiting);
    if (this.writes.size < this.inFlight && this.sent - this.saved + waiting <= maxUnsaved) return null;
    // Only what is still pending: racing a settled promise would spin without ever yielding.
    const pending = this.saving > 0 ? [...this.writes, this.persisted] : [...this.writes];
    return pending.length > 0 ? Promise.race(pending).catch(() => undefined) : null;
  }

  /** Reads a page into the open request. Its own frame so nothing keeps the rows once their operations are written. */
  private async readPage(limit: number): Promise<boolean> {
    const rows = await this.reader.readBatch(this.context.definition, this.readAfter, limit);
    if (rows.length === 0) return false;
    this.open ??= { bulk: this.context.gateway.openBulk(writeAliasOf(this.context.job.targetIndex!), this.settings.bulkBytes), lastId: 0, documents: 0 };
    this.open.bulk.add(this.buildBulk(rows));
    this.open.lastId = rows[rows.length - 1].id;
    this.open.documents += rows.length;
    this.readAfter = this.open.lastId;
    this.read += rows.length;
    return true;
  }

  private sendOpen(): void {
    const { bulk, lastId, documents } = this.open!;
    this.open = null;
    this.requestDocuments = Math.max(this.requestDocuments, documents);
    this.track({ lastId, documents, written: bulk.send() });
  }

  private buildBulk(rows: readonly SourceRow[]): BulkOperation[] {
    const { definition } = this.context;
    return rows.map((row) => operationForRow(definition, row));
  }

  /** Counts a sent request in the cursor and keeps its write in flight until acknowledged; the first failure stops the loop. */
  private track(page: SentRequest): void {
    const batch = this.cursor.add(page.lastId, page.documents);
    this.sent += page.documents;
    this.onSent(this.sent);
    const write = page.written.then((result) => this.resendThrottled(result)).then((result) => this.acknowledge(result, batch));
    this.writes.add(write);
    write.then(
      () => this.writes.delete(write),
      (error: Error) => {
        this.writes.delete(write);
        this.failure ??= error;
      },
    );
  }

  /**
   * A 429 means the node's write queue or indexing pressure was full for a moment: as the client's bulk
   * helper does, those documents are sent again after a pause (read again from MySQL: the request kept
   * only its bytes), and fewer requests go in flight until the node keeps up. Other rejections stay.
   */
  private async resendThrottled(result: BulkResult): Promise<BulkResult> {
    const { definition, gateway, job, signal } = this.context;
    let { written, staleSkipped } = result;
    let failures = result.failures;
    for (let resend = 0; resend < THROTTLED_RESENDS; resend++) {
      const throttled = failures.filter((failure) => failure.status === 429);
      if (throttled.length === 0) break;
      this.narrow(Math.floor(this.inFlight / 2));
      await sleep(THROTTLED_FIRST_DELAY_MS * 2 ** resend, undefined, { signal });
      const rows = await this.reader.readByIds(definition, throttled.map((failure) => Number(failure.id)));
      // A row gone since it was read needs no document: CATCH_UP deletes what it left.
      const again = rows.length > 0 ? await gateway.bulk(writeAliasOf(job.targetIndex!), this.buildBulk(rows)) : { written: 0, staleSkipped: 0, failures: [] };
      written += again.written;
      staleSkipped += again.staleSkipped;
      failures = [...failures.filter((failure) => failure.status !== 429), ...again.failures];
    }
    if (failures.length === 0) this.widen();
    return { written, staleSkipped, failures };
  }

  /** A request every document of which the target took moves the contiguous cursor; one with rejections fails the attempt. */
  private acknowledge(result: BulkResult, batch: object): void {
    if (result.failures.length > 0) {
      const sample = result.failures.slice(0, 3).map((failure) => `${failure.id}: ${failure.status} ${failure.reason}`).join('; ');
      throw new IndexingException(IndexingErrorCode.BULK_REJECTED, `${result.failures.length} documents rejected by ${this.context.job.targetIndex!} (${sample})`);
    }
    const moved = this.cursor.acknowledge(batch);
    if (moved) this.saveCursor(moved);
  }

  /** Saves the cursor under the lease, after the saves before it; a save that fails stops the loop. */
  private saveCursor(position: Position): void {
    this.latest = position;
    this.saving++;
    this.persisted = this.persisted.then(async () => {
      try {
        if (this.latest !== position) return;
        await this.store.saveProgress(this.context.job.id, this.context.leaseToken, { ...position, docsTotal: this.docsTotal });
        this.saved = position.docsProcessed;
      } catch (error) {
        this.failure ??= error as Error;
      } finally {
        this.saving--;
      }
    });
  }
}
