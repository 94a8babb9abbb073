import { Injectable, Logger } from '@nestjs/common';
import { RequestActor } from '../common/index.js';
import { AppConfig, type ClusterRole } from '../config/index.js';
import { DefinitionDeployments } from '../indexing/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { JobStore, MigrationConflictError, MigrationStore, owesResync, type ClusterMigration, type Job, type MigrationState } from '../job-store/index.js';
import { SearchClusters, type SearchGateway } from '../opensearch/index.js';
import { isTerminal, JobCommands, JobRunner, ReindexService } from '../reindex/index.js';
import { describeGate, RelevanceGate, type GateRecord } from '../relevance/index.js';
import { ClusterMigrationErrorCode, ClusterMigrationException } from './cluster-migration.exception.js';
import { readersToldAt } from './migration-readers.js';
import { MigrationSteps } from './migration-steps.service.js';

export interface MigrationView {
  readonly migration: ClusterMigration | null;
  /** The job that builds (or built) the alias on the next cluster. */
  readonly job: Job | null;
  /** The relevance gate's judgement of the next cluster's searches, on a cutover. */
  readonly relevance?: GateRecord;
}

/** What applications poll to split their reads between the clusters (GET /indices/:alias/reads). */
export interface ReadsView {
  readonly alias: string;
  readonly migrationId: number | null;
  readonly state: MigrationState | null;
  /** Percentage of reads for the cluster the alias moves to. */
  readonly next: number;
  readonly since: Date | null;
  /**
   * MIGRATION_READS_GRACE_SECONDS: applications poll more often than this. A cluster whose share
   * dropped to 0 keeps the alias at least this long after `since` (an abort's next cluster, a
   * retire's old one), so a search routed by the shares read before never meets a deleted alias.
   */
  readonly graceSeconds: number;
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
 * journaled on the migration's job and replayed. State is in MySQL; any replica moves it on
 * (`MigrationSteps`); this class is the requests: start, view, abort, complete, retire, reads.
 */
@Injectable()
export class ClusterMigrations {
  private readonly logger = new Logger(ClusterMigrations.name);

  constructor(
    private readonly registry: IndexRegistry,
    private readonly clusters: SearchClusters,
    private readonly migrations: MigrationStore,
    private readonly jobs: JobStore,
    private readonly runner: JobRunner,
    private readonly reindex: ReindexService,
    private readonly commands: JobCommands,
    private readonly steps: MigrationSteps,
    private readonly deployments: DefinitionDeployments,
    private readonly config: AppConfig,
    private readonly gate: RelevanceGate,
  ) {}

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
    return migration ? this.viewOf(migration) : { migration: null, job: null };
  }

  /**
   * Back to the old cluster alone, at any point before retire. The request records the move to
   * ABORTING (writes go to the old cluster alone at once: the live updates read the migration on
   * every change; reads 0 % to the next cluster) and the migrations' tick does the rest
   * (`MigrationSteps.stepAbort`). A build that is still running is cancelled here first: one that has reached its
   * swap cannot be, and the abort is then refused (409) with nothing changed. Answers the migration
   * as it is when it is ABORTING or ABORTED already.
   */
  async abort(alias: string): Promise<MigrationView> {
    this.registry.byAlias(alias);
    this.reindex.refuseInObserveMode(`abort the migration of ${alias}`);
    for (;;) {
      const latest = await this.migrations.findLatest(alias);
      if (latest?.state === 'ABORTING' || latest?.state === 'ABORTED') return this.viewOf(latest);
      if (latest?.state === 'RETIRING') this.refuse(ClusterMigrationErrorCode.MIGRATION_RETIRING, `migration ${latest.id} of ${alias} is RETIRING: its old cluster's indices are being deleted, there is nothing to go back to`);
      if (!latest || (latest.state !== 'BUILDING' && latest.state !== 'MIRRORING' && latest.state !== 'CUT_OVER')) {
        this.refuse(ClusterMigrationErrorCode.NO_ACTIVE_MIGRATION, `${alias} has no migration under way`);
      }
      let job = await this.jobs.findJob(latest.jobId);
      if (latest.state === 'BUILDING' && job && !isTerminal(job.status)) job = await this.commands.cancel(job.id);
      const aborting = await this.migrations.move(latest.id, latest.state, 'ABORTING', { lastError: 'aborted by operator', readsNextPercent: 0 });
      // Moved on meanwhile (its build ended, or an operator moved it): read it again.
      if (!aborting) continue;
      this.logger.log(`migration ${latest.id} of ${alias}: ABORTING (was ${latest.state}); writes and reads go back to the old cluster${owesResync(aborting) ? ', which is re-synced from MySQL' : ''}`);
      this.steps.tick();
      return { migration: aborting, job };
    }
  }

  private async viewOf(migration: ClusterMigration): Promise<MigrationView> {
    return { migration, job: await this.jobs.findJob(migration.jobId) };
  }

