import { type EventRow, eventsIndex } from '../support/demo-definitions.js';
import type { INestApplication } from '@nestjs/common';
import type { IndexDefinition, SourceRow } from '../../src/indices/index-definition.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { SourceDatabase } from '../../src/job-store/source-database.js';
import { SourceReader } from '../../src/job-store/source-reader.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { type BulkOperation, type BulkResult } from '../../src/opensearch/search-gateway.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { SourceFactory } from '../support/factories.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { writeAliasOf } from '../../src/indices/index-names.js';
import { completedJob, DelegatingGateway, Gate, requestFullRebuild, startAppWith, wrapGateway } from './rebuild-harness.js';

const BATCH = 200;

/** Holds the backfill's read of the batch holding a given row after MySQL answered, until the test opens the gate. */
class GatedSourceReader extends SourceReader {
  private held?: { id: number; reached: (rows: SourceRow[]) => void; gate: Gate };

  holdBatchWith(id: number): { reached: Promise<SourceRow[]>; gate: Gate } {
    const gate = new Gate();
    const reached = new Promise<SourceRow[]>((resolve) => (this.held = { id, reached: resolve, gate }));
    return { reached, gate };
  }

  override async readBatch<TRow extends SourceRow>(definition: IndexDefinition<TRow>, afterId: number, limit: number): Promise<TRow[]> {
    const rows = await super.readBatch(definition, afterId, limit);
    const held = this.held;
    if (held && definition.name === eventsIndex.name && rows.some((row) => row.id === held.id)) {
      this.held = undefined;
      held.reached(rows);
      await held.gate.opened;
    }
    return rows;
  }
}

interface RecordedWrite {
  readonly operations: readonly BulkOperation[];
  readonly result: BulkResult;
  /** Versions of the watched ids in the index right after this bulk, before anything else can write them. */
  readonly versionsAfter: Map<string, number>;
}

/** Records every bulk into the watched index that names a watched id. */
class RecordingGateway extends DelegatingGateway {
  private watched?: { index: string; ids: string[] };
  writes: RecordedWrite[] = [];

  watch(index: string, ids: readonly number[]): void {
    this.watched = { index, ids: ids.map(String) };
    this.writes = [];
  }

  versions(index: string, ids: readonly number[]): Promise<Map<string, number>> {
    return this.real.getVersions(index, ids.map(String));
  }

  override async bulk(index: string, operations: readonly BulkOperation[]): Promise<BulkResult> {
    const result = await this.real.bulk(index, operations);
    const watched = this.watched;
    if (watched && index === watched.index && operations.some((operation) => watched.ids.includes(operation.id))) {
      this.writes.push({ operations, result, versionsAfter: await this.real.getVersions(index, watched.ids) });
    }
    return result;
  }
}

