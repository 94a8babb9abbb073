import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { ClusterMigration, Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { SearchClusters } from '../../src/opensearch/search-clusters.js';
import { IndexVerifier, type VerifyReport } from '../../src/reindex/index-verifier.service.js';
import { ChangeStream } from '../live-updates/change-stream.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { SourceFactory } from '../support/factories.js';
import { SearchLoop } from '../support/search-loop.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const EVENTS = 20_000;
const CHANGES_PER_SECOND = 20;
const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;

interface MigrationAnswer {
  migration: ClusterMigration | null;
  job: (Job & { clusterUuid: string | null }) | null;
  code?: string;
  message?: string;
}

const equalToSource = (report: VerifyReport) => ({ ...report, indexCount: report.sourceCount, missing: { total: 0, ids: [] }, stale: { total: 0, ids: [] }, extra: { total: 0, ids: [] } });

// A team leaving Elasticsearch 7.10 for OpenSearch: the current cluster is Elasticsearch, the next OpenSearch.
(elasticsearch ? describe : describe.skip)('moving search from Elasticsearch 7.10 to OpenSearch', () => {
  let context: TestContext;
  let app: INestApplication;
  let probe: BrokerProbe;
  let factory: SourceFactory;
  let events: string;
  let venues: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as MigrationAnswer & Record<string, unknown> };
  };
  const migrationIn = (state: ClusterMigration['state']) =>
    waitFor(`the migration of ${events} ${state}`, async () => {
      const { body } = await api('GET', `/indices/${events}/migration`);
      if (body.migration?.state === 'FAILED') throw new Error(`migration failed: ${body.migration.lastError}`);
      return body.migration?.state === state ? body : undefined;
    }, 180_000, 200);
  /** Every published change applied: nothing ready or waiting for a retry, and both clusters equal to MySQL. */
  const bothEqualToSource = () =>
    waitFor('both clusters equal to the source', async () => {
      if ((await probe.messageCount(context.queue)) > 0 || (await probe.messageCount(`${context.queue}.retry`)) > 0) return undefined;
      const clusters = app.get(SearchClusters);
      const verifier = app.get(IndexVerifier);
      const [current, next] = [await verifier.verifyOn(clusters.current, events), await verifier.verifyOn(clusters.next!, events)];
      return current.missing.total + current.stale.total + current.extra.total + next.missing.total + next.stale.total + next.extra.total === 0 ? { current, next } : undefined;
    }, 60_000, 500);
  const aliasOnNext = async () => Object.keys((await (await fetch(`${opensearch}/_alias/${events}`)).json()) as object).filter((key) => key !== 'error' && key !== 'status');

  beforeAll(async () => {
    context = await TestContext.create('migration', { opensearchNode: elasticsearch });
    events = `${context.indexPrefix}events`;
    venues = `${context.indexPrefix}venues`;
    await seedDemoData(context.databaseUrl, EVENTS, 11);
    // As history: CATCH_UP replays what changed during the build, not the whole table.
    await context.sql('UPDATE venues SET updated_at = updated_at - INTERVAL 1 DAY');
    await context.sql('UPDATE events SET updated_at = updated_at - INTERVAL 1 DAY');
    factory = SourceFactory.connect(context.databaseUrl);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
    app = await startApp(context.config({ OPENSEARCH_NEXT_NODE: opensearch, LOG_LEVEL: 'error', RABBITMQ_RETRY_DELAY_MS: '300', REINDEX_RECOVERY_INTERVAL_MS: '2000' }));
    await completedJob(app, events);
    await completedJob(app, venues);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await factory?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('builds the alias on OpenSearch under live changes, then mirrors every change: both clusters equal the source, and search on Elasticsearch never fails', async () => {
    const eventIds = (await context.sql<{ id: number }>('SELECT id FROM events')).map((row) => row.id);
    const venueIds = (await context.sql<{ id: number }>('SELECT id FROM venues')).map((row) => row.id);
    const publisher = app.get(ChangePublisher);
    const search = new SearchLoop(elasticsearch!, events, { term: { status: 'published' } });
    const stream = new ChangeStream(factory, (change) => publisher.publish(change), { eventIds, venueIds }, 1);
    stream.start(CHANGES_PER_SECOND);
    let mirroringAt = 0;
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = await api('POST', `/indices/${events}/migrate`);
      expect(started.status).toBe(202);
      expect(started.body.migration).toMatchObject({ alias: events, state: 'BUILDING', jobId: started.body.job!.id });
      const nextUuid = (await app.get(SearchClusters).next!.clusterInfo()).clusterUuid;
      expect(started.body.job).toMatchObject({ kind: 'FULL', trigger: 'MANUAL', clusterUuid: nextUuid, sourceIndex: null });

      const rebuild = await api('POST', `/indices/${events}/reindex`, { mode: 'full' });
      expect(rebuild).toMatchObject({ status: 409, body: { code: 'MIGRATION_ACTIVE' } });
      expect(await api('POST', `/indices/${events}/migrate`)).toMatchObject({ status: 409, body: { code: 'MIGRATION_CONFLICT' } });

      const mirroring = await migrationIn('MIRRORING');
      mirroringAt = Date.now();
      expect(mirroring.job).toMatchObject({ status: 'COMPLETED', clusterUuid: nextUuid });
      // Changes keep coming while it mirrors.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      await stream.stop().catch(() => undefined);
    }
    const changes = await stream.stop();
    const searches = await search.stop();
    const { current, next } = await bothEqualToSource();

    expect(changes.publishedAt.filter((at) => at < mirroringAt).length).toBeGreaterThan(20);
    expect(changes.publishedAt.filter((at) => at > mirroringAt).length).toBeGreaterThan(20);
    expect(current).toEqual(equalToSource(current));
    expect(next).toEqual(equalToSource(next));
    expect(next.sourceCount).toBeGreaterThan(EVENTS * 0.7);
    expect(searches.failures).toEqual([]);
    expect(searches.sent).toBeGreaterThan(50);
    expect(await aliasOnNext()).toHaveLength(1);
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);

    const compared = await api('POST', `/indices/${events}/compare`, { sampleSize: 10, repeat: 1 });
    expect(compared.status).toBe(200);
    expect(compared.body.summary).toMatchObject({ queries: 10, failed: 0, sameTotal: 10 });
  }, 300_000);

  it('keeps the writes OpenSearch refuses while it mirrors, and replays them once it takes writes again', async () => {
    const { body } = await api('GET', `/indices/${events}/migration`);
    expect(body.migration).toMatchObject({ state: 'MIRRORING' });
    const jobs = app.get(JobStore);
    const [target] = await app.get(SearchClusters).next!.getAliasTargets(events);
    const changed = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' ORDER BY id DESC LIMIT 5");
    expect((await fetch(`${opensearch}/${target}/_close`, { method: 'POST' })).ok).toBe(true);
    try {
      for (const { id } of changed) {
        await context.sql('UPDATE events SET title = ?, version = version + 1 WHERE id = ?', [`Changed while OpenSearch refused ${id}`, id]);
        await app.get(ChangePublisher).publish({ entity: 'event', id: String(id), op: 'upsert' });
      }
      const journaled = await waitFor('the refused writes journaled', async () => {
        const entries = await jobs.readJournal(body.migration!.jobId, 0n, 100);
        return entries.length >= changed.length ? entries : undefined;
      });
      expect(new Set(journaled.map((entry) => Number(entry.documentId)))).toEqual(new Set(changed.map(({ id }) => id)));
      // The live write went through all the same: search on the current cluster already has the changes.
      const current = await app.get(IndexVerifier).verifyOn(app.get(SearchClusters).current, events);
      expect(current).toEqual(equalToSource(current));
    } finally {
      await fetch(`${opensearch}/${target}/_open?wait_for_active_shards=1`, { method: 'POST' });
    }

    const { next } = await bothEqualToSource();
    expect(next).toEqual(equalToSource(next));
    await waitFor('the replayed entries trimmed', async () => ((await jobs.readJournal(body.migration!.jobId, 0n, 100)).length === 0 ? true : undefined));

    // A partial re-index by hand reaches the next cluster too: rows changed without any message.
    const silent = changed.map(({ id }) => id);
    await context.sql(`UPDATE events SET title = CONCAT(title, ' (silently)'), version = version + 1 WHERE id IN (${silent.join(',')})`);
    const partial = await api('POST', `/indices/${events}/reindex`, { mode: 'partial', ids: silent });
    expect(partial.status).toBe(202);
    const repaired = await bothEqualToSource();
    expect(repaired.next).toEqual(equalToSource(repaired.next));
  }, 120_000);

  it('aborts a mirroring migration: the index on OpenSearch is deleted, Elasticsearch untouched and written alone; a migration in BUILDING aborts too', async () => {
    const aborted = await api('POST', `/indices/${events}/migration/abort`);

    expect(aborted.status).toBe(200);
    expect(aborted.body.migration).toMatchObject({ state: 'ABORTED', lastError: 'aborted by operator' });
    expect(aborted.body.job).toMatchObject({ status: 'COMPLETED' });
    expect(await aliasOnNext()).toEqual([]);
    expect(await api('POST', `/indices/${events}/migration/abort`)).toMatchObject({ status: 409, body: { code: 'NO_ACTIVE_MIGRATION' } });

    // Written to the current cluster alone now, and equal to the source there.
    const [event] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' ORDER BY id LIMIT 1");
    await context.sql('UPDATE events SET title = ?, version = version + 1 WHERE id = ?', ['Renamed after the abort', event.id]);
    await app.get(ChangePublisher).publish({ entity: 'event', id: String(event.id), op: 'upsert' });
    const verifier = app.get(IndexVerifier);
    const current = await waitFor('the change on the current cluster', async () => {
      const report = await verifier.verifyOn(app.get(SearchClusters).current, events);
      return report.stale.total + report.missing.total === 0 ? report : undefined;
    });
    expect(current).toEqual(equalToSource(current));
    expect(await aliasOnNext()).toEqual([]);

    // Again, aborted while it builds: its job is cancelled and what it built on OpenSearch removed.
    const restarted = await api('POST', `/indices/${events}/migrate`);
    expect(restarted.status).toBe(202);
    await waitFor('the build on the next cluster under way', async () => {
      const { body } = await api('GET', `/indices/${events}/migration`);
      return body.job?.phase === 'BACKFILL' && body.job.docsProcessed > 0 ? true : undefined;
    }, 60_000, 100);
    const abortedEarly = await api('POST', `/indices/${events}/migration/abort`);
    expect(abortedEarly.body.migration).toMatchObject({ state: 'ABORTED' });
    expect(abortedEarly.body.job).toMatchObject({ status: 'CANCELLED' });
    const target = abortedEarly.body.job!.targetIndex!;
    expect(target).not.toBe(aborted.body.job!.targetIndex);
    expect((await fetch(`${opensearch}/${target}`, { method: 'HEAD' })).status).toBe(404);
    // Never over an index of that name on the next cluster: the swap there would delete it.
    expect((await fetch(`${opensearch}/${events}`, { method: 'PUT' })).ok).toBe(true);
    try {
      const refused = await api('POST', `/indices/${events}/migrate`);
      expect(refused).toMatchObject({ status: 409, body: { code: 'MIGRATION_REFUSED' } });
      expect(refused.body.message).toMatch(/the next cluster has an index named/);
    } finally {
      await fetch(`${opensearch}/${events}`, { method: 'DELETE' });
    }
    // The current cluster serves as before; a rebuild is allowed again.
    expect(await app.get(SearchClusters).current.getAliasTargets(events)).toHaveLength(1);
    expect((await api('POST', `/indices/${events}/reindex`, { mode: 'full' })).status).toBe(202);
    await completedJob(app, events, abortedEarly.body.job!.id);
  }, 300_000);
});
