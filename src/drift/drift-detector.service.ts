import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SingleFlight } from '../common/index.js';
import { AppConfig } from '../config/index.js';
import { AliasRouting, DefinitionDeployments } from '../indexing/index.js';
import { changedParts, definitionPartHashes, IndexRegistry, type DefinitionPart, type IndexDefinition } from '../indices/index.js';
import { JobStore } from '../job-store/index.js';
import { SearchClusters } from '../opensearch/index.js';
import { IndexRollback, JobRunner, ReindexService } from '../reindex/index.js';
import { compareDefinition, decide, diffDefinition, type DefinitionDiff, type DriftDecision, type DriftFacts, type DriftStatus, type PlanAction } from './drift.js';

/** What GET /indices/:alias/plan answers. */
export interface AliasPlan {
  readonly alias: string;
  readonly mode: 'run' | 'observe';
  /** Null on a replica whose definition a newer deploy replaced. */
  readonly status: DriftStatus | null;
  readonly action: PlanAction;
  readonly reason: string;
  readonly heldBy: DriftDecision['heldBy'] | null;
  /** The index serving the alias (the concrete one for `legacy`); null when none. */
  readonly liveIndex: string | null;
  readonly codeHash: string;
  readonly liveHash: string | null;
  /**
   * Which parts of the definition (mappings, settings, source, document) differ from the live
   * index's; null when no index of the service serves the alias. Every part for an index built
   * before the parts were recorded.
   */
  readonly changedParts: DefinitionPart[] | null;
  /** Code vs live index, field by field; null when nothing serves the alias. */
  readonly diff: DefinitionDiff | null;
}

/**
 * The deploy trigger: on bootstrap, in the background, compares every code definition
 * with its live index and enqueues a FULL job where they differ (or where nothing serves
 * the alias yet). Start-up never waits for it. Only the replicas of the definition deployed
 * last act (a rolling deploy runs old code beside new). The check runs again on every
 * recovery tick and when a job ends here, where it only builds a definition that never had
 * a job: one whose job an operator cancelled, or that failed, waits for the next deploy. An alias
 * an operator rolled back from the code's definition is left alone until a deploy changes it. A
 * concrete index under the alias's name is reported and left serving until adopted. What to do
 * is `decide` (pure, shared with the plan); under REINDEX_MODE=observe it is only logged.
 */
