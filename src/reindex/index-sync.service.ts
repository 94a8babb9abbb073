import { Injectable } from '@nestjs/common';
import type { ClusterRole } from '../config/index.js';
import { AliasRouting, DefinitionDeployments, DocumentSync, topLevelFields, writeTargets } from '../indexing/index.js';
import { IndexRegistry, type IndexDefinition } from '../indices/index.js';
import { SearchClusters, type SearchGateway } from '../opensearch/index.js';
import { AliasLookups } from './alias-lookups.service.js';
import { clusterNamed } from './cluster-named.js';
import { IndexRollback, type RollbackOutcome } from './lifecycle/index-rollback.service.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';
import { collector, IndexVerifier, type SyncReport, type VerifyOptions, type VerifyReport } from './verification/index-verifier.service.js';

/** Where a verify or a sync runs: the cluster's gateway, and its UUID as a job records it (null = the configured current cluster). */
export interface CheckTarget {
  readonly gateway: SearchGateway;
  readonly clusterUuid: string | null;
}

/** A check run as a job: its progress and cancel. */
export type CheckOptions = Pick<VerifyOptions, 'onProgress' | 'signal'>;

/** What an operator asks of the index behind an alias, answered in words: verify it, sync it, roll it back. */
@Injectable()
export class IndexSync {
  constructor(
    private readonly registry: IndexRegistry,
    private readonly lookups: AliasLookups,
    private readonly verifier: IndexVerifier,
    private readonly documents: DocumentSync,
    private readonly deployments: DefinitionDeployments,
    private readonly rollbacks: IndexRollback,
    private readonly clusters: SearchClusters,
    private readonly routing: AliasRouting,
  ) {}

  /** Compares the source with the index behind the alias: on the cluster it lives on, or the one named. */
  async verify(alias: string, cluster?: ClusterRole): Promise<VerifyReport> {
    return this.verifyOn(alias, await this.gatewayOf(alias, cluster));
  }

  async verifyOn(alias: string, gateway: SearchGateway, options: CheckOptions = {}): Promise<VerifyReport> {
    await this.requireLiveIndex(alias, gateway);
    return this.verifier.verifyOn(gateway, alias, options);
  }

  /**
   * Repairs exactly what verify finds: re-syncs missing, stale and extra documents
   * from MySQL into the live index and any index being built, restoring documents a
   * delete tombstone keeps out where that is safe (DocumentSync.repairIds). Far cheaper
   * than a rebuild for catching what real-time sync missed. What it could not repair is
   * in `unrepaired`.
   */
  async sync(alias: string, cluster?: ClusterRole): Promise<SyncReport> {
    return this.syncOn(alias, await this.gatewayOf(alias, cluster));
  }

  async syncOn(alias: string, gateway: SearchGateway, options: CheckOptions = {}): Promise<SyncReport> {
    const definition = this.lookups.definitionFor(alias);
    await this.requireSyncable(alias, gateway);
    const fields = await this.fieldsOfOtherDefinition(alias, gateway, definition);
    const unrepaired = collector();
    const report = await this.verifier.verifyOn(gateway, alias, {
      ...options,
      repair: async (ids) => {
        // Elsewhere than home the alias alone: an index built there belongs to a migration, which replays its own.
        const route = await this.routing.routeOf(alias);
        const building = gateway === route.gateway ? writeTargets(alias, route.buildingHere).filter((target) => target !== alias) : [];
        for (const id of await this.documents.repairIds(gateway, definition, ids, [alias], fields)) unrepaired.add(id);
        for (const id of await this.documents.repairIds(gateway, definition, ids, building)) unrepaired.add(id);
      },
    });
    const { total, ids } = unrepaired.report();
    const reason =
      total === 0
        ? null
        : `a delete tombstone more than one version above the row's keeps ${total === 1 ? 'this document' : `these ${total} documents`} out until it expires (index.gc_deletes, 60 s by default): sync again then, or rebuild`;
    return { ...report, unrepaired: { total, ids, reason } };
  }

  /**
   * Where a verify or a sync of the alias asked now would run, refused at once when it could not (no
   * such alias, no index there yet, and for a sync what syncOn refuses): a job is created only for a
   * check that can start.
   */
  async checkTarget(alias: string, kind: 'verify' | 'sync', cluster?: ClusterRole): Promise<CheckTarget> {
    const gateway = await this.gatewayOf(alias, cluster);
    if (kind === 'sync') {
      await this.requireSyncable(alias, gateway);
      await this.fieldsOfOtherDefinition(alias, gateway, this.lookups.definitionFor(alias));
    } else {
      await this.requireLiveIndex(alias, gateway);
    }
    return { gateway, clusterUuid: gateway === this.clusters.current ? null : (await gateway.clusterInfo()).clusterUuid };
  }

  /** Moves the alias back to the index it served before its last swap (IndexRollback). */
  async rollback(alias: string): Promise<RollbackOutcome> {
    return this.rollbacks.rollback(this.lookups.definitionFor(alias));
  }

  /**
   * The fields the alias's index takes when it was built from another definition (null when from
   * this replica's). As for the live writes, DefinitionDeployments.mayWriteOtherDefinition says
   * whether this replica writes it; where it may not, the sync is refused (DEFINITION_NOT_CURRENT).
   */
  private async fieldsOfOtherDefinition(alias: string, gateway: SearchGateway, definition: IndexDefinition): Promise<ReadonlySet<string> | null> {
    const [served] = await gateway.getAliasTargets(alias);
    const meta = await gateway.getIndexMeta(served);
    const ownHash = this.registry.definitionHash(definition);
    if (meta.definitionHash === null || meta.definitionHash === ownHash) return null;
    // As for the repair's targets: elsewhere than home, an index built there is a migration's.
    const route = await this.routing.routeOf(alias);
    const building = gateway === route.gateway ? route.buildingHere : null;
    await this.deployments.requireMayWriteOtherDefinition(definition, { servedIndex: served, buildingOwnDefinition: building?.definitionHash === ownHash });
    return topLevelFields(meta);
  }

  private async requireLiveIndex(alias: string, gateway: SearchGateway): Promise<void> {
    this.lookups.definitionFor(alias);
    if (!(await this.lookups.liveIndex(alias, gateway))) {
      const where = gateway === this.clusters.current ? '' : ` on the ${gateway === this.clusters.next ? 'next' : 'other'} cluster`;
      throw new ReindexException(ReindexErrorCode.NO_LIVE_INDEX, `alias ${alias} has no index yet${where}; its first build there has not swapped in`, true);
    }
  }

  private async requireSyncable(alias: string, gateway: SearchGateway): Promise<void> {
    await this.requireLiveIndex(alias, gateway);
    await this.lookups.refuseUnmanaged(alias, gateway, 'sync');
  }

  /** The cluster named (OPENSEARCH_NODE's or OPENSEARCH_NEXT_NODE's), or the one the alias lives on. */
  private async gatewayOf(alias: string, cluster?: ClusterRole): Promise<SearchGateway> {
    return cluster === undefined ? this.routing.gatewayOf(alias) : clusterNamed(this.clusters, cluster);
  }
}
