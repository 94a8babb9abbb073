import type { SeededRandom } from '../../scripts/seed/random.js';
import type { JobPhase } from '../../src/job-store/job.js';
import { FULL_PHASES } from '../../src/reindex/state-machine/job-state-machine.js';
import type { JobRow } from '../support/job-rows.js';
import type { SourceFactory } from '../support/factories.js';
import type { TestContext } from '../support/test-context.js';
import { MOMENT_WINDOW_MS, OUTAGE_RETRIES, SETTINGS } from './chaos-settings.js';
import type { ChangeSink, LiveTraffic } from './live-traffic.js';
import type { DefinitionSet, ReplicaSet } from './replica-set.js';
import { MIGRATION_FAULT_KINDS, MIGRATION_FAULTS, type MigrationControl, type MigrationSetting } from './migration-faults.js';
import { rollOut, rolloutPlan, type RolloutPlan } from './rolling-deploy.js';
import { mariaDbOutage, openSearchOutage, rabbitMqOutage, withOutage } from './service-outages.js';

/** The faults of a rebuild in place: one alias rebuilt on one cluster. */
export const REBUILD_FAULT_KINDS = [
  'kill-PREPARE',
  'kill-BACKFILL',
  'kill-CATCH_UP',
  'kill-VERIFY',
  'kill-ALIAS_SWAP',
  'kill-CLEANUP',
  'cancel-retrigger',
  'pause-resume',
  'opensearch-down',
  'mariadb-down',
  'rabbitmq-down',
  'rolling-deploy',
  'stalled-lease',
  'bulk-rejected',
] as const;
export const FAULT_KINDS = [...REBUILD_FAULT_KINDS, ...MIGRATION_FAULT_KINDS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that stop a service every engineer on this machine shares (the migration faults stop only a node of their own). */
export const SERVICE_STOPPING: readonly FaultKind[] = ['opensearch-down', 'mariadb-down', 'rabbitmq-down'];

/** Names `--faults` takes for a set of kinds. */
export const FAULT_GROUPS: Readonly<Record<string, readonly FaultKind[]>> = {
  all: FAULT_KINDS,
  'in-process': FAULT_KINDS.filter((kind) => !SERVICE_STOPPING.includes(kind)),
  rebuild: REBUILD_FAULT_KINDS,
  'rebuild-in-process': REBUILD_FAULT_KINDS.filter((kind) => !SERVICE_STOPPING.includes(kind)),
  migration: MIGRATION_FAULT_KINDS,
};

/** A point in a job's life: `offsetMs` after the harness saw it enter `phase`. */
export interface Moment {
  readonly phase: JobPhase;
  readonly offsetMs: number;
}

/** What a fault needs of the running trial. */
export interface TrialWorld {
  readonly events: string;
  readonly replicas: ReplicaSet;
  readonly traffic: LiveTraffic;
  readonly context: TestContext;
  readonly factory: SourceFactory;
  readonly sink: ChangeSink;
  /** Picks replicas for API calls: a stream of its own, so faults draw the same values whatever the timing. */
  readonly apiRandom: SeededRandom;
  log(text: string): void;
  /** Waits for the events alias's active FULL job to be RUNNING in `moment.phase`, then `offsetMs`; null if no job got there. */
  atMoment(moment: Moment): Promise<JobRow | null>;
  /** The newest FULL job of the events alias that has not ended. */
  activeJob(): Promise<JobRow | null>;
  /** Records that a replica with these definitions was deployed: the alias must end on its hash. */
  deployed(definitions: DefinitionSet): void;
  /** Jobs of any alias not ended now; none when MySQL does not answer. */
  jobsNotEnded(): Promise<JobRow[]>;
  /** Waits until every job has ended; false on timeout. */
  waitForJobsToEnd(timeoutMs: number): Promise<boolean>;
  /** A job the fault proved stuck (the quiet wait would not see it any more). */
  flagStuck(jobId: number, why: string): void;
  /** In a migration trial, what its faults drive; null in a rebuild trial. */
  readonly migration: MigrationControl | null;
}

export type Expectation = 'completed' | 'ended';

export interface Fault<P> {
  /** Service settings this fault needs on top of chaos-settings.ts. */
  readonly env?: Readonly<Record<string, string>>;
  /** Instead of SETTINGS.faultBudgetMs. */
  readonly budgetMs?: number;
  /** Every random choice of the fault, drawn before anything runs, so that the seed alone decides them. */
  plan(random: SeededRandom): P;
  /** Runs before the change stream starts (to keep it off rows the fault owns). */
  prepare?(world: TrialWorld, plan: P): Promise<void>;
  inject(world: TrialWorld, plan: P): Promise<void>;
  /** What the newest FULL job of each alias the trial rebuilt must end as. */
  expects(plan: P): Expectation;
  /** Set for a migration fault: the trial moves the events alias to the next cluster (migration-faults.ts). */
  readonly migration?: MigrationSetting<P>;
}

const BEFORE_SWAP: readonly JobPhase[] = ['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY'];

function moment(random: SeededRandom, phases: readonly JobPhase[]): Moment {
  return { phase: random.pick(phases), offsetMs: random.int(0, MOMENT_WINDOW_MS) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function killIn(phase: JobPhase): Fault<{ moment: Moment; restartAfterMs: number }> {
  return {
    plan: (random) => ({ moment: { phase, offsetMs: random.int(0, MOMENT_WINDOW_MS) }, restartAfterMs: random.int(0, 3000) }),
    async inject(world, plan) {
      const job = await world.atMoment(plan.moment);
      const victim = world.replicas.holderOr(job?.leaseOwner ?? null, world.apiRandom);
      await world.replicas.kill(victim, job ? `lease holder of job ${job.id} in ${job.phase}` : 'no job at the moment');
      await sleep(plan.restartAfterMs);
      await world.replicas.start(victim.definitions);
    },
    expects: () => 'completed',
  };
}

const cancelRetrigger: Fault<{ rounds: { moment: Moment; retriggerAfterMs: number }[] }> = {
  plan: (random) => ({
    rounds: Array.from({ length: random.int(1, 2) }, () => ({ moment: moment(random, BEFORE_SWAP), retriggerAfterMs: random.int(0, 1500) })),
  }),
  async inject(world, plan) {
    for (const round of plan.rounds) {
      const job = await world.atMoment(round.moment);
      if (!job) continue;
      const cancelled = await world.replicas.api<{ status?: string }>(world.apiRandom, 'POST', `/jobs/${job.id}/cancel`);
      world.log(`POST /jobs/${job.id}/cancel on ${cancelled.replica} → ${cancelled.status} ${cancelled.body?.status ?? JSON.stringify(cancelled.body)}`);
      await sleep(round.retriggerAfterMs);
      const again = await world.replicas.api<{ id?: number; created?: boolean }>(world.apiRandom, 'POST', `/indices/${world.events}/reindex`, { mode: 'full' });
      world.log(`POST /indices/${world.events}/reindex on ${again.replica} → ${again.status} job ${again.body?.id} (created ${again.body?.created})`);
    }
  },
  expects: () => 'completed',
};

const pauseResume: Fault<{ rounds: { moment: Moment; resumeAfterMs: number; onHolder: boolean }[] }> = {
  plan: (random) => ({
    rounds: Array.from({ length: random.int(2, 4) }, () => ({
      moment: moment(random, FULL_PHASES),
      resumeAfterMs: random.chance(0.5) ? 0 : random.int(100, 2500),
      onHolder: random.chance(0.5),
    }))
      // In phase order: a round cannot wait for a phase the job has left.
      .sort((a, b) => FULL_PHASES.indexOf(a.moment.phase) - FULL_PHASES.indexOf(b.moment.phase)),
  }),
  async inject(world, plan) {
    let last: JobRow | null = null;
    try {
      for (const round of plan.rounds) {
        const job = await world.atMoment(round.moment);
        if (!job) continue;
        last = job;
        const holder = round.onHolder ? world.replicas.byName(job.leaseOwner) : undefined;
        const paused = await world.replicas.api<{ status?: string }>(world.apiRandom, 'POST', `/jobs/${job.id}/pause`, undefined, holder);
        world.log(`POST /jobs/${job.id}/pause on ${paused.replica} → ${paused.status} ${paused.body?.status ?? JSON.stringify(paused.body)}`);
        await sleep(round.resumeAfterMs);
        const resumed = await world.replicas.api<{ status?: string }>(world.apiRandom, 'POST', `/jobs/${job.id}/resume`, undefined, holder);
        world.log(`POST /jobs/${job.id}/resume on ${resumed.replica} (${round.resumeAfterMs} ms after) → ${resumed.status} ${resumed.body?.status ?? JSON.stringify(resumed.body)}`);
      }
    } finally {
      // Never leave an operator pause behind: it would wait for an operator forever.
      if (last) {
        const final = await world.activeJob();
        if (final?.status === 'PAUSED' && final.pausedBy === 'operator') {
          const resumed = await world.replicas.api(world.apiRandom, 'POST', `/jobs/${final.id}/resume`);
          world.log(`job ${final.id} was left paused by the operator; resumed → ${resumed.status}`);
        }
      }
    }
  },
  expects: () => 'completed',
};

function outage(kind: 'opensearch-down' | 'mariadb-down' | 'rabbitmq-down', minMs: number, maxMs: number): Fault<{ moment: Moment; downMs: number }> {
  // The node's JVM takes a minute or more to start again on two shared cores: a job paused by the
  // outage must still be within REINDEX_PAUSE_TIMEOUT_MS when it answers again, so that the trial
  // shows it resume and complete rather than (rightly) fail.
  const openSearch = kind === 'opensearch-down';
  return {
    env: { ...OUTAGE_RETRIES, ...(openSearch ? { REINDEX_PAUSE_TIMEOUT_MS: '300000' } : {}) },
    ...(openSearch ? { budgetMs: 270_000 } : {}),
    plan: (random) => ({ moment: moment(random, FULL_PHASES), downMs: random.int(minMs, maxMs) }),
    async inject(world, plan) {
      const job = await world.atMoment(plan.moment);
      const { context, traffic } = world;
      const service =
        kind === 'opensearch-down' ? openSearchOutage(context.opensearchNode) : kind === 'mariadb-down' ? mariaDbOutage() : rabbitMqOutage(context.rabbitmqUrl);
      // Searches fail while OpenSearch is stopped, and the harness's own SQL while MariaDB is: those parts pause.
      if (kind === 'opensearch-down') await traffic.stopProbes();
      if (kind === 'mariadb-down') {
        await traffic.stopStream();
        await traffic.stopSampler();
      }
      try {
        await withOutage(service, async () => {
          world.log(`${service.service} stopped${job ? ` (job ${job.id} in ${job.phase})` : ''}; down for ${plan.downMs} ms`);
          await sleep(plan.downMs);
        });
        world.log(`${service.service} started again`);
      } finally {
        if (kind === 'opensearch-down') traffic.startProbes();
        if (kind === 'mariadb-down') {
          await traffic.startSampler();
          await traffic.startStream();
        }
      }
    },
    expects: () => 'completed',
  };
}

const rollingDeploy: Fault<RolloutPlan & { moment: Moment }> = {
  plan: (random) => ({ moment: moment(random, FULL_PHASES), ...rolloutPlan(random) }),
  async inject(world, plan) {
    const job = await world.atMoment(plan.moment);
    await rollOut(world, plan, job ? `job ${job.id} in ${job.phase}` : null);
  },
  expects: () => 'completed',
};

const stalledLease: Fault<{ moment: Moment; stallMs: number }> = {
  plan: (random) => ({ moment: moment(random, FULL_PHASES), stallMs: SETTINGS.leaseMs + random.int(1000, 6000) }),
  async inject(world, plan) {
    const job = await world.atMoment(plan.moment);
    const holder = world.replicas.holderOr(job?.leaseOwner ?? null, world.apiRandom);
    await world.replicas.stall(holder, plan.stallMs, job ? `lease holder of job ${job.id} in ${job.phase}; REINDEX_LEASE_MS ${SETTINGS.leaseMs}` : 'no job at the moment');
  },
  expects: () => 'completed',
};

interface PoisonPlan {
  readonly moment: Moment;
  readonly venuePick: number;
  /** How long the poison stays; null = until the job ends (or proves stuck). */
  readonly durationMs: number | null;
}

/** The poisoned venue of the trial (chosen in prepare). */
const poisoned = new WeakMap<TrialWorld, { venueId: number; latitude: number }>();

/**
 * A venue latitude of 200: every document of its events carries an illegal geo_point, which the
 * strict mapping refuses, so each bulk holding one is (partly) rejected. The change stream keeps
 * off the venue and its events, so no live update carries the poison (those would be
 * dead-lettered, and the DLQ must hold the harness's poison messages only).
 */
const bulkRejected: Fault<PoisonPlan> = {
  plan: (random) => ({ moment: moment(random, ['PREPARE', 'BACKFILL', 'CATCH_UP']), venuePick: random.next(), durationMs: random.chance(0.7) ? random.int(5000, 25_000) : null }),
  async prepare(world, plan) {
    const venues = await world.factory.pool.query<{ id: number; latitude: number }[]>(
      `SELECT v.id, v.latitude FROM venues v WHERE v.deleted_at IS NULL AND EXISTS (SELECT 1 FROM events e WHERE e.venue_id = v.id AND e.status = 'published' AND e.deleted_at IS NULL) ORDER BY v.id`,
    );
    const venue = venues[Math.floor(plan.venuePick * venues.length)];
    const events = await world.factory.pool.query<{ id: number }[]>('SELECT id FROM events WHERE venue_id = ?', [venue.id]);
    world.traffic.excludedVenues.add(venue.id);
    for (const { id } of events) world.traffic.excludedEvents.add(id);
    poisoned.set(world, { venueId: venue.id, latitude: venue.latitude });
  },
  async inject(world, plan) {
    const { venueId, latitude } = poisoned.get(world)!;
    const job = await world.atMoment(plan.moment);
    await world.factory.pool.query('UPDATE venues SET latitude = 200, version = version + 1, updated_at = NOW(3) WHERE id = ?', [venueId]);
    world.log(`venue ${venueId} poisoned (latitude 200: its events' documents are refused by the mapping)${job ? `; job ${job.id} in ${job.phase}` : ''}, for ${plan.durationMs ?? 'as long as the job lives'}${plan.durationMs ? ' ms' : ''}`);
    try {
      if (plan.durationMs !== null) await sleep(plan.durationMs);
      else {
        // A job that cannot succeed must end FAILED once paused longer than REINDEX_PAUSE_TIMEOUT_MS:
        // its attempts (about 20 s of retries each) until its first pause, and until its first pause
        // after the timeout. The venue's own document is poisoned too, so the venues job fails beside
        // it, and the jobs take turns on the run slots: each of those waits grows by a turn. 20 s spare
        // for recovery ticks and a slow attempt.
        const turns = Math.ceil(Math.max(1, (await world.jobsNotEnded()).length) / SETTINGS.maxConcurrentJobs);
        const limitMs = SETTINGS.pauseTimeoutMs + 40_000 * turns + 20_000;
        if (!(await world.waitForJobsToEnd(limitMs)) && job) world.flagStuck(job.id, `not ended ${limitMs / 1000} s after its rows were poisoned for good (REINDEX_PAUSE_TIMEOUT_MS ${SETTINGS.pauseTimeoutMs})`);
      }
    } finally {
      await world.factory.pool.query('UPDATE venues SET latitude = ?, version = version + 1, updated_at = NOW(3) WHERE id = ?', [latitude, venueId]);
      await world.sink.publish({ entity: 'venue', id: String(venueId), op: 'upsert' });
      world.log(`venue ${venueId} repaired (latitude ${latitude}) and announced`);
    }
  },
  expects: (plan) => (plan.durationMs === null ? 'ended' : 'completed'),
};

export const FAULTS: Record<FaultKind, Fault<unknown>> = {
  ...MIGRATION_FAULTS,
  'kill-PREPARE': killIn('PREPARE'),
  'kill-BACKFILL': killIn('BACKFILL'),
  'kill-CATCH_UP': killIn('CATCH_UP'),
  'kill-VERIFY': killIn('VERIFY'),
  'kill-ALIAS_SWAP': killIn('ALIAS_SWAP'),
  'kill-CLEANUP': killIn('CLEANUP'),
  'cancel-retrigger': cancelRetrigger,
  'pause-resume': pauseResume,
  'opensearch-down': outage('opensearch-down', 10_000, 60_000),
  'mariadb-down': outage('mariadb-down', 5000, 20_000),
  'rabbitmq-down': outage('rabbitmq-down', 5000, 30_000),
  'rolling-deploy': rollingDeploy,
  'stalled-lease': stalledLease,
  'bulk-rejected': bulkRejected,
};
