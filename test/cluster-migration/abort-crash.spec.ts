import type { ClusterMigration } from '../../src/job-store/job.js';
import type { VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { adminApi, ServiceFleet } from '../support/service-fleet.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const EVENTS = 20_000;
const CHANGES = 200;
const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;

interface MigrationAnswer {
  migration: ClusterMigration;
}

/**
 * Invariant 9 for the abort: kill -9 of the only service process as soon as the migration row
 * says the abort was taken, after the cutover; the old cluster, which serves every read again,
 * gets the writes it missed once another process starts.
 */
(elasticsearch ? describe : describe.skip)('an abort after the cutover, the service killed -9 right after the abort was recorded', () => {
  let context: TestContext;
  let fleet: ServiceFleet;
  let rows: JobRows;
  let broker: BrokerProbe;
  let events: string;
  let generation = 0;

  const startService = () => fleet.start(`abort-crash-${++generation}`, context.env({ OPENSEARCH_NEXT_NODE: opensearch, LOG_LEVEL: 'log', MIGRATION_READS_GRACE_SECONDS: '2', REINDEX_RECOVERY_INTERVAL_MS: '1000' }));
  const stateOf = async (id: number) => (await rows.query<{ state: string; resyncedAt: Date | null }>('SELECT state, resynced_at AS resyncedAt FROM cluster_migrations WHERE id = ?', [id]))[0];
  /** The changed events whose title on the cluster differs from MySQL's. */
  const staleOn = async (node: string, ids: readonly number[]) => {
    const titles = new Map((await context.sql<{ id: number; title: string }>(`SELECT id, title FROM events WHERE id IN (${ids.join(',')})`)).map((row) => [Number(row.id), row.title]));
    const documents = await new ClusterProbe(node).documents(events, ids);
    return documents.filter((document) => document.source?.title !== titles.get(Number(document.id))).map((document) => Number(document.id));
  };

  beforeAll(async () => {
    context = await TestContext.create('abort_crash', { opensearchNode: elasticsearch });
    fleet = new ServiceFleet();
    rows = JobRows.connect(context.databaseUrl);
    broker = await BrokerProbe.open(context.rabbitmqUrl);
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, EVENTS, 41);
  }, 60_000);
  afterAll(async () => {
    await fleet?.killAll();
    await rows?.close();
    await broker?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('re-syncs the old cluster from MySQL after the restart, every row changed during CUT_OVER included, and a second abort answers the migration', async () => {
    const victim = await startService();
    const firstBuilds = await waitFor('the first builds on the current cluster', async () => {
      const jobs = await rows.jobs();
      return jobs.length >= 2 ? jobs : undefined;
    });
    for (const job of firstBuilds) await rows.waitForStatus(job.id, 'COMPLETED', 120_000);
    expect((await adminApi(victim, 'POST', `/indices/${events}/migrate`)).status).toBe(202);
    const migration = await waitFor('MIRRORING', async () => {
      const { body } = await adminApi<MigrationAnswer>(victim, 'GET', `/indices/${events}/migration`);
      if (body.migration.state === 'FAILED') throw new Error(`migration failed: ${body.migration.lastError}`);
      return body.migration.state === 'MIRRORING' ? body.migration : undefined;
    }, 180_000, 200);
    expect((await adminApi<MigrationAnswer>(victim, 'POST', `/indices/${events}/migration/complete`)).body.migration.state).toBe('CUT_OVER');

    // 200 changes of indexed events while CUT_OVER: written to the next cluster alone.
    const changed = await new ClusterProbe(elasticsearch!).firstIds(events, CHANGES);
    await context.sql(`UPDATE events SET title = CONCAT('Changed during CUT_OVER ', id), version = version + 1 WHERE id IN (${changed.join(',')})`);
    for (const id of changed) await broker.publish(context.exchange, 'event.upsert', JSON.stringify({ entity: 'event', id: String(id), op: 'upsert' }));
    await waitFor('the changes on the next cluster', async () => ((await staleOn(opensearch, changed)).length === 0 ? true : undefined), 60_000, 200);
    expect(await staleOn(elasticsearch!, changed)).toHaveLength(CHANGES);

    // The abort; kill -9 as soon as the row says it was taken, whatever the request is doing then.
    const abort = adminApi(victim, 'POST', `/indices/${events}/migration/abort`).catch((error: Error) => error);
    await waitFor('the abort recorded', async () => ((await stateOf(migration.id)).state !== 'CUT_OVER' ? true : undefined), 30_000, 5);
    await victim.kill();
    await abort;
    const atKill = await stateOf(migration.id);
    const staleAtKill = await staleOn(elasticsearch!, changed);
    console.info(`abort crash: the row said ${atKill.state} at the kill, ${staleAtKill.length} of ${CHANGES} changed rows stale on the old cluster`);
    // Killed before the re-sync finished: the old cluster still misses changes.
    expect(staleAtKill.length).toBeGreaterThan(0);

    const successor = await startService();
    const ended = await waitFor('the abort finished by the new process', async () => {
      const { body } = await adminApi<MigrationAnswer>(successor, 'GET', `/indices/${events}/migration`);
      return body.migration.state === 'ABORTED' ? body.migration : undefined;
    }, 120_000, 200);
    expect(await staleOn(elasticsearch!, changed)).toEqual([]);
    expect(ended).toMatchObject({ id: migration.id, readsNextPercent: 0, waitingFor: null });
    expect(ended.resyncedAt).not.toBeNull();
    const { status, body: report } = await adminApi<VerifyReport>(successor, 'GET', `/indices/${events}/verify?cluster=current`);
    expect(status).toBe(200);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
    expect(await new ClusterProbe(opensearch).aliasTargets(events)).toEqual([]);

    const again = await adminApi<MigrationAnswer>(successor, 'POST', `/indices/${events}/migration/abort`);
    expect(again).toMatchObject({ status: 200, body: { migration: { id: migration.id, state: 'ABORTED' } } });
  }, 420_000);
});
