import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { JobStore } from '../job-store/index.js';
import { IndexingErrorCode, IndexingException } from './indexing.exception.js';

/**
 * Which definition of each alias is the one deployed last. A rolling deploy runs old and new
 * replicas side by side; each announces its definitions on every recovery tick. The newest is
 * the one first announced most recently among those some replica still announces: an old
 * replica that restarts mid-deploy is not newer for it, and a rollback wins once the replicas
 * of the rolled-back definition are gone.
 */
@Injectable()
export class DefinitionDeployments {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: IndexRegistry,
    private readonly store: JobStore,
  ) {}

  /** The hashes this replica's code has: the only jobs it may run. */
  ownHashes(): string[] {
    return this.registry.all().map((definition) => this.registry.definitionHash(definition));
  }

  async announce(): Promise<void> {
    await this.store.announceDefinitions(this.registry.all().map((definition) => ({ alias: this.registry.aliasFor(definition), definitionHash: this.registry.definitionHash(definition) })));
  }

  /** The definition hash of the alias deployed last, among replicas still alive; null when none announced it. */
  async newestHash(alias: string): Promise<string | null> {
    const deployed = await this.store.listDeployedDefinitions(this.liveWindowMs());
    return deployed.filter((definition) => definition.alias === alias).at(-1)?.definitionHash ?? null;
  }

  /** True when some live replica announced this definition of the alias. */
  async isDeployed(alias: string, definitionHash: string): Promise<boolean> {
    const deployed = await this.store.listDeployedDefinitions(this.liveWindowMs());
    return deployed.some((definition) => definition.alias === alias && definition.definitionHash === definitionHash);
  }

  /** This replica's definition of the alias is the newest (or no one announced any). */
  async isNewest(definition: IndexDefinition): Promise<boolean> {
    const newest = await this.newestHash(this.registry.aliasFor(definition));
    return newest === null || newest === this.registry.definitionHash(definition);
  }

  /** Refuses to build from a definition a newer deploy has replaced: the replicas that have the new one build it. */
  async requireNewest(definition: IndexDefinition): Promise<void> {
    if (await this.isNewest(definition)) return;
    const alias = this.registry.aliasFor(definition);
    throw new IndexingException(
      IndexingErrorCode.DEFINITION_NOT_CURRENT,
      `this replica runs an older definition of ${alias} than the one deployed last (${(await this.newestHash(alias))?.slice(0, 12)}); a rolling deploy is under way: ask again, a replica with the new code will take it`,
    );
  }

  /** A replica counts as alive while it announced within three recovery ticks (and three leases). */
  private liveWindowMs(): number {
    return 3 * Math.max(this.config.reindex.recoveryIntervalMs, this.config.reindex.leaseMs);
  }
}
