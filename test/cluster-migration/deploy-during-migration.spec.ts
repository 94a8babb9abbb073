import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { IndexDefinition } from '../../src/indices/index-definition.js';
import { IndexRegistry } from '../../src/indices/index-registry.js';
import type { ClusterMigration, Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { SearchClusters } from '../../src/opensearch/search-clusters.js';
import { IndexVerifier, type VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { ChangeStream } from '../live-updates/change-stream.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { SourceFactory } from '../support/factories.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { DEFINITION_SETS } from '../support/test-definitions.js';
import { waitFor } from '../support/wait.js';

const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;
const EVENTS = 3000;
const CHANGES_PER_SECOND = 20;
/** A change no replica can apply is dead-lettered after this many tries, quickly: what a refused write would come to. */
const SETTINGS = { LOG_LEVEL: 'error', RABBITMQ_RETRY_DELAY_MS: '200', RABBITMQ_MAX_ATTEMPTS: '5', REINDEX_RECOVERY_INTERVAL_MS: '1000' };

/**
 * Deploys with a changed definition while an alias moves from Elasticsearch 7.10 to OpenSearch, and
 * a rebuild asked for as the cutover happens. The replica of the old definition is gone for good
 * before the new one starts (what a finished rolling deploy leaves): no write may wait for it.
 */
(elasticsearch ? describe : describe.skip)('deploys and rebuilds while an alias moves to the next cluster', () => {
  let context: TestContext;
  let app: INestApplication | undefined;
  let probe: BrokerProbe;
  let factory: SourceFactory;
  let events: string;

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${await app!.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const migration = async () => (await api<{ migration: ClusterMigration; job: Job }>('GET', `/indices/${events}/migration`)).body;
  const migrationIn = (state: ClusterMigration['state']) =>
    waitFor(`the migration ${state}`, async () => {
      const { migration: now } = await migration();
      if (now.state === 'FAILED' || (now.state === 'ABORTED' && state !== 'ABORTED')) throw new Error(`migration ${now.state}: ${now.lastError}`);
      return now.state === state ? now : undefined;
    }, 180_000, 200);
  const start = async (definitions: readonly IndexDefinition[], overrides: Record<string, string> = {}) => {
    app = await startApp(context.config({ ...SETTINGS, OPENSEARCH_NEXT_NODE: opensearch, ...overrides }), definitions);
    return app;
  };
  /** The replica is stopped and its definition no longer counts as deployed: the rolling deploy is over. */
  const stopForGood = async () => {
    await app?.close();
    app = undefined;
    await context.sql('DELETE FROM deployed_definitions');
  };
  const ownHash = () => app!.get(IndexRegistry).definitionHash(app!.get(IndexRegistry).byAlias(events));
  const servedHash = async (cluster: 'current' | 'next') => {
    const gateway = cluster === 'current' ? app!.get(SearchClusters).current : app!.get(SearchClusters).next!;
    const [served] = await gateway.getAliasTargets(events);
    return served ? (await gateway.getIndexMeta(served)).definitionHash : null;
  };
  /** Streams changes while `during` runs and a little after; then waits until every message was handled. */
  const underChanges = async <T>(seed: number, during: () => Promise<T>): Promise<T> => {
    const eventIds = (await context.sql<{ id: number }>('SELECT id FROM events')).map((row) => row.id);
    const venueIds = (await context.sql<{ id: number }>('SELECT id FROM venues')).map((row) => row.id);
    const stream = new ChangeStream(factory, (change) => app!.get(ChangePublisher).publish(change), { eventIds, venueIds }, seed);
    stream.start(CHANGES_PER_SECOND);
    let result: T;
    try {
      result = await during();
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await stream.stop();
    }
    await waitFor('every change handled', async () => ((await probe.messageCount(context.queue)) === 0 && (await probe.messageCount(`${context.queue}.retry`)) === 0 ? true : undefined), 60_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return result;
  };
  const verifyOn = (cluster: 'current' | 'next') => app!.get(IndexVerifier).verifyOn(cluster === 'current' ? app!.get(SearchClusters).current : app!.get(SearchClusters).next!, events);
  const equalToSource = (report: VerifyReport) => ({ ...report, indexCount: report.sourceCount, missing: { total: 0, ids: [] }, stale: { total: 0, ids: [] }, extra: { total: 0, ids: [] } });

  beforeEach(async () => {
    context = await TestContext.create('deploy_migration', { opensearchNode: elasticsearch });
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, EVENTS, 29);
    await context.sql('UPDATE venues SET updated_at = updated_at - INTERVAL 1 DAY');
    await context.sql('UPDATE events SET updated_at = updated_at - INTERVAL 1 DAY');
    factory = SourceFactory.connect(context.databaseUrl);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
    await start(DEFINITION_SETS.default);
    await completedJob(app!, events);
    await completedJob(app!, `${context.indexPrefix}venues`);
  }, 180_000);
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await probe?.close();
    await factory?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('after the cutover: every change reaches the next cluster, none dead-lettered, the new definition is built there, and again on the old cluster after an abort', async () => {
    expect((await api('POST', `/indices/${events}/migrate`)).status).toBe(202);
    await migrationIn('MIRRORING');
    expect((await api('POST', `/indices/${events}/migration/complete`)).status).toBe(200);
    const oldHash = ownHash();
    await stopForGood();

    await start(DEFINITION_SETS['events-with-weekday']);
    const newHash = ownHash();
    const rebuilt = await underChanges(3, () =>
      waitFor('the new definition built on the next cluster', async () => {
        const [job] = await app!.get(JobStore).listJobs({ alias: events, limit: 1 });
        if (job?.definitionHash === newHash && (job.status === 'FAILED' || job.status === 'CANCELLED')) throw new Error(`job ${job.id} ${job.status}: ${job.lastError}`);
        return job?.definitionHash === newHash && job.status === 'COMPLETED' ? job : undefined;
      }, 120_000, 200),
    );

    const next = await app!.get(SearchClusters).next!.clusterInfo();
    expect(rebuilt.clusterUuid).toBe(next.clusterUuid);
    expect((await migration()).migration.state).toBe('CUT_OVER');
    expect(await servedHash('next')).toBe(newHash);
    expect(await servedHash('current')).toBe(oldHash);
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);
    const onNext = await verifyOn('next');
    expect(onNext).toEqual(equalToSource(onNext));

    // Then aborted: back on the old cluster, whose index of the old definition is re-synced (with the
    // fields its mapping has) and then rebuilt for the new one, where it lives again.
    expect((await api('POST', `/indices/${events}/migration/abort`)).status).toBe(200);
    await underChanges(6, async () => {
      await migrationIn('ABORTED');
      await waitFor('the new definition served on the old cluster', async () => ((await servedHash('current')) === newHash ? true : undefined), 120_000, 300);
    });
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);
    const onCurrent = await verifyOn('current');
    expect(onCurrent).toEqual(equalToSource(onCurrent));
  }, 400_000);

  it('while it builds: the build of the old definition is replaced by one of the new, and both clusters end on the new definition, equal to the source', async () => {
    await stopForGood();
    // Slow phases: the deploy lands while the build on the next cluster is under way.
    await start(DEFINITION_SETS.default, { REINDEX_FAULT_PHASE_DELAY_MS: '3000' });
    const started = await api<{ job: Job }>('POST', `/indices/${events}/migrate`);
    expect(started.status).toBe(202);
    await waitFor('the build in BACKFILL', async () => ((await app!.get(JobStore).findJob(started.body.job.id))?.phase === 'BACKFILL' ? true : undefined), 60_000, 100);
    await stopForGood();

    await start(DEFINITION_SETS['events-with-weekday']);
    const newHash = ownHash();
    await underChanges(4, async () => {
      await migrationIn('MIRRORING');
      // Then the alias where it lives is rebuilt too (a deploy's drift check), with its twin left out: the next cluster has the definition already.
      await waitFor('the new definition served on both clusters', async () => ((await servedHash('current')) === newHash && (await servedHash('next')) === newHash ? true : undefined), 120_000, 300);
    });

    const { migration: now, job: build } = await migration();
    expect(now.jobId).not.toBe(started.body.job.id);
    expect(build).toMatchObject({ definitionHash: newHash, status: 'COMPLETED' });
    expect(await app!.get(JobStore).findJob(started.body.job.id)).toMatchObject({ status: 'CANCELLED' });
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);
    const [onCurrent, onNext] = [await verifyOn('current'), await verifyOn('next')];
    expect(onCurrent).toEqual(equalToSource(onCurrent));
    expect(onNext).toEqual(equalToSource(onNext));
  }, 300_000);

  it('a rebuild asked for as the cutover happens: its twin on the next cluster takes the live writes and swaps in equal to the source', async () => {
    await stopForGood();
    await start(DEFINITION_SETS.default, { REINDEX_FAULT_PHASE_DELAY_MS: '1500' });
    expect((await api('POST', `/indices/${events}/migrate`)).status).toBe(202);
    const mirroring = await migrationIn('MIRRORING');
    expect((await api('POST', `/indices/${events}/migration/complete`)).status).toBe(200);
    // The rebuild that read the migration MIRRORING just before the cutover, and created its twin just after.
    const next = app!.get(SearchClusters).next!;
    const [served] = await next.getAliasTargets(events);
    const { job: twin } = await app!.get(JobStore).createFullJob({ alias: events, trigger: 'MANUAL', definitionHash: ownHash(), sourceIndex: served, clusterUuid: mirroring.toClusterUuid, mirrorRebuild: true });

    const swapped = await underChanges(5, () =>
      waitFor('the twin swapped in', async () => {
        const now = await app!.get(JobStore).findJob(twin.id);
        if (now?.status === 'FAILED' || now?.status === 'CANCELLED') throw new Error(`job ${now.id} ${now.status}: ${now.lastError}`);
        return now?.status === 'COMPLETED' ? now : undefined;
      }, 120_000, 200),
    );

    expect(await next.getAliasTargets(events)).toEqual([swapped.targetIndex]);
    const onNext = await verifyOn('next');
    expect(onNext).toEqual(equalToSource(onNext));
  }, 300_000);
});
