import type { SeededRandom } from '../../scripts/seed/random.js';
import type { JobPhase } from '../../src/job-store/job.js';
import { FULL_PHASES } from '../../src/reindex/state-machine/job-state-machine.js';
import { MOMENT_WINDOW_MS, OUTAGE_RETRIES } from './chaos-settings.js';
import type { Fault, Moment, TrialWorld } from './faults.js';
import type { Replica } from './replica-set.js';
import { rollOut, rolloutPlan, type RolloutPlan } from './rolling-deploy.js';
import { nextClusterOutage, withOutage } from './service-outages.js';

/**
 * The migration trials (RELIABILITY.md "Migration faults"): the events alias lives on the current
 * cluster (Elasticsearch 7.10) and moves to the next one (OpenSearch) under live traffic; the
 * trial drives the migration to an end its seed chose (retired, or aborted while building,
 * mirroring or cut over) and the fault strikes on the way.
 */
export const MIGRATION_FAULT_KINDS = [
  'migration-kill-BUILDING',
  'migration-kill-MIRRORING',
  'migration-kill-complete',
  'migration-kill-abort',
  'migration-kill-retire',
  'migration-next-down-MIRRORING',
  'migration-next-down-cutover',
  'migration-deploy-BUILDING',
  'migration-deploy-MIRRORING',
  'migration-deploy-CUT_OVER',
  'migration-rebuild-vs-complete',
  'migration-abort-vs-swap',
] as const;
export type MigrationFaultKind = (typeof MIGRATION_FAULT_KINDS)[number];

export type MigrationEnd = 'retired' | 'aborted-building' | 'aborted-mirroring' | 'aborted-cut-over';

/** The migration's newest row, as the service persisted it. */
export interface MigrationRow {
  readonly id: number;
  readonly state: string;
  readonly jobId: number;
  readonly readsNextPercent: number;
  readonly lastError: string | null;
}

export interface OperatorAnswer {
  readonly replica: string;
  readonly status: number;
  readonly body: { code?: string; message?: string; migration?: { state?: string } } | undefined;
}

/** What a migration fault needs of the trial beside TrialWorld. */
export interface MigrationControl {
  /** The newest migration of the events alias. */
  latest(): Promise<MigrationRow | null>;
  /** Waits up to `withinMs` until the newest migration is in one of `states`; null if it is not by then (or by the budget's last 30 s). */
  reach(states: readonly string[], withinMs?: number): Promise<MigrationRow | null>;
  /** The budget's last 30 s have begun: the trial stops driving and checks. */
  expired(): boolean;
  /** POST /indices/:alias/migration/<step> (on `replica`, else a random one); status 0 when no answer came. */
  operate(step: OperatorStep, replica?: Replica): Promise<OperatorAnswer>;
  /** A step the service must have refused (the check `migration` fails with it). */
  violation(text: string): void;
}

export type OperatorStep = 'complete' | 'abort' | 'retire';

/** What the trial's route looks like: its end, the share of reads shifted while mirroring, and how long each state lasts. */
export interface Route {
  readonly end: MigrationEnd;
  readonly readsNext: number;
  readonly mirroringMs: number;
  readonly cutOverMs: number;
  /** For an end aborted while building: when, in the next cluster's build. */
  readonly abortAt: Moment;
}

export interface MigrationSetting<P> {
  /** The next cluster is the dedicated OpenSearch node the trial may stop (service-outages.ts), not the shared one. */
  readonly dedicatedNext: boolean;
  route(plan: P): Route;
}

