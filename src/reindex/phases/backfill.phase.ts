import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { IndexingErrorCode, IndexingException, operationForRow } from '../../indexing/index.js';
import { writeAliasOf, type IndexDefinition } from '../../indices/index.js';
import { JobStore, SourceReader } from '../../job-store/index.js';
import { SearchGateway, type BulkResult } from '../../opensearch/index.js';
import { AdaptivePace } from '../pacing/adaptive-pace.js';
import { paceInForce } from '../pacing/pace-in-force.js';
import { Pacer } from '../pacing/pacer.js';
import { ContiguousCursor } from './contiguous-cursor.js';
import { Phase, type PhaseContext } from './phase.js';

/**
 * Reads rows by primary-key cursor and bulk-writes them with up to
 * REINDEX_BULK_CONCURRENCY requests in flight, reading the next batch while the
 * others are written. After each acknowledged batch the contiguous cursor is
 * persisted, so a crash re-processes at most the batches that were in flight.
 * The pace in force (paceInForce) paces the reads: the one an operator set, else under
 * REINDEX_PACE=auto the adaptive pace (what searches on the live alias feel), else REINDEX_MAX_DOCS_PER_SECOND.
 * The operator's is read again from MySQL twice a second, so a rethrottle on any replica
 * takes effect within a second.
 */
const FIRST_READ_ROWS = 100;
/** How often the job's pace is read again, and the longest a paced wait lasts before it is. */
const PACE_CHECK_MS = 500;

@Injectable()
export class BackfillPhase extends Phase {
  readonly name = 'BACKFILL' as const;

