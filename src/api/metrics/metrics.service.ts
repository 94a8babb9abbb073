import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Gauge } from 'prom-client';
import { withTimeout } from '../../common/index.js';
import { AppConfig } from '../../config/index.js';
import { DriftDetector } from '../../drift/index.js';
import { DefinitionDeployments, mirroredAlias } from '../../indexing/index.js';
import { IndexRegistry } from '../../indices/index.js';
import { JobStore, MigrationStore, OutboxStore, type Job } from '../../job-store/index.js';
import { ChangePublisher } from '../../live-updates/index.js';
import { Metrics } from '../../metrics/index.js';
import { stepOf } from '../../reindex/index.js';
import { adaptivePaceOf, backfillDocsPerSecond, paceOf, paceSetBy } from '../job-progress.js';

const STATUSES = ['PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
/** A broker that does not answer leaves its gauge out of the scrape rather than holding it up. */
export const QUEUE_CHECK_TIMEOUT_MS = 2_000;

/**
 * The /metrics page: the counters and histograms the parts feed (Metrics), the process
 * figures, and gauges read at scrape time. Job figures come from MySQL, so every replica
 * reports the same cluster-wide truth and nothing is lost on a restart; per-job series exist
 * only for RUNNING jobs, which keeps their number bounded. A dependency that does not answer
 * leaves its gauges out of that scrape (and logs why at debug) instead of failing the page.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  /** Counts scrapes, so gauges of the same scrape share one read of their source. */
  private scrapes = 0;

  constructor(
    private readonly metrics: Metrics,
    config: AppConfig,
    store: JobStore,
    outbox: OutboxStore,
    publisher: ChangePublisher,
    migrations: MigrationStore,
    registry: IndexRegistry,
    drift: DriftDetector,
    deployments: DefinitionDeployments,
  ) {
    collectDefaultMetrics({ register: metrics.registry, prefix: 'reindexer_' });
    const running = this.oncePerScrape(() => store.listJobsByStatus('RUNNING'));
    this.registerJobGauges(store, running);
    this.registerBackfillGauges(running, config);
    this.registerOutboxGauges(outbox);
    this.registerMigrationGauges(migrations, store);
    this.registerUnmanagedIndexGauge(registry, drift);
    this.registerDeployedDefinitionsGauge(deployments);
    this.registerQueueGauge(publisher);
  }

  scrape(): Promise<string> {
    this.scrapes++;
    return this.metrics.registry.metrics();
  }

  private registerJobGauges(store: JobStore, running: () => Promise<Job[]>): void {
    this.gauge({
      name: 'reindexer_jobs',
      help: 'Reindex jobs by status',
      labelNames: ['status'],
      source: 'job counts',
      fill: async (gauge) => {
        const counts = await store.countJobsByStatus();
        for (const status of STATUSES) gauge.set({ status }, counts[status] ?? 0);
      },
    });
    this.gauge({
      name: 'reindexer_job_paused_seconds',
      help: 'How long each PAUSED job has been paused, by who paused it (operator, or retries-exhausted: those fail once REINDEX_PAUSE_TIMEOUT_MS is over)',
      labelNames: ['job', 'alias', 'paused_by'],
      source: 'paused jobs',
      fill: async (gauge) => {
        const now = Date.now();
        for (const job of await store.listJobsByStatus('PAUSED')) {
          if (job.pausedAt) gauge.set({ job: String(job.id), alias: job.alias, paused_by: job.pausedBy ?? 'unknown' }, (now - job.pausedAt.getTime()) / 1000);
        }
      },
    });
    this.gauge({
      name: 'reindexer_job_documents_processed',
      help: 'Documents written by each running job, with its total when known',
      labelNames: ['job', 'alias', 'phase', 'of'],
      source: 'running jobs',
      fill: async (gauge) => {
        for (const job of await running()) {
          const labels = { job: String(job.id), alias: job.alias, phase: stepOf(job) };
          gauge.set({ ...labels, of: 'processed' }, job.docsProcessed);
          if (job.docsTotal !== null) gauge.set({ ...labels, of: 'total' }, job.docsTotal);
        }
      },
    });
  }

  /** Per job in BACKFILL: its rate, the pace in force and who set it, the adaptive pacing's state, the search latency it keeps within budget. */
  private registerBackfillGauges(running: () => Promise<Job[]>, config: AppConfig): void {
    this.gauge({
      name: 'reindexer_job_documents_per_second',
      help: 'Backfill rate of each running job in BACKFILL: the mean since the phase started, capped by the pace in force',
      labelNames: ['job', 'alias'],
      source: 'running jobs',
      fill: async (gauge) => {
        const now = Date.now();
        for (const job of await running()) {
          const docsPerSecond = backfillDocsPerSecond(job, now, paceOf(job, config.reindex) ?? 0);
          if (docsPerSecond !== null) gauge.set({ job: String(job.id), alias: job.alias }, docsPerSecond);
        }
      },
    });
    this.gauge({
      name: 'reindexer_job_pace_documents_per_second',
      help: 'Backfill pace in force for each running job in BACKFILL (0 = unlimited): set by an operator, by the adaptive pacing (REINDEX_PACE=auto) or REINDEX_MAX_DOCS_PER_SECOND',
      labelNames: ['job', 'alias', 'set_by'],
      source: 'running jobs',
      fill: async (gauge) => {
        for (const job of await running()) {
          const [docsPerSecond, setBy] = [paceOf(job, config.reindex), paceSetBy(job, config.reindex)];
          if (job.phase === 'BACKFILL' && docsPerSecond !== null && setBy !== null) gauge.set({ job: String(job.id), alias: job.alias, set_by: setBy }, docsPerSecond);
        }
      },
    });
    this.gauge({
      name: 'reindexer_job_pace_state',
      help: 'Adaptive pacing of each running job in BACKFILL: 1 for its state (measuring, quiet, increasing, holding, decreasing, budget-unreachable, no-live-index, overridden: an operator set the pace)',
      labelNames: ['job', 'alias', 'state'],
      source: 'running jobs',
      fill: async (gauge) => {
        for (const job of await running()) {
          const adaptive = adaptivePaceOf(job, config.reindex);
          if (job.phase === 'BACKFILL' && adaptive) gauge.set({ job: String(job.id), alias: job.alias, state: adaptive.state }, 1);
        }
      },
    });
    this.gauge({
      name: 'reindexer_job_search_latency_ratio',
      help: 'Estimated search p99 on the live alias during the backfill of each running job, as a ratio to the p99 just before it (the adaptive pacing keeps it within REINDEX_SEARCH_LATENCY_BUDGET)',
      labelNames: ['job', 'alias'],
      source: 'running jobs',
      fill: async (gauge) => {
        for (const job of await running()) {
          const { searchP99Ms, baselineP99Ms } = job.pace ?? {};
          if (job.phase === 'BACKFILL' && searchP99Ms && baselineP99Ms) gauge.set({ job: String(job.id), alias: job.alias }, searchP99Ms / baselineP99Ms);
        }
      },
    });
  }

  private registerOutboxGauges(outbox: OutboxStore): void {
    const backlog = this.oncePerScrape(() => outbox.backlog());
    this.gauge({
      name: 'reindexer_outbox_backlog',
      help: 'Rows waiting in reindexer_outbox',
      source: 'outbox backlog',
      fill: async (gauge) => gauge.set((await backlog()).rows),
    });
    this.gauge({
      name: 'reindexer_outbox_oldest_age_seconds',
      help: 'Age of the oldest row in reindexer_outbox (0 when empty)',
      source: 'outbox backlog',
      fill: async (gauge) => gauge.set((await backlog()).oldestAgeSeconds ?? 0),
    });
  }

  /** Per alias moving to the next cluster: its state, the reads sent there, and the mirror's backlog and lag. */
  private registerMigrationGauges(migrations: MigrationStore, store: JobStore): void {
    const active = this.oncePerScrape(() => migrations.listActive());
    const mirrorBacklogs = this.oncePerScrape(async () =>
      Promise.all((await active()).map(async (migration) => ({ alias: migration.alias, ...(await store.journalBacklog(mirroredAlias(migration))) }))),
    );
    this.gauge({
      name: 'reindexer_migration_state',
      help: 'Aliases moving to the next cluster: 1 for the state of each migration that has not ended (BUILDING, MIRRORING, CUT_OVER, ABORTING, RETIRING)',
      labelNames: ['alias', 'state'],
      source: 'migrations',
      fill: async (gauge) => {
        for (const migration of await active()) gauge.set({ alias: migration.alias, state: migration.state }, 1);
      },
    });
    this.gauge({
      name: 'reindexer_migration_reads_next_percent',
      help: 'Share of reads applications are told to send to the next cluster (GET /indices/:alias/reads), per migrating alias',
      labelNames: ['alias'],
      source: 'migrations',
      fill: async (gauge) => {
        for (const migration of await active()) gauge.set({ alias: migration.alias }, migration.readsNextPercent);
      },
    });
    this.gauge({
      name: 'reindexer_migration_mirror_backlog',
      help: 'Mirrored writes the next cluster refused, journaled and waiting to be replayed there, per migrating alias',
      labelNames: ['alias'],
      source: 'mirror backlogs',
      fill: async (gauge) => {
        for (const { alias, entries } of await mirrorBacklogs()) gauge.set({ alias }, entries);
      },
    });
    this.gauge({
      name: 'reindexer_migration_mirror_lag_seconds',
      help: 'How far the next cluster lags behind the current one for a migrating alias: the age of the oldest mirrored write waiting for replay (0 when none)',
      labelNames: ['alias'],
      source: 'mirror backlogs',
      fill: async (gauge) => {
        for (const { alias, oldestAgeSeconds } of await mirrorBacklogs()) gauge.set({ alias }, oldestAgeSeconds ?? 0);
      },
    });
  }

  private registerUnmanagedIndexGauge(registry: IndexRegistry, drift: DriftDetector): void {
    this.gauge({
      name: 'reindexer_unmanaged_index',
      help: 'Aliases whose name is held by a concrete index the service did not create (1): left serving and untouched until adopted (POST /indices/:alias/adopt)',
      labelNames: ['alias'],
      source: 'unmanaged indices',
      fill: async (gauge) => {
        const definitions = registry.all();
        const held = await withTimeout(Promise.all(definitions.map((definition) => drift.isUnmanaged(definition))), QUEUE_CHECK_TIMEOUT_MS);
        definitions.forEach((definition, i) => gauge.set({ alias: registry.aliasFor(definition) }, held[i] ? 1 : 0));
      },
    });
  }

  private registerDeployedDefinitionsGauge(deployments: DefinitionDeployments): void {
    this.gauge({
      name: 'reindexer_deployed_definitions',
      help: 'Definitions of each alias that running replicas announce (1 normally; 2 or more: replicas run different definitions, as during a rolling deploy)',
      labelNames: ['alias'],
      source: 'deployed definitions',
      fill: async (gauge) => {
        for (const { alias } of await deployments.liveDefinitions()) gauge.inc({ alias });
      },
    });
  }

  private registerQueueGauge(publisher: ChangePublisher): void {
    this.gauge({
      name: 'reindexer_queue_messages',
      help: 'Messages ready in the live-update queues (live, retry, dead_letter)',
      labelNames: ['queue'],
      source: 'queue depths',
      fill: async (gauge) => {
        const depths = await withTimeout(publisher.queueDepths(), QUEUE_CHECK_TIMEOUT_MS);
        for (const [queue, messages] of Object.entries(depths)) gauge.set({ queue }, messages);
      },
    });
  }

  /** A gauge filled at scrape time: `fill` reads `source` (named in the debug log when it does not answer). */
  private gauge(spec: { name: string; help: string; labelNames?: string[]; source: string; fill: (gauge: Gauge) => Promise<void> }): void {
    const { name, help, labelNames = [], source, fill } = spec;
    const gauge: Gauge = new Gauge({ name, help, labelNames, registers: [this.metrics.registry], collect: () => this.refresh(gauge, source, () => fill(gauge)) });
  }

  /** The same promise for every gauge of one scrape; the next scrape reads again. */
  private oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
    let last: { readonly scrape: number; readonly value: Promise<T> } | null = null;
    return () => {
      if (last?.scrape !== this.scrapes) last = { scrape: this.scrapes, value: read() };
      return last.value;
    };
  }

  /** Clears the gauge, then fills it from `read`; when that fails it stays empty for this scrape. */
  private async refresh(gauge: Gauge, source: string, read: () => Promise<void>): Promise<void> {
    gauge.reset();
    try {
      await read();
    } catch (error) {
      gauge.reset();
      this.logger.debug(`${source} left out of this scrape: ${(error as Error).message}`);
    }
  }
}
