import { demoDefinitions } from '../support/demo-definitions.js';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { SearchLoop } from '../support/search-loop.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { DEFINITION_SETS } from '../support/test-definitions.js';
import { waitFor } from '../support/wait.js';

describe('full rebuild', () => {
  let context: TestContext;
  let app: INestApplication | undefined;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('full_rebuild');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 3000, 7);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => context.dispose());

  const start = async (definitions = demoDefinitions) => {
    app = await startApp(context.config({ REINDEX_BATCH_SIZE: '400', REINDEX_RECOVERY_INTERVAL_MS: '1000' }), definitions);
    return app;
  };
  const completedJob = (alias: string, after = 0) =>
    waitFor(`a completed job for ${alias}`, async () => {
      const [job] = await app!.get(JobStore).listJobs({ alias, limit: 1 });
      if (job && job.id > after && job.status === 'FAILED') throw new Error(`job ${job.id} failed: ${job.lastError}`);
      return job && job.id > after && job.status === 'COMPLETED' ? job : undefined;
    });
  const aliasTargets = async (alias: string) => Object.keys((await (await fetch(`${context.opensearchNode}/_alias/${alias}`)).json()) as object);
  const indexExists = async (index: string) => (await fetch(`${context.opensearchNode}/${index}`, { method: 'HEAD' })).ok;

  it('creates v1 behind each alias on first start and fills it from the source', async () => {
    await start();
    const job = await completedJob(events);

    expect(job.trigger).toBe('DEPLOY');
    expect(job.targetIndex).toBe(`${events}_v1`);
    expect(await aliasTargets(events)).toEqual([`${events}_v1`]);
    const report = await app!.get(IndexVerifier).verifyOn(app!.get(SearchGateway), events);
    expect(report.sourceCount).toBeGreaterThan(2000);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
    await completedJob(`${context.indexPrefix}venues`);
  });

  it('rolls out a mapping change on restart: v1 serves every search until the alias moves to v2 in one step, then v1 is deleted', async () => {
    const loop = new SearchLoop(context.opensearchNode, events, { term: { status: 'published' } });
    await start(DEFINITION_SETS['events-with-weekday']);
    let job: Job;
    try {
      job = await completedJob(events, 2);
    } finally {
      await loop.stop();
    }
    const { sent, failures } = loop;

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(10);
    expect(loop.startedAt.getTime()).toBeLessThanOrEqual(job.createdAt.getTime());
    expect(loop.stoppedAt!.getTime()).toBeGreaterThanOrEqual(job.finishedAt!.getTime());
    expect(job.trigger).toBe('DEPLOY');
    expect(await aliasTargets(events)).toEqual([`${events}_v2`]);
    expect(await indexExists(`${events}_v1`)).toBe(false);
    const swaps = (await app!.get(JobStore).listTransitions(job.id)).filter((transition) => transition.fromPhase === 'ALIAS_SWAP');
    expect(swaps).toHaveLength(1);
    const byWeekday = (await (
      await fetch(`${context.opensearchNode}/${events}/_count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { exists: { field: 'weekday' } } }) })
    ).json()) as { count: number };
    expect(byWeekday.count).toBe((await app!.get(IndexVerifier).verifyOn(app!.get(SearchGateway), events)).sourceCount);
  });

  it('re-indexes exactly the given ids in a partial job', async () => {
    await start(DEFINITION_SETS['events-with-weekday']);
    const ids = await publishedEventIds(context, 3);
    await context.sql(`UPDATE events SET title = CONCAT('Renamed ', id), version = version + 1 WHERE id IN (${ids.join(',')})`);

    const response = await fetch(`${await app!.getUrl()}/indices/${events}/reindex`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'partial', ids: ids.slice(0, 2) }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: number };
    await waitFor('the partial job to complete', async () => ((await app!.get(JobStore).findJob(id))?.status === 'COMPLETED' ? true : undefined));

    const report = await app!.get(IndexVerifier).verifyOn(app!.get(SearchGateway), events);
    expect(report.stale).toEqual({ total: 1, ids: [ids[2]] });
    expect(report.missing.total + report.extra.total).toBe(0);
  });

  it('answers bad input with a clear 4xx and creates no job', async () => {
    await start(DEFINITION_SETS['events-with-weekday']);
    const post = (alias: string, body: unknown, token = TEST_ADMIN_TOKEN) =>
      app!.getUrl().then((url) =>
        fetch(`${url}/indices/${alias}/reindex`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      );
    const before = (await app!.get(JobStore).listJobs({ limit: 100 })).length;

    expect((await post(events, { mode: 'partial', ids: [] })).status).toBe(400);
    expect((await post(events, { mode: 'sideways' })).status).toBe(400);
    expect((await post(events, { mode: 'partial', ids: ['x'] })).status).toBe(400);
    expect((await post('no_such_alias', { mode: 'full' })).status).toBe(404);
    expect((await post(events, { mode: 'full' }, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await app!.get(JobStore).listJobs({ limit: 100 })).length).toBe(before);
  });
});

async function publishedEventIds(context: TestContext, count: number): Promise<number[]> {
  const rows = await context.sql<{ id: number }>(
    `SELECT e.id FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.status = 'published' AND e.deleted_at IS NULL AND v.deleted_at IS NULL ORDER BY e.id LIMIT ${count}`,
  );
  return rows.map((row) => row.id);
}
