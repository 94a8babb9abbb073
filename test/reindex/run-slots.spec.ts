import { createConnection } from 'mariadb';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import { DatabaseService } from '../../src/job-store/database.service.js';
import type { ClaimLifecycle } from '../../src/job-store/job-store.js';
import { PrismaJobStore } from '../../src/job-store/prisma-job-store.js';
import type { VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { transitionFor } from '../../src/reindex/engine/job-transitions.js';
import { JobRows, type JobRow } from '../support/job-rows.js';
import { RunSlotSampler } from '../support/run-slot-sampler.js';
import { seedDemoData } from '../support/seed.js';
import type { ServiceProcess } from '../support/service-process.js';
import { adminApi, ServiceFleet } from '../support/service-fleet.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const SLOTS = 2;
const ALIASES = ['a', 'b', 'c', 'd', 'e'];

/**
 * Three replicas (child processes, five aliases over the events table) start at once
 * on an empty cluster: each alias gets one DEPLOY job, and the five jobs share the
 * two global run slots. The fault delay keeps each job ~10 s long so that jobs queue,
 * and one replica is killed (-9) while it runs a job.
 */
describe('global run slots with three replicas', () => {
  let context: TestContext;
  let fleet: ServiceFleet;
  let rows: JobRows;
  let sampler: RunSlotSampler;
  let replicas: ServiceProcess[];
  let victim: ServiceProcess;
  let victimJobs: JobRow[] = [];
  let jobs: JobRow[] = [];

  beforeAll(async () => {
    context = await TestContext.create('run_slots');
    fleet = new ServiceFleet();
    rows = JobRows.connect(context.databaseUrl);
    await seedDemoData(context.databaseUrl, 3000, 5);
    sampler = await RunSlotSampler.start(context.databaseUrl, 50);
    const env = context.env({
      TEST_DEFINITIONS: 'five-aliases',
      LOG_LEVEL: 'log',
      REINDEX_MAX_CONCURRENT_JOBS: String(SLOTS),
      REINDEX_LEASE_MS: '3000',
      REINDEX_FAULT_PHASE_DELAY_MS: '700',
      REINDEX_BATCH_SIZE: '500',
      REINDEX_RECOVERY_INTERVAL_MS: '1000',
    });
    replicas = await Promise.all([1, 2, 3].map((n) => fleet.start(`replica-${n}`, env)));
  }, 120_000);

  afterAll(async () => {
    await sampler?.stop().catch(() => undefined);
    await fleet?.killAll();
    await rows?.close();
    await context?.dispose();
  });

  it('creates exactly one DEPLOY job per alias when three replicas start at once', async () => {
    const aliases = ALIASES.map((suffix) => `${context.indexPrefix}events_${suffix}`);
    // Every replica's drift check has answered for every alias: enqueued it, or found it enqueued.
    const checks = await waitForDriftChecks(replicas, aliases.length);
    jobs = await rows.jobs();

    expect(jobs.map((job) => job.alias).sort()).toEqual(aliases);
    expect(jobs.every((job) => job.kind === 'FULL' && job.trigger === 'DEPLOY')).toBe(true);
    expect(checks.enqueued).toBe(aliases.length);
    expect(checks.joined).toBe(aliases.length * (replicas.length - 1));
  });

  it('hands the jobs of a replica killed with -9 to another replica, which finishes them', async () => {
    const running = await waitFor('a job running past PREPARE', async () => {
      const [job] = (await rows.jobs()).filter((candidate) => candidate.status === 'RUNNING' && candidate.phase !== 'PREPARE' && candidate.leaseOwner !== null);
      return job;
    });
    victim = replicas.find((replica) => replica.name === running.leaseOwner)!;
    await victim.kill();
    victimJobs = (await rows.jobs()).filter((job) => job.status === 'RUNNING' && job.leaseOwner === victim.name);

    expect(victimJobs.map((job) => job.id)).toContain(running.id);
    for (const job of victimJobs) {
      const completed = await rows.waitForStatus(job.id, 'COMPLETED', 120_000);
      const transitions = await rows.transitions(job.id);
      const sweep = transitions.findIndex((transition) => transition.reason === `lease of ${victim.name} expired`);
      expect(transitions[sweep]).toMatchObject({ fromStatus: 'RUNNING', toStatus: 'PENDING', fromPhase: job.phase, instanceId: 'lease-sweeper' });
      const heir = transitions[sweep + 1].instanceId;
      expect(transitions[sweep + 1]).toMatchObject({ fromStatus: 'PENDING', toStatus: 'RUNNING', toPhase: job.phase });
      expect(heir).not.toBe(victim.name);
      expect(replicas.map((replica) => replica.name)).toContain(heir);
      expect(new Set(transitions.slice(sweep + 1).map((transition) => transition.instanceId))).toEqual(new Set([heir]));
      expect(completed.status).toBe('COMPLETED');
    }
  });

  it('completes all five jobs with never more than 2 RUNNING at any sampled instant', async () => {
    for (const job of jobs) await rows.waitForStatus(job.id, 'COMPLETED', 180_000);
    const samples = await sampler.stop();
    const survivor = replicas.find((replica) => replica !== victim)!;
    console.info(
      `run slots: ${samples.length} samples, RUNNING max ${sampler.max('running')}, slots held max ${sampler.max('held')}, ` +
        `samples at the limit ${samples.filter((sample) => sample.running === SLOTS).length}; ${victim.name} killed while running jobs ${victimJobs.map((job) => job.id).join(', ')}`,
    );

    expect(samples.length).toBeGreaterThan(200);
    expect(sampler.max('running')).toBe(SLOTS);
    expect(sampler.max('held')).toBe(SLOTS);
    expect(sampler.max('slots')).toBe(SLOTS);
    expect(sampler.max('unslotted')).toBe(0);
    for (const job of jobs) {
      const { body: report } = await adminApi<VerifyReport>(survivor, 'GET', `/indices/${job.alias}/verify`);
      expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
      expect(report.sourceCount).toBeGreaterThan(1000);
    }
  });
});

/** Counts the drift detector's verdicts in the replicas' logs until each replica has one per alias. */
async function waitForDriftChecks(replicas: ServiceProcess[], aliases: number): Promise<{ enqueued: number; joined: number }> {
  return waitFor(`${aliases} drift verdicts from each replica`, () => {
    const verdicts = replicas.map((replica) => ({
      enqueued: replica.logs().match(/is missing: enqueued job/g)?.length ?? 0,
      joined: replica.logs().match(/is missing: already has job/g)?.length ?? 0,
    }));
    if (verdicts.some((verdict) => verdict.enqueued + verdict.joined < aliases)) return Promise.resolve(undefined);
    return Promise.resolve(verdicts.reduce((sum, verdict) => ({ enqueued: sum.enqueued + verdict.enqueued, joined: sum.joined + verdict.joined })));
  });
}

/** The claim transaction itself, against MySQL, with another connection committing in the middle of it. */
describe('claiming a run slot', () => {
  let context: TestContext;
  let database: DatabaseService;
  let store: PrismaJobStore;
  const lifecycle: ClaimLifecycle = {
    leaseExpired: (job) => transitionFor(job, { type: 'LEASE_EXPIRED' }, 'lease expired'),
    started: (job) => transitionFor(job, { type: 'START' }, 'started by claimer'),
  };

  beforeAll(async () => {
    context = await TestContext.create('claim_race');
    database = new DatabaseService(context.config());
    store = new PrismaJobStore(database);
  });

  afterAll(async () => {
    await database?.onApplicationShutdown();
    await context?.dispose();
  });

  it('claims a job whose creation committed while the claim waited for its row lock', async () => {
    // A job running in slot 0 elsewhere, so the claim reads the held slots before it looks for pending jobs.
    await context.sql(`INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, phase, definition_hash, active_alias_key, lease_owner, lease_expires_at, updated_at)
      VALUES ('running', 'FULL', 'MANUAL', 'RUNNING', 'BACKFILL', REPEAT('a', 64), 'running', 'elsewhere', NOW(3) + INTERVAL 1 HOUR, NOW(3))`);
    await store.claimNextJob({ instanceId: 'nobody', slots: 2, leaseMs: 30_000, definitionHashes: ['b'.repeat(64)], clusterUuids: [] }, lifecycle);
    await context.sql("UPDATE reindex_run_slots SET job_id = (SELECT id FROM reindex_jobs WHERE alias = 'running'), lease_owner = 'elsewhere' WHERE slot = 0");
    const writer = await createConnection(poolConfigFromUrl(context.databaseUrl));
    try {
      await writer.beginTransaction();
      const created = await writer.query<{ insertId: number }>(`INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, active_alias_key, updated_at)
        VALUES ('pending', 'FULL', 'MANUAL', 'PENDING', REPEAT('b', 64), 'pending', NOW(3))`);
      const claim = store.claimNextJob({ instanceId: 'claimer', slots: 2, leaseMs: 30_000, definitionHashes: ['b'.repeat(64)], clusterUuids: [] }, lifecycle);
      // The claim now waits for the uncommitted row; the job is committed while it waits.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await writer.commit();

      const claimed = await claim;
      expect(claimed).toMatchObject({ id: created.insertId, status: 'RUNNING', phase: 'PREPARE', leaseOwner: 'claimer' });
    } finally {
      await writer.end();
    }
  });

  it('takes locks in the claim\'s order when a job leaves RUNNING: a claim holding the slots and wanting the job never deadlocks with it', async () => {
    const inserted = (await context.sql(`INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, phase, definition_hash, active_alias_key, lease_owner, lease_token, lease_expires_at, updated_at)
      VALUES ('locked', 'FULL', 'MANUAL', 'RUNNING', 'BACKFILL', REPEAT('c', 64), 'locked', 'holder', 'token', NOW(3) + INTERVAL 1 HOUR, NOW(3))`)) as unknown as { insertId: bigint | number };
    const jobId = Number(inserted.insertId);
    await context.sql('UPDATE reindex_run_slots SET job_id = ?, lease_owner = ? WHERE slot = 1', [jobId, 'holder']);
    const claimer = await createConnection(poolConfigFromUrl(context.databaseUrl));
    try {
      // As a claim does: every slot first, then (below) the job.
      await claimer.beginTransaction();
      await claimer.query('SELECT slot FROM reindex_run_slots ORDER BY slot FOR UPDATE');
      const job = (await store.findJob(jobId))!;
      const pause = store.transition(jobId, transitionFor(job, { type: 'PAUSE', by: 'operator', reason: 'paused' }, 'paused by operator'), 'operator');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Locking the job would deadlock if the pause had locked the job before waiting for the slots.
      await claimer.query('SELECT id FROM reindex_jobs WHERE id = ? FOR UPDATE', [jobId]);
      await claimer.commit();

      expect(await pause).toMatchObject({ status: 'PAUSED', leaseToken: null });
      expect(await context.sql('SELECT job_id AS jobId FROM reindex_run_slots WHERE slot = 1')).toEqual([{ jobId: null }]);
    } finally {
      await claimer.end();
    }
  });

  it('leaves a job that builds on a cluster this replica does not reach to a replica that reaches it', async () => {
    const inserted = (await context.sql(`INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, cluster_uuid, active_alias_key, updated_at)
      VALUES ('moving', 'FULL', 'MANUAL', 'PENDING', REPEAT('d', 64), 'uuid-next', 'moving', NOW(3))`)) as unknown as { insertId: bigint | number };
    const claim = (instanceId: string, clusterUuids: string[]) => store.claimNextJob({ instanceId, slots: 2, leaseMs: 30_000, definitionHashes: ['d'.repeat(64)], clusterUuids }, lifecycle);

    expect(await claim('current-only', [])).toBeNull();
    expect(await claim('current-only', ['uuid-current'])).toBeNull();
    expect(await claim('reaches-both', ['uuid-current', 'uuid-next'])).toMatchObject({ id: Number(inserted.insertId), leaseOwner: 'reaches-both', clusterUuid: 'uuid-next' });
  });
});
