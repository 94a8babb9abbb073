import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { AliasRouting, rollbackHolds } from '../../indexing/index.js';
import { fieldsMissingFrom, IndexRegistry, type IndexDefinition } from '../../indices/index.js';
import { isActiveMigration, JobStore, type Rollback } from '../../job-store/index.js';
import { OpenSearchGatewayException, OpenSearchGatewayExceptionCode, type SearchGateway } from '../../opensearch/index.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';

export interface RollbackOutcome {
  readonly alias: string;
  readonly fromIndex: string;
  readonly toIndex: string;
  /** The code's definition, which drift and schedules no longer rebuild while the rollback holds. */
  readonly heldDefinitionHash: string;
}

/**
 * Moves an alias back to the index it served before its last swap, in one `_aliases` call, and
 * remembers it: the definition rolled back from is not rebuilt by a deploy check or a schedule
 * while the alias still serves the index rolled back to and the code still has that definition
 * (a deploy that changes it, or a manual rebuild, ends that). Deletes nothing: retained indices
 * stay IndexLifecycle's.
 */
@Injectable()
export class IndexRollback {
  private readonly logger = new Logger(IndexRollback.name);

  constructor(
    private readonly config: AppConfig,
    private readonly registry: IndexRegistry,
    private readonly store: JobStore,
    private readonly routing: AliasRouting,
  ) {}

  async rollback(definition: IndexDefinition): Promise<RollbackOutcome> {
    const alias = this.registry.aliasFor(definition);
    const active = await this.store.findActiveJob(alias);
    if (active) refuse(`job ${active.id} (${active.kind} ${active.status}) of ${alias} has not ended: cancel it or let it finish, then roll back`);
    const { gateway, migration } = await this.routing.routeOf(alias);
    if (migration && isActiveMigration(migration)) refuse(`${alias} is moving to another cluster (migration ${migration.id}, ${migration.state}): abort or finish the migration, then roll back`);
    const live = await gateway.getAliasTargets(alias);
    if (live.length !== 1) refuse(live.length === 0 ? `alias ${alias} serves no index yet` : `alias ${alias} serves ${live.join(', ')}, not one index`);
    const [fromIndex] = live;
    const toIndex = await this.store.findReplacedBy(alias, fromIndex);
    if (!toIndex || toIndex === alias) refuse(`nothing to roll back to: no index served ${alias} before ${fromIndex} through this service`);
    const previous = await this.previousMeta(gateway, toIndex);
    if (!previous) refuse(`nothing to roll back to: ${toIndex}, which served ${alias} before ${fromIndex}, was deleted (REINDEX_RETAIN_PREVIOUS=${this.config.reindex.retainPrevious} previous indices are kept)`);
    if (previous.definitionHash === null) refuse(`${toIndex} carries no definition hash (it was not created by this service); refusing to serve it`);
    // Live updates keep writing the code's documents: into an index that lacks some of their fields they would fail.
    const missing = fieldsMissingFrom(previous.mappings, definition.mappings);
    if (missing.length > 0) refuse(`${toIndex} does not map ${missing.join(', ')}, which the running code writes: live updates would fail there; roll the code back instead`);
    const heldDefinitionHash = this.registry.definitionHash(definition);
    // Recorded first: a swap that then fails leaves a record that holds nothing (the alias is not on toIndex).
    await this.store.saveRollback({ alias, fromIndex, toIndex, heldDefinitionHash, instanceId: this.config.instanceId });
    await gateway.swapAlias({ alias, addIndex: toIndex, removeFrom: [fromIndex] });
    this.logger.log(`${alias} rolled back from ${fromIndex} to ${toIndex}; definition ${heldDefinitionHash.slice(0, 12)} is not rebuilt until a deploy changes it`);
    return { alias, fromIndex, toIndex, heldDefinitionHash };
  }

  /** The alias's rollback while it holds the code's definition back from rebuilds; null otherwise. */
  async holding(definition: IndexDefinition): Promise<Rollback | null> {
    const alias = this.registry.aliasFor(definition);
    const rollback = await this.store.findRollback(alias);
    if (!rollback || rollback.heldDefinitionHash !== this.registry.definitionHash(definition)) return null;
    const live = await (await this.routing.gatewayOf(alias)).getAliasTargets(alias);
    return live.length === 1 && rollbackHolds(rollback, live[0], rollback.heldDefinitionHash) ? rollback : null;
  }

  private async previousMeta(gateway: SearchGateway, index: string) {
    try {
      return await gateway.getIndexMeta(index);
    } catch (error) {
      if (error instanceof OpenSearchGatewayException && error.code === OpenSearchGatewayExceptionCode.INDEX_NOT_FOUND) return null;
      throw error;
    }
  }
}

function refuse(message: string): never {
  throw new ReindexException(ReindexErrorCode.ROLLBACK_REFUSED, message);
}