  constructor(
    private readonly store: JobStore,
    private readonly reader: SourceReader,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run(context: PhaseContext): Promise<string> {
    const { job, definition, gateway, leaseToken, signal, logger } = context;
    const { pace, maxDocsPerSecond, searchLatencyBudget, minDocsPerSecond } = this.config.reindex;
    const docsTotal = job.docsTotal ?? (await this.reader.countIndexable(definition));
    let sent = job.docsProcessed;
    const adaptive =
      pace === 'auto'
        ? await AdaptivePace.start({ job, gateway, store: this.store, leaseToken, logger, signal, sent: () => sent, settings: { budget: searchLatencyBudget, floor: minDocsPerSecond, ceiling: maxDocsPerSecond } })
        : null;
    try {
      return await this.backfill(context, docsTotal, adaptive, (count) => (sent = count));
    } finally {
      await adaptive?.stop();
    }
  }

  private async backfill({ job, definition, gateway, leaseToken, signal }: PhaseContext, docsTotal: number, adaptive: AdaptivePace | null, onSent: (sent: number) => void): Promise<string> {
    const target = job.targetIndex!;
    const { bulkConcurrency } = this.config.reindex;
    const paceOf = (operator: number | null) => {
      if (operator !== null) adaptive?.follow(operator);
      return paceInForce(operator, adaptive?.docsPerSecond ?? null, this.config.reindex).docsPerSecond;
    };
    const pacer = new Pacer(paceOf(job.maxDocsPerSecond), performance.now(), job.docsProcessed);
    let paceCheckedAt = performance.now();
    const progress = new ContiguousCursor(job.cursor, job.docsProcessed);
    // Set from the bulk and save callbacks; an object so the type checker sees the writes.
    const failure: { first?: Error } = {};
    let sent = job.docsProcessed;
    let saved = job.docsProcessed;
    let persisted = Promise.resolve();
    let saving = 0;
    let latest: { cursor: number; docsProcessed: number } | null = null;
    const persist = (position: { cursor: number; docsProcessed: number }) => {
      latest = position;
      saving++;
      // Chained so positions reach MySQL in order; each write takes the newest position.
      persisted = persisted.then(async () => {
        try {
          if (latest !== position) return;
          await this.store.saveProgress(job.id, leaseToken, { ...position, docsTotal });
          saved = position.docsProcessed;
        } catch (error) {
          failure.first ??= error as Error;
        } finally {
          saving--;
        }
      });
    };

    const writes = new Set<Promise<void>>();
    let readAfter = job.cursor;
    // The first reads are small and double up to batchSize. V8 decides once per allocation site whether
    // its objects go straight to the old generation, from the share still alive at the first young GC
    // that sees them: a first full batch of rows (and of documents) is all alive then, and both sites
    // were pretenured for the life of the process about one run in three (370 MB instead of 95 MB
    // promoted per 825k documents, +100 MB RSS). After small batches, most rows seen are already dead.
    let readSize = FIRST_READ_ROWS;
    while (!failure.first && !signal.aborted) {
      if (performance.now() - paceCheckedAt >= PACE_CHECK_MS) {
        paceCheckedAt = performance.now();
        // While MySQL does not answer, the pace in use stays (saving progress then fails the attempt anyway).
        const pace = await this.store.readMaxDocsPerSecond(job.id).then(paceOf, () => pacer.maxDocsPerSecond);
        pacer.setRate(pace, sent, performance.now());
      }
      // Paced, a batch is at most a quarter second of the pace: small steps leave searches room in between.
      const batchSize = pacer.batchSize(this.config.reindex.batchSize);
      // Documents sent to the target that no saved position counts yet: what a crash now would write again.
      // Kept to the batches in flight plus the one being saved, whatever the order the acknowledgements come in.
      const maxUnsaved = (bulkConcurrency + 1) * batchSize;
      // Read once a bulk slot is free (and the saved position is close enough), not ahead of it: rows
      // that wait for a slot outlive V8's young generation, and promoting megabytes per batch is what
      // grew the heap. The read still overlaps the other requests in flight.
      if (writes.size >= bulkConcurrency || sent - saved + batchSize > maxUnsaved) {
        // Only what is still pending: racing a settled promise would spin without ever yielding.
        const pending = saving > 0 ? [...writes, persisted] : [...writes];
        if (pending.length > 0) {
          await Promise.race(pending).catch(() => undefined);
          continue;
        }
      }
      const readRows = Math.min(batchSize, readSize);
      const early = pacer.delayMs(sent, readRows, performance.now());
      if (early > 0) {
        // In steps, so that a new pace is seen; aborting ends the wait and the loop condition then stops.
        await sleep(Math.min(early, PACE_CHECK_MS), undefined, { signal }).catch(() => undefined);
        continue;
      }
      const read = await this.readAndSend(gateway, definition, target, readAfter, readRows);
      if (!read) break;
      readSize = Math.min(batchSize, readSize) * 2;
      readAfter = read.lastId;
      const batch = progress.add(readAfter, read.documents);
      sent += read.documents;
      onSent(sent);
      const write = read.written.then((result) => {
        if (result.failures.length > 0) {
          const sample = result.failures.slice(0, 3).map((failure) => `${failure.id}: ${failure.status} ${failure.reason}`).join('; ');
          throw new IndexingException(IndexingErrorCode.BULK_REJECTED, `${result.failures.length} documents rejected by ${target} (${sample})`);
        }
        const moved = progress.acknowledge(batch);
        if (moved) persist(moved);
      });
      writes.add(write);
      write.then(
        () => writes.delete(write),
        (error: Error) => {
          writes.delete(write);
          failure.first ??= error;
        },
      );
    }
    await Promise.allSettled([...writes]);
    await persisted;
    if (failure.first) throw failure.first;
    signal.throwIfAborted();
    return `backfilled ${docsTotal} indexable rows up to id ${readAfter}`;
  }

  /**
   * Reads the next batch and hands it to the gateway. A function of its own so that nothing keeps
   * the rows and documents once the request bodies are built: a variable of the loop above would,
   * in the suspended async frame, for as long as the next slot takes to free.
   */
  private async readAndSend(
    gateway: SearchGateway,
    definition: IndexDefinition,
    target: string,
    afterId: number,
    limit: number,
  ): Promise<{ lastId: number; documents: number; written: Promise<BulkResult> } | null> {
    const rows = await this.reader.readBatch(definition, afterId, limit);
    if (rows.length === 0) return null;
    return { lastId: rows[rows.length - 1].id, documents: rows.length, written: gateway.bulk(writeAliasOf(target), rows.map((row) => operationForRow(definition, row))) };
  }
}
