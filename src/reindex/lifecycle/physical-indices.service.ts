import { Injectable } from '@nestjs/common';
import { AppConfig, type ClusterRole } from '../../config/index.js';
import { IndexRegistry } from '../../indices/index.js';
import { homeClusterOf, isActiveMigration, JobStore, MigrationStore, type ClusterMigration } from '../../job-store/index.js';
import { SearchClusters, type ManagedIndex, type SearchGateway } from '../../opensearch/index.js';
import { clusterNamed } from '../cluster-named.js';
import { ReindexErrorCode, ReindexException } from '../reindex.exception.js';
import { IndexLifecycle } from './index-lifecycle.service.js';
import { rolesOf, servingAliases, type AliasOnCluster, type IndexRole } from './index-roles.js';

export interface PhysicalIndex {
  readonly index: string;
  /** The alias its `_meta` says it was created for. */
  readonly alias: string | null;
  readonly role: IndexRole;
  readonly why: string;
  /** Every alias that serves it (its write alias aside). */
  readonly aliases: readonly string[];
  readonly documents: number | null;
  readonly sizeBytes: number | null;
  readonly health: ManagedIndex['health'];
  readonly open: boolean;
  readonly createdAt: Date | null;
  readonly definitionHash: string | null;
}

export interface ClusterIndices {
  readonly cluster: ClusterRole;
  readonly clusterUuid: string | null;
  /** Null while the cluster answers; else why its indices are not listed. */
  readonly error: string | null;
  readonly indices: readonly PhysicalIndex[];
}

/**
 * Every physical index the service created, on each configured cluster, with what keeps it (its
 * role), and the operator's delete of an orphan. Which indices are ours is what each says of itself
 * (`_meta`), never its name; what keeps one is MySQL's record of jobs, migrations and rollbacks.
 */
@Injectable()
export class PhysicalIndices {
  constructor(
    private readonly config: AppConfig,
    private readonly clusters: SearchClusters,
    private readonly registry: IndexRegistry,
    private readonly store: JobStore,
    private readonly migrations: MigrationStore,
    private readonly lifecycle: IndexLifecycle,
  ) {}

  async list(): Promise<ClusterIndices[]> {
    const configured: [ClusterRole, SearchGateway][] = [['current', this.clusters.current]];
    if (this.clusters.next) configured.push(['next', this.clusters.next]);
    return Promise.all(
      configured.map(([cluster, gateway]) =>
        this.onCluster(cluster, gateway).catch((error: Error): ClusterIndices => ({ cluster, clusterUuid: null, error: error.message, indices: [] })),
      ),
    );
  }

  /** Deletes an index of ours that nothing keeps (role `orphan`, asked again now) through the one guarded delete. */
  async deleteOrphan(cluster: ClusterRole, index: string): Promise<{ readonly index: string; readonly cluster: ClusterRole; readonly outcome: 'deleted' | 'gone' }> {
    const gateway = clusterNamed(this.clusters, cluster);
    const listed = await this.onCluster(cluster, gateway);
    const found = listed.indices.find((candidate) => candidate.index === index);
    if (!found) throw new ReindexException(ReindexErrorCode.INDEX_NOT_MANAGED, `${index} is not an index this service created on the ${cluster} cluster: it deletes only its own`);
    if (found.role !== 'orphan') throw new ReindexException(ReindexErrorCode.NOT_AN_ORPHAN, `${index} is not an orphan (${found.role}: ${found.why}); only an index nothing keeps can be deleted`);
    const outcome = await this.lifecycle.deleteOwned(gateway, found.alias!, index, `an operator deleted the orphan (${found.why})`);
    if (outcome === 'kept') throw new ReindexException(ReindexErrorCode.NOT_AN_ORPHAN, `${index} was kept: it is served or built since it was listed (the log says which)`);
    return { index, cluster, outcome };
  }

  /** Throws when the cluster does not answer. */
  private async onCluster(cluster: ClusterRole, gateway: SearchGateway): Promise<ClusterIndices> {
    const [{ clusterUuid }, managed] = await Promise.all([gateway.clusterInfo(), gateway.listManagedIndices()]);
    const currentUuid = cluster === 'current' ? clusterUuid : (await this.clusters.current.clusterInfo().catch(() => null))?.clusterUuid ?? null;
    const building = new Set(await this.store.listActiveTargets());
    const indices: PhysicalIndex[] = [];
    for (const alias of new Set(managed.map((index) => index.alias))) {
      const ofAlias = managed.filter((index) => index.alias === alias);
      const roles = alias === null ? null : rolesOf(alias, ofAlias, building, await this.aliasOn(alias, ofAlias, clusterUuid, currentUuid), this.config.reindex.retainPrevious);
      for (const index of ofAlias) {
        const { role, why } = roles?.get(index.index) ?? { role: 'retained' as const, why: 'its _meta names no alias: the service never deletes it' };
        const { documents, sizeBytes, health, open, createdAt, definitionHash } = index;
        indices.push({ index: index.index, alias, role, why, aliases: servingAliases(index), documents, sizeBytes, health, open, createdAt, definitionHash });
      }
    }
    return { cluster, clusterUuid, error: null, indices: indices.sort((a, b) => a.index.localeCompare(b.index)) };
  }

  /** What MySQL says of the alias on the cluster `clusterUuid`; `currentUuid` names the configured current one (null: unknown now). */
  private async aliasOn(alias: string, indices: readonly ManagedIndex[], clusterUuid: string, currentUuid: string | null): Promise<AliasOnCluster> {
    const migration = await this.migrations.findLatest(alias);
    const place = placeOf(migration, clusterUuid, currentUuid);
    const live = indices.filter((index) => servingAliases(index).includes(alias)).map((index) => index.index);
    const [replaced, rollback] = live.length === 1 && place === 'home' ? await Promise.all([this.store.findReplacedBy(alias, live[0]), this.store.findRollback(alias)]) : [null, null];
    return {
      declared: this.registry.all().some((definition) => this.registry.aliasFor(definition) === alias),
      place,
      replaced,
      rolledBackFrom: rollback && rollback.toIndex === live[0] ? rollback.fromIndex : null,
    };
  }
}

/** Where the alias stands on the cluster `clusterUuid`: its home (the current cluster unless a migration moved it), or a migration's other end. */
function placeOf(migration: ClusterMigration | null, clusterUuid: string, currentUuid: string | null): AliasOnCluster['place'] {
  const home = migration ? homeClusterOf(migration) : currentUuid;
  if (home === clusterUuid) return 'home';
  if (!migration || !isActiveMigration(migration)) return 'elsewhere';
  if (migration.toClusterUuid === clusterUuid) return 'next';
  return migration.fromClusterUuid === clusterUuid ? 'previous' : 'elsewhere';
}
