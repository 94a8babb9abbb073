import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../../config/index.js';
import { IndexingErrorCode, IndexingException, operationForRow } from '../../indexing/index.js';
import { writeAliasOf, type SourceRow } from '../../indices/index.js';
import type { JobStore, SourceReader } from '../../job-store/index.js';
import type { BulkOperation, BulkResult } from '../../opensearch/index.js';
import type { AdaptivePace } from '../pacing/adaptive-pace.js';
import { paceInForce } from '../pacing/pace-in-force.js';
import { Pacer } from '../pacing/pacer.js';
import { ContiguousCursor } from './contiguous-cursor.js';
import type { PhaseContext } from './phase.js';

/** The first reads are small and double up to the batch size (why: BENCHMARKS.md, "Backfill memory"). */
const FIRST_READ_ROWS = 100;
/** How often the job's pace is read again, and the longest a paced wait lasts before it is. */
const PACE_CHECK_MS = 500;

type Position = { cursor: number; docsProcessed: number };
/** A page read and handed to the gateway: its last id, its size, and the bulk request in flight. */
type SentPage = { lastId: number; documents: number; written: Promise<BulkResult> };

/**
 * One BACKFILL attempt, as the loop of Elasticsearch's AbstractAsyncBulkByScrollAction: read a page,
 * build the bulk, send it, acknowledge it, save the cursor. Up to REINDEX_BULK_CONCURRENCY pages are in
 * flight; the contiguous cursor saved under the lease counts only pages acknowledged in read order.
 */
export class BackfillRun {
  private readonly pacer: Pacer;
  private paceCheckedAt = performance.now();
  private readonly cursor: ContiguousCursor;
  private readonly writes = new Set<Promise<void>>();
  private failure: Error | undefined;
  private sent: number;
  private saved: number;
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
    this.sent = job.docsProcessed;
    this.saved = job.docsProcessed;
    this.readAfter = job.cursor;
  }

  async run(): Promise<string> {
    const { signal } = this.context;
    while (!this.failure && !signal.aborted) {
      if (performance.now() - this.paceCheckedAt >= PACE_CHECK_MS) await this.followPace();
      // Paced, a batch is at most a quarter second of the pace: small steps leave searches room in between.
      const batchSize = this.pacer.batchSize(this.settings.batchSize);
      const room = this.waitForRoom(batchSize);
      if (room) {
        await room;
        continue;
      }
      const readRows = Math.min(batchSize, this.readSize);
      const early = this.pacer.delayMs(this.sent, readRows, performance.now());
      if (early > 0) {
        // In steps, so that a new pace is seen; aborting ends the wait and the loop condition then stops.
        await sleep(Math.min(early, PACE_CHECK_MS), undefined, { signal }).catch(() => undefined);
        continue;
      }
      const page = await this.readPage(readRows);
      if (!page) break;
      this.readSize = readRows * 2;
      this.track(page);
    }
    await Promise.allSettled([...this.writes]);
    await this.persisted;
    if (this.failure) throw this.failure;
    signal.throwIfAborted();
    return `backfilled ${this.docsTotal} indexable rows up to id ${this.readAfter}`;
  }

  /** The pace in force (paceInForce); a pace an operator set is what the adaptive pace follows from then on. */
  private paceOf(operator: number | null): number {
    if (operator !== null) this.adaptive?.follow(operator);
    return paceInForce(operator, this.adaptive?.docsPerSecond ?? null, this.settings).docsPerSecond;
  }

  /** Reads the job's pace again; while MySQL does not answer the pace in use stays (saving progress then fails the attempt anyway). */
  private async followPace(): Promise<void> {
    this.paceCheckedAt = performance.now();
    const pace = await this.store.readMaxDocsPerSecond(this.context.job.id).then((operator) => this.paceOf(operator), () => this.pacer.maxDocsPerSecond);
    this.pacer.setRate(pace, this.sent, performance.now());
  }

  /**
   * What to wait for before the next read, or null to read now: a free bulk slot, and a saved position
   * close enough that a crash re-sends at most the pages in flight plus the one being saved.
   * Reading only then keeps rows from outliving V8's young generation (BENCHMARKS.md, "Backfill memory").
   */
  private waitForRoom(batchSize: number): Promise<unknown> | null {
    const maxUnsaved = (this.settings.bulkConcurrency + 1) * batchSize;
    if (this.writes.size < this.settings.bulkConcurrency && this.sent - this.saved + batchSize <= maxUnsaved) return null;
    // Only what is still pending: racing a settled promise would spin without ever yielding.
    const pending = this.saving > 0 ? [...this.writes, this.persisted] : [...this.writes];
    return pending.length > 0 ? Promise.race(pending).catch(() => undefined) : null;
  }

  /** Read a page, build the bulk, send it. Its own frame so nothing keeps the rows once the bodies are built. */
  private async readPage(limit: number): Promise<SentPage | null> {
    const rows = await this.reader.readBatch(this.context.definition, this.readAfter, limit);
    if (rows.length === 0) return null;
    return { lastId: rows[rows.length - 1].id, documents: rows.length, written: this.send(this.buildBulk(rows)) };
  }

  private buildBulk(rows: readonly SourceRow[]): BulkOperation[] {
    const { definition } = this.context;
    return rows.map((row) => operationForRow(definition, row));
  }

  private send(operations: BulkOperation[]): Promise<BulkResult> {
    return this.context.gateway.bulk(writeAliasOf(this.context.job.targetIndex!), operations);
  }

  /** Counts a sent page in the cursor and keeps its write in flight until acknowledged; the first failure stops the loop. */
  private track(page: SentPage): void {
    this.readAfter = page.lastId;
    const batch = this.cursor.add(page.lastId, page.documents);
    this.sent += page.documents;
    this.onSent(this.sent);
    const write = page.written.then((result) => this.acknowledge(result, batch));
    this.writes.add(write);
    write.then(
      () => this.writes.delete(write),
      (error: Error) => {
        this.writes.delete(write);
        this.failure ??= error;
      },
    );
  }

  /** A page every document of which the target took moves the contiguous cursor; one with rejections fails the attempt. */
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
