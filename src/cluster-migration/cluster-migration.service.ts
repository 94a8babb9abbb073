import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { IndexRegistry } from '../indices/index-registry.js';
import type { ClusterMigration, Job } from '../job-store/job.js';
import { JobStore } from '../job-store/job-store.js';
import { MigrationConflictError, MigrationStore } from '../job-store/migration-store.js';
import { SearchClusters } from '../opensearch/search-clusters.js';
import { DefinitionDeployments } from '../reindex/definition-deployments.service.js';
import { DocumentSync } from '../reindex/document-sync.service.js';
import { IndexLifecycle } from '../reindex/index-lifecycle.service.js';
import { JobRunner } from '../reindex/job-runner.service.js';
import { ReindexService } from '../reindex/reindex.service.js';
import { isTerminal } from '../reindex/state-machine/job-state-machine.js';
import { ClusterMigrationErrorCode, ClusterMigrationException } from './cluster-migration.exception.js';

/** How often migrations are moved on (their build ended) and failed mirrored writes replayed. */
const TICK_MS = 1_000;
const JOURNAL_PAGE = 1_000;

export interface MigrationView {
  readonly migration: ClusterMigration | null;
  /** The job that builds (or built) the alias on the next cluster. */
  readonly job: Job | null;
}

/**
 * Moves an alias's search to the next cluster: a FULL job builds it there from MySQL (same
 * phases, slots, leases, retries and pauses as a rebuild, on the next cluster's gateway) while the
 * live updates write every change to both clusters, and once the alias exists there the
 * migration MIRRORS: every change still goes to both. Failed writes to the next cluster are
 * journaled on the migration's job and replayed here. State is in MySQL; any replica moves it on.
 */
