import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type ClusterRole } from '../config/index.js';
import { AliasRouting, DefinitionDeployments } from '../indexing/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { isActiveMigration, JobStore, MigrationStore, type CheckKind, type ClusterMigration, type Job, type JobTrigger, type NewFullJob } from '../job-store/index.js';
import { SearchClusters } from '../opensearch/index.js';
import { AliasLookups } from './alias-lookups.service.js';
import { IndexSync } from './index-sync.service.js';
import { JobRunner } from './engine/job-runner.service.js';
import { JobCommands } from './job-commands.service.js';
import { IndexRollback } from './lifecycle/index-rollback.service.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';
import { canTransition, isTerminal } from './state-machine/job-state-machine.js';

/** Job requests: what triggers and operators ask the engine to build (FULL or PARTIAL) or check (VERIFY or SYNC), admitted or refused. */

@Injectable()
export class ReindexService {
  private readonly logger = new Logger(ReindexService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly registry: IndexRegistry,
    private readonly runner: JobRunner,
    private readonly commands: JobCommands,
    private readonly lookups: AliasLookups,
    private readonly deployments: DefinitionDeployments,
    private readonly rollbacks: IndexRollback,
    private readonly clusters: SearchClusters,
    private readonly routing: AliasRouting,
    private readonly migrations: MigrationStore,
    private readonly checks: IndexSync,
  ) {}

  /**
   * Enqueues a FULL rebuild of the alias from the code's definition. Returns the
   * active job instead when one exists for the same definition; a job built from
   * an older definition is superseded (cancelled) unless its swap has begun. A replica
   * whose definition a newer deploy replaced refuses: it must not build the old mappings. After a
   * rollback from the code's definition, only an operator rebuilds it (a deploy or a schedule refuses).
   * The job builds on the cluster the alias lives on (the next one once a migration cut over); while
   * the alias mirrors to the next cluster, a second job rebuilds it there (`mirrorJob`): built on one
   * cluster only, the other would go on being sent documents its mapping does not have.
   * A concrete index named like the alias (not the service's) is replaced only by an adoption
   * (`adopt`), which keeps a copy of it: any other rebuild answers LEGACY_INDEX.
   */
  async requestFull(alias: string, trigger: JobTrigger, { adopt = false, why }: { adopt?: boolean; why?: string } = {}): Promise<{ job: Job; created: boolean; mirrorJob: Job | null }> {
    this.refuseInObserveMode(`rebuild ${alias}`);
    const definition = this.lookups.definitionFor(alias);
    const route = await this.routing.routeOf(alias);
    const legacy = (await this.lookups.liveIndex(alias, route.gateway)) === alias;
    if (legacy || adopt) {
      const active = await this.store.findActiveFullJob(alias);
      if (active?.adoption) return { job: active, created: false, mirrorJob: null };
      if (!legacy) throw new ReindexException(ReindexErrorCode.NOTHING_TO_ADOPT, `${alias} is not a concrete index: nothing to adopt (a rebuild is POST /indices/${alias}/reindex)`);
      if (!adopt) {
        throw new ReindexException(
          ReindexErrorCode.LEGACY_INDEX,
          `${alias} is a concrete index the service did not create (another tool's search): it stays serving until adopted. POST /indices/${alias}/adopt builds ${alias} from the source, keeps a copy of the old index and replaces it with the alias (or set REINDEX_ADOPT_EXISTING=true)`,
        );
      }
    }
    const migration = route.migration && isActiveMigration(route.migration) ? route.migration : null;
    await this.deployments.requireNewest(definition);
    if (migration?.state === 'BUILDING') return { ...(await this.buildMigrationWith(migration, definition, trigger)), mirrorJob: null };
    const held = trigger === 'MANUAL' ? null : await this.rollbacks.holding(definition);
    if (held) {
      throw new ReindexException(
        ReindexErrorCode.HELD_BY_ROLLBACK,
        `${alias} was rolled back from ${held.fromIndex} to ${held.toIndex} at ${held.rolledBackAt.toISOString()}: definition ${held.heldDefinitionHash.slice(0, 12)} is rebuilt only by a deploy that changes it or by a manual rebuild`,
      );
    }
    const definitionHash = this.registry.definitionHash(definition);
    await this.supersedeObsolete(alias);
    const sourceIndex = await this.lookups.liveIndex(alias, route.gateway);
    const result = await this.store.createFullJob({ alias, trigger, definitionHash, sourceIndex, why, ...(route.clusterUuid ? { clusterUuid: route.clusterUuid } : {}), ...(adopt ? { adoption: true } : {}) });
    if (result.created) this.logger.log(`job ${result.job.id}: FULL ${adopt ? 'adoption' : 'rebuild'} of ${alias} (${trigger.toLowerCase()})`);
    // While it mirrors, both clusters serve it; from the cutover on, only the one it moved to (route.clusterUuid).
    const mirrorJob = migration?.state === 'MIRRORING' ? await this.rebuildOnNext(migration, { alias, trigger, definitionHash }) : null;
    this.runner.wake();
    return { ...result, mirrorJob };
  }

