import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type ClusterRole } from '../config/index.js';
import { AliasRouting, DefinitionDeployments, DocumentSync, topLevelFields, writeTargets } from '../indexing/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { ConcurrentTransitionError, isActiveMigration, JobStore, MigrationStore, type ClusterMigration, type Job, type JobTrigger, type NewFullJob } from '../job-store/index.js';
import { SearchClusters, type SearchGateway } from '../opensearch/index.js';
import { JobEndings } from './engine/job-endings.service.js';
import { JobRunner } from './engine/job-runner.service.js';
import { transitionFor } from './engine/job-transitions.js';
import { IndexRollback, type RollbackOutcome } from './lifecycle/index-rollback.service.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';
import { IllegalTransitionException } from './state-machine/illegal-transition.exception.js';
import { canTransition, isTerminal, type JobEvent } from './state-machine/job-state-machine.js';
import { collector, IndexVerifier, type SyncReport, type VerifyReport } from './verification/index-verifier.service.js';

/** What triggers and operators ask of the engine. */
/** How often an operator's transition is judged again when the job moves under it. */
const OPERATOR_TRANSITION_ATTEMPTS = 3;

@Injectable()
export class ReindexService {
  private readonly logger = new Logger(ReindexService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly registry: IndexRegistry,
    private readonly runner: JobRunner,
    private readonly verifier: IndexVerifier,
    private readonly documents: DocumentSync,
    private readonly endings: JobEndings,
    private readonly deployments: DefinitionDeployments,
    private readonly rollbacks: IndexRollback,
    private readonly clusters: SearchClusters,
    private readonly routing: AliasRouting,
    private readonly migrations: MigrationStore,
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
    const definition = this.definitionFor(alias);
    const route = await this.routing.routeOf(alias);
    const legacy = (await this.liveIndex(alias, route.gateway)) === alias;
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
    const sourceIndex = await this.liveIndex(alias, route.gateway);
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
    if (build && !isTerminal(build.status)) await this.cancelJob(build, `superseded by definition ${definitionHash.slice(0, 12)}`);
    const alias = migration.alias;
    const next = await this.clusters.gatewayFor(migration.toClusterUuid);
    const { job } = await this.store.createFullJob({ alias, trigger, definitionHash, sourceIndex: await this.liveIndex(alias, next), clusterUuid: migration.toClusterUuid });
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
    const sourceIndex = await this.liveIndex(job.alias, next);
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
    const definition = this.definitionFor(alias);
    if (!(await this.deployments.isNewest(definition))) return null;
    const definitionHash = this.registry.definitionHash(definition);
    const { migration } = await this.routing.routeOf(alias);
    const mirrorJob = migration?.state === 'MIRRORING' ? await this.store.findMirrorRebuild(alias, migration.toClusterUuid) : null;
    let superseded: Job | null = null;
    for (const active of [await this.store.findActiveFullJob(alias), mirrorJob]) {
      if (!active || active.definitionHash === definitionHash || !canTransition(active, { type: 'CANCEL', reason: '' })) continue;
      superseded = await this.cancelJob(active, `superseded by definition ${definitionHash.slice(0, 12)}`);
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
    this.definitionFor(alias);
    await this.refuseUnmanaged(alias, await this.routing.gatewayOf(alias), 're-index ids of');
    const definition = this.definitionFor(alias);
    const job = await this.store.createPartialJob({ alias, trigger, definitionHash: this.registry.definitionHash(definition), recordIds: [...new Set(ids)] });
    this.runner.wake();
    return job;
  }

  /** Compares the source with the index behind the alias: on the cluster it lives on, or the one named. */
  async verify(alias: string, cluster?: ClusterRole): Promise<VerifyReport> {
    const gateway = await this.gatewayOf(alias, cluster);
    await this.requireLiveIndex(alias, gateway, cluster);
    return this.verifier.verifyOn(gateway, alias);
  }

  /**
   * Repairs exactly what verify finds: re-syncs missing, stale and extra documents
   * from MySQL into the live index and any index being built, restoring documents a
   * delete tombstone keeps out where that is safe (DocumentSync.repairIds). Far cheaper
   * than a rebuild for catching what real-time sync missed. What it could not repair is
   * in `unrepaired`.
   */
  async sync(alias: string, cluster?: ClusterRole): Promise<SyncReport> {
    const definition = this.definitionFor(alias);
    const gateway = await this.gatewayOf(alias, cluster);
    await this.requireLiveIndex(alias, gateway, cluster);
    await this.refuseUnmanaged(alias, gateway, 'sync');
    const fields = await this.fieldsOfOtherDefinition(alias, gateway, definition);
    const unrepaired = collector();
    const report = await this.verifier.verifyOn(gateway, alias, alias, async (ids) => {
      // Elsewhere than home the alias alone: an index built there belongs to a migration, which replays its own.
      const route = await this.routing.routeOf(alias);
      const building = gateway === route.gateway ? writeTargets(alias, route.buildingHere).filter((target) => target !== alias) : [];
      for (const id of await this.documents.repairIds(gateway, definition, ids, [alias], fields)) unrepaired.add(id);
      for (const id of await this.documents.repairIds(gateway, definition, ids, building)) unrepaired.add(id);
    });
    const { total, ids } = unrepaired.report();
    const reason =
      total === 0
        ? null
        : `a delete tombstone more than one version above the row's keeps ${total === 1 ? 'this document' : `these ${total} documents`} out until it expires (index.gc_deletes, 60 s by default): sync again then, or rebuild`;
    return { ...report, unrepaired: { total, ids, reason } };
  }

  /**
   * The fields the alias's index takes when it was built from another definition (null when from
   * this replica's): as the live writes do, only a replica of the definition deployed last writes
   * it, with the fields its mapping has; an older one refuses (DEFINITION_NOT_CURRENT).
   */
  private async fieldsOfOtherDefinition(alias: string, gateway: SearchGateway, definition: IndexDefinition): Promise<ReadonlySet<string> | null> {
    const [served] = await gateway.getAliasTargets(alias);
    const meta = await gateway.getIndexMeta(served);
    if (meta.definitionHash === null || meta.definitionHash === this.registry.definitionHash(definition)) return null;
    await this.deployments.requireNewest(definition);
    return topLevelFields(meta);
  }

  /** Moves the alias back to the index it served before its last swap (IndexRollback). */
  async rollback(alias: string): Promise<RollbackOutcome> {
    return this.rollbacks.rollback(this.definitionFor(alias));
  }

  async pause(jobId: number): Promise<Job> {
    const paused = await this.apply(jobId, { type: 'PAUSE', by: 'operator', reason: 'paused by operator' }, { pausedBy: 'operator' });
    this.runner.stopLocal(jobId, 'paused by operator');
    return paused;
  }

  async resume(jobId: number): Promise<Job> {
    const job = await this.apply(jobId, { type: 'RESUME' }, { pausedBy: null });
    this.runner.wake();
    return job;
  }

  async cancel(jobId: number): Promise<Job> {
    return this.cancelJob(await this.getJob(jobId), 'cancelled by operator');
  }

  /**
   * Sets the backfill pace of a FULL job that has not ended (0 = unlimited, null = the service's
   * pace again). Persisted on the job, so it holds across pauses and takeovers; a backfill on any
   * replica reads it within a second.
   */
  async rethrottle(jobId: number, maxDocsPerSecond: number | null): Promise<Job> {
    const job = await this.getJob(jobId);
    const rethrottled = await this.store.setMaxDocsPerSecond(jobId, maxDocsPerSecond, this.config.instanceId);
    if (rethrottled) return rethrottled;
    const now = (await this.store.findJob(jobId)) ?? job;
    throw new ReindexException(
      ReindexErrorCode.RETHROTTLE_REFUSED,
      now.kind === 'PARTIAL' ? `job ${jobId} is a PARTIAL job, which is not paced` : `job ${jobId} has ended (${now.status}); there is nothing left to pace`,
    );
  }

  async getJob(jobId: number): Promise<Job> {
    const job = await this.store.findJob(jobId);
    if (!job) throw new ReindexException(ReindexErrorCode.JOB_NOT_FOUND, `job ${jobId} does not exist`);
    return job;
  }

  private async cancelJob(job: Job, reason: string): Promise<Job> {
    const cancelled = await this.apply(job.id, { type: 'CANCEL', reason });
    // An attempt here stops at once; one elsewhere at its next heartbeat, and its writes go through the
    // target's write alias, so removing the target now cannot let a late bulk re-create it.
    this.runner.stopLocal(job.id, reason);
    await this.endings.afterCancel(cancelled);
    return cancelled;
  }

  /**
   * An operator's transition, judged on the job as it is now: the job moved between the read and
   * the write (a phase completed, another operator's pause) → read again and judged again, so a
   * race answers what the state machine says of the new state (done, or 409), never an error.
   */
  private async apply(jobId: number, event: JobEvent, patch?: Parameters<typeof transitionFor>[3]): Promise<Job> {
    for (let attempt = 1; ; attempt++) {
      const job = await this.getJob(jobId);
      try {
        return await this.store.transition(job.id, transitionFor(job, event, 'reason' in event ? event.reason : `${event.type.toLowerCase()} by operator`, patch), this.config.instanceId);
      } catch (error) {
        if (error instanceof IllegalTransitionException) throw new ReindexException(ReindexErrorCode.ILLEGAL_TRANSITION, error.message);
        if (!(error instanceof ConcurrentTransitionError)) throw error;
        if (attempt === OPERATOR_TRANSITION_ATTEMPTS) throw new ReindexException(ReindexErrorCode.ILLEGAL_TRANSITION, `job ${jobId} keeps changing under the request (${error.message}); try again`);
      }
    }
  }

  /** A concrete index the service did not create is written only through an adoption. */
  private async refuseUnmanaged(alias: string, gateway: SearchGateway, what: string): Promise<void> {
    if ((await this.liveIndex(alias, gateway)) !== alias) return;
    throw new ReindexException(ReindexErrorCode.LEGACY_INDEX, `cannot ${what} ${alias}: it is a concrete index the service did not create; adopt it first (POST /indices/${alias}/adopt)`);
  }

  private async requireLiveIndex(alias: string, gateway: SearchGateway, cluster?: ClusterRole): Promise<void> {
    this.definitionFor(alias);
    if (!(await this.liveIndex(alias, gateway))) {
      throw new ReindexException(ReindexErrorCode.NO_LIVE_INDEX, `alias ${alias} has no index yet${cluster ? ` on the ${cluster} cluster` : ''}; its first build there has not swapped in`);
    }
  }

  /** The index serving the alias now (on the cluster it lives on, unless another is given): its target, or a legacy concrete index named like it. */
  async liveIndex(alias: string, gateway?: SearchGateway): Promise<string | null> {
    const on = gateway ?? (await this.routing.gatewayOf(alias));
    const [target] = await on.getAliasTargets(alias);
    if (target) return target;
    return (await on.indexExists(alias)) ? alias : null;
  }

  /** The cluster named (OPENSEARCH_NODE's or OPENSEARCH_NEXT_NODE's), or the one the alias lives on. */
  private async gatewayOf(alias: string, cluster?: ClusterRole): Promise<SearchGateway> {
    if (cluster === undefined) return this.routing.gatewayOf(alias);
    if (cluster === 'current') return this.clusters.current;
    if (!this.clusters.next) throw new ReindexException(ReindexErrorCode.NO_NEXT_CLUSTER, 'no next cluster: set OPENSEARCH_NEXT_NODE');
    return this.clusters.next;
  }

  private definitionFor(alias: string) {
    try {
      return this.registry.byAlias(alias);
    } catch {
      throw new ReindexException(ReindexErrorCode.UNKNOWN_ALIAS, `no index definition has the alias ${alias}; known: ${this.registry.all().map((definition) => this.registry.aliasFor(definition)).join(', ')}`);
    }
  }
}
