import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { IndexRegistry } from '../indices/index-registry.js';
import type { ClusterMigration, Job, JournalTarget, MigrationState } from '../job-store/job.js';
import { JobStore } from '../job-store/job-store.js';
import { MigrationConflictError, MigrationStore } from '../job-store/migration-store.js';
import { SearchClusters } from '../opensearch/search-clusters.js';
import type { ClusterRole, SearchGateway } from '../opensearch/search-gateway.js';
import { DefinitionDeployments } from '../reindex/definition-deployments.service.js';
import { ChangeJournal, mirrorJournal } from '../reindex/change-journal.service.js';
import { buildTarget } from '../reindex/dual-write.js';
import { IndexLifecycle } from '../reindex/index-lifecycle.service.js';
import { JobRunner } from '../reindex/job-runner.service.js';
import type { SyncReport } from '../reindex/index-verifier.service.js';
import { ReindexService } from '../reindex/reindex.service.js';
import { isTerminal } from '../reindex/state-machine/job-state-machine.js';
import { ClusterMigrationErrorCode, ClusterMigrationException } from './cluster-migration.exception.js';

/** How often migrations are moved on (their build ended) and failed mirrored writes replayed. */
const TICK_MS = 1_000;

export interface MigrationView {
  readonly migration: ClusterMigration | null;
  /** The job that builds (or built) the alias on the next cluster. */
  readonly job: Job | null;
}

/** An abort after the cutover: the old cluster's index, which missed the writes made since, re-synced from MySQL. */
export interface AbortView extends MigrationView {
  readonly resync: SyncReport | null;
  /** Why the re-sync failed (then POST /indices/:alias/sync repairs the old cluster). */
  readonly resyncError: string | null;
}

/** A retire: the indices deleted on the old cluster. */
export interface RetireView extends MigrationView {
  readonly deletedIndices: readonly string[];
}

/** What applications poll to split their reads between the clusters (GET /indices/:alias/reads). */
export interface ReadsView {
  readonly alias: string;
  readonly migrationId: number | null;
  readonly state: MigrationState | null;
  /** Percentage of reads for the cluster the alias moves to. */
  readonly next: number;
  readonly since: Date | null;
  readonly clusters: readonly ReadsCluster[];
}

