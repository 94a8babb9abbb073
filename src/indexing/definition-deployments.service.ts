import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { JobStore, type DeployedDefinition } from '../job-store/index.js';
import { IndexingErrorCode, IndexingException } from './indexing.exception.js';
import { rollbackHolds } from './rollback-hold.js';

/** What the writer of an index built from another definition knows of the alias where it writes. */
export interface OtherDefinitionWrite {
  /** The index the alias serves there, whose definition is not this replica's. */
  readonly servedIndex: string | undefined;
  /** A job builds this replica's definition of the alias there. */
  readonly buildingOwnDefinition: boolean;
}

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

  /** The definitions live replicas announce, oldest first seen first: two of one alias while a rolling deploy runs. */
  liveDefinitions(): Promise<DeployedDefinition[]> {
    return this.store.listDeployedDefinitions(this.liveWindowMs());
  }

  /** The definition hash of the alias deployed last, among replicas still alive; null when none announced it. */
  async newestHash(alias: string): Promise<string | null> {
    const deployed = await this.liveDefinitions();
    return deployed.filter((definition) => definition.alias === alias).at(-1)?.definitionHash ?? null;
  }

  /** True when some live replica announced this definition of the alias. */
  async isDeployed(alias: string, definitionHash: string): Promise<boolean> {
    const deployed = await this.liveDefinitions();
    return deployed.some((definition) => definition.alias === alias && definition.definitionHash === definitionHash);
  }

  /** This replica's definition of the alias is the newest (or no one announced any). */
  async isNewest(definition: IndexDefinition): Promise<boolean> {
    const newest = await this.newestHash(this.registry.aliasFor(definition));
    return newest === null || newest === this.registry.definitionHash(definition);
  }

  /** Refuses to build from a definition a newer deploy has replaced: the replicas that have the new one build it. */
  async requireNewest(definition: IndexDefinition): Promise<void> {
    if (!(await this.isNewest(definition))) throw await this.notCurrent(definition);
  }

  /**
   * The one rule for writing an index built from another definition (with only the fields its
   * mapping has; live writes, the migration's mirror and an operator's sync all ask it). A replica
   * writes it while a job builds its own definition, while an operator's rollback from its
   * definition to that index holds, and whenever its definition is the one deployed last: so the
   * alias's writes never wait for a job (one may be impossible until a migration moves on) nor for
   * replicas that a deploy removes. Only an older replica leaves the index alone: it would write a
   * shape the newer code replaced.
   */
  async mayWriteOtherDefinition(definition: IndexDefinition, write: OtherDefinitionWrite): Promise<boolean> {
    if (write.buildingOwnDefinition || (await this.isNewest(definition))) return true;
    const alias = this.registry.aliasFor(definition);
    return rollbackHolds(await this.store.findRollback(alias), write.servedIndex, this.registry.definitionHash(definition));
  }

  /** As mayWriteOtherDefinition, refusing (DEFINITION_NOT_CURRENT) where it answers no. */
  async requireMayWriteOtherDefinition(definition: IndexDefinition, write: OtherDefinitionWrite): Promise<void> {
    if (!(await this.mayWriteOtherDefinition(definition, write))) throw await this.notCurrent(definition);
  }

  private async notCurrent(definition: IndexDefinition): Promise<IndexingException> {
    const alias = this.registry.aliasFor(definition);
    return new IndexingException(
      IndexingErrorCode.DEFINITION_NOT_CURRENT,
      `this replica runs an older definition of ${alias} than the one deployed last (${(await this.newestHash(alias))?.slice(0, 12)}); a rolling deploy is under way: ask again, a replica with the new code will take it`,
    );
  }

  /** A replica counts as alive while it announced within three recovery ticks (and three leases). */
  private liveWindowMs(): number {
    return 3 * Math.max(this.config.reindex.recoveryIntervalMs, this.config.reindex.leaseMs);
  }
}
