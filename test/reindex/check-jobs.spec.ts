import type { VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { SourceFactory } from '../support/factories.js';
import { JobRows, type JobRow } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { adminApi, ServiceFleet } from '../support/service-fleet.js';
import type { ServiceProcess } from '../support/service-process.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const EVENTS = 60_000;

interface CheckJobAnswer {
  readonly id: number;
  readonly kind: string;
  readonly status: string;
  readonly created: boolean;
  readonly result: (VerifyReport & { unrepaired?: { total: number } }) | null;
}

/**
 * Verify and sync as jobs (POST /indices/:alias/verify and /sync), on two replicas in their own
 * processes over 60k events: 202 with a job, its progress batch by batch, its report kept, a
 * cancel, a cancel then a new request, and kill -9 of the replica running it mid-scan.
 */
describe('verify and sync jobs', () => {
  let context: TestContext;
  let fleet: ServiceFleet;
  let rows: JobRows;
  let cluster: ClusterProbe;
  let replicas: ServiceProcess[];
  let events: string;
  let differences: { created: number; edited: number; removed: number };

  beforeAll(async () => {
    context = await TestContext.create('check_jobs');
    fleet = new ServiceFleet();
    rows = JobRows.connect(context.databaseUrl);
    cluster = new ClusterProbe(context.opensearchNode);
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, EVENTS, 14);
    const env = context.env({ LOG_LEVEL: 'log', REINDEX_LEASE_MS: '3000', REINDEX_RECOVERY_INTERVAL_MS: '1000' });
    replicas = [await fleet.start('check-a', env), await fleet.start('check-b', env)];
    await waitFor('the DEPLOY jobs', async () => ((await rows.jobs()).length === 2 ? true : undefined), 60_000);
    for (const job of await rows.jobs()) await rows.waitForStatus(job.id, 'COMPLETED', 180_000);

    // Three changes that reached MySQL without a message: missing, stale and extra in the index.
    const factory = SourceFactory.connect(context.databaseUrl);
    const { id: created } = await factory.createEvent({ title: 'Created behind the index' }).finally(() => factory.close());
    const [edited, removed] = await cluster.firstIds(events, 2);
    await context.sql("UPDATE events SET title = 'Edited behind the index', version = version + 1 WHERE id = ?", [edited]);
    await context.sql('DELETE FROM events WHERE id = ?', [removed]);
    differences = { created, edited, removed };
  }, 300_000);

  afterAll(async () => {
    await fleet?.killAll();
    await rows?.close();
    await context?.dispose();
  });

  const ask = async (kind: 'verify' | 'sync', query = '') => {
    const response = await fetch(`${replicas[0].url}/indices/${events}/${kind}${query}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as CheckJobAnswer };
  };
  const job = async (id: number) => (await adminApi<CheckJobAnswer>(replicas[1], 'GET', `/jobs/${id}`)).body;
  /** Every docsProcessed the job showed, sampled every 10 ms, until it ends. */
  const progressUntilEnded = async (id: number): Promise<{ seen: number[]; ended: JobRow }> => {
    const seen: number[] = [];
    for (;;) {
      const row = await rows.job(id);
      if (seen.at(-1) !== row.docsProcessed) seen.push(row.docsProcessed);
      if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(row.status)) return { seen, ended: row };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('answers 202 with a VERIFY job (Location /jobs/:id), joins it when asked again, shows its progress batch by batch and keeps the report GET …/verify gives', async () => {
    const asked = await ask('verify');
    expect(asked).toMatchObject({ status: 202, location: `/jobs/${asked.body.id}`, body: { kind: 'VERIFY', status: 'PENDING', created: true, result: null } });
    const again = await ask('verify');
    expect(again.body).toMatchObject({ id: asked.body.id, created: false });

    const { seen, ended } = await progressUntilEnded(asked.body.id);
    expect(ended).toMatchObject({ kind: 'VERIFY', status: 'COMPLETED', trigger: 'MANUAL' });
    const done = await job(asked.body.id);
    const { created, edited, removed } = differences;
    const report = done.result!;
    expect(report).toMatchObject({ alias: events, missing: { total: 1, ids: [created] }, stale: { total: 1, ids: [edited] }, extra: { total: 1, ids: [removed] } });
    expect(report.sourceCount).toBeGreaterThan(EVENTS / 2);
    // Both sides counted: every indexable row, then every document; the total was both counts when it started.
    const compared = report.sourceCount + report.indexCount;
    expect(ended.docsTotal).toBe(compared);
    expect(ended.docsProcessed).toBe(compared);
    const between = seen.filter((value) => value > 0 && value < compared);
    expect(between.length).toBeGreaterThan(2);
    expect(between).toEqual([...between].sort((a, b) => a - b));
    expect((await adminApi<VerifyReport>(replicas[1], 'GET', `/indices/${events}/verify`)).body).toEqual(done.result);
    const last = (await rows.transitions(asked.body.id)).at(-1)!;
    expect(last).toMatchObject({ fromStatus: 'RUNNING', toStatus: 'COMPLETED', reason: `found 1 missing, 1 stale, 1 extra of ${report.sourceCount} indexable rows and ${report.indexCount} documents` });
  });

  it('cancels a running VERIFY job (no report, its slot freed), then a new one asked at once completes', async () => {
    const asked = await ask('verify');
    await waitFor('the verify under way', async () => ((await rows.job(asked.body.id)).docsProcessed > 0 ? true : undefined), 30_000, 5);
    const cancelled = await adminApi<CheckJobAnswer>(replicas[1], 'POST', `/jobs/${asked.body.id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    const again = await ask('verify');
    expect(again.body).toMatchObject({ created: true, status: 'PENDING' });
    expect(again.body.id).not.toBe(asked.body.id);

    const completed = await rows.waitForStatus(again.body.id, 'COMPLETED', 120_000);
    expect(completed.docsProcessed).toBe(completed.docsTotal);
    expect((await job(asked.body.id)).result).toBeNull();
    expect((await rows.job(asked.body.id)).status).toBe('CANCELLED');
    expect((await context.sql<{ held: number }>('SELECT COUNT(*) AS held FROM reindex_run_slots WHERE job_id IS NOT NULL'))[0].held).toBe(0);
  });

  it('hands a SYNC job whose replica is killed (-9) mid-scan to the other, which compares again from the start, repairs what still differs and keeps its report', async () => {
    const asked = await ask('sync');
    expect(asked).toMatchObject({ status: 202, body: { kind: 'SYNC', created: true } });
    const running = await waitFor('the sync under way', async () => {
      const row = await rows.job(asked.body.id);
      return row.status === 'RUNNING' && row.docsProcessed > 0 ? row : undefined;
    }, 30_000, 5);
    const victim = replicas.find((replica) => replica.name === running.leaseOwner)!;
    await victim.kill();
    const heir = replicas.find((replica) => replica !== victim)!;
    replicas = [heir];

    expect((await rows.job(asked.body.id)).status).toBe('RUNNING');
    await rows.waitForStatus(asked.body.id, 'COMPLETED', 120_000);
    const transitions = await rows.transitions(asked.body.id);
    expect(transitions.map((transition) => [transition.toStatus, transition.instanceId])).toEqual([
      ['PENDING', 'api'],
      ['RUNNING', victim.name],
      ['PENDING', 'lease-sweeper'],
      ['RUNNING', heir.name],
      ['COMPLETED', heir.name],
    ]);
    const { created, edited, removed } = differences;
    const done = (await adminApi<CheckJobAnswer>(heir, 'GET', `/jobs/${asked.body.id}`)).body;
    // The heir compares from the start: what the victim repaired before it died (at most the first
    // batches' stale row) is no longer a difference; the missing row (the last id) and the extra
    // document (found by the index scan, after every row) were still ahead of it.
    expect(done.result).toMatchObject({ missing: { total: 1, ids: [created] }, extra: { total: 1, ids: [removed] }, unrepaired: { total: 0 } });
    expect([[], [edited]]).toContainEqual(done.result!.stale.ids);
    const after = (await adminApi<VerifyReport>(heir, 'GET', `/indices/${events}/verify`)).body;
    expect(after).toMatchObject({ indexCount: after.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
    expect((await cluster.documents(events, [edited]))[0].source?.title).toBe('Edited behind the index');
  });

  it('refuses at once, creating no job, what could not start: an unknown alias, a next cluster not configured, a malformed flag', async () => {
    const before = (await rows.jobs()).length;
    const answers = await Promise.all([
      adminApi(replicas[0], 'POST', '/indices/no_such_alias/verify'),
      adminApi(replicas[0], 'POST', `/indices/${events}/sync?cluster=next`),
      adminApi(replicas[0], 'POST', `/indices/${events}/sync?wait=maybe`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([404, 409, 400]);
    expect(answers.slice(0, 2).map((answer) => (answer.body as { code: string }).code)).toEqual(['UNKNOWN_ALIAS', 'NO_NEXT_CLUSTER']);
    expect(await rows.jobs()).toHaveLength(before);
  });
});
