import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { ClusterMigration } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;
/** Each phase waits this long before and after its work: the abort lands while the build's ALIAS_SWAP waits. */
const PHASE_DELAY_MS = 2500;

(elasticsearch ? describe : describe.skip)('an abort while the migration\'s build swaps the alias on the next cluster', () => {
  let context: TestContext;
  let app: INestApplication | undefined;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('abort_during_swap', { opensearchNode: elasticsearch });
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 300, 23);
    app = await startApp(context.config());
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);
    await app.close();
    app = await startApp(context.config({ OPENSEARCH_NEXT_NODE: opensearch, REINDEX_FAULT_PHASE_DELAY_MS: String(PHASE_DELAY_MS), REINDEX_RECOVERY_INTERVAL_MS: '1000' }));
  });
  afterAll(async () => {
    await app?.close();
    await context.deleteIndices(opensearch);
    await context.dispose();
  });

  const api = async <T>(method: string, path: string) => {
    const response = await fetch(`${await app!.getUrl()}${path}`, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as T };
  };
  const migrationState = async () => (await api<{ migration: ClusterMigration }>('GET', `/indices/${events}/migration`)).body.migration.state;

  it('is refused with nothing changed (the swap must finish), and the same abort once it mirrors ends the migration', async () => {
    const started = await api<{ job: { id: number } }>('POST', `/indices/${events}/migrate`);
    expect(started).toMatchObject({ status: 202 });
    await waitFor('the build in ALIAS_SWAP', async () => ((await app!.get(JobStore).findJob(started.body.job.id))?.phase === 'ALIAS_SWAP' ? true : undefined), 120_000, 50);

    const refused = await api<{ code: string; message: string }>('POST', `/indices/${events}/migration/abort`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ILLEGAL_TRANSITION');
    expect(await migrationState()).toBe('BUILDING');

    await waitFor('MIRRORING', async () => ((await migrationState()) === 'MIRRORING' ? true : undefined), 120_000, 200);
    const aborted = await api<{ migration: ClusterMigration }>('POST', `/indices/${events}/migration/abort`);
    expect(aborted.status).toBe(200);
    expect(aborted.body.migration.state).toBe('ABORTING');
    await waitFor('ABORTED', async () => ((await migrationState()) === 'ABORTED' ? true : undefined), 60_000, 200);
  });
});
