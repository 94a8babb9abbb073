import type { ClusterMigration } from '../../src/job-store/job.js';
import type { VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows } from '../support/job-rows.js';
import { SearchLoop } from '../support/search-loop.js';
import { seedDemoData } from '../support/seed.js';
import type { ServiceProcess } from '../support/service-process.js';
import { adminApi, ServiceFleet } from '../support/service-fleet.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const EVENTS = 20_000;
const BATCH_SIZE = 500;
const BULK_CONCURRENCY = 2;
/** The most a crash in BACKFILL may make the resumed run write again: the batches in flight plus the one being persisted. */
const IN_FLIGHT_BOUND = (BULK_CONCURRENCY + 1) * BATCH_SIZE;
const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;

/** kill -9 of the only service process while a migration builds the alias on the next cluster: the build resumes there from its cursor. */
(elasticsearch ? describe : describe.skip)('a migration to the next cluster after kill -9 in its BACKFILL', () => {
  let context: TestContext;
  let fleet: ServiceFleet;
  let rows: JobRows;
  let next: ClusterProbe;
  let events: string;
  let generation = 0;

  const startService = () =>
    fleet.start(
      `migration-crash-${++generation}`,
      context.env({
        OPENSEARCH_NEXT_NODE: opensearch,
        LOG_LEVEL: 'log',
        REINDEX_BATCH_SIZE: String(BATCH_SIZE),
        REINDEX_BULK_CONCURRENCY: String(BULK_CONCURRENCY),
        REINDEX_LEASE_MS: '3000',
        REINDEX_RECOVERY_INTERVAL_MS: '1000',
        REINDEX_RETRY_BASE_DELAY_MS: '200',
        // Paced, so that the kill lands in the middle of the backfill on any machine.
        REINDEX_MAX_DOCS_PER_SECOND: '4000',
      }),
    );

  beforeAll(async () => {
    context = await TestContext.create('migration_crash', { opensearchNode: elasticsearch });
    fleet = new ServiceFleet();
    rows = JobRows.connect(context.databaseUrl);
    next = new ClusterProbe(opensearch);
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, EVENTS, 17);
    await context.sql('UPDATE events SET updated_at = updated_at - INTERVAL 1 HOUR');
    await context.sql('UPDATE venues SET updated_at = updated_at - INTERVAL 1 HOUR');
  }, 60_000);
  afterAll(async () => {
    await fleet?.killAll();
    await rows?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('resumes the build on the next cluster from the persisted cursor, re-writing at most the batches in flight, and mirrors after', async () => {
    const victim = await startService();
    const deployJobs = await waitFor('the first builds on the current cluster', async () => {
      const jobs = await rows.jobs();
      return jobs.length >= 2 ? jobs : undefined;
    });
    for (const job of deployJobs) await rows.waitForStatus(job.id, 'COMPLETED', 120_000);
    const search = new SearchLoop(elasticsearch!, events, { term: { status: 'published' } }, 20);
    let successor: ServiceProcess;
    let writtenAtKill: number;
    let writtenWhenBackfillEnded: number;
    let jobId: number;
    try {
      const started = await adminApi<{ migration: ClusterMigration; job: { id: number } }>(victim, 'POST', `/indices/${events}/migrate`);
      expect(started.status).toBe(202);
      jobId = started.body.job.id;
      const atQuarter = await rows.waitForJob(jobId, 'a quarter of the backfill on the next cluster', (job) =>
        job.status === 'RUNNING' && job.phase === 'BACKFILL' && job.docsTotal !== null && job.docsProcessed >= job.docsTotal / 4 ? job : undefined, 120_000, 10);
      await victim.kill();
      // Bulks the dead process had sent may still be applied: let them land before counting.
      await new Promise((resolve) => setTimeout(resolve, 500));
      writtenAtKill = (await next.writes(atQuarter.targetIndex!)).indexed;
      successor = await startService();
      const target = await rows.waitForJob(jobId, 'the end of the resumed backfill', (job) => (job.phase !== 'BACKFILL' && job.phase !== 'PREPARE' ? job.targetIndex! : undefined), 120_000, 10);
      writtenWhenBackfillEnded = (await next.writes(target)).indexed;
      await rows.waitForStatus(jobId, 'COMPLETED', 120_000);
    } finally {
      await search.stop();
    }
    const atKill = (await rows.transitions(jobId)).find((transition) => transition.instanceId === 'lease-sweeper');
    const completed = await rows.job(jobId);
    const rewrittenByResume = writtenWhenBackfillEnded - completed.docsTotal!;
    console.info(`migration BACKFILL crash: next cluster had applied ${writtenAtKill} writes at the kill; the whole backfill wrote ${writtenWhenBackfillEnded} = ${completed.docsTotal} + ${rewrittenByResume} again; bound ${IN_FLIGHT_BOUND}`);

    expect(atKill).toMatchObject({ fromStatus: 'RUNNING', toStatus: 'PENDING', fromPhase: 'BACKFILL', toPhase: 'BACKFILL', reason: `lease of ${victim.name} expired` });
    expect(completed).toMatchObject({ status: 'COMPLETED', leaseOwner: null, docsProcessed: completed.docsTotal });
    expect(rewrittenByResume).toBeGreaterThanOrEqual(0);
    expect(rewrittenByResume).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
    expect(writtenAtKill).toBeLessThan(completed.docsTotal!);
    expect(search.failures).toEqual([]);
    // Built on the next cluster only: the alias there on the job's target, the current cluster's alias where it was.
    expect(await next.aliasTargets(events)).toEqual([completed.targetIndex]);
    const firstBuild = await rows.job(deployJobs.find((job) => job.alias === events)!.id);
    expect(await new ClusterProbe(elasticsearch!).aliasTargets(events)).toEqual([firstBuild.targetIndex]);

    const migration = await waitFor('MIRRORING', async () => {
      const { body } = await adminApi<{ migration: ClusterMigration }>(successor, 'GET', `/indices/${events}/migration`);
      return body.migration.state === 'MIRRORING' ? body.migration : undefined;
    });
    expect(migration.jobId).toBe(jobId);
    for (const cluster of ['current', 'next']) {
      const { status, body: report } = await adminApi<VerifyReport>(successor, 'GET', `/indices/${events}/verify?cluster=${cluster}`);
      expect(status).toBe(200);
      expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
      expect(report.sourceCount).toBeGreaterThan(EVENTS / 2);
    }
  }, 300_000);
});
