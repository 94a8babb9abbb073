import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { ClusterMigration, Job } from '../../src/job-store/job.js';
import { SearchClusters } from '../../src/opensearch/search-clusters.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { ReadsFollower } from '../support/reads-follower.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;
/** The application polls the reads share every second; the service keeps a cluster's alias 3 s after moving reads off it. */
const POLL_MS = 1000;
const GRACE_SECONDS = 3;

interface MigrationAnswer {
  migration: ClusterMigration | null;
  job: Job | null;
  code?: string;
}

/** Invariant 9: applications reading by the reads share never meet a deleted alias, across an abort after the cutover and across a retire. */
(elasticsearch ? describe : describe.skip)('an application following GET /indices/:alias/reads while a migration aborts and retires', () => {
  let context: TestContext;
  let app: INestApplication;
  let events: string;
  let url: string;
  let nodes: Record<string, string>;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as MigrationAnswer };
  };
  const migrationIn = (state: ClusterMigration['state']) =>
    waitFor(`the migration of ${events} ${state}`, async () => {
      const { body } = await api('GET', `/indices/${events}/migration`);
      if (body.migration?.state === 'FAILED') throw new Error(`migration failed: ${body.migration.lastError}`);
      return body.migration?.state === state ? body.migration : undefined;
    }, 120_000, 100);
  const mirroring = async () => {
    expect((await api('POST', `/indices/${events}/migrate`)).status).toBe(202);
    await migrationIn('MIRRORING');
  };
  const cutOver = async () => expect((await api('POST', `/indices/${events}/migration/complete`)).body.migration).toMatchObject({ state: 'CUT_OVER', readsNextPercent: 100 });
  const polls = (count: number) => new Promise((resolve) => setTimeout(resolve, count * POLL_MS));
  const follow = () => new ReadsFollower(() => url, events, nodes, POLL_MS);

  beforeAll(async () => {
    context = await TestContext.create('reads_follower', { opensearchNode: elasticsearch });
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 2000, 31);
    app = await startApp(context.config({ OPENSEARCH_NEXT_NODE: opensearch, LOG_LEVEL: 'error', MIGRATION_READS_GRACE_SECONDS: String(GRACE_SECONDS), REINDEX_RECOVERY_INTERVAL_MS: '2000' }));
    url = await app.getUrl();
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);
    const clusters = app.get(SearchClusters);
    nodes = { [(await clusters.current.clusterInfo()).clusterUuid]: elasticsearch!, [(await clusters.next!.clusterInfo()).clusterUuid]: opensearch };
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('abort after the cutover: no search fails while the reads go back and the next cluster\'s alias is deleted', async () => {
    await mirroring();
    await cutOver();
    const reader = follow();
    let answer: Awaited<ReturnType<typeof api>>;
    let aborted: ClusterMigration;
    try {
      // The application has moved to the next cluster.
      await polls(2);
      answer = await api('POST', `/indices/${events}/migration/abort`);
      aborted = await migrationIn('ABORTED');
      await polls(2);
    } finally {
      await reader.stop();
    }
    const [fromUuid, toUuid] = [aborted.fromClusterUuid, aborted.toClusterUuid];
    console.info(`reads follower across the abort: ${reader.sent.get(toUuid) ?? 0} searches on the next cluster, ${reader.sent.get(fromUuid) ?? 0} on the old one, ${reader.failures.length} failed`);
    expect(reader.failures).toEqual([]);
    expect(answer).toMatchObject({ status: 200, body: { migration: { state: 'ABORTING', readsNextPercent: 0 } } });
    expect(reader.sent.get(toUuid)).toBeGreaterThan(20);
    expect(reader.sent.get(fromUuid)).toBeGreaterThan(20);
    expect(await new ClusterProbe(opensearch).aliasTargets(events)).toEqual([]);
    // Asked again: the migration as it is.
    expect(await api('POST', `/indices/${events}/migration/abort`)).toMatchObject({ status: 200, body: { migration: { id: aborted.id, state: 'ABORTED' } } });
  }, 300_000);

  it('retire: no search fails while the reads leave the old cluster and its alias is deleted', async () => {
    await mirroring();
    const reader = follow();
    let answers: Awaited<ReturnType<typeof api>>[];
    let retired: ClusterMigration;
    try {
      // The application searches the old cluster; the retire comes right after the cutover tells it to leave.
      await polls(2);
      await cutOver();
      // Retire, retire again and an abort while it retires.
      answers = [await api('POST', `/indices/${events}/migration/retire`), await api('POST', `/indices/${events}/migration/retire`), await api('POST', `/indices/${events}/migration/abort`)];
      retired = await migrationIn('RETIRED');
      await polls(2);
    } finally {
      await reader.stop();
    }
    console.info(`reads follower across the retire: ${reader.sent.get(retired.fromClusterUuid) ?? 0} searches on the old cluster, ${reader.sent.get(retired.toClusterUuid) ?? 0} on the next one, ${reader.failures.length} failed`);
    expect(reader.failures).toEqual([]);
    expect(answers).toMatchObject([
      { status: 200, body: { migration: { id: retired.id, state: 'RETIRING' } } },
      { status: 200, body: { migration: { id: retired.id, state: 'RETIRING' } } },
      { status: 409, body: { code: 'MIGRATION_RETIRING' } },
    ]);
    expect(reader.sent.get(retired.fromClusterUuid)).toBeGreaterThan(20);
    expect(reader.sent.get(retired.toClusterUuid)).toBeGreaterThan(20);
    expect(await new ClusterProbe(elasticsearch!).aliasTargets(events)).toEqual([]);
  }, 300_000);
});
