import type { JobPhase } from '../../src/job-store/job.js';
import type { VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { FULL_PHASES } from '../../src/reindex/state-machine/job-state-machine.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows, type JobRow, type TransitionRow } from '../support/job-rows.js';
import { SearchLoop } from '../support/search-loop.js';
import { seedDemoData } from '../support/seed.js';
import type { ServiceProcess } from '../support/service-process.js';
import { adminApi, ServiceFleet } from '../support/service-fleet.js';
import { TestContext } from '../support/test-context.js';

const EVENTS = 20_000;
const BATCH_SIZE = 500;
const BULK_CONCURRENCY = 2;
const LEASE_MS = 3000;
// The window before and after each phase's side effects in which a test can kill the process.
const FAULT_DELAY_MS = 800;
/** The most a crash in BACKFILL may make the resumed run write again: the batches in flight plus the one being persisted. */
const IN_FLIGHT_BOUND = (BULK_CONCURRENCY + 1) * BATCH_SIZE;

interface Crash {
  readonly jobId: number;
  readonly victim: ServiceProcess;
  readonly successor: ServiceProcess;
  /** The job as persisted once the killed process was gone. */
  readonly atKill: JobRow;
  readonly completed: JobRow;
  readonly transitions: TransitionRow[];
  readonly searchFailures: string[];
}

/**
 * kill -9 of the only service process while a FULL job is in each phase; a fresh
 * process takes the job over when the lease expires and finishes it from the
 * persisted phase and cursor. One process is alive at a time, so the victim is
 * always the job's runner.
 */
describe('crash recovery after kill -9', () => {
  let context: TestContext;
  let fleet: ServiceFleet;
  let rows: JobRows;
  let cluster: ClusterProbe;
  let alias: string;
  let live: ServiceProcess;
  let generation = 0;

  const startService = () =>
    fleet.start(
      `crash-${++generation}`,
      context.env({
        LOG_LEVEL: 'log',
        REINDEX_BATCH_SIZE: String(BATCH_SIZE),
        REINDEX_BULK_CONCURRENCY: String(BULK_CONCURRENCY),
        REINDEX_LEASE_MS: String(LEASE_MS),
        REINDEX_FAULT_PHASE_DELAY_MS: String(FAULT_DELAY_MS),
        REINDEX_RECOVERY_INTERVAL_MS: '1000',
        REINDEX_RETRY_BASE_DELAY_MS: '200',
      }),
    );

  beforeAll(async () => {
    context = await TestContext.create('crash_recovery');
    fleet = new ServiceFleet();
    rows = JobRows.connect(context.databaseUrl);
    cluster = new ClusterProbe(context.opensearchNode);
    alias = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, EVENTS, 11);
    // The seed stamps every row with its load time; an hour back, CATCH_UP replays only what a test changes.
    await context.sql('UPDATE events SET updated_at = updated_at - INTERVAL 1 HOUR');
    await context.sql('UPDATE venues SET updated_at = updated_at - INTERVAL 1 HOUR');
    live = await startService();
    for (const job of await waitForDeployJobs()) await rows.waitForStatus(job.id, 'COMPLETED', 120_000);
  }, 240_000);

  afterAll(async () => {
    await fleet?.killAll();
    await rows?.close();
    await context?.dispose();
  });

  /** The first start's jobs: one per alias of the default definitions (events and venues). */
  const waitForDeployJobs = async (): Promise<JobRow[]> => {
    for (let i = 0; i < 300; i++) {
      const jobs = await rows.jobs();
      if (jobs.length >= 2) return jobs;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the first start enqueued no DEPLOY jobs');
  };

  /**
   * Triggers a FULL job on the live process, waits until `inWindow` says the job is
   * at the moment to crash, kills the process, starts the next one and waits for the
   * job to complete. `afterKill` runs while no process is alive.
   */
  async function crashDuring(
    phase: JobPhase,
    inWindow: (job: JobRow) => Promise<boolean>,
    afterKill: (atKill: JobRow) => Promise<void> = () => Promise.resolve(),
    whileResuming: (jobId: number) => Promise<void> = () => Promise.resolve(),
  ): Promise<Crash> {
    const victim = live;
    const loop = new SearchLoop(context.opensearchNode, alias, { term: { status: 'published' } }, 20);
    let crash: Omit<Crash, 'searchFailures'>;
    try {
      const triggered = await adminApi<{ id: number; created: boolean }>(victim, 'POST', `/indices/${alias}/reindex`, { mode: 'full' });
      expect(triggered.status).toBe(202);
      expect(triggered.body.created).toBe(true);
      const jobId = triggered.body.id;
      await rows.waitForJob(jobId, `the ${phase} crash window`, async (job) => (job.status === 'RUNNING' && job.phase === phase && (await inWindow(job)) ? job : undefined), 120_000, 10);
      await victim.kill();
      const atKill = await rows.job(jobId);
      await afterKill(atKill);
      live = await startService();
      await whileResuming(jobId);
      const completed = await rows.waitForStatus(jobId, 'COMPLETED', 120_000);
      crash = { jobId, victim, successor: live, atKill, completed, transitions: await rows.transitions(jobId) };
    } finally {
      await loop.stop();
    }
    return { ...crash, searchFailures: loop.failures };
  }

  /** What every crash must end in: resumed in the same phase by the next process, each phase completed once, the alias on a target equal to the source. */
  async function expectResumedAndEqual(crash: Crash, phase: JobPhase): Promise<VerifyReport> {
    const { atKill, completed, transitions, victim, successor } = crash;
    expect(atKill).toMatchObject({ status: 'RUNNING', phase, leaseOwner: victim.name });

    const sweeps = transitions.filter((transition) => transition.instanceId === 'lease-sweeper');
    expect(sweeps).toEqual([expect.objectContaining({ fromStatus: 'RUNNING', toStatus: 'PENDING', fromPhase: phase, toPhase: phase, reason: `lease of ${victim.name} expired` })]);
    const resumed = transitions[transitions.indexOf(sweeps[0]) + 1];
    expect(resumed).toMatchObject({ fromStatus: 'PENDING', toStatus: 'RUNNING', toPhase: phase, instanceId: successor.name });

    const completions = transitions.filter((transition) => transition.fromStatus === 'RUNNING' && (transition.toStatus === 'COMPLETED' || transition.toPhase !== transition.fromPhase));
    expect(completions.map((transition) => transition.fromPhase)).toEqual(FULL_PHASES);
    const crashedAt = FULL_PHASES.indexOf(phase);
    expect(completions.map((transition) => transition.instanceId)).toEqual(FULL_PHASES.map((_, index) => (index < crashedAt ? victim.name : successor.name)));

    // The persisted target was kept: no second index, the alias on it alone, the old one deleted.
    expect(completed.targetIndex).toBe(atKill.targetIndex);
    expect(await cluster.aliasTargets(alias)).toEqual([completed.targetIndex]);
    expect(await cluster.indices(`${alias}_v*`)).toEqual([completed.targetIndex]);
    expect(crash.searchFailures).toEqual([]);

    const { status, body: report } = await adminApi<VerifyReport>(successor, 'GET', `/indices/${alias}/verify`);
    expect(status).toBe(200);
    expect(report).toMatchObject({ index: alias, indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
    expect(report.sourceCount).toBeGreaterThan(EVENTS / 2);
    return report;
  }

  it('resumes PREPARE after kill -9 between creating the target and persisting the phase, reusing the persisted target name', async () => {
    const crash = await crashDuring('PREPARE', async (job) => job.targetIndex !== null && (await cluster.exists(job.targetIndex)));

    expect(crash.atKill.targetIndex).toMatch(/_v\d+$/);
    const prepared = crash.transitions.find((transition) => transition.fromPhase === 'PREPARE' && transition.toPhase === 'BACKFILL');
    expect(prepared?.reason).toBe(`target index ${crash.atKill.targetIndex} already existed`);
    await expectResumedAndEqual(crash, 'PREPARE');
  });

  it('resumes BACKFILL after kill -9 from the persisted cursor, re-writing at most the batches in flight', async () => {
    let writtenAtKill = 0;
    let writtenWhenBackfillEnded = 0;
    const crash = await crashDuring(
      'BACKFILL',
      (job) => Promise.resolve(job.docsTotal !== null && job.docsProcessed >= job.docsTotal / 4),
      async (atKill) => {
        // Bulks the dead process had sent may still be applied: let them land before counting.
        await new Promise((resolve) => setTimeout(resolve, 500));
        writtenAtKill = (await cluster.writes(atKill.targetIndex!)).indexed;
      },
      async (jobId) => {
        // CATCH_UP is persisted FAULT_DELAY_MS before it writes anything: every write counted here is the backfill's.
        const target = await rows.waitForJob(jobId, 'the end of the resumed backfill', (job) => (job.phase !== 'BACKFILL' && job.phase !== 'PREPARE' ? job.targetIndex! : undefined), 60_000, 10);
        writtenWhenBackfillEnded = (await cluster.writes(target)).indexed;
      },
    );
    const { atKill, completed } = crash;
    const docsTotal = completed.docsTotal!;
    const rewrittenAtKill = writtenAtKill - atKill.docsProcessed;
    const rewrittenByResume = writtenWhenBackfillEnded - docsTotal;
    console.info(
      `BACKFILL crash: killed at docsProcessed ${atKill.docsProcessed}/${docsTotal} (cursor ${atKill.cursor}); target had applied ${writtenAtKill} writes; ` +
        `written but not persisted ${rewrittenAtKill}; the whole backfill wrote ${writtenWhenBackfillEnded} = ${docsTotal} + ${rewrittenByResume} again; bound ${IN_FLIGHT_BOUND}`,
    );

    expect(atKill.docsProcessed).toBeGreaterThan(0);
    expect(atKill.docsProcessed).toBeLessThan(docsTotal);
    expect(atKill.cursor).toBeGreaterThan(0);
    expect(rewrittenAtKill).toBeGreaterThanOrEqual(0);
    expect(rewrittenAtKill).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
    // The resumed run started at the persisted cursor: it re-wrote exactly what was written past it.
    expect(rewrittenByResume).toBe(rewrittenAtKill);
    expect(completed.docsProcessed).toBe(docsTotal);
    await expectResumedAndEqual(crash, 'BACKFILL');
  });

  it('resumes CATCH_UP after kill -9 mid-replay and still applies every change made after the backfill', async () => {
    let changedRows = 0;
    let replayStarted = false;
    let writesBeforeReplay: { indexed: number; deleted: number } | null = null;
    const crash = await crashDuring('CATCH_UP', async (job) => {
      const writes = await cluster.writes(job.targetIndex!);
      if (!writesBeforeReplay) {
        writesBeforeReplay = writes;
        // Changes no live update reports, made after the backfill: only CATCH_UP can bring them in.
        changedRows = await changeRowsAfterBackfill(context);
        return false;
      }
      replayStarted = writes.indexed > writesBeforeReplay.indexed || writes.deleted > writesBeforeReplay.deleted;
      return replayStarted;
    });
    console.info(`CATCH_UP crash: ${changedRows} rows changed after the backfill; killed once the replay had started writing: ${replayStarted}`);

    expect(changedRows).toBeGreaterThan(3000);
    expect(replayStarted).toBe(true);
    await expectResumedAndEqual(crash, 'CATCH_UP');
  });

  it('resumes VERIFY after kill -9 once the serving settings were restored, and swaps', async () => {
    const crash = await crashDuring('VERIFY', async (job) => (await cluster.settings(job.targetIndex!))['index.refresh_interval'] !== '-1');

    await expectResumedAndEqual(crash, 'VERIFY');
    const settings = await cluster.settings(crash.completed.targetIndex!);
    expect(settings['index.refresh_interval']).toBeUndefined();
    expect(settings['index.gc_deletes']).toBeUndefined();
  });

  it('resumes ALIAS_SWAP after kill -9 before the swap call, moving the alias in one step', async () => {
    let aliasAtKill: string[] = [];
    const crash = await crashDuring(
      'ALIAS_SWAP',
      () => Promise.resolve(true),
      async () => {
        aliasAtKill = await cluster.aliasTargets(alias);
      },
    );

    expect(aliasAtKill).toEqual([crash.atKill.sourceIndex]);
    const swap = crash.transitions.find((transition) => transition.fromPhase === 'ALIAS_SWAP' && transition.toPhase === 'CLEANUP');
    expect(swap?.reason).toBe(`alias ${alias} moved from ${crash.atKill.sourceIndex} to ${crash.atKill.targetIndex} (0 journaled changes replayed first)`);
    await expectResumedAndEqual(crash, 'ALIAS_SWAP');
  });

  it('resumes ALIAS_SWAP after kill -9 between the swap call and its persisted transition, finding the swap done', async () => {
    let aliasAtKill: string[] = [];
    const crash = await crashDuring(
      'ALIAS_SWAP',
      async (job) => (await cluster.aliasTargets(alias)).includes(job.targetIndex!),
      async () => {
        aliasAtKill = await cluster.aliasTargets(alias);
      },
    );

    // The job was still in ALIAS_SWAP with the alias already moved when the process died.
    expect(crash.atKill.phase).toBe('ALIAS_SWAP');
    expect(aliasAtKill).toEqual([crash.atKill.targetIndex]);
    const swap = crash.transitions.find((transition) => transition.fromPhase === 'ALIAS_SWAP' && transition.toPhase === 'CLEANUP');
    expect(swap?.reason).toBe(`alias ${alias} already points at ${crash.atKill.targetIndex}`);
    await expectResumedAndEqual(crash, 'ALIAS_SWAP');
  });

  it('resumes CLEANUP after kill -9 and deletes the previous index', async () => {
    let previousExistedAtKill = false;
    const crash = await crashDuring(
      'CLEANUP',
      (job) => cluster.exists(job.sourceIndex!),
      async (atKill) => {
        previousExistedAtKill = await cluster.exists(atKill.sourceIndex!);
      },
    );

    expect(previousExistedAtKill).toBe(true);
    expect(await cluster.exists(crash.atKill.sourceIndex!)).toBe(false);
    await expectResumedAndEqual(crash, 'CLEANUP');
  });
});

/**
 * Renames 3,000 published events, soft-deletes and unpublishes a few and publishes
 * some drafts, as the application would (version and updated_at bumped), without
 * any live-update message. Returns how many rows changed.
 */
async function changeRowsAfterBackfill(context: TestContext): Promise<number> {
  const bump = 'version = version + 1, updated_at = NOW(3)';
  let changed = 0;
  for (const statement of [
    `UPDATE events SET title = CONCAT('Renamed after backfill ', id), ${bump} WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 3000`,
    `UPDATE events SET deleted_at = NOW(3), ${bump} WHERE status = 'published' AND deleted_at IS NULL ORDER BY id DESC LIMIT 40`,
    `UPDATE events SET status = 'draft', ${bump} WHERE status = 'published' AND deleted_at IS NULL AND id % 97 = 0 ORDER BY id DESC LIMIT 40`,
    `UPDATE events SET status = 'published', ${bump} WHERE status = 'draft' AND deleted_at IS NULL AND id % 89 = 0 ORDER BY id LIMIT 40`,
  ]) {
    changed += ((await context.sql(statement)) as unknown as { affectedRows: number }).affectedRows;
  }
  return changed;
}
