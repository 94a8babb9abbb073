import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/index.js';
import type { IndexDefinition, SourceRow } from '../../indices/index.js';
import type { Job, JobStore, SourceReader } from '../../job-store/index.js';
import type { BulkOperation, BulkResult, SearchGateway } from '../../opensearch/index.js';
import { BackfillPhase } from './backfill.phase.js';

const BATCH_SIZE = 10;
const BULK_CONCURRENCY = 2;
const ROWS = 200;

const definition = {
  name: 'things',
  toDocument: (row: SourceRow) => ({ id: String(row.id), version: 1, body: {} }),
  versionOf: () => 1,
} as unknown as IndexDefinition;

/**
 * A backfill against in-memory fakes that records, at every bulk it sends, how many
 * documents were sent but not yet counted in a saved position: what a crash at that
 * instant would make the next run write again.
 */
function harness(options: {
  bulk?: (call: number) => Promise<void>;
  save?: (call: number) => Promise<void>;
  /** Documents the target rejects in a bulk (none unless given). */
  rejected?: (call: number) => BulkResult['failures'];
  maxDocsPerSecond?: number;
  /** The pace an operator set on the job row, as the phase reads it (null: none). */
  jobPace?: () => number | null;
}) {
  const saved: { cursor: number; docsProcessed: number }[] = [];
  const exposure: number[] = [];
  const batches: { size: number; atMs: number }[] = [];
  const startedAt = performance.now();
  let sent = 0;
  let bulks = 0;
  let saves = 0;
  const reader = {
    readBatch: (_definition: IndexDefinition, afterId: number, limit: number) =>
      Promise.resolve(Array.from({ length: Math.max(0, Math.min(limit, ROWS - afterId)) }, (_, i) => ({ id: afterId + i + 1 }))),
    countIndexable: () => Promise.resolve(ROWS),
  } as unknown as SourceReader;
  const store = {
    readMaxDocsPerSecond: () => Promise.resolve(options.jobPace?.() ?? null),
    saveProgress: async (_jobId: number, _owner: string, position: { cursor: number; docsProcessed: number }) => {
      await new Promise((resolve) => setImmediate(resolve));
      await options.save?.(++saves);
      saved.push({ cursor: position.cursor, docsProcessed: position.docsProcessed });
    },
  } as unknown as JobStore;
  const gateway = {
    bulk: async (_index: string, operations: readonly BulkOperation[]): Promise<BulkResult> => {
      sent += operations.length;
      batches.push({ size: operations.length, atMs: performance.now() - startedAt });
      exposure.push(sent - (saved.at(-1)?.docsProcessed ?? 0));
      const call = ++bulks;
      await options.bulk?.(call);
      const failures = options.rejected?.(call) ?? [];
      return { written: operations.length - failures.length, staleSkipped: 0, failures };
    },
  } as unknown as SearchGateway;
  const config = { reindex: { batchSize: BATCH_SIZE, bulkConcurrency: BULK_CONCURRENCY, maxDocsPerSecond: options.maxDocsPerSecond ?? 0 } } as unknown as AppConfig;
  const phase = new BackfillPhase(store, reader, config);
  const job = { id: 1, targetIndex: 'things_v2', cursor: 0, docsProcessed: 0, docsTotal: null, maxDocsPerSecond: options.jobPace?.() ?? null } as unknown as Job;
  const run = () => phase.run({ job, definition, gateway, leaseToken: 'me', signal: new AbortController().signal, fence: () => Promise.resolve(), logger: new Logger('test') });
  return { run, saved, exposure, batches };
}

describe('BackfillPhase', () => {
  it('writes every row once and saves the final cursor', async () => {
    const { run, saved, exposure } = harness({});

    await run();

    expect(saved.at(-1)).toEqual({ cursor: ROWS, docsProcessed: ROWS });
    expect(exposure).toHaveLength(ROWS / BATCH_SIZE);
  });

  it('never has more than the batches in flight plus one unsaved, even while an early bulk is slow', async () => {
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const { run, saved, exposure } = harness({ bulk: (call) => (call === 1 ? firstHeld : Promise.resolve()) });

    const done = run();
    // Plenty of turns for every later batch to be read and written if nothing held them back.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sentWhileHeld = exposure.length;
    releaseFirst();
    await done;

    expect(sentWhileHeld).toBeLessThanOrEqual(BULK_CONCURRENCY + 1);
    expect(Math.max(...exposure)).toBeLessThanOrEqual((BULK_CONCURRENCY + 1) * BATCH_SIZE);
    expect(saved.at(-1)).toEqual({ cursor: ROWS, docsProcessed: ROWS });
  });

  it('stops sending batches and fails when a position cannot be saved (the lease is lost)', async () => {
    const { run, exposure } = harness({ save: (call) => (call === 2 ? Promise.reject(new Error('job 1 is no longer running under me')) : Promise.resolve()) });

    await expect(run()).rejects.toThrow('no longer running under me');
    expect(exposure.length).toBeLessThanOrEqual(2 + BULK_CONCURRENCY + 1);
  });

  it('fails when the target rejects documents, and saves no position that counts them', async () => {
    const { run, saved } = harness({ rejected: (call) => (call === 3 ? [{ id: '25', status: 400, reason: 'mapper_parsing_exception' }] : []) });

    await expect(run()).rejects.toThrow('1 documents rejected by things_v2 (25: 400 mapper_parsing_exception)');
    expect(Math.max(0, ...saved.map((position) => position.cursor))).toBeLessThanOrEqual(2 * BATCH_SIZE);
  });

  it('keeps to REINDEX_MAX_DOCS_PER_SECOND: no batch is sent before the pace allows it', async () => {
    // 200 rows at 400/s in batches of 10: the last batch (rows 191-200) is due at 190/400 s.
    const { run, saved, batches } = harness({ maxDocsPerSecond: 400 });
    await run();

    expect(saved.at(-1)).toEqual({ cursor: ROWS, docsProcessed: ROWS });
    let sentBefore = 0;
    for (const batch of batches) {
      expect(batch.atMs).toBeGreaterThanOrEqual((sentBefore / 400) * 1000 - 5);
      sentBefore += batch.size;
    }
    expect(batches.at(-1)!.atMs).toBeGreaterThanOrEqual(470);
  });

  it('follows a pace set on the job while it runs, within a second, over REINDEX_MAX_DOCS_PER_SECOND', async () => {
    // 200 rows: at 20/s that is 10 s; unlimited from 600 ms on, the rest go at once.
    const startedAt = performance.now();
    const { run, saved, batches } = harness({ maxDocsPerSecond: 1000, jobPace: () => (performance.now() - startedAt < 600 ? 20 : 0) });
    await run();

    expect(saved.at(-1)).toEqual({ cursor: ROWS, docsProcessed: ROWS });
    // At 20/s the first read (100 rows at most: a paced batch) waits 5 s for the next.
    expect(batches.filter((batch) => batch.atMs < 600).reduce((sum, batch) => sum + batch.size, 0)).toBeLessThanOrEqual(100);
    expect(batches.at(-1)!.atMs).toBeLessThan(1600);
  });
});
