import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { ScheduleTrigger } from '../../src/triggers/schedule-trigger.service.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { SourceFactory } from '../support/factories.js';
import { JobRows } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

interface ScheduleRow {
  enabled: number;
  intervalMinutes: number;
  mode: string;
  nextRunAt: Date;
  lastRunAt: Date | null;
}

/** Two replicas (in-process apps) on one database: the schedule API, and a due schedule firing once. */
describe('schedule trigger', () => {
  let context: TestContext;
  let replicas: INestApplication[] = [];
  let rows: JobRows;
  let alias: string;

  beforeAll(async () => {
    context = await TestContext.create('schedule');
    rows = JobRows.connect(context.databaseUrl);
    alias = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 1000, 9);
    for (const name of ['schedule-1', 'schedule-2']) replicas.push(await startApp(context.config({ INSTANCE_ID: name, REINDEX_RECOVERY_INTERVAL_MS: '1000' })));
    // The first start's DEPLOY jobs must be done, or a scheduled run would join them instead of starting its own.
    await waitFor('the DEPLOY jobs', async () => ((await rows.jobs()).length === 2 ? true : undefined));
    for (const job of await rows.jobs()) await rows.waitForStatus(job.id, 'COMPLETED', 120_000);
  }, 180_000);

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    replicas = [];
    await rows?.close();
    await context?.dispose();
  });

  const put = async (body: unknown, target = alias, token = TEST_ADMIN_TOKEN) =>
    fetch(`${await replicas[0].getUrl()}/indices/${target}/schedule`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const schedule = async () => (await context.sql<ScheduleRow>('SELECT enabled, interval_minutes AS intervalMinutes, mode, next_run_at AS nextRunAt, last_run_at AS lastRunAt FROM index_schedules WHERE alias = ?', [alias]))[0];
  const scheduledJobs = async () => (await rows.jobs(alias)).filter((job) => job.trigger === 'SCHEDULE');

  it('answers 400 to every malformed schedule body and stores nothing', async () => {
    const valid = { enabled: true, intervalMinutes: 180, mode: 'full' };
    const bad: unknown[] = [
      {},
      { intervalMinutes: 180, mode: 'full' },
      { ...valid, enabled: 'yes' },
      { ...valid, intervalMinutes: 4 },
      { ...valid, intervalMinutes: 0 },
      { ...valid, intervalMinutes: -180 },
      { ...valid, intervalMinutes: 90.5 },
      { ...valid, intervalMinutes: '180' },
      { ...valid, intervalMinutes: 7 * 24 * 60 + 1 },
      { ...valid, mode: 'partial' },
      { enabled: true, intervalMinutes: 180 },
      { ...valid, cron: '0 * * * *' },
      '{"enabled": true, "intervalMinutes": 180,',
    ];
    const statuses = await Promise.all(bad.map(async (body) => (await put(body)).status));

    expect(statuses).toEqual(bad.map(() => 400));
    expect((await put(valid, `${context.indexPrefix}no_such_index`)).status).toBe(404);
    expect((await put(valid, alias, 'not-the-admin-token-at-all')).status).toBe(401);
    expect(await schedule()).toBeUndefined();
  });

  it('stores a valid schedule, due one interval from now', async () => {
    const before = Date.now();
    const response = await put({ enabled: true, intervalMinutes: 180, mode: 'full' });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ alias, enabled: true, intervalMinutes: 180, mode: 'FULL', lastRunAt: null });
    const stored = await schedule();
    expect(stored).toMatchObject({ enabled: 1, intervalMinutes: 180, mode: 'FULL', lastRunAt: null });
    expect(stored.nextRunAt.getTime()).toBeGreaterThanOrEqual(before + 180 * 60_000 - 1000);
    expect(stored.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now() + 180 * 60_000 + 1000);
  });

  it('fires a due schedule exactly once when both replicas check it at the same moment', async () => {
    for (let run = 1; run <= 2; run++) {
      await context.sql('UPDATE index_schedules SET next_run_at = NOW(3) - INTERVAL 1 MINUTE WHERE alias = ?', [alias]);
      const firedAt = Date.now();
      // Two checks per replica, all at once: the replicas' claims race for one due run.
      await Promise.all([...replicas, ...replicas].map((replica) => replica.get(ScheduleTrigger).fireDue()));

      const jobs = await scheduledJobs();
      expect(jobs).toHaveLength(run);
      const stored = await schedule();
      expect(stored.lastRunAt!.getTime()).toBeGreaterThanOrEqual(firedAt - 1000);
      expect(stored.nextRunAt.getTime() - stored.lastRunAt!.getTime()).toBe(180 * 60_000);
      // Not due any more: checking again starts nothing.
      await Promise.all(replicas.map((replica) => replica.get(ScheduleTrigger).fireDue()));
      expect(await scheduledJobs()).toHaveLength(run);
      await rows.waitForStatus(jobs[run - 1].id, 'COMPLETED', 120_000);
    }
  });

  it('repairs in place what verify finds, as one SYNC job and without a rebuild, when a sync schedule is due', async () => {
    const response = await put({ enabled: true, intervalMinutes: 60, mode: 'sync' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ alias, enabled: true, intervalMinutes: 60, mode: 'SYNC' });
    const jobsBefore = (await rows.jobs(alias)).length;
    const cluster = new ClusterProbe(context.opensearchNode);
    const targetsBefore = await cluster.aliasTargets(alias);

    // Three changes that reached MySQL without a message: a row created (missing from the index),
    // a row edited (stale in it) and a row deleted (extra in it).
    const factory = SourceFactory.connect(context.databaseUrl);
    const { id: created } = await factory.createEvent({ title: 'Created behind the index' }).finally(() => factory.close());
    const [edited, removed] = await cluster.firstIds(alias, 2);
    await context.sql("UPDATE events SET title = 'Edited behind the index', version = version + 1 WHERE id = ?", [edited]);
    await context.sql('DELETE FROM events WHERE id = ?', [removed]);
    await context.sql('UPDATE index_schedules SET next_run_at = NOW(3) - INTERVAL 1 MINUTE WHERE alias = ?', [alias]);

    await Promise.all(replicas.map((replica) => replica.get(ScheduleTrigger).fireDue()));

    const added = (await rows.jobs(alias)).slice(jobsBefore);
    expect(added.map((job) => [job.kind, job.trigger])).toEqual([['SYNC', 'SCHEDULE']]);
    await rows.waitForStatus(added[0].id, 'COMPLETED', 60_000);
    expect(await rows.result(added[0].id)).toMatchObject({ missing: { total: 1, ids: [created] }, stale: { total: 1, ids: [edited] }, extra: { total: 1, ids: [removed] }, unrepaired: { total: 0 } });
    expect(await cluster.aliasTargets(alias)).toEqual(targetsBefore);
    const stored = await schedule();
    expect(stored.nextRunAt.getTime() - stored.lastRunAt!.getTime()).toBe(60 * 60_000);
    const documents = await cluster.documents(alias, [created, edited, removed]);
    expect(documents.map((doc) => [doc.id, doc.source !== null])).toEqual([
      [String(created), true],
      [String(edited), true],
      [String(removed), false],
    ]);
    expect(documents[1].source?.title).toBe('Edited behind the index');
    const verify = (await (await fetch(`${await replicas[1].getUrl()}/indices/${alias}/verify`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()) as Record<string, { total: number }>;
    expect(verify).toMatchObject({ missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  });

  it('switches a schedule off with `{"enabled": false}` alone, twice in a row, keeping its interval and mode, and it no longer fires', async () => {
    for (let time = 1; time <= 2; time++) {
      const response = await put({ enabled: false });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ alias, enabled: false, intervalMinutes: 60, mode: 'SYNC' });
    }
    expect(await schedule()).toMatchObject({ enabled: 0, intervalMinutes: 60, mode: 'SYNC' });

    await context.sql('UPDATE index_schedules SET next_run_at = NOW(3) - INTERVAL 1 MINUTE WHERE alias = ?', [alias]);
    const lastRunBefore = (await schedule()).lastRunAt;
    const stale = await context.sql<{ id: number }>('SELECT id FROM events WHERE deleted_at IS NULL ORDER BY id LIMIT 1');
    await context.sql("UPDATE events SET title = 'Edited while the schedule is off', version = version + 1 WHERE id = ?", [stale[0].id]);
    await Promise.all(replicas.map((replica) => replica.get(ScheduleTrigger).fireDue()));

    expect((await schedule()).lastRunAt).toEqual(lastRunBefore);
    const [document] = await new ClusterProbe(context.opensearchNode).documents(alias, [stale[0].id]);
    expect(document.source?.title).not.toBe('Edited while the schedule is off');

    // Switched on again with only a new interval refused: switching on needs the whole schedule.
    expect((await put({ enabled: true, intervalMinutes: 30 })).status).toBe(400);
    expect(await schedule()).toMatchObject({ enabled: 0 });
  });

  it('answers a switch-off of an index that has no schedule with "off" and stores nothing', async () => {
    const venues = `${context.indexPrefix}venues`;
    const response = await put({ enabled: false }, venues);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ alias: venues, enabled: false });
    expect(await context.sql('SELECT alias FROM index_schedules WHERE alias = ?', [venues])).toEqual([]);
  });
});