@Injectable()
export class DriftDetector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DriftDetector.name);
  private deployChecked = false;
  private readonly checks = new SingleFlight(
    async () => {
      await this.detectAll();
      this.deployChecked = true;
    },
    {
      onError: (error) => {
        if (!this.checks.stopped) this.logger.warn(`drift check failed, trying again in ${this.config.reindex.recoveryIntervalMs} ms: ${error.message}`);
      },
    },
  );

  constructor(
    private readonly config: AppConfig,
    private readonly registry: IndexRegistry,
    private readonly routing: AliasRouting,
    private readonly store: JobStore,
    private readonly reindex: ReindexService,
    private readonly deployments: DefinitionDeployments,
    private readonly rollbacks: IndexRollback,
    private readonly clusters: SearchClusters,
    runner: JobRunner,
  ) {
    runner.onJobEnded(() => this.detect());
  }

  onApplicationBootstrap(): void {
    setImmediate(() => this.detect());
    this.checks.every(this.config.reindex.recoveryIntervalMs);
  }

  /** A check in flight finishes while MySQL and OpenSearch are still open, and none starts after it. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.checks.stop();
  }

  private detect(): void {
    void this.checks.run();
  }

  async detectAll(): Promise<Record<string, DriftStatus | 'superseded-by-newer-deploy'>> {
    await this.deployments.announce();
    const observing = this.config.reindex.mode === 'observe';
    const outcome: Record<string, DriftStatus | 'superseded-by-newer-deploy'> = {};
    for (const definition of this.registry.all()) {
      const alias = this.registry.aliasFor(definition);
      const { status, decision } = await this.decision(definition, this.deployChecked);
      outcome[alias] = status ?? 'superseded-by-newer-deploy';
      if (status === null) continue;
      const firstCheck = !this.deployChecked;
      switch (decision.action) {
        case 'create':
        case 'rebuild':
        case 'adopt': {
          if (observing) {
            if (firstCheck) this.logger.log(`${alias} is ${status}: would ${decision.action} (REINDEX_MODE=observe: nothing enqueued): ${decision.reason}`);
            continue;
          }
          const why = await this.why(definition, status);
          const { job, created, mirrorJob } = await this.reindex.requestFull(alias, 'DEPLOY', { adopt: decision.action === 'adopt', why });
          const onNext = mirrorJob ? `, and job ${mirrorJob.id} on the next cluster` : '';
          if (created || firstCheck) this.logger.log(`${alias} is ${why}: ${created ? 'enqueued' : 'already has'} job ${job.id}${onNext}`);
          break;
        }
        case 'adopt-required':
          if (firstCheck) this.logger.warn(`${alias} is a concrete index the service did not create: left serving and untouched; adopt it with POST /indices/${alias}/adopt (or REINDEX_ADOPT_EXISTING=true)`);
          break;
        case 'wait':
          break;
        case 'nothing': {
          if (observing) continue;
          // A deploy rolled back to the live definition: a rebuild towards the newer one is obsolete.
          const superseded = await this.reindex.supersedeObsolete(alias);
          if (superseded) this.logger.log(`${alias} is in sync again: cancelled job ${superseded.id} built from another definition`);
          break;
        }
      }
    }
    return outcome;
  }

  /** Drift in words, naming the parts of the definition that changed (mappings, settings, source SQL, document). */
  private async why(definition: IndexDefinition, status: DriftStatus): Promise<string> {
    if (status !== 'drifted') return status;
    const alias = this.registry.aliasFor(definition);
    const gateway = await this.routing.gatewayOf(alias);
    const [live] = await gateway.getAliasTargets(alias);
    const liveParts = live ? (await gateway.getIndexMeta(live)).definitionParts : null;
    const changed = changedParts(definitionPartHashes(definition), liveParts);
    return liveParts ? `drifted (${changed.join(', ')} changed)` : `drifted (the live index records no definition parts; its hash differs)`;
  }

  /**
   * What start-up does for the alias and why (`decide`, shared with the plan); `afterDeploy`: as a
   * later check does, which only builds a definition that never had a job. `status` is null on a
   * replica whose definition a newer deploy replaced (it reads nothing more).
   */
  async decision(definition: IndexDefinition, afterDeploy = false): Promise<{ status: DriftStatus | null; decision: DriftDecision }> {
    const alias = this.registry.aliasFor(definition);
    const newestDeploy = await this.deployments.isNewest(definition);
    const status = newestDeploy ? await this.status(definition) : null;
    const acts = status === 'missing' || status === 'drifted' || status === 'legacy';
    const facts: DriftFacts = {
      status: status ?? 'in-sync',
      newestDeploy,
      adoptExisting: this.config.reindex.adoptExisting,
      alreadyTried: acts && afterDeploy && (await this.triedWhereItLives(alias, this.registry.definitionHash(definition))),
    };
    return { status, decision: decide(facts) };
  }

  /**
   * A FULL job of this definition was created on the cluster the alias lives on now. Jobs on another
   * cluster do not count: a migration's build there, or a rebuild there before an abort brought
   * the alias back, leaves the cluster it lives on still to rebuild.
   */
  private async triedWhereItLives(alias: string, definitionHash: string): Promise<boolean> {
    const home = await this.routing.gatewayOf(alias);
    for (const clusterUuid of await this.store.fullJobClusters(alias, definitionHash)) {
      if ((await this.clusters.gatewayFor(clusterUuid).catch(() => null)) === home) return true;
    }
    return false;
  }

  /**
   * What start-up would do for the alias and why (the deploy check's own decision), with the code's
   * mappings and settings compared field by field with the live index's.
   */
  async plan(definition: IndexDefinition): Promise<AliasPlan> {
    const alias = this.registry.aliasFor(definition);
    const { status, decision } = await this.decision(definition);
    const gateway = await this.routing.gatewayOf(alias);
    const [served] = await gateway.getAliasTargets(alias);
    const liveIndex = served ?? (status === 'legacy' ? alias : null);
    const live = liveIndex ? await gateway.getIndexMeta(liveIndex) : null;
    return {
      alias,
      mode: this.config.reindex.mode,
      status,
      action: decision.action,
      reason: decision.reason,
      heldBy: decision.heldBy ?? null,
      liveIndex,
      codeHash: this.registry.definitionHash(definition),
      liveHash: live?.definitionHash ?? null,
      changedParts: live?.definitionHash ? changedParts(definitionPartHashes(definition), live.definitionParts) : null,
      diff: live ? diffDefinition(definition, live) : null,
    };
  }

  /** A concrete index the service did not create holds the alias's name (reported, left serving until adopted). */
  async isUnmanaged(definition: IndexDefinition): Promise<boolean> {
    const alias = this.registry.aliasFor(definition);
    const gateway = await this.routing.gatewayOf(alias);
    return (await gateway.getAliasTargets(alias)).length === 0 && (await gateway.indexExists(alias));
  }

  async status(definition: IndexDefinition): Promise<DriftStatus> {
    const alias = this.registry.aliasFor(definition);
    const gateway = await this.routing.gatewayOf(alias);
    const [live] = await gateway.getAliasTargets(alias);
    if (!live) return (await gateway.indexExists(alias)) ? 'legacy' : 'missing';
    const compared = compareDefinition(this.registry.definitionHash(definition), definition.mappings, await gateway.getIndexMeta(live));
    return compared === 'drifted' && (await this.rollbacks.holding(definition)) ? 'rolled-back' : compared;
  }
}
