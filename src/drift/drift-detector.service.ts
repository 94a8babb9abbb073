import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { changedParts, definitionPartHashes } from '../indices/definition-hash.js';
import type { IndexDefinition } from '../indices/index-definition.js';
import { IndexRegistry } from '../indices/index-registry.js';
import { JobStore } from '../job-store/job-store.js';
import { MigrationStore } from '../job-store/migration-store.js';
import { AliasRouting } from '../reindex/alias-routing.service.js';
import { DefinitionDeployments } from '../reindex/definition-deployments.service.js';
import { IndexRollback } from '../reindex/index-rollback.service.js';
import { JobRunner } from '../reindex/job-runner.service.js';
import { ReindexService } from '../reindex/reindex.service.js';
import { compareDefinition, type DriftStatus } from './drift.js';

/**
 * The deploy trigger: on bootstrap, in the background, compares every code definition
 * with its live index and enqueues a FULL job where they differ (or where nothing serves
 * the alias yet). Start-up never waits for it. Only the replicas of the definition deployed
 * last act (a rolling deploy runs old code beside new). The check runs again on every
 * recovery tick and when a job ends here, where it only builds a definition that never had
 * a job: one whose job an operator cancelled, or that failed, waits for the next deploy. An alias
 * an operator rolled back from the code's definition is left alone until a deploy changes it.
 */
@Injectable()
export class DriftDetector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DriftDetector.name);
  private timer: NodeJS.Timeout | null = null;
  private detecting: Promise<void> | null = null;
  private deployChecked = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: IndexRegistry,
    private readonly routing: AliasRouting,
    private readonly store: JobStore,
    private readonly reindex: ReindexService,
    private readonly deployments: DefinitionDeployments,
    private readonly rollbacks: IndexRollback,
    private readonly migrations: MigrationStore,
    runner: JobRunner,
  ) {
    runner.onJobEnded(() => this.detect());
  }

  onApplicationBootstrap(): void {
    setImmediate(() => this.detect());
    this.timer = setInterval(() => this.detect(), this.config.reindex.recoveryIntervalMs);
  }

  /** A check in flight finishes while MySQL and OpenSearch are still open, and none starts after it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.detecting;
  }

  private detect(): void {
    if (this.stopped || this.detecting) return;
    this.detecting = this.detectAll()
      .then(() => void (this.deployChecked = true))
      .catch((error: Error) => {
        if (!this.stopped) this.logger.warn(`drift check failed, trying again in ${this.config.reindex.recoveryIntervalMs} ms: ${error.message}`);
      })
      .finally(() => (this.detecting = null));
  }

  async detectAll(): Promise<Record<string, DriftStatus | 'superseded-by-newer-deploy' | 'migrating'>> {
    await this.deployments.announce();
    const outcome: Record<string, DriftStatus | 'superseded-by-newer-deploy' | 'migrating'> = {};
    for (const definition of this.registry.all()) {
      const alias = this.registry.aliasFor(definition);
      if (!(await this.deployments.isNewest(definition))) {
        outcome[alias] = 'superseded-by-newer-deploy';
        continue;
      }
      outcome[alias] = await this.status(definition);
      // Rolled back by an operator from this very definition: rebuilding it would undo the rollback.
      if (outcome[alias] === 'rolled-back') continue;
      if (outcome[alias] !== 'in-sync') {
        // After the deploy's own check, only a definition that never had a job gets one.
        if (this.deployChecked && (await this.store.hasFullJobFor(alias, this.registry.definitionHash(definition)))) continue;
        const migration = await this.migrations.findActive(alias);
        if (migration && migration.state !== 'MIRRORING') {
          // Only while it mirrors is there an alias on both clusters to rebuild.
          if (!this.deployChecked) this.logger.warn(`${alias} is ${outcome[alias]} but moving to another cluster (migration ${migration.id}, ${migration.state}): not rebuilt until it mirrors or ends`);
          outcome[alias] = 'migrating';
          continue;
        }
        const why = await this.why(definition, outcome[alias]);
        const { job, created, mirrorJob } = await this.reindex.requestFull(alias, 'DEPLOY', why);
        const onNext = mirrorJob ? `, and job ${mirrorJob.id} on the next cluster` : '';
        if (created || !this.deployChecked) this.logger.log(`${alias} is ${why}: ${created ? 'enqueued' : 'already has'} job ${job.id}${onNext}`);
      } else {
        // A deploy rolled back to the live definition: a rebuild towards the newer one is obsolete.
        const superseded = await this.reindex.supersedeObsolete(alias);
        if (superseded) this.logger.log(`${alias} is in sync again: cancelled job ${superseded.id} built from another definition`);
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

  async status(definition: IndexDefinition): Promise<DriftStatus> {
    const alias = this.registry.aliasFor(definition);
    const gateway = await this.routing.gatewayOf(alias);
    const [live] = await gateway.getAliasTargets(alias);
    if (!live) return (await gateway.indexExists(alias)) ? 'legacy' : 'missing';
    const compared = compareDefinition(this.registry.definitionHash(definition), definition.mappings, await gateway.getIndexMeta(live));
    return compared === 'drifted' && (await this.rollbacks.holding(definition)) ? 'rolled-back' : compared;
  }
}
