import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/index.js';
import type { IndexDefinition, SourceRow } from '../../indices/index.js';
import type { Job, JobStore, SourceReader } from '../../job-store/index.js';
import { SearchGateway, type BulkOperation, type BulkResult, type WritePressure } from '../../opensearch/index.js';
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
  /** REINDEX_BULK_BYTES (0 unless given). */
  bulkBytes?: number;
  /** What the nodes' write thread pools report (an idle node unless given). */
  pressure?: () => WritePressure;
}) {
  const saved: { cursor: number; docsProcessed: number }[] = [];
  const exposure: number[] = [];
  const batches: { size: number; atMs: number; ids: string[]; inFlight: number }[] = [];
  let inFlight = 0;
  const startedAt = performance.now();
  let sent = 0;
  let bulks = 0;
  let saves = 0;
  const reader = {
    readBatch: (_definition: IndexDefinition, afterId: number, limit: number) =>
      Promise.resolve(Array.from({ length: Math.max(0, Math.min(limit, ROWS - afterId)) }, (_, i) => ({ id: afterId + i + 1 }))),
    countIndexable: () => Promise.resolve(ROWS),
    readByIds: (_definition: IndexDefinition, ids: readonly number[]) => Promise.resolve(ids.map((id) => ({ id }))),
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
      batches.push({ size: operations.length, atMs: performance.now() - startedAt, ids: operations.map((operation) => operation.id), inFlight: ++inFlight });
      exposure.push(sent - (saved.at(-1)?.docsProcessed ?? 0));
      const call = ++bulks;
      try {
        await options.bulk?.(call);
      } finally {
        inFlight--;
      }
      const failures = options.rejected?.(call) ?? [];
      return { written: operations.length - failures.length, staleSkipped: 0, failures };
    },
  } as unknown as SearchGateway;
  // The default request builder, over the fake's bulk (its byte count: each operation's JSON and newlines).
  gateway.openBulk = SearchGateway.prototype.openBulk;
  gateway.writePressure = () => Promise.resolve(options.pressure?.() ?? { threads: 2, queue: 0, rejected: 0 });
  const config = { reindex: { batchSize: BATCH_SIZE, bulkConcurrency: BULK_CONCURRENCY, bulkBytes: options.bulkBytes ?? 0, maxDocsPerSecond: options.maxDocsPerSecond ?? 0 } } as unknown as AppConfig;
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

  it('sends again, after a pause, only the documents a node refused for a moment (429), and lets fewer requests in flight from then on', async () => {
    const throttled = ['3', '5', '8'];
    const { run, saved, batches } = harness({
      bulk: () => new Promise((resolve) => setTimeout(resolve, 5)),
      rejected: (call) => (call === 1 ? throttled.map((id) => ({ id, status: 429, reason: 'es_rejected_execution_exception' })) : []),
    });
    await run();

    expect(saved.at(-1)).toEqual({ cursor: ROWS, docsProcessed: ROWS });
    const resend = batches.findIndex((batch) => batch.ids.join() === throttled.join());
    expect(resend).toBeGreaterThan(0);
    // Every other document went once, and once the resend was answered one request at a time.
    expect(batches.filter((_, index) => index !== resend).flatMap((batch) => batch.ids)).toHaveLength(ROWS);
    const after = batches.filter((batch) => batch.atMs > batches[resend].atMs + 5);
    expect(after.length).toBeGreaterThan(3);
    expect(Math.max(...after.map((batch) => batch.inFlight))).toBe(1);
  });

  it("lets one request less in flight while write tasks wait for the node's threads, and half as many once it refused some", async () => {
    const inFlightBetween = (batches: { atMs: number; inFlight: number }[], fromMs: number, toMs: number) => Math.max(...batches.filter((batch) => batch.atMs > fromMs && batch.atMs < toMs).map((batch) => batch.inFlight));
    // The node is read once a second: before the first read two in flight, after it (and the requests then in flight) one.
    const queued = harness({ bulk: () => new Promise((resolve) => setTimeout(resolve, 150)), pressure: () => ({ threads: 1, queue: 4, rejected: 0 }) });
    await queued.run();
    expect(inFlightBetween(queued.batches, 0, 900)).toBe(BULK_CONCURRENCY);
    expect(inFlightBetween(queued.batches, 1300, Infinity)).toBe(1);

    // Refused tasks count from the node's start: the first read is the baseline, the second finds more.
    let reads = 0;
    const refusing = harness({ bulk: () => new Promise((resolve) => setTimeout(resolve, 300)), pressure: () => ({ threads: 1, queue: 0, rejected: 10 * ++reads }) });
    await refusing.run();
    expect(inFlightBetween(refusing.batches, 0, 1900)).toBe(BULK_CONCURRENCY);
    // Narrowed at the second read (~2 s); the two requests in flight then are answered by ~2.4 s.
    expect(inFlightBetween(refusing.batches, 2500, Infinity)).toBe(1);
  });

  it('fails the attempt when a node keeps refusing the same documents (429) past its resends', async () => {
    const { run, batches } = harness({ rejected: () => [{ id: '3', status: 429, reason: 'es_rejected_execution_exception' }] });

    await expect(run()).rejects.toThrow(/1 documents rejected by things_v2 \(3: 429 es_rejected_execution_exception\)/);
    expect(batches.filter((batch) => batch.ids.join() === '3')).toHaveLength(6);
  }, 30_000);

  it('with REINDEX_BULK_BYTES, joins pages into requests of at least that many bytes, the last one holding what is left', async () => {
    // An operation of this fake is 57 bytes: 1,200 bytes take three pages of 10 (1,710 bytes).
    const { run, saved, batches, exposure } = harness({ bulkBytes: 1200 });
    await run();

    expect(saved.at(-1)).toEqual({ cursor: ROWS, docsProcessed: ROWS });
    expect(batches.map((batch) => batch.size)).toEqual([30, 30, 30, 30, 30, 30, 20]);
    // Still at most the requests in flight plus one unsaved.
    expect(Math.max(...exposure)).toBeLessThanOrEqual((BULK_CONCURRENCY + 1) * 30);
  });

  it('with REINDEX_BULK_BYTES but paced, sends each page at once', async () => {
    const { run, batches } = harness({ bulkBytes: 1200, maxDocsPerSecond: 2000 });
    await run();

    expect(batches.every((batch) => batch.size === BATCH_SIZE)).toBe(true);
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
