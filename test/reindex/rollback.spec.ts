import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { IndexDefinition } from '../../src/indices/index-definition.js';
import { ChangeHandler } from '../../src/live-updates/change-handler.js';
import { ScheduleTrigger } from '../../src/triggers/schedule-trigger.service.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { SourceFactory } from '../support/factories.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { DEFINITION_SETS } from '../support/test-definitions.js';
import { waitFor } from '../support/wait.js';

interface IndexAnswer {
  alias: string;
  liveIndex: string;
  drift: string;
  rollback: { fromIndex: string; toIndex: string; heldDefinitionHash: string } | null;
}

/**
 * POST /indices/:alias/rollback with REINDEX_RETAIN_PREVIOUS=1, one replica at a time on one
 * database, across three deploys: events with a weekday field (v1), without it (v2), then with
 * two shards (v3). Each deploy's documents fit the index it may be rolled back to.
 */
describe('rollback', () => {
  let context: TestContext;
  let rows: JobRows;
  let cluster: ClusterProbe;
  let factory: SourceFactory;
  let events: string;
  let app: INestApplication | null = null;

  beforeAll(async () => {
    context = await TestContext.create('rollback');
    rows = JobRows.connect(context.databaseUrl);
    cluster = new ClusterProbe(context.opensearchNode);
    factory = SourceFactory.connect(context.databaseUrl);
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 600, 17);
  });
  afterAll(async () => {
    await app?.close();
    await factory?.close();
    await rows?.close();
    await context?.dispose();
  });

  /** Replaces the running replica by one with these definitions (a deploy). */
  const deploy = async (definitions: readonly IndexDefinition[], env: Record<string, string> = {}) => {
    await app?.close();
    // The previous replica is gone for good: its definitions no longer count as deployed.
    await context.sql('DELETE FROM deployed_definitions');
    app = await startApp(context.config({ LOG_LEVEL: 'error', REINDEX_RETAIN_PREVIOUS: '1', REINDEX_RECOVERY_INTERVAL_MS: '1000', ...env }), definitions);
    return app;
  };
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${await app!.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T & { code?: string; message?: string } };
  };
  const rollback = () => api<{ alias: string; fromIndex: string; toIndex: string }>('POST', `/indices/${events}/rollback`);
  const eventsIndex = async () => (await api<IndexAnswer[]>('GET', '/indices')).body.find((index) => index.alias === events)!;
  const latestJob = async () => (await rows.jobs(events)).at(-1)!;
  const completedJobCount = async (count: number) =>
    waitFor(`${count} completed jobs of ${events}`, async () => {
      const jobs = await rows.jobs(events);
      return jobs.length === count && jobs.at(-1)!.status === 'COMPLETED' ? jobs.at(-1)! : undefined;
    }, 120_000, 200);

  it('refuses with 409 when there is nothing to roll back to, and while a job of the alias has not ended', async () => {
    await deploy(DEFINITION_SETS['events-with-weekday']);
    const first = await completedJobCount(1);
    const nothing = await rollback();

    await deploy(DEFINITION_SETS.default, { REINDEX_BATCH_SIZE: '100', REINDEX_MAX_DOCS_PER_SECOND: '100' });
    const building = await waitFor('the deploy job of v2', async () => {
      const job = await latestJob();
      return job.id !== first.id && job.status === 'RUNNING' ? job : undefined;
    });
    const whileBuilding = await rollback();
    const servedWhileBuilding = await cluster.aliasTargets(events);
    await completedJobCount(2);

    expect(nothing).toMatchObject({ status: 409, body: { code: 'ROLLBACK_REFUSED', message: expect.stringMatching(/^nothing to roll back to/) as unknown } });
    expect(whileBuilding).toMatchObject({ status: 409, body: { code: 'ROLLBACK_REFUSED', message: expect.stringContaining(`job ${building.id} (FULL RUNNING)`) as unknown } });
    expect(servedWhileBuilding).toEqual([first.targetIndex]);
  });

  it('moves the alias back in one call, keeps serving searches and live updates there, and neither a recovery tick, a restart nor a schedule rebuilds the definition rolled back from', async () => {
    const [v1, v2] = [`${events}_v1`, `${events}_v2`];
    expect(await cluster.aliasTargets(events)).toEqual([v2]);
    const jobsBefore = (await rows.jobs(events)).length;

    const moved = await rollback();
    const servedAfter = await cluster.aliasTargets(events);
    const [{ id }] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 1");
    await factory.updateEvent(id, { title: 'Changed after the rollback' });
    await app!.get(ChangeHandler).handle({ entity: 'event', id: String(id), op: 'upsert' });
    const [changed] = await cluster.documents(events, [id]);

    expect(moved).toMatchObject({ status: 200, body: { alias: events, fromIndex: v2, toIndex: v1 } });
    expect(servedAfter).toEqual([v1]);
    expect(await cluster.exists(v2)).toBe(true);
    expect(await cluster.count(events)).toBeGreaterThan(0);
    expect(changed).toMatchObject({ index: v1, source: expect.objectContaining({ title: 'Changed after the rollback' }) as unknown });
    expect(await eventsIndex()).toMatchObject({ liveIndex: v1, drift: 'rolled-back', rollback: { fromIndex: v2, toIndex: v1 } });

    // Recovery ticks run the drift check every second; then a restart runs the deploy check.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await deploy(DEFINITION_SETS.default);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await api('PUT', `/indices/${events}/schedule`, { enabled: true, intervalMinutes: 60, mode: 'full' });
    await context.sql('UPDATE index_schedules SET next_run_at = NOW(3) - INTERVAL 1 MINUTE WHERE alias = ?', [events]);
    await app!.get(ScheduleTrigger).fireDue();
    await api('PUT', `/indices/${events}/schedule`, { enabled: false });
    const again = await rollback();

    expect(await rows.jobs(events)).toHaveLength(jobsBefore);
    expect(await cluster.aliasTargets(events)).toEqual([v1]);
    expect(await eventsIndex()).toMatchObject({ drift: 'rolled-back', rollback: { toIndex: v1 } });
    // v1 was the first index: there is nothing before it.
    expect(again).toMatchObject({ status: 409, body: { code: 'ROLLBACK_REFUSED', message: expect.stringMatching(/^nothing to roll back to/) as unknown } });
  });

  it('a deploy that changes the definition rebuilds it; cleanup keeps the index the alias served last, and rolling back from the rebuild returns to it', async () => {
    const [v1, v2, v3] = [`${events}_v1`, `${events}_v2`, `${events}_v3`];
    await deploy(DEFINITION_SETS['events-two-shards']);
    const rebuilt = await completedJobCount(3);

    expect(rebuilt).toMatchObject({ trigger: 'DEPLOY', sourceIndex: v1, targetIndex: v3 });
    expect(await eventsIndex()).toMatchObject({ liveIndex: v3, drift: 'in-sync', rollback: null });
    // Retention keeps one previous index: the one the rebuild replaced (v1), not the newer v2 rolled back from.
    expect(await cluster.indices(`${events}_v*`)).toEqual([v1, v3]);
    expect(await cluster.exists(v2)).toBe(false);

    const moved = await rollback();
    expect(moved).toMatchObject({ status: 200, body: { fromIndex: v3, toIndex: v1 } });
    expect(await cluster.aliasTargets(events)).toEqual([v1]);
    expect(await eventsIndex()).toMatchObject({ drift: 'rolled-back' });
  });
});