@Injectable()
export class ClusterMigrations implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ClusterMigrations.name);
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly registry: IndexRegistry,
    private readonly clusters: SearchClusters,
    private readonly migrations: MigrationStore,
    private readonly jobs: JobStore,
    private readonly runner: JobRunner,
    private readonly reindex: ReindexService,
    private readonly lifecycle: IndexLifecycle,
    private readonly deployments: DefinitionDeployments,
    private readonly documents: DocumentSync,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.onJobEnded(() => this.tick());
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }

  /** 202: the migration and its build job are created; the job runs like a rebuild. */
  async start(alias: string): Promise<MigrationView> {
    const definition = this.registry.byAlias(alias);
    const { clusters, problems } = await this.clusters.describe();
    if (problems.length > 0) this.refuse(ClusterMigrationErrorCode.MIGRATION_REFUSED, `cannot migrate ${alias}: ${problems.join('; ')}`);
    await this.deployments.requireNewest(definition);
    if ((await this.clusters.current.getAliasTargets(alias)).length === 0) {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_REFUSED, `cannot migrate ${alias}: it serves no index on the current cluster yet`);
    }
    const next = this.clusters.next!;
    // The swap there would replace a concrete index of that name (remove_index): data this service never wrote.
    if ((await next.getAliasTargets(alias)).length === 0 && (await next.indexExists(alias))) {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_REFUSED, `cannot migrate ${alias}: the next cluster has an index named ${alias}; delete or rename it first`);
    }
    const [from, to] = [clusters[0].info!, clusters[1].info!];
    try {
      const created = await this.migrations.create({
        alias,
        fromClusterUuid: from.clusterUuid,
        toClusterUuid: to.clusterUuid,
        job: { alias, trigger: 'MANUAL', definitionHash: this.registry.definitionHash(definition), sourceIndex: null, clusterUuid: to.clusterUuid },
      });
      this.logger.log(`migration ${created.migration.id}: ${alias} from ${from.engine} ${from.version} (${from.clusterUuid}) to ${to.engine} ${to.version} (${to.clusterUuid}), built by job ${created.job.id}`);
      this.runner.wake();
      return created;
    } catch (error) {
      if (error instanceof MigrationConflictError) this.refuse(ClusterMigrationErrorCode.MIGRATION_CONFLICT, `cannot migrate ${error.message}`);
      throw error;
    }
  }

  async view(alias: string): Promise<MigrationView> {
    this.registry.byAlias(alias);
    const migration = await this.migrations.findLatest(alias);
    return { migration, job: migration ? await this.jobs.findJob(migration.jobId) : null };
  }

  /**
   * Back to one cluster at any point: writes go to the current cluster only (at once: the live
   * updates read the migration on every change), the build job is cancelled, and the index it
   * built on the next cluster is deleted. The current cluster is not touched.
   */
  async abort(alias: string): Promise<MigrationView> {
    this.registry.byAlias(alias);
    for (;;) {
      const migration = await this.migrations.findActive(alias);
      if (!migration) this.refuse(ClusterMigrationErrorCode.NO_ACTIVE_MIGRATION, `${alias} has no migration under way`);
      const aborted = await this.migrations.move(migration.id, migration.state, 'ABORTED', 'aborted by operator');
      // Moved on meanwhile (its build ended): read it again.
      if (!aborted) continue;
      let job = await this.jobs.findJob(migration.jobId);
      if (job && !isTerminal(job.status)) job = await this.reindex.cancel(job.id);
      if (job) await this.lifecycle.removeMigrationTarget(job).catch((error: Error) => this.logger.warn(`migration ${migration.id}: ${job.targetIndex} not deleted on the next cluster: ${error.message}`));
      this.logger.log(`migration ${migration.id} of ${alias} aborted by operator (was ${migration.state}); search stays on the current cluster`);
      return { migration: aborted, job };
    }
  }

  /** One pass; never two at once on a replica. Errors wait for the next pass. */
  private tick(): void {
    if (this.ticking) return;
    this.ticking = this.moveOn()
      .then(() => this.replayMirrors())
      .catch((error: Error) => this.logger.warn(`migrations: ${error.message}`))
      .finally(() => (this.ticking = null));
  }

  /** A build that ended moves its migration on: COMPLETED to MIRRORING, FAILED or CANCELLED ends it. */
  private async moveOn(): Promise<void> {
    for (const migration of await this.migrations.listActive()) {
      if (migration.state !== 'BUILDING') continue;
      const job = await this.jobs.findJob(migration.jobId);
      if (!job || !isTerminal(job.status)) continue;
      const to = job.status === 'COMPLETED' ? 'MIRRORING' : job.status === 'FAILED' ? 'FAILED' : 'ABORTED';
      const moved = await this.migrations.move(migration.id, 'BUILDING', to, job.status === 'COMPLETED' ? null : `job ${job.id} ${job.status}: ${job.lastError ?? ''}`);
      if (moved) this.logger.log(`migration ${migration.id} of ${migration.alias}: ${to} (job ${job.id} ${job.status})`);
    }
  }

  /** Re-syncs, through the alias on the next cluster, every document whose mirrored write failed. */
  private async replayMirrors(): Promise<void> {
    for (const migration of await this.migrations.listActive()) {
      if (migration.state !== 'MIRRORING') continue;
      const definition = this.registry.byAlias(migration.alias);
      const job = await this.jobs.findJob(migration.jobId);
      // A replica of another definition leaves the entries to the replicas of the job's.
      if (!job || job.definitionHash !== this.registry.definitionHash(definition)) continue;
      const next = await this.clusters.gatewayFor(migration.toClusterUuid);
      for (;;) {
        const entries = await this.jobs.readJournal(job.id, 0n, JOURNAL_PAGE);
        if (entries.length === 0) break;
        const ids = entries.filter((entry) => entry.definition === definition.name).map((entry) => Number(entry.documentId));
        await this.documents.syncIds(next, definition, [...new Set(ids)], [migration.alias]);
        await this.jobs.trimJournal(job.id, entries[entries.length - 1].id);
        this.logger.log(`migration ${migration.id}: ${entries.length} failed writes replayed on the next cluster`);
      }
    }
  }

  private refuse(code: ClusterMigrationErrorCode, message: string): never {
    throw new ClusterMigrationException(code, message);
  }
}