describe('a backfill batch read before a live change and written after it', () => {
  let context: TestContext;
  let factory: SourceFactory;
  let app: INestApplication;
  let gateway: RecordingGateway;
  let reader: GatedSourceReader;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('stale_backfill');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 2000, 11);
    factory = SourceFactory.connect(context.databaseUrl);
    app = await startAppWith(context.config({ REINDEX_BATCH_SIZE: String(BATCH) }), undefined, (builder) =>
      wrapGateway(builder, (real) => (gateway = new RecordingGateway(real)))
        .overrideProvider(SourceReader)
        .useFactory({ factory: (source: SourceDatabase) => (reader = new GatedSourceReader(source)), inject: [SourceDatabase] }),
    );
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);
  });
  afterAll(async () => {
    await app?.close();
    await factory?.close();
    await context?.dispose();
  });

  /** Indexable events in the middle of the 4th backfill batch: read by a later bulk than the first ones. */
  async function rowsOfFourthBatch(count: number): Promise<number[]> {
    const rows = await context.sql<{ id: number }>(
      `SELECT e.id FROM events e JOIN venues v ON v.id = e.venue_id
       WHERE e.status = 'published' AND e.deleted_at IS NULL AND v.deleted_at IS NULL ORDER BY e.id LIMIT ${count} OFFSET ${3 * BATCH + 50}`,
    );
    return rows.map((row) => row.id);
  }

  async function documentVersion(id: number): Promise<number> {
    const [row] = await context.sql<{ version: number }>('SELECT e.version + v.version AS version FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.id = ?', [id]);
    return Number(row.version);
  }

  /** Starts a rebuild whose backfill holds the batch with `id`; resolves once that batch was read, with the job's target. */
  async function rebuildHolding(id: number) {
    const held = reader.holdBatchWith(id);
    const { id: jobId } = await requestFullRebuild(app, events);
    const batch = await held.reached;
    const job = (await app.get(JobStore).findJob(jobId))!;
    expect(job.phase).toBe('BACKFILL');
    return { jobId, target: job.targetIndex!, batch, gate: held.gate };
  }

  async function finish(jobId: number) {
    await completedJob(app, events, jobId - 1);
    const report = await app.get(IndexVerifier).verifyOn(app.get(SearchGateway), events);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  }

  it('keeps the newer version a live update dual-wrote to the target and reports the older copy as stale-skipped', async () => {
    const [id] = await rowsOfFourthBatch(1);
    const { jobId, target, batch, gate } = await rebuildHolding(id);
    gateway.watch(writeAliasOf(target), [id]);
    const heldVersion = eventsIndex.versionOf(batch.find((row) => row.id === id) as EventRow);

    await factory.updateEvent(id, { title: 'Renamed while its backfill batch waits', price: 99 });
    const newer = await documentVersion(id);
    await app.get(ChangePublisher).publish({ entity: 'event', id: String(id), op: 'upsert' });
    await waitFor('the dual-write of the newer version', () => Promise.resolve(gateway.writes.length > 0 ? true : undefined));
    expect(gateway.writes[0].operations).toHaveLength(1);
    expect(gateway.writes[0].versionsAfter.get(String(id))).toBe(newer);

    gate.open();
    const backfill = await waitFor('the held batch to be written', () => Promise.resolve(gateway.writes.find((write) => write.operations.length > 1)));

    expect(newer).toBeGreaterThan(heldVersion);
    expect(backfill.operations).toHaveLength(batch.length);
    expect(backfill.operations.find((operation) => operation.id === String(id))).toMatchObject({ action: 'index', version: heldVersion });
    expect(backfill.result).toEqual({ written: batch.length - 1, staleSkipped: 1, failures: [] });
    expect(backfill.versionsAfter.get(String(id))).toBe(newer);
    await finish(jobId);
    const [document] = (await gateway.search(events, { query: { ids: { values: [String(id)] } } })).hits;
    expect(document.source).toMatchObject({ title: 'Renamed while its backfill batch waits', price: 99 });
  });

  it('does not bring back a row soft- or hard-deleted while its older copy waits in a backfill batch', async () => {
    const [softDeleted, hardDeleted] = await rowsOfFourthBatch(2);
    const { jobId, target, batch, gate } = await rebuildHolding(softDeleted);
    expect(batch.map((row) => row.id)).toEqual(expect.arrayContaining([softDeleted, hardDeleted]));
    gateway.watch(writeAliasOf(target), [softDeleted, hardDeleted]);

    await factory.softDeleteEvent(softDeleted);
    await factory.deleteEvent(hardDeleted);
    const publisher = app.get(ChangePublisher);
    await publisher.publish({ entity: 'event', id: String(softDeleted), op: 'upsert' });
    await publisher.publish({ entity: 'event', id: String(hardDeleted), op: 'delete' });
    await waitFor('both versioned deletes dual-written', () => Promise.resolve(gateway.writes.length >= 2 ? true : undefined));
    expect(gateway.writes.map((write) => write.operations.map((operation) => operation.action))).toEqual([['delete'], ['delete']]);

    gate.open();
    const backfill = await waitFor('the held batch to be written', () => Promise.resolve(gateway.writes.find((write) => write.operations.length > 1)));

    expect(backfill.operations.filter((operation) => [String(softDeleted), String(hardDeleted)].includes(operation.id)).map((operation) => operation.action)).toEqual(['index', 'index']);
    expect(backfill.result).toEqual({ written: batch.length - 2, staleSkipped: 2, failures: [] });
    expect(backfill.versionsAfter.size).toBe(0);
    await finish(jobId);
    expect((await gateway.versions(events, [softDeleted, hardDeleted])).size).toBe(0);
  });
});