  /**
   * The cutover: the next cluster becomes the alias's own. Writes go only there from then on,
   * reads 100 %; the old cluster keeps its index, untouched, until retire (or an abort). Only from
   * MIRRORING, with both clusters answering and no mirrored write left to replay.
   */
  async complete(alias: string, approve = false): Promise<MigrationView> {
    const definition = this.registry.byAlias(alias);
    const migration = await this.requireActive(alias);
    if (migration.state !== 'MIRRORING') {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_NOT_MIRRORING, `migration ${migration.id} of ${alias} is ${migration.state}: only a MIRRORING migration completes`);
    }
    // The old cluster too: an abort after the cutover goes back to it.
    const [from, to] = await Promise.all([this.answering(migration.fromClusterUuid), this.answering(migration.toClusterUuid)]);
    const [served] = await to.getAliasTargets(alias);
    if (!served) this.refuse(ClusterMigrationErrorCode.ALIAS_NOT_ON_CLUSTER, `${alias} serves no index on the next cluster`);
    const rebuilding = [await this.jobs.findActiveFullJob(alias), await this.jobs.findMirrorRebuild(alias, migration.toClusterUuid)].filter((job) => job !== null);
    if (rebuilding.length > 0) {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_BUSY, `${alias} is being rebuilt (job ${rebuilding.map((job) => job.id).join(', job ')}): complete once the rebuilds on both clusters have ended`);
    }
    const definitionHash = this.registry.definitionHash(definition);
    if ((await to.getIndexMeta(served)).definitionHash !== definitionHash) {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_BUSY, `${served}, which ${alias} serves on the next cluster, was not built from this replica's definition ${definitionHash.slice(0, 12)}: rebuild it (POST /indices/${alias}/reindex rebuilds both clusters) or complete from a replica of its definition`);
    }
    // Before the backlog check, so that nothing slow stands between it and the move.
    const relevance = await this.judgeSearches(alias, definition, { current: from, next: to }, approve);
    // The alias serves this replica's definition there (checked above): what its journal holds for it is owed before the cutover.
    if (await this.steps.mirrorBacklog(migration)) {
      this.refuse(ClusterMigrationErrorCode.MIRROR_BACKLOG, `migration ${migration.id} of ${alias} still has mirrored writes to replay on the next cluster: try again`);
    }
    const cutOver = await this.migrations.move(migration.id, 'MIRRORING', 'CUT_OVER', { readsNextPercent: 100 });
    // Aborted meanwhile: say so.
    if (!cutOver) return this.complete(alias, approve);
    this.logger.log(`migration ${migration.id} of ${alias}: CUT_OVER (${describeGate(relevance)}); writes go only to the next cluster, the old index stays until retire`);
    return { migration: cutOver, job: await this.jobs.findJob(cutOver.jobId), relevance };
  }

  /** The relevance gate before a cutover: the alias's query set through the alias on both clusters. */
  private async judgeSearches(alias: string, definition: IndexDefinition, gateways: Record<ClusterRole, SearchGateway>, approve: boolean): Promise<GateRecord> {
    const record = await this.gate.judge({
      alias,
      definition,
      sides: { current: { gateway: gateways.current, index: alias }, next: { gateway: gateways.next, index: alias } },
      approval: approve ? { by: RequestActor.current(), at: new Date().toISOString() } : null,
    });
    if (record.verdict === 'blocked') {
      throw new ClusterMigrationException(ClusterMigrationErrorCode.RELEVANCE_GATE_BLOCKED, `${describeGate(record)}; complete with ?approve=true to cut over anyway`, { relevance: record });
    }
    return record;
  }

  /**
   * The end, after the cutover: the request records the move to RETIRING and the migrations' tick
   * deletes the alias's indices on the old cluster (`MigrationSteps.stepRetire`). Answers the migration as it is
   * when it is RETIRING or RETIRED already.
   */
  async retire(alias: string): Promise<MigrationView> {
    this.registry.byAlias(alias);
    this.reindex.refuseInObserveMode(`retire the migration of ${alias}`);
    const latest = await this.migrations.findLatest(alias);
    if (latest?.state === 'RETIRING' || latest?.state === 'RETIRED') return this.viewOf(latest);
    if (latest?.state !== 'CUT_OVER') {
      this.refuse(ClusterMigrationErrorCode.MIGRATION_NOT_CUT_OVER, `${alias} has no migration past its cutover${latest ? ` (migration ${latest.id} is ${latest.state})` : ''}: complete it first`);
    }
    const retiring = await this.migrations.move(latest.id, 'CUT_OVER', 'RETIRING');
    // An abort came first: its state says what became of the old cluster.
    if (!retiring) return this.retire(alias);
    this.logger.log(`migration ${retiring.id} of ${alias}: RETIRING; its indices on the old cluster go once readers left it and no mirrored write is left to replay`);
    this.steps.tick();
    return this.viewOf(retiring);
  }

  /** Where applications send the alias's reads, and in what shares. */
  async reads(alias: string): Promise<ReadsView> {
    this.registry.byAlias(alias);
    const migration = await this.migrations.findLatest(alias);
    if (!migration || migration.state === 'RETIRED' || migration.state === 'FAILED' || migration.state === 'ABORTED') {
      const home = migration?.state === 'RETIRED' ? migration.toClusterUuid : (migration?.fromClusterUuid ?? (await this.clusters.current.clusterInfo()).clusterUuid);
      const clusters = [await this.readsCluster(home, 100)];
      return { alias, migrationId: migration?.id ?? null, state: migration?.state ?? null, next: 0, since: migration?.endedAt ?? null, graceSeconds: this.graceSeconds, clusters };
    }
    const next = migration.readsNextPercent;
    const clusters = await Promise.all([this.readsCluster(migration.fromClusterUuid, 100 - next), this.readsCluster(migration.toClusterUuid, next)]);
    return { alias, migrationId: migration.id, state: migration.state, next, since: readersToldAt(migration), graceSeconds: this.graceSeconds, clusters };
  }

  private get graceSeconds(): number {
    return this.config.migration.readsGraceSeconds;
  }

  /** Records the share of reads for the next cluster; only while MIRRORING (CUT_OVER and RETIRING mean 100, an abort 0). */
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

  private refuse(code: ClusterMigrationErrorCode, message: string): never {
    throw new ClusterMigrationException(code, message);
  }
}
