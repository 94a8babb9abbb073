import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { IndexDefinition } from '../indices/index-definition.js';
import { IndexRegistry } from '../indices/index-registry.js';
import { SearchGateway } from '../opensearch/search-gateway.js';
import { ReindexService } from '../reindex/reindex.service.js';
import { compareDefinition, type DriftStatus } from './drift.js';

/**
 * The deploy trigger: on bootstrap, in the background, compares every code
 * definition with its live index and enqueues a FULL job where they differ (or
 * where nothing serves the alias yet). Start-up never waits for it; while
 * OpenSearch or MySQL do not answer it tries again on the recovery interval.
 */
@Injectable()
export class DriftDetector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DriftDetector.name);
  private retryTimer: NodeJS.Timeout | null = null;
  private detecting: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: IndexRegistry,
    private readonly gateway: SearchGateway,
    private readonly reindex: ReindexService,
  ) {}

  onApplicationBootstrap(): void {
    setImmediate(() => this.detect());
  }

  /** A check in flight finishes while MySQL and OpenSearch are still open, and none is retried after it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.detecting;
  }

  private detect(): void {
    if (this.stopped) return;
    this.detecting = this.detectUntilDone().finally(() => (this.detecting = null));
  }

  private async detectUntilDone(): Promise<void> {
    try {
      await this.detectAll();
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn(`drift check failed, trying again in ${this.config.reindex.recoveryIntervalMs} ms: ${(error as Error).message}`);
      this.retryTimer = setTimeout(() => this.detect(), this.config.reindex.recoveryIntervalMs);
    }
  }

  async detectAll(): Promise<Record<string, DriftStatus>> {
    const outcome: Record<string, DriftStatus> = {};
    for (const definition of this.registry.all()) {
      const alias = this.registry.aliasFor(definition);
      outcome[alias] = await this.status(definition);
      if (outcome[alias] !== 'in-sync') {
        const { job, created } = await this.reindex.requestFull(alias, 'DEPLOY');
        this.logger.log(`${alias} is ${outcome[alias]}: ${created ? 'enqueued' : 'already has'} job ${job.id}`);
      } else {
        // A deploy rolled back to the live definition: a rebuild towards the newer one is obsolete.
        const superseded = await this.reindex.supersedeObsolete(alias);
        if (superseded) this.logger.log(`${alias} is in sync again: cancelled job ${superseded.id} built from another definition`);
      }
    }
    return outcome;
  }

  async status(definition: IndexDefinition): Promise<DriftStatus> {
    const alias = this.registry.aliasFor(definition);
    const [live] = await this.gateway.getAliasTargets(alias);
    if (!live) return (await this.gateway.indexExists(alias)) ? 'legacy' : 'missing';
    return compareDefinition(this.registry.definitionHash(definition), definition.mappings, await this.gateway.getIndexMeta(live));
  }
}