export interface ReadsCluster {
  readonly clusterUuid: string;
  /** Which of this replica's configured clusters it is (OPENSEARCH_NODE's or OPENSEARCH_NEXT_NODE's); null when neither. */
  readonly role: ClusterRole | null;
  /** What its operators call it (`cluster_name`); no URL: applications map it to their own. */
  readonly clusterName: string | null;
  readonly engine: string | null;
  readonly version: string | null;
  /** Percentage of reads it should take. */
  readonly share: number;
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
    private readonly changes: ChangeJournal,
  ) {}

  onApplicationBootstrap(): void {
    // REINDEX_MODE=observe: migrations are not driven (their steps write to the clusters).
    if (this.reindex.observing) return;
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
   * Back to the old cluster alone, at any point before retire: writes go there only (at once: the
   * live updates read the migration on every change), reads 0 % to the next cluster, the build job
   * is cancelled and what the migration built on the next cluster is deleted. Before the cutover
   * the old cluster is not touched; after it, it missed the writes made since, so once the next
   * cluster's index is gone (a write still routed there fails and is retried, towards the old
   * cluster) its index is re-synced from MySQL.
   */
  async abort(alias: string): Promise<AbortView> {
    this.registry.byAlias(alias);
    for (;;) {
      const migration = await this.requireActive(alias);
      let job = await this.jobs.findJob(migration.jobId);
      // The build first: one that has reached its swap cannot be cancelled, and the abort is then
      // refused (409) with nothing changed, rather than an ABORTED migration whose build goes on.
      if (migration.state === 'BUILDING' && job && !isTerminal(job.status)) job = await this.reindex.cancel(job.id);
      const aborted = (await this.migrations.move(migration.id, migration.state, 'ABORTED', { lastError: 'aborted by operator', readsNextPercent: 0 })) ?? (await this.abortedByItsBuild(migration, job));
      // Moved on meanwhile (its build ended, or an operator moved it): read it again.
      if (!aborted) continue;
      const rebuild = await this.jobs.findMirrorRebuild(alias, migration.toClusterUuid);
      if (rebuild) await this.reindex.cancel(rebuild.id).catch((error: Error) => this.logger.warn(`migration ${migration.id}: its rebuild job ${rebuild.id} not cancelled: ${error.message}`));
      if (job) await this.lifecycle.removeMigrationTarget(job).catch((error: Error) => this.logger.warn(`migration ${migration.id}: ${alias} not deleted on the next cluster: ${error.message}`));
      this.logger.log(`migration ${migration.id} of ${alias} aborted by operator (was ${migration.state}); search stays on the old cluster`);
      if (migration.state !== 'CUT_OVER') return { migration: aborted, job, resync: null, resyncError: null };
      try {
        const resync = await this.reindex.sync(alias);
        this.logger.log(`migration ${migration.id}: the old cluster's ${alias} re-synced: ${resync.missing.total} missing, ${resync.stale.total} stale, ${resync.extra.total} extra repaired`);
        return { migration: aborted, job, resync, resyncError: null };
      } catch (error) {
        const resyncError = `${(error as Error).message}: run POST /indices/${alias}/sync once the old cluster answers`;
        this.logger.warn(`migration ${migration.id}: the old cluster's ${alias} not re-synced: ${resyncError}`);
        return { migration: aborted, job, resync: null, resyncError };
      }
    }
  }

  /** The migration the cancel of its build has already ended (the migrations' tick moves it to ABORTED too). */
  private async abortedByItsBuild(migration: ClusterMigration, job: Job | null): Promise<ClusterMigration | null> {
    if (job?.status !== 'CANCELLED') return null;
    const latest = await this.migrations.findLatest(migration.alias);
    return latest?.id === migration.id && latest.state === 'ABORTED' ? latest : null;
  }

  /**
   * The cutover: the next cluster becomes the alias's own. Writes go only there from then on,
   * reads 100 %; the old cluster keeps its index, untouched, until retire (or an abort). Only from
   * MIRRORING, with both clusters answering and no mirrored write left to replay.
   */
  async complete(alias: string): Promise<MigrationView> {
    this.registry.byAlias(alias);
    const migration = await this.requireActive(alias);
    if (migration.state !== 'MIRRORING') {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_NOT_MIRRORING, `migration ${migration.id} of ${alias} is ${migration.state}: only a MIRRORING migration completes`);
    }
    // The old cluster too: an abort after the cutover goes back to it.
    const [, to] = await Promise.all([this.answering(migration.fromClusterUuid), this.answering(migration.toClusterUuid)]);
    const [served] = await to.getAliasTargets(alias);
    if (!served) this.refuse(ClusterMigrationErrorCode.ALIAS_NOT_ON_CLUSTER, `${alias} serves no index on the next cluster`);
    const rebuilding = [await this.jobs.findActiveFullJob(alias), await this.jobs.findMirrorRebuild(alias, migration.toClusterUuid)].filter((job) => job !== null);
    if (rebuilding.length > 0) {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_BUSY, `${alias} is being rebuilt (job ${rebuilding.map((job) => job.id).join(', job ')}): complete once the rebuilds on both clusters have ended`);
    }
    const definitionHash = this.registry.definitionHash(this.registry.byAlias(alias));
    if ((await to.getIndexMeta(served)).definitionHash !== definitionHash) {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_BUSY, `${served}, which ${alias} serves on the next cluster, was not built from this replica's definition ${definitionHash.slice(0, 12)}: rebuild it (POST /indices/${alias}/reindex rebuilds both clusters) or complete from a replica of its definition`);
    }
    // The alias serves this replica's definition there (checked above): what its journal holds for it is owed before the cutover.
    const journal = await this.replayMirror(migration);
    if (!journal || (await this.changes.holdsEntries(journal))) {
      this.refuse(ClusterMigrationErrorCode.MIRROR_BACKLOG, `migration ${migration.id} of ${alias} still has mirrored writes to replay on the next cluster: try again`);
    }
    const cutOver = await this.migrations.move(migration.id, 'MIRRORING', 'CUT_OVER', { readsNextPercent: 100 });
    // Aborted meanwhile: say so.
    if (!cutOver) return this.complete(alias);
    this.logger.log(`migration ${migration.id} of ${alias}: CUT_OVER; writes go only to the next cluster, the old index stays until retire`);
    return { migration: cutOver, job: await this.jobs.findJob(cutOver.jobId) };
  }

  /**
   * The end: deletes the alias's indices on the old cluster (the one it serves there and those kept
   * for rollback). Only after the cutover; again after a retire whose deletes failed.
   */
  async retire(alias: string): Promise<RetireView> {
    this.registry.byAlias(alias);
    const latest = await this.migrations.findLatest(alias);
    if (latest?.state !== 'CUT_OVER' && latest?.state !== 'RETIRED') {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_NOT_CUT_OVER, `${alias} has no migration past its cutover${latest ? ` (migration ${latest.id} is ${latest.state})` : ''}: complete it first`);
    }
    const old = await this.answering(latest.fromClusterUuid);
    const retired = latest.state === 'RETIRED' ? latest : await this.migrations.move(latest.id, 'CUT_OVER', 'RETIRED');
    // An abort came first: its state says what became of the old cluster.
    if (!retired) return this.retire(alias);
    const deletedIndices = await this.lifecycle.deleteAliasIndices(old, alias);
    this.logger.log(`migration ${retired.id} of ${alias}: RETIRED; deleted on the old cluster: ${deletedIndices.join(', ') || 'nothing left'}`);
    return { migration: retired, job: await this.jobs.findJob(retired.jobId), deletedIndices };
  }

  /** Where applications send the alias's reads, and in what shares. */
  async reads(alias: string): Promise<ReadsView> {
    this.registry.byAlias(alias);
    const migration = await this.migrations.findLatest(alias);
    if (!migration || migration.state === 'RETIRED' || migration.state === 'FAILED' || migration.state === 'ABORTED') {
      const home = migration?.state === 'RETIRED' ? migration.toClusterUuid : (migration?.fromClusterUuid ?? (await this.clusters.current.clusterInfo()).clusterUuid);
      return { alias, migrationId: migration?.id ?? null, state: migration?.state ?? null, next: 0, since: migration?.endedAt ?? null, clusters: [await this.readsCluster(home, 100)] };
    }
    const next = migration.readsNextPercent;
    const clusters = await Promise.all([this.readsCluster(migration.fromClusterUuid, 100 - next), this.readsCluster(migration.toClusterUuid, next)]);
    return { alias, migrationId: migration.id, state: migration.state, next, since: migration.readsSince ?? migration.createdAt, clusters };
  }

  /** Records the share of reads for the next cluster; only while MIRRORING (CUT_OVER means 100, an abort 0). */
  async setReads(alias: string, next: number): Promise<ReadsView> {
    this.registry.byAlias(alias);
    const migration = await this.requireActive(alias);
    if (migration.state !== 'MIRRORING' || !(await this.migrations.setReadsNextPercent(migration.id, next))) {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_NOT_MIRRORING, `migration ${migration.id} of ${alias} is ${migration.state}: reads are shared only while it mirrors`);
    }
    this.logger.log(`migration ${migration.id} of ${alias}: ${next} % of reads to the next cluster`);
    return this.reads(alias);
  }

  private async readsCluster(clusterUuid: string, share: number): Promise<ReadsCluster> {
    const known = await this.clusters.identify(clusterUuid).catch(() => null);
    return {
      clusterUuid,
      role: known?.role ?? null,
      clusterName: known?.info.clusterName ?? null,
      engine: known?.info.engine ?? null,
      version: known?.info.version ?? null,
      share,
    };
  }

  private async requireActive(alias: string): Promise<ClusterMigration> {
    const migration = await this.migrations.findActive(alias);
    if (!migration) this.refuse(ClusterMigrationErrorCode.NO_ACTIVE_MIGRATION, `${alias} has no migration under way`);
    return migration;
  }

  /** The cluster with this UUID, refused (409) unless it is configured here and answers. */
  private async answering(clusterUuid: string): Promise<SearchGateway> {
    const gateway = await this.clusters.gatewayFor(clusterUuid).catch(() => null);
    if (!gateway || !(await gateway.isHealthy())) {
      this.refuse(ClusterMigrationErrorCode.CLUSTER_UNAVAILABLE, `cluster ${clusterUuid} ${gateway ? 'does not answer, or its health is red' : 'is not configured on this replica (OPENSEARCH_NODE, OPENSEARCH_NEXT_NODE) or does not answer'}: try again once it does`);
    }
    return gateway;
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
      // Superseded by a newer deploy: its replicas build the migration again (ReindexService.requestFull).
      if (job.status === 'CANCELLED' && (await this.deployments.newestHash(migration.alias)) !== job.definitionHash) continue;
      const to = job.status === 'COMPLETED' ? 'MIRRORING' : job.status === 'FAILED' ? 'FAILED' : 'ABORTED';
      const moved = await this.migrations.move(migration.id, 'BUILDING', to, { lastError: job.status === 'COMPLETED' ? null : `job ${job.id} ${job.status}: ${job.lastError ?? ''}` });
      if (moved) this.logger.log(`migration ${migration.id} of ${migration.alias}: ${to} (job ${job.id} ${job.status})`);
    }
  }

  /** Re-syncs, through the alias on the next cluster, every document whose mirrored write failed (until the cutover, and the writes in flight at it). */
  private async replayMirrors(): Promise<void> {
    for (const migration of await this.migrations.listActive()) {
      if (migration.state !== 'BUILDING') await this.replayMirror(migration);
    }
  }

  /**
   * Replays the alias's journal there for this replica's definition, while the alias serves an index
   * of it there, deleting exactly the entries replayed; into the index a rebuild of this definition
   * builds there too (a write it got after its last replay waits here, for its swap). Entries for
   * another definition wait for its replicas. Returns the journal replayed.
   */
  private async replayMirror(migration: ClusterMigration): Promise<JournalTarget | null> {
    const definition = this.registry.byAlias(migration.alias);
    const ownHash = this.registry.definitionHash(definition);
    const next = await this.clusters.gatewayFor(migration.toClusterUuid);
    const [served] = await next.getAliasTargets(migration.alias);
    if (!served || (await next.getIndexMeta(served)).definitionHash !== ownHash) return null;
    const rebuild = await this.jobs.findMirrorRebuild(migration.alias, migration.toClusterUuid);
    const rebuilding = rebuild?.definitionHash === ownHash ? buildTarget(rebuild) : null;
    const journal = mirrorJournal(migration, ownHash);
    const replayed = await this.changes.drain(journal, next, definition, rebuilding ? [migration.alias, rebuilding] : [migration.alias]);
    if (replayed > 0) this.logger.log(`migration ${migration.id}: ${replayed} failed writes replayed on the next cluster`);
    return journal;
  }

  private refuse(code: ClusterMigrationErrorCode, message: string): never {
    throw new ClusterMigrationException(code, message);
  }
}