  /**
   * A migration's build is the alias's rebuild while the migration builds: one of an older
   * definition (a deploy came during the build) is superseded by one of this replica's, for the
   * same migration, or the build would wait forever for replicas the deploy removed. A build past
   * its swap is not cancelled (refused: asked again by the next drift check, once it mirrors).
   */
  private async buildMigrationWith(migration: ClusterMigration, definition: IndexDefinition, trigger: JobTrigger): Promise<{ job: Job; created: boolean }> {
    const definitionHash = this.registry.definitionHash(definition);
    const build = await this.store.findJob(migration.jobId);
    if (build && build.definitionHash === definitionHash) return { job: build, created: false };
    if (build && !isTerminal(build.status)) await this.commands.cancelJob(build, `superseded by definition ${definitionHash.slice(0, 12)}`);
    const alias = migration.alias;
    const next = await this.clusters.gatewayFor(migration.toClusterUuid);
    const { job } = await this.store.createFullJob({ alias, trigger, definitionHash, sourceIndex: await this.lookups.liveIndex(alias, next), clusterUuid: migration.toClusterUuid });
    if (!(await this.migrations.replaceBuild(migration.id, migration.jobId, job.id))) {
      throw new ReindexException(ReindexErrorCode.MIGRATION_ACTIVE, `migration ${migration.id} of ${alias} moved on while its build was being replaced: ask again`);
    }
    this.logger.log(`job ${job.id}: FULL build of ${alias} on the next cluster for migration ${migration.id}, in place of job ${migration.jobId} of another definition`);
    this.runner.wake();
    return { job, created: true };
  }

  /** The rebuild's twin on the cluster the alias mirrors to; none when that cluster serves the definition already (its build was of it). */
  private async rebuildOnNext(migration: ClusterMigration, job: Pick<NewFullJob, 'alias' | 'trigger' | 'definitionHash'>): Promise<Job | null> {
    const next = await this.clusters.gatewayFor(migration.toClusterUuid);
    const sourceIndex = await this.lookups.liveIndex(job.alias, next);
    if (sourceIndex && (await next.getIndexMeta(sourceIndex)).definitionHash === job.definitionHash) return null;
    const { job: mirrorJob, created } = await this.store.createFullJob({ ...job, sourceIndex, clusterUuid: migration.toClusterUuid, mirrorRebuild: true });
    if (created) this.logger.log(`job ${mirrorJob.id}: FULL rebuild of ${job.alias} on the next cluster too (migration ${migration.id} mirrors there)`);
    return mirrorJob;
  }

  /**
   * Cancels the alias's active FULL job when it builds a definition other than the code's (and
   * has not swapped). Only the replicas of the definition deployed last may: an old replica
   * restarting mid-deploy must leave the new definition's job alone.
   */
  async supersedeObsolete(alias: string): Promise<Job | null> {
    const definition = this.lookups.definitionFor(alias);
    if (!(await this.deployments.isNewest(definition))) return null;
    const definitionHash = this.registry.definitionHash(definition);
    const { migration } = await this.routing.routeOf(alias);
    const mirrorJob = migration?.state === 'MIRRORING' ? await this.store.findMirrorRebuild(alias, migration.toClusterUuid) : null;
    let superseded: Job | null = null;
    for (const active of [await this.store.findActiveFullJob(alias), mirrorJob]) {
      if (!active || active.definitionHash === definitionHash || !canTransition(active, { type: 'CANCEL', reason: '' })) continue;
      superseded = await this.commands.cancelJob(active, `superseded by definition ${definitionHash.slice(0, 12)}`);
    }
    return superseded;
  }

  /** REINDEX_MODE=observe: drift and the plan run, nothing is written to a cluster or the source. */
  get observing(): boolean {
    return this.config.reindex.mode === 'observe';
  }

  /** REINDEX_MODE=observe writes nothing: a request that would answers OBSERVE_MODE. */
  refuseInObserveMode(what: string): void {
    if (this.observing) throw new ReindexException(ReindexErrorCode.OBSERVE_MODE, `cannot ${what}: the service runs with REINDEX_MODE=observe and writes nothing`);
  }

  async requestPartial(alias: string, ids: readonly number[], trigger: JobTrigger): Promise<Job> {
    this.refuseInObserveMode(`re-index ids of ${alias}`);
    this.lookups.definitionFor(alias);
    await this.lookups.refuseUnmanaged(alias, await this.routing.gatewayOf(alias), 're-index ids of');
    const definition = this.lookups.definitionFor(alias);
    const job = await this.store.createPartialJob({ alias, trigger, definitionHash: this.registry.definitionHash(definition), recordIds: [...new Set(ids)] });
    this.runner.wake();
    return job;
  }

  /**
   * Enqueues a VERIFY or SYNC job of the alias, on the cluster it lives on now or the one named,
   * refused at once when it could not start there (IndexSync.checkTarget). Returns the active one
   * of the same kind on that cluster instead when there is one.
   */
  async requestCheck(alias: string, kind: CheckKind, trigger: JobTrigger, cluster?: ClusterRole): Promise<{ job: Job; created: boolean }> {
    this.refuseInObserveMode(`${kind === 'VERIFY' ? `verify ${alias} as a job (GET /indices/${alias}/verify answers in the request)` : `sync ${alias}`}`);
    const { clusterUuid } = await this.checks.checkTarget(alias, kind === 'VERIFY' ? 'verify' : 'sync', cluster);
    const definitionHash = this.registry.definitionHash(this.lookups.definitionFor(alias));
    const result = await this.store.createCheckJob({ alias, kind, trigger, definitionHash, clusterUuid });
    if (result.created) this.logger.log(`job ${result.job.id}: ${kind} of ${alias} (${trigger.toLowerCase()})`);
    this.runner.wake();
    return result;
  }
}