interface Hooks {
  /** Once the migration was asked for (its build runs on the next cluster). */
  building?(): Promise<void>;
  /** Once MIRRORING. */
  mirroring?(): Promise<void>;
  /** Once CUT_OVER. */
  cutOver?(): Promise<void>;
  /** The first request of an operator step, done by the fault (retries are plain). */
  operator?: Partial<Record<OperatorStep, (send: (replica?: Replica) => Promise<OperatorAnswer>) => Promise<OperatorAnswer>>>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PAST_BUILDING: readonly MigrationEnd[] = ['retired', 'aborted-mirroring', 'aborted-cut-over'];
const PAST_CUTOVER: readonly MigrationEnd[] = ['retired', 'aborted-cut-over'];
const ABORTED: readonly MigrationEnd[] = ['aborted-building', 'aborted-mirroring', 'aborted-cut-over'];
export const ENDED_MIGRATION = ['RETIRED', 'ABORTED', 'FAILED'];
/** The states that show an operator step taken (ABORTING and RETIRING: steps the service finishes on its ticks). */
const TAKEN: Record<OperatorStep, readonly string[]> = { complete: ['CUT_OVER', 'RETIRING', 'RETIRED'], abort: ['ABORTING', 'ABORTED'], retire: ['RETIRING', 'RETIRED'] };
/** Refusals an operator meets and tries again after (README "Migrating to a new cluster"). */
const TRY_AGAIN = new Set(['MIRROR_BACKLOG', 'CLUSTER_UNAVAILABLE', 'MIGRATION_BUSY', 'ILLEGAL_TRANSITION']);

function route(random: SeededRandom, ends: readonly MigrationEnd[], shareReads = true): Route {
  const aborts = ends.filter((candidate) => candidate !== 'retired');
  const end = aborts.length === 0 || (ends.includes('retired') && random.chance(0.5)) ? 'retired' : random.pick(aborts);
  return {
    end,
    readsNext: shareReads ? random.pick([0, 20, 50, 100]) : 0,
    mirroringMs: random.int(2000, 8000),
    cutOverMs: random.int(2000, 8000),
    abortAt: { phase: random.pick(FULL_PHASES), offsetMs: random.int(0, MOMENT_WINDOW_MS) },
  };
}

function control(world: TrialWorld): MigrationControl {
  if (!world.migration) throw new Error('a migration fault runs in a migration trial only');
  return world.migration;
}

/**
 * An operator's step: asked until the migration shows it taken, tried again after a refusal the
 * README says to wait out (and after no answer at all: the replica died), given up on any other.
 */
async function step(world: TrialWorld, name: OperatorStep, hooks: Hooks): Promise<boolean> {
  const migration = control(world);
  const send = (replica?: Replica) => migration.operate(name, replica);
  let answer = await (hooks.operator?.[name]?.(send) ?? send());
  for (;;) {
    const accepted = answer.status >= 200 && answer.status < 300;
    // An accepted step shows in the migration's state; a tick-driven one within a few ticks.
    const reached = await migration.reach([...TAKEN[name], ...ENDED_MIGRATION], accepted ? 15_000 : 0);
    if (reached && TAKEN[name].includes(reached.state)) return true;
    const latest = reached ?? (await migration.latest());
    const code = answer.body?.code;
    const again = !accepted && (answer.status === 0 || answer.status >= 500 || (answer.status === 409 && code !== undefined && TRY_AGAIN.has(code)));
    if (!again || !latest || ENDED_MIGRATION.includes(latest.state) || migration.expired()) {
      world.log(`operator gives up ${name}: ${answer.status} ${code ?? ''}, and the migration is ${latest?.state ?? 'gone'}`);
      return false;
    }
    await sleep(1000);
    answer = await send();
  }
}

/** Drives the migration along `route`, calling the fault's hooks on the way; the trial checks where it ended. */
async function drive(world: TrialWorld, route: Route, hooks: Hooks = {}): Promise<void> {
  const migration = control(world);
  await hooks.building?.();
  if (route.end === 'aborted-building') {
    await world.atMoment(route.abortAt);
    if (await step(world, 'abort', hooks)) await migration.reach(ENDED_MIGRATION);
    return;
  }
  const mirroring = await migration.reach(['MIRRORING', ...ENDED_MIGRATION]);
  if (mirroring?.state !== 'MIRRORING') return;
  world.log('migration MIRRORING');
  await hooks.mirroring?.();
  if (route.readsNext > 0) {
    const shifted = await world.replicas.api<{ next?: number; code?: string }>(world.apiRandom, 'PUT', `/indices/${world.events}/reads`, { next: route.readsNext });
    world.log(`PUT reads ${route.readsNext} % on ${shifted.replica} → ${shifted.status} ${shifted.body?.code ?? ''}`);
  }
  await sleep(route.mirroringMs);
  if (route.end === 'aborted-mirroring') {
    if (await step(world, 'abort', hooks)) await migration.reach(ENDED_MIGRATION);
    return;
  }
  if (!(await step(world, 'complete', hooks))) return;
  world.log('migration CUT_OVER');
  await hooks.cutOver?.();
  await sleep(route.cutOverMs);
  if (await step(world, route.end === 'retired' ? 'retire' : 'abort', hooks)) await migration.reach(ENDED_MIGRATION);
}

/** A migration fault: `hooks` strike on the route the plan's `route` says. */
function migrationFault<P extends { route: Route }>(
  plan: (random: SeededRandom) => P,
  hooks: (world: TrialWorld, plan: P) => Hooks,
  options: { dedicatedNext?: boolean; env?: Readonly<Record<string, string>>; budgetMs?: number } = {},
): Fault<P> {
  return {
    ...(options.env ? { env: options.env } : {}),
    ...(options.budgetMs ? { budgetMs: options.budgetMs } : {}),
    migration: { dedicatedNext: options.dedicatedNext ?? false, route: (chosen) => chosen.route },
    plan,
    inject: (world, chosen) => drive(world, chosen.route, hooks(world, chosen)),
    expects: () => 'completed',
  };
}

/** kill -9 of `victim` (else a random replica), then a restart on the same definitions `restartAfterMs` later. */
async function killAndRestart(world: TrialWorld, victim: Replica | undefined, why: string, restartAfterMs: number): Promise<void> {
  const replica = victim ?? world.apiRandom.pick(world.replicas.running());
  await world.replicas.kill(replica, why);
  await sleep(restartAfterMs);
  await world.replicas.start(replica.definitions);
}

/** The operator's request goes to one replica, killed `killAfterMs` later (while the request may still run there). */
function killDuring(world: TrialWorld, name: OperatorStep, killAfterMs: number, restartAfterMs: number) {
  return async (send: (replica?: Replica) => Promise<OperatorAnswer>) => {
    const target = world.apiRandom.pick(world.replicas.running());
    const answer = send(target);
    await sleep(killAfterMs);
    await killAndRestart(world, target, `it handles POST …/migration/${name} (sent ${killAfterMs} ms before)`, restartAfterMs);
    return answer;
  };
}

const killPlan = (random: SeededRandom, ends: readonly MigrationEnd[]) => ({ route: route(random, ends), killAfterMs: random.int(0, 400), restartAfterMs: random.int(0, 3000) });

const killBuilding = migrationFault(
  (random) => ({ route: route(random, PAST_BUILDING), moment: { phase: random.pick(FULL_PHASES), offsetMs: random.int(0, MOMENT_WINDOW_MS) }, restartAfterMs: random.int(0, 3000) }),
  (world, plan) => ({
    async building() {
      const job = await world.atMoment(plan.moment);
      await killAndRestart(world, world.replicas.byName(job?.leaseOwner ?? null), job ? `lease holder of the next cluster's build, job ${job.id} in ${job.phase}` : 'no build job at the moment', plan.restartAfterMs);
    },
  }),
);

const killMirroring = migrationFault(
  (random) => ({ route: route(random, PAST_BUILDING), afterMs: random.int(0, 2000), restartAfterMs: random.int(0, 3000) }),
  (world, plan) => ({
    async mirroring() {
      await sleep(plan.afterMs);
      await killAndRestart(world, undefined, `while MIRRORING (${plan.afterMs} ms in)`, plan.restartAfterMs);
    },
  }),
);

function killInStep(name: OperatorStep, ends: readonly MigrationEnd[]): Fault<ReturnType<typeof killPlan>> {
  return migrationFault(
    (random) => killPlan(random, ends),
    (world, plan) => ({ operator: { [name]: killDuring(world, name, plan.killAfterMs, plan.restartAfterMs) } }),
  );
}

/**
 * The next cluster stopped while the migration mirrors: no change may be dead-lettered for it
 * (default retries: a mirrored write must never fail the change), and the cutover must find the
 * next cluster equal to MySQL. Reads stay on the old cluster (searches the application sent to
 * a stopped cluster would fail by its own choice).
 */
const nextDownMirroring = migrationFault(
  (random) => ({ route: route(random, PAST_BUILDING, false), afterMs: random.int(0, 3000), downMs: random.int(5000, 25_000) }),
  (world, plan) => ({
    async mirroring() {
      await sleep(plan.afterMs);
      const outage = nextClusterOutage();
      await withOutage(outage, async () => {
        world.log(`the next cluster stopped while MIRRORING; down for ${plan.downMs} ms`);
        await sleep(plan.downMs);
      });
      world.log('the next cluster started again');
    },
  }),
  { dedicatedNext: true, budgetMs: 300_000 },
);

/**
 * The next cluster stopping as the operator asks for the cutover: `complete` must be refused
 * (CLUSTER_UNAVAILABLE) once it no longer answers, and succeed once it is back. A cutover that won
 * the race leaves the alias's own cluster down for a while: changes wait in the retry queue
 * (OUTAGE_RETRIES), and the probes pause (searches of a stopped cluster fail by nature).
 */
const nextDownCutover = migrationFault(
  (random) => ({ route: route(random, PAST_CUTOVER, false), completeAfterMs: random.int(0, 2500), downMs: random.int(5000, 20_000) }),
  (world, plan) => ({
    operator: {
      async complete(send) {
        await world.traffic.stopProbes();
        let stopped = false;
        world.log(`stopping the next cluster; complete in ${plan.completeAfterMs} ms`);
        const down = withOutage(nextClusterOutage(), async () => {
          stopped = true;
          world.log(`the next cluster no longer answers; down for ${plan.downMs} ms`);
          await sleep(plan.downMs);
        });
        try {
          await sleep(plan.completeAfterMs);
          const sentWhileDown = stopped;
          const answer = await send();
          if (sentWhileDown && answer.status >= 200 && answer.status < 300) control(world).violation(`complete answered ${answer.status} with the next cluster down`);
          return answer;
        } finally {
          await down;
          world.log('the next cluster started again');
          world.traffic.startProbes();
        }
      },
    },
  }),
  { dedicatedNext: true, env: OUTAGE_RETRIES, budgetMs: 300_000 },
);

function deployIn(state: 'BUILDING' | 'MIRRORING' | 'CUT_OVER'): Fault<RolloutPlan & { route: Route; phase: JobPhase; afterMs: number }> {
  return migrationFault(
    (random) => ({ route: route(random, state === 'CUT_OVER' ? PAST_CUTOVER : PAST_BUILDING), phase: random.pick(FULL_PHASES), afterMs: random.int(0, MOMENT_WINDOW_MS), ...rolloutPlan(random) }),
    (world, plan) => {
      const deploy = async (when: string) => {
        await sleep(plan.afterMs);
        await rollOut(world, plan, when);
      };
      if (state === 'BUILDING') {
        return {
          async building() {
            const job = await world.atMoment({ phase: plan.phase, offsetMs: plan.afterMs });
            await rollOut(world, plan, `migration BUILDING${job ? `, job ${job.id} in ${job.phase}` : ''}`);
          },
        };
      }
      return state === 'MIRRORING' ? { mirroring: () => deploy('migration MIRRORING') } : { cutOver: () => deploy('migration CUT_OVER') };
    },
  );
}

/** `complete` and a FULL rebuild of the alias asked at once (`rebuildFirstMs` apart): the rebuild must be refused, or reach the alias's own cluster. */
const rebuildVsComplete = migrationFault(
  (random) => ({ route: route(random, PAST_CUTOVER), rebuildFirstMs: random.int(-300, 300) }),
  (world, plan) => ({
    operator: {
      async complete(send) {
        const rebuild = async () => {
          if (plan.rebuildFirstMs < 0) await sleep(-plan.rebuildFirstMs);
          const answer = await world.replicas.api<{ id?: number; code?: string }>(world.apiRandom, 'POST', `/indices/${world.events}/reindex`, { mode: 'full' });
          world.log(`POST /indices/${world.events}/reindex on ${answer.replica} → ${answer.status} ${answer.body?.id ? `job ${answer.body.id}` : (answer.body?.code ?? '')}`);
        };
        const complete = async () => {
          if (plan.rebuildFirstMs > 0) await sleep(plan.rebuildFirstMs);
          return send();
        };
        const [answer] = await Promise.all([complete(), rebuild()]);
        return answer;
      },
    },
  }),
);

/** Abort while the next cluster's build swaps its alias in (ALIAS_SWAP): the migration must end ABORTED with nothing left on the next cluster. */
const abortVsSwap = migrationFault(
  (random) => {
    const chosen = route(random, ['aborted-building']);
    return { route: { ...chosen, abortAt: { phase: 'ALIAS_SWAP', offsetMs: random.int(0, MOMENT_WINDOW_MS) } } };
  },
  () => ({}),
);

export const MIGRATION_FAULTS: Record<MigrationFaultKind, Fault<unknown>> = {
  'migration-kill-BUILDING': killBuilding,
  'migration-kill-MIRRORING': killMirroring,
  'migration-kill-complete': killInStep('complete', PAST_CUTOVER),
  'migration-kill-abort': killInStep('abort', ABORTED),
  'migration-kill-retire': killInStep('retire', ['retired']),
  'migration-next-down-MIRRORING': nextDownMirroring,
  'migration-next-down-cutover': nextDownCutover,
  'migration-deploy-BUILDING': deployIn('BUILDING'),
  'migration-deploy-MIRRORING': deployIn('MIRRORING'),
  'migration-deploy-CUT_OVER': deployIn('CUT_OVER'),
  'migration-rebuild-vs-complete': rebuildVsComplete,
  'migration-abort-vs-swap': abortVsSwap,
};
