import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../scripts/seed/random.js';
import { definitionHash } from '../../src/indices/definition-hash.js';
import type { VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { SourceFactory } from '../support/factories.js';
import { JobRows, type JobRow } from '../support/job-rows.js';
import { SearchLoop } from '../support/search-loop.js';
import { seedDemoData } from '../support/seed.js';
import { ServiceFleet } from '../support/service-fleet.js';
import { TestContext } from '../support/test-context.js';
import { DEFINITION_SETS } from '../support/test-definitions.js';
import { waitFor } from '../support/wait.js';
import { serviceEnv, SETTINGS } from './chaos-settings.js';
import { FAULTS, type Expectation, type FaultKind, type Moment, type TrialWorld } from './faults.js';
import {
  checkAliasHash,
  checkConcurrency,
  checkDeadLetters,
  checkForeignIndices,
  checkOrphans,
  checkOutcome,
  checkSearches,
  checkStuck,
  checkVerify,
  ended,
  type Check,
} from './invariants.js';
import { BrokerLink, ChangeSink, LiveTraffic } from './live-traffic.js';
import { malformedMessage, SMALL_MALFORMED_KINDS } from './malformed-messages.js';
import { type MigrationControl, type MigrationEnd, type MigrationRow, type OperatorAnswer, type OperatorStep, type Route } from './migration-faults.js';
import { ReadsFollowingSearch, type ReadShare } from './reads-following-search.js';
import { ReplicaSet, type Replica, type DefinitionSet } from './replica-set.js';
import { DEDICATED_NEXT_NODE, unavailableServices } from './service-outages.js';
import { timeline } from './timeline.js';

/** Checks a sabotage breaks on purpose, to show that each can fail (`--sabotage`). */
export const SABOTAGES = ['alias-hash', 'verify', 'searches', 'concurrency', 'stuck', 'orphans', 'dead-letters', 'replicas', 'outcome'] as const;
export type Sabotage = (typeof SABOTAGES)[number];

export interface TrialOptions {
  readonly trial: number;
  readonly seed: number;
  readonly fault: FaultKind;
  readonly sabotage: ReadonlySet<Sabotage>;
}

export interface TrialResult {
  readonly trial: number;
  readonly seed: number;
  readonly fault: FaultKind;
  readonly passed: boolean;
  readonly failedSearches: number;
  readonly mismatches: number;
  readonly maxRunning: number;
  readonly stuckJobs: number;
  readonly failed: string[];
  readonly [detail: string]: unknown;
}

interface OutboxRow {
  readonly entity: string;
  readonly id: string;
  readonly op: string;
}

/** Outbox rows the poller must dead-letter (what an application bug could insert). */
const INVALID_OUTBOX_ROWS: readonly OutboxRow[] = [
  { entity: 'ticket', id: '12', op: 'upsert' },
  { entity: 'event', id: 'abc', op: 'upsert' },
  { entity: 'venue', id: '3', op: 'remove' },
  { entity: 'EVENT', id: '7', op: 'delete' },
];

/** Indices another application owns beside the alias's, planted on both clusters of a migration trial: the service must never delete them. */
const FOREIGN_SUFFIXES = ['events_visits', 'events_v2_backup'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const definitionHashOf = (set: DefinitionSet, name: string) => definitionHash(DEFINITION_SETS[set].find((definition) => definition.name === name)!);

/**
 * One chaos trial on its own database, index prefix and queues: two replicas build the
 * aliases, live changes and searches run, a FULL rebuild of events is asked for, one fault
 * is injected at a seeded moment, then the harness waits for quiet and checks every invariant.
 */
export class ChaosTrial implements TrialWorld {
  private readonly startedAt = Date.now();
  /** When the fault's part of the trial must be over: set by the first rebuild request. */
  private deadline = Date.now() + SETTINGS.faultBudgetMs;
  private readonly faultLog: { at: Date; text: string }[] = [];
  private newest: DefinitionSet = 'default';
  private readonly flagged = new Map<number, string>();
  private readonly lastMoved = new Map<number, number>();
  private readonly signatures = new Map<number, string>();
  private readonly rebuilt = new Set<string>();
  private readonly poisonSent: string[] = [];
  private momentsMissed = 0;
  private budgetStarted = false;
  private readonly loadAtStart = Math.round(loadavg()[0] * 10) / 10;
  private monitoring: Promise<void> | null = null;
  private monitorOn = false;
  private readonly fleet = new ServiceFleet();
  readonly apiRandom: SeededRandom;
  /** Picks the replica the application's reads poll asks: a stream of its own, apart from the faults'. */
  private readonly readsRandom: SeededRandom;

  context!: TestContext;
  factory!: SourceFactory;
  sink!: ChangeSink;
  traffic!: LiveTraffic;
  replicas!: ReplicaSet;
  events = '';
  private venues = '';
  private rows!: JobRows;
  private cluster!: ClusterProbe;
  private broker!: BrokerLink;
  /** Set in a migration trial: where the events alias moves, and the route the fault drives. */
  private route: Route | null = null;
  private nextCluster: ClusterProbe | null = null;
  private readonly clusterUuids = new Map<string, string>();
  private readonly violations: string[] = [];
  private planted: { node: string; index: string }[] = [];
  migration: MigrationControl | null = null;

  constructor(private readonly options: TrialOptions) {
    this.apiRandom = new SeededRandom(options.seed * 13 + 5);
    this.readsRandom = new SeededRandom(options.seed * 17 + 11);
  }

  async run(): Promise<TrialResult> {
    const { seed, fault: kind } = this.options;
    const fault = FAULTS[kind];
    const plan = fault.plan(new SeededRandom(seed));
    if (fault.migration) this.route = fault.migration.route(plan);
    const setup = new SeededRandom(seed * 7 + 3);
    const triggerAfterMs = setup.int(500, 3000);
    const rebuildVenuesToo = setup.chance(0.5);
    const poison = Array.from({ length: setup.int(2, 5) }, (_, n) => malformedMessage(setup.pick(SMALL_MALFORMED_KINDS), n + setup.int(0, 20), setup));
    const poisonRows = Array.from({ length: setup.int(1, 2) }, () => setup.pick(INVALID_OUTBOX_ROWS));
    const checks: Check[] = [];
    let harnessError: Error | null = null;
    let extra: Record<string, unknown>;
    try {
      await this.setUp();
      if (this.route) await this.plantForeignIndices();
      await fault.prepare?.(this, plan);
      await this.startTraffic(poison, poisonRows);
      await sleep(triggerAfterMs);
      if (this.route) await this.startMigration();
      else await this.trigger(this.events);
      if (rebuildVenuesToo) await this.trigger(this.venues);
      await this.sabotageWhileRunning();
      await fault.inject(this, plan);
      await this.waitForQuiet();
      checks.push(...(await this.check(fault.expects(plan))));
    } catch (error) {
      harnessError = error as Error;
      this.log(`harness: ${harnessError.message}`);
    } finally {
      extra = await this.collect(checks, harnessError);
      await this.tearDown(extra);
    }
    return this.result(plan, checks, harnessError, extra);
  }

  // -- TrialWorld ----------------------------------------------------------------------------

  log(text: string): void {
    this.faultLog.push({ at: new Date(), text });
  }

  async atMoment(moment: Moment): Promise<JobRow | null> {
    const phases = ['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP'];
    // Leaves a minute of the budget for the fault to resolve and the service to go quiet.
    const deadline = this.deadline - 60_000;
    while (Date.now() < deadline) {
      const job = await this.activeJob().catch(() => null);
      if (!job) {
        this.momentsMissed++;
        this.log(`moment ${moment.phase}+${moment.offsetMs} ms: no active events job (missed)`);
        return null;
      }
      if (job.status === 'RUNNING' && job.phase === moment.phase) {
        await sleep(moment.offsetMs);
        const now = (await this.activeJob().catch(() => null)) ?? job;
        this.log(`moment ${moment.phase}+${moment.offsetMs} ms: job ${now.id} ${now.status} in ${now.phase} (cursor ${now.cursor}, ${now.docsProcessed} documents, lease ${now.leaseOwner})`);
        return now;
      }
      if (job.phase && phases.indexOf(job.phase) > phases.indexOf(moment.phase)) {
        this.momentsMissed++;
        this.log(`moment ${moment.phase}: job ${job.id} is already in ${job.phase} (missed)`);
        return job;
      }
      await sleep(25);
    }
    this.momentsMissed++;
    this.log(`moment ${moment.phase}: not reached in time (a minute before the budget ends)`);
    return this.activeJob();
  }

  async activeJob(): Promise<JobRow | null> {
    const jobs = await this.rows.jobs(this.events);
    return jobs.filter((job) => job.kind === 'FULL' && !ended(job)).at(-1) ?? null;
  }

  deployed(definitions: DefinitionSet): void {
    this.newest = definitions;
  }

  async jobsNotEnded(): Promise<JobRow[]> {
    return ((await this.rows.jobs().catch(() => null)) ?? []).filter((job) => !ended(job));
  }

  async waitForJobsToEnd(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    do {
      const jobs = await this.rows.jobs().catch(() => null);
      if (jobs?.every(ended)) return true;
      await sleep(500);
    } while (Date.now() < deadline);
    return false;
  }

  flagStuck(jobId: number, why: string): void {
    this.flagged.set(jobId, why);
    this.log(`job ${jobId} stuck: ${why}`);
  }

  // -- the trial's steps ---------------------------------------------------------------------

  private async setUp(): Promise<void> {
    const { seed } = this.options;
    // Nothing is created while a service is down: its clean-up would need that service too.
    const down = await unavailableServices({ database: process.env.DATABASE_URL!, rabbitmq: process.env.RABBITMQ_URL!, opensearch: process.env.OPENSEARCH_NODE! });
    if (down.length > 0) throw new Error(`set-up: not answering after 2 minutes: ${down.join(', ')}`);
    const nextNode = this.route ? (FAULTS[this.options.fault].migration?.dedicatedNext ? DEDICATED_NEXT_NODE : process.env.OPENSEARCH_NODE!) : null;
    if (nextNode) await this.learnClusters(process.env.ELASTICSEARCH_NODE!, nextNode);
    // A migration trial's alias lives on Elasticsearch 7.10 and moves to OpenSearch (the user's case).
    this.context = await TestContext.create(`chaos_${seed}`, nextNode ? { opensearchNode: process.env.ELASTICSEARCH_NODE } : {});
    this.nextCluster = nextNode ? new ClusterProbe(nextNode) : null;
    this.events = `${this.context.indexPrefix}events`;
    this.venues = `${this.context.indexPrefix}venues`;
    this.log(`database rx_${this.context.id}, index prefix ${this.context.indexPrefix}`);
    await seedDemoData(this.context.databaseUrl, SETTINGS.events, seed);
    // The seed stamps rows with the load time; an hour back, CATCH_UP replays only what the trial changes.
    await this.context.sql('UPDATE events SET updated_at = updated_at - INTERVAL 1 HOUR');
    await this.context.sql('UPDATE venues SET updated_at = updated_at - INTERVAL 1 HOUR');
    this.factory = SourceFactory.connect(this.context.databaseUrl);
    this.rows = JobRows.connect(this.context.databaseUrl);
    this.cluster = new ClusterProbe(this.context.opensearchNode);
    this.broker = new BrokerLink(this.context.rabbitmqUrl);
    this.sink = new ChangeSink(this.broker, this.context.exchange, this.factory.pool, new SeededRandom(seed * 31 + 7));
    this.traffic = new LiveTraffic({
      factory: this.factory,
      sink: this.sink,
      databaseUrl: this.context.databaseUrl,
      probes: () =>
        this.route
          ? [this.readsFollowingSearch(), new SearchLoop(this.context.opensearchNode, this.venues, { match_all: {} }, 250)]
          : [this.events, this.venues].map((alias, i) => new SearchLoop(this.context.opensearchNode, alias, { match_all: {} }, i === 0 ? 100 : 250)),
      seed,
      changesPerSecond: SETTINGS.changesPerSecond,
    });
    const next: Record<string, string> = nextNode ? { OPENSEARCH_NEXT_NODE: nextNode } : {};
    this.replicas = new ReplicaSet(this.fleet, (definitions) => this.context.env({ ...serviceEnv(), ...FAULTS[this.options.fault].env, ...next, TEST_DEFINITIONS: definitions }), (text) => this.log(text));
    // From the first job on: the first builds of both aliases compete for the one run slot too.
    await this.traffic.startSampler();
    await Promise.all([this.replicas.start('default'), this.replicas.start('default')]);
    if (nextNode) this.migration = this.migrationControl();
    this.startMonitor();
    await waitFor('the first builds to be enqueued', async () => ((await this.rows.jobs()).length >= 2 ? true : undefined), 60_000, 200);
    if (!(await this.waitForJobsToEnd(150_000))) throw new Error('set-up: the first builds did not end within 150 s');
    const first = await this.rows.jobs();
    const notCompleted = first.filter((job) => job.status !== 'COMPLETED');
    if (first.length < 2 || notCompleted.length > 0) throw new Error(`set-up: the first builds did not complete: ${JSON.stringify(notCompleted.map((job) => [job.id, job.alias, job.status, job.lastError]))}`);
    this.log(`first builds completed (jobs ${first.map((job) => job.id).join(', ')})`);
  }

  private async startTraffic(poison: readonly { routingKey: string; body: string }[], poisonRows: readonly OutboxRow[]): Promise<void> {
    this.traffic.startProbes();
    await this.traffic.startStream();
    for (const message of poison) {
      await this.broker.publish(this.context.exchange, message.routingKey, message.body);
      this.poisonSent.push(message.body);
    }
    for (const row of poisonRows) {
      await this.factory.pool.query('INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES (?, ?, ?)', [row.entity, row.id, row.op]);
      // The poller dead-letters an invalid row as this body (README "Outbox").
      this.poisonSent.push(JSON.stringify({ entity: row.entity, id: row.id, op: row.op }));
    }
    this.log(
      `live traffic started (${SETTINGS.changesPerSecond} changes/s + venue moves, 30% through the outbox); ${poison.length} poison messages and ${poisonRows.length} invalid outbox rows sent`,
    );
    if (this.options.sabotage.has('dead-letters')) await this.broker.publish(this.context.exchange, 'sabotage', 'sabotage: a poison message the harness does not count');
  }

  private async trigger(alias: string): Promise<void> {
    const response = await this.replicas.api<{ id?: number; created?: boolean }>(this.apiRandom, 'POST', `/indices/${alias}/reindex`, { mode: 'full' });
    if (response.status !== 202) throw new Error(`POST /indices/${alias}/reindex answered ${response.status}: ${JSON.stringify(response.body)}`);
    this.startBudget();
    this.rebuilt.add(alias);
    this.log(`POST /indices/${alias}/reindex on ${response.replica} → job ${response.body.id} (created ${response.body.created})`);
  }

  /** The fault's budget runs from the first rebuild or migration asked for. */
  private startBudget(): void {
    if (this.budgetStarted) return;
    this.budgetStarted = true;
    this.deadline = Date.now() + (FAULTS[this.options.fault].budgetMs ?? SETTINGS.faultBudgetMs);
  }

  // -- migration trials ----------------------------------------------------------------------

  /** Each cluster's UUID (what GET /indices/:alias/reads names) and URL (what the application's clients know). */
  private async learnClusters(...nodes: string[]): Promise<void> {
    for (const node of nodes) {
      if (!(await new ClusterProbe(node).healthy())) throw new Error(`set-up: the search cluster at ${node} does not answer`);
      const { cluster_uuid: uuid } = (await (await fetch(`${node}/`)).json()) as { cluster_uuid: string };
      this.clusterUuids.set(uuid, node);
    }
  }

  private uuidOf(node: string): string | undefined {
    return [...this.clusterUuids].find(([, url]) => url === node)?.[0];
  }

  /** Another application's indices beside the alias's, one document each, on both clusters. */
  private async plantForeignIndices(): Promise<void> {
    for (const node of [this.cluster.node, this.nextCluster!.node]) {
      for (const suffix of FOREIGN_SUFFIXES) {
        const index = `${this.context.indexPrefix}${suffix}`;
        const response = await fetch(`${node}/${index}/_doc/1?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ owner: 'another application' }) });
        if (!response.ok) throw new Error(`set-up: planting ${index} on ${node} answered ${response.status}`);
        this.planted.push({ node, index });
      }
    }
    this.log(`planted ${this.planted.length} foreign indices (${FOREIGN_SUFFIXES.join(', ')}) on both clusters`);
  }

  private async startMigration(): Promise<void> {
    const response = await this.replicas.api<{ migration?: { id: number; state: string }; job?: { id: number } }>(this.apiRandom, 'POST', `/indices/${this.events}/migrate`);
    if (response.status !== 202) throw new Error(`POST /indices/${this.events}/migrate answered ${response.status}: ${JSON.stringify(response.body)}`);
    this.startBudget();
    this.log(`POST /indices/${this.events}/migrate on ${response.replica} → migration ${response.body.migration?.id} ${response.body.migration?.state}, job ${response.body.job?.id}; route ${JSON.stringify(this.route)}`);
  }

  /** The shares GET /indices/:alias/reads answers, as an application reads them. */
  private async readShares(): Promise<ReadShare[]> {
    const { status, body } = await this.replicas.api<{ clusters?: ReadShare[] }>(this.readsRandom, 'GET', `/indices/${this.events}/reads`);
    if (status !== 200 || !body?.clusters) throw new Error(`GET /indices/${this.events}/reads answered ${status}`);
    return body.clusters.map(({ clusterUuid, share }) => ({ clusterUuid, share }));
  }

  private readsFollowingSearch(): ReadsFollowingSearch {
    const current = this.uuidOf(this.cluster.node)!;
    return new ReadsFollowingSearch(this.events, this.clusterUuids, () => this.readShares(), new SeededRandom(this.options.seed * 19 + 1), [{ clusterUuid: current, share: 100 }]);
  }

  private migrationRows(): Promise<MigrationRow[]> {
    return this.rows.query<MigrationRow>(
      'SELECT id, state, job_id AS jobId, reads_next_percent AS readsNextPercent, last_error AS lastError FROM cluster_migrations WHERE alias = ? ORDER BY id',
      [this.events],
    );
  }

  private migrationControl(): MigrationControl {
    const latest = async () => (await this.migrationRows()).at(-1) ?? null;
    const expired = () => Date.now() > this.deadline - 30_000;
    return {
      latest,
      expired,
      reach: async (states, withinMs = Number.POSITIVE_INFINITY) => {
        const until = Math.min(this.deadline - 30_000, Date.now() + withinMs);
        for (;;) {
          const row = await latest().catch(() => null);
          if (row && states.includes(row.state)) return row;
          if (Date.now() >= until) return null;
          await sleep(200);
        }
      },
      operate: async (step: OperatorStep, replica?: Replica): Promise<OperatorAnswer> => {
        const target = replica ?? this.apiRandom.pick(this.replicas.running());
        const path = `/indices/${this.events}/migration/${step}`;
        try {
          const answer = await this.replicas.api<OperatorAnswer['body']>(this.apiRandom, 'POST', path, undefined, target);
          this.log(`POST ${path} on ${answer.replica} → ${answer.status} ${answer.body?.code ?? answer.body?.migration?.state ?? ''}`);
          return answer;
        } catch (error) {
          this.log(`POST ${path} on ${target.name}: no answer (${(error as Error).message})`);
          return { replica: target.name, status: 0, body: undefined };
        }
      },
      violation: (text) => {
        this.violations.push(text);
        this.log(`violation: ${text}`);
      },
    };
  }

  /** Where a migration trial's route led: the migration ended there, and applications are sent to the cluster that serves. */
  private async migrationChecks(end: MigrationEnd, serving: ClusterProbe): Promise<Check[]> {
    const migrations = await this.migrationRows();
    const last = migrations.at(-1);
    const expected = end === 'retired' ? 'RETIRED' : 'ABORTED';
    const states = migrations.map((row) => `migration ${row.id} ${row.state}${row.lastError ? ` (${row.lastError.slice(0, 200)})` : ''}`).join(', ');
    const servingUuid = this.uuidOf(serving.node);
    const reads = await this.readShares().catch((error: Error) => error.message);
    return [
      {
        name: 'migration',
        ok: last?.state === expected && this.violations.length === 0,
        detail: `route to ${end}: ${states || 'no migration'}${last?.state === expected ? '' : `, expected ${expected}`}${this.violations.length > 0 ? `; ${this.violations.join('; ')}` : ''}`,
      },
      {
        name: 'reads',
        ok: typeof reads !== 'string' && reads.length === 1 && reads[0].clusterUuid === servingUuid && reads[0].share === 100,
        detail: `${JSON.stringify(reads)}; the cluster that serves is ${serving.node} (${servingUuid})`,
      },
    ];
  }

  /** Watches the replicas (a dead one is recorded and replaced) and how each job moves, every 500 ms. */
  private startMonitor(): void {
    this.monitorOn = true;
    this.monitoring = (async () => {
      while (this.monitorOn) {
        try {
          await this.replicas.replaceDead();
        } catch (error) {
          this.log(`harness: replacing a dead replica failed: ${(error as Error).message.split('\n')[0]}`);
        }
        const jobs = await this.rows.jobs().catch(() => null);
        for (const job of jobs ?? []) {
          const signature = `${job.status === 'COMPLETED' ? 'end' : ''}|${job.phase}|${job.cursor}|${job.docsProcessed}`;
          if (this.signatures.get(job.id) !== signature) {
            this.signatures.set(job.id, signature);
            this.lastMoved.set(job.id, Date.now());
          }
        }
        await sleep(500);
      }
    })();
  }

  /**
   * Quiet: every job ended (or the budget leaves only time to drain), then the change stream
   * stops and every announced change is applied: main and retry queues and the outbox empty
   * for 3 s in a row.
   */
  private async waitForQuiet(): Promise<void> {
    const deadline = this.deadline;
    const allEnded = await this.waitForJobsToEnd(deadline - 30_000 - Date.now());
    this.log(allEnded ? 'every job ended; stopping the change stream' : 'jobs still open at the budget; stopping the change stream');
    if (allEnded && this.route && this.newest !== 'default') await this.waitForDeployedRebuild();
    await this.traffic.stopStream();
    let quietSince: number | null = null;
    while (Date.now() < deadline) {
      const pending = await this.pendingChanges().catch(() => -1);
      if (pending === 0) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= 3000) break;
      } else quietSince = null;
      await sleep(250);
    }
    this.log(quietSince !== null ? 'quiet: every announced change applied' : 'not quiet at the budget: changes still pending');
    await this.traffic.stopProbes();
    await this.traffic.stopSampler();
  }

  /**
   * A deploy during a migration: the drift check waits for the migration to end (README "Rebuilds
   * while it migrates"), so the rebuild for the new definition may only be asked for on its next
   * tick after the end. Waits (within the budget) for the alias where it now lives to carry the
   * newest definition and every job to have ended; the checks say what it came to.
   */
  private async waitForDeployedRebuild(): Promise<void> {
    const serving = this.route?.end === 'retired' ? this.nextCluster! : this.cluster;
    const newest = definitionHashOf(this.newest, 'events');
    const settled = async () => (await checkAliasHash(serving, this.events, newest)).ok && (await this.rows.jobs()).every(ended);
    while (Date.now() < this.deadline - 30_000 && !(await settled().catch(() => false))) await sleep(500);
    this.log(`after the deploy: the events alias on ${serving.node} ${(await settled().catch(() => false)) ? 'carries the newest definition, every job ended' : 'is not on the newest definition (or a job is open) at the budget'}`);
  }

  private async pendingChanges(): Promise<number> {
    const [main, retry, [outbox]] = await Promise.all([
      this.broker.messageCount(this.context.queue),
      this.broker.messageCount(`${this.context.queue}.retry`),
      this.factory.pool.query<{ count: number }[]>('SELECT COUNT(*) AS count FROM reindexer_outbox'),
    ]);
    return main + retry + Number(outbox.count);
  }

  /**
   * Every invariant. In a migration trial the events alias is checked on the cluster that serves
   * at the end (the next one once retired), the venues alias on the current one, orphans on both,
   * and the foreign indices planted on both must still be there.
   */
  private async check(expectation: Expectation): Promise<Check[]> {
    const { sabotage } = this.options;
    const end = this.route?.end ?? null;
    const serving = end === 'retired' ? this.nextCluster! : this.cluster;
    await this.sabotageBeforeChecks(serving);
    const checks: Check[] = end ? await this.migrationChecks(end, serving) : [];
    const expectedEvents = definitionHashOf(sabotage.has('alias-hash') ? (this.newest === 'default' ? 'events-with-weekday' : 'default') : this.newest, 'events');
    checks.push(await checkAliasHash(serving, this.events, expectedEvents));
    checks.push(await checkAliasHash(this.cluster, this.venues, definitionHashOf(this.newest, 'venues')));
    const verifier = this.replicas.serving(this.newest);
    for (const alias of [this.events, this.venues]) {
      // Named explicitly in a migration trial: the cluster the alias must live on, not the one the service thinks it does.
      const cluster = end ? `?cluster=${alias === this.events && end === 'retired' ? 'next' : 'current'}` : '';
      checks.push(
        verifier
          ? await checkVerify(alias, () => this.replicas.api<VerifyReport>(this.apiRandom, 'GET', `/indices/${alias}/verify${cluster}`, undefined, verifier))
          : { name: `verify ${alias}`, ok: false, detail: `no running replica serves ${this.newest}` },
      );
    }
    const traffic = this.traffic.report();
    checks.push(checkSearches(traffic.searches, traffic.failedSearches));
    checks.push(checkConcurrency(traffic.samples, sabotage.has('concurrency') ? 0 : SETTINGS.maxConcurrentJobs));
    const jobs = await this.rows.jobs();
    checks.push(checkStuck(jobs, this.lastMoved, this.flagged, SETTINGS.stuckAfterMs));
    if (end === 'aborted-building') {
      // The migration's build was cancelled: it must have ended; a rebuild of venues must still complete.
      checks.push(checkOutcome(jobs, [this.events], 'ended'));
      if (this.rebuilt.size > 0) checks.push({ ...checkOutcome(jobs, [...this.rebuilt], 'completed'), name: 'outcome venues' });
    } else checks.push(checkOutcome(jobs, end ? [this.events, ...this.rebuilt] : [...this.rebuilt], expectation));
    const foreign = new Set(this.planted.map((planted) => planted.index));
    for (const cluster of this.nextCluster ? [this.cluster, this.nextCluster] : [this.cluster]) {
      const check = await checkOrphans(cluster, this.context.indexPrefix, [this.events, this.venues], () => this.rows.jobs(), 3 * SETTINGS.recoveryIntervalMs + 2000, foreign);
      checks.push(this.nextCluster ? { ...check, name: `${check.name} ${cluster === this.cluster ? 'current' : 'next'}` } : check);
    }
    if (end) checks.push(await checkForeignIndices(this.planted));
    checks.push(checkDeadLetters(this.poisonSent, await this.broker.drain(`${this.context.queue}.dlq`)));
    checks.push({ name: 'replicas', ok: this.replicas.problems.length === 0, detail: this.replicas.problems.join('; ') || 'none died unasked; every SIGTERM ended its replica in time' });
    if (traffic.problems.length > 0) checks.push({ name: 'harness', ok: false, detail: traffic.problems.join('; ') });
    return checks;
  }

  // -- sabotage: each breaks one check on purpose, to show it can fail -----------------------

  private async sabotageWhileRunning(): Promise<void> {
    const { sabotage } = this.options;
    if (sabotage.has('searches')) {
      const loop = new SearchLoop(this.context.opensearchNode, `${this.events}_nonexistent`, { match_all: {} }, 100);
      await sleep(1000);
      const { sent, failures } = await loop.stop();
      this.traffic.addSearches(sent, failures);
    }
    if (sabotage.has('stuck')) {
      await this.context.sql(
        `INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, phase, definition_hash, paused_by, paused_at, updated_at)
         VALUES (?, 'FULL', 'MANUAL', 'PAUSED', 'BACKFILL', REPEAT('0', 64), 'operator', NOW(3), NOW(3))`,
        [`${this.context.indexPrefix}sabotage`],
      );
    }
    if (sabotage.has('replicas')) process.kill(this.replicas.running()[0].process.pid, 'SIGKILL');
    if (sabotage.has('outcome')) {
      const job = await this.activeJob();
      if (job) await this.replicas.api(this.apiRandom, 'POST', `/jobs/${job.id}/cancel`);
    }
  }

  /** `serving`: the cluster the events alias lives on at the end. */
  private async sabotageBeforeChecks(serving = this.cluster): Promise<void> {
    const { sabotage } = this.options;
    if (sabotage.has('verify')) {
      const [target] = await serving.aliasTargets(this.events);
      const [id] = await serving.firstIds(this.events, 1);
      await fetch(`${serving.node}/${target}/_doc/${id}?refresh=true`, { method: 'DELETE' });
    }
    if (sabotage.has('orphans')) await fetch(`${serving.node}/${this.events}_v99`, { method: 'PUT' });
  }

  // -- results and clean-up ------------------------------------------------------------------

  private async collect(checks: readonly Check[], harnessError: Error | null): Promise<Record<string, unknown>> {
    const failing = harnessError !== null || checks.some((check) => !check.ok);
    const jobs = await this.rows?.jobs().catch(() => [] as JobRow[]);
    const summary = (jobs ?? []).map((job) => `${job.id} ${job.alias.slice(this.context.indexPrefix.length)} ${job.kind} ${job.status}${job.phase ? `/${job.phase}` : ''} → ${job.targetIndex ?? '-'}`);
    if (!failing) return { jobs: summary, harness: this.faultLog.map((entry) => `+${((entry.at.getTime() - this.startedAt) / 1000).toFixed(1)}s ${entry.text}`) };
    const lines = this.rows ? await timeline(this.rows, this.context.indexPrefix, this.startedAt, this.faultLog).catch((error: Error) => [`(no job events: ${error.message})`]) : [];
    return { jobs: summary, timeline: lines };
  }

  private async tearDown(extra: Record<string, unknown>): Promise<void> {
    this.monitorOn = false;
    await this.monitoring;
    await this.traffic?.stopAll().catch(() => undefined);
    this.replicas?.resumeAll();
    if ('timeline' in extra && this.replicas) {
      const dir = join(tmpdir(), 'reindexer-chaos', `seed-${this.options.seed}`);
      this.replicas.writeLogs(dir);
      extra.logs = dir;
    }
    await this.fleet.killAll();
    await this.broker?.close();
    await this.rows?.close().catch(() => undefined);
    await this.factory?.close().catch(() => undefined);
    if (this.nextCluster) await this.context.deleteIndices(this.nextCluster.node).catch(() => undefined);
    await this.context?.dispose().catch((error: Error) => process.stderr.write(`chaos: could not clean up trial ${this.options.seed}: ${error.message}\n`));
  }

  /** Interrupted (a signal): end the replicas and drop the trial's database, indices and queues. */
  async abandon(): Promise<void> {
    this.monitorOn = false;
    this.replicas?.resumeAll();
    await this.fleet.killAll();
    if (this.nextCluster) await this.context.deleteIndices(this.nextCluster.node).catch(() => undefined);
    await this.context?.dispose();
  }

  private result(plan: unknown, checks: readonly Check[], harnessError: Error | null, extra: Record<string, unknown>): TrialResult {
    const { trial, seed, fault } = this.options;
    const failed = [...checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`), ...(harnessError ? [`harness: ${harnessError.message}`] : [])];
    const figure = (name: string) => checks.filter((check) => check.name.startsWith(name)).reduce((sum, check) => sum + (check.figure ?? 0), 0);
    const traffic = this.traffic?.report();
    return {
      trial,
      seed,
      fault,
      passed: failed.length === 0,
      failedSearches: traffic?.failedSearches.length ?? 0,
      mismatches: figure('verify'),
      maxRunning: figure('concurrency'),
      stuckJobs: figure('stuckJobs'),
      failed,
      seconds: Math.round((Date.now() - this.startedAt) / 1000),
      // Two shared cores: a slow trial on a loaded machine reads differently from a slow service.
      loadAverage: [this.loadAtStart, Math.round(loadavg()[0] * 10) / 10],
      plan,
      // A fault whose moment never came (the job ended or moved on first) ran at whatever moment it was.
      ...(this.momentsMissed > 0 ? { momentsMissed: this.momentsMissed } : {}),
      checks: Object.fromEntries(checks.map((check) => [check.name.replace(this.context?.indexPrefix ?? '', ''), check.ok ? `ok: ${check.detail}` : `FAILED: ${check.detail}`])),
      traffic: traffic && { changes: traffic.changes, viaBroker: traffic.viaBroker, viaOutbox: traffic.viaOutbox, brokerFallbacks: traffic.brokerFallbacks, searches: traffic.searches, byKind: traffic.byKind },
      repro: `npm run chaos -- --trials 1 --seed ${seed} --faults ${fault}`,
      ...extra,
    };
  }
}
