import { Injectable } from '@nestjs/common';
import type { ClusterRole } from '../config/index.js';
import { IndexRegistry } from '../indices/index.js';
import { SearchClusters, type ClusterInfo } from '../opensearch/index.js';
import { QuerySets, RelevanceComparison, type ComparisonSummary, type ExpandedQuery, type QueryComparison, type QuerySetSource } from '../relevance/index.js';
import { ClusterMigrationErrorCode, ClusterMigrationException } from './cluster-migration.exception.js';

export interface ComparisonRequest {
  /** Searches to run; the alias's query set (QuerySets) when absent. */
  readonly queries?: readonly ExpandedQuery[];
  /** Timed runs per query on each cluster, after one untimed run. */
  readonly repeat: number;
  /** How many queries to derive when the alias has no query set. */
  readonly sampleSize: number;
}

export interface ComparisonReport {
  readonly alias: string;
  readonly clusters: Record<ClusterRole, ClusterInfo>;
  readonly repeat: number;
  /** Whether the queries were given (`request`), the alias's query set (`set`) or derived from sampled documents (`sample`). */
  readonly queriesFrom: 'request' | 'set' | 'sample';
  /** Where the alias's query set came from; null when the request gave the queries. */
  readonly querySet: QuerySetSource | null;
  readonly summary: ComparisonSummary;
  readonly queries: readonly QueryComparison[];
}

/**
 * Runs the alias's searches on the current and the next cluster through RelevanceComparison, the
 * step that shows whether the application can move its reads.
 */
@Injectable()
export class ClusterComparison {
  constructor(
    private readonly clusters: SearchClusters,
    private readonly registry: IndexRegistry,
    private readonly querySets: QuerySets,
    private readonly relevance: RelevanceComparison,
  ) {}

  async compare(alias: string, request: ComparisonRequest): Promise<ComparisonReport> {
    // An alias no definition declares is 404 whatever the clusters.
    this.registry.byAlias(alias);
    const next = this.clusters.next;
    if (!next) throw new ClusterMigrationException(ClusterMigrationErrorCode.NO_NEXT_CLUSTER, 'no next cluster to compare with: set OPENSEARCH_NEXT_NODE');
    const sides = { current: this.clusters.current, next };
    const [currentInfo, nextInfo] = await Promise.all([sides.current.clusterInfo(), sides.next.clusterInfo()]);
    for (const role of ['current', 'next'] as const) {
      if ((await sides[role].getAliasTargets(alias)).length === 0) {
        throw new ClusterMigrationException(ClusterMigrationErrorCode.ALIAS_NOT_ON_CLUSTER, `the ${role} cluster has no alias ${alias}${role === 'next' ? ' yet: migrate the index there first' : ''}`);
      }
    }
    const set = request.queries ? null : await this.querySets.get(alias, sides.current, request.sampleSize);
    const report = await this.relevance.compare(
      { current: { gateway: sides.current, index: alias }, next: { gateway: sides.next, index: alias } },
      request.queries ?? set!.expanded,
      request.repeat,
      alias,
    );
    return {
      alias,
      clusters: { current: currentInfo, next: nextInfo },
      repeat: request.repeat,
      queriesFrom: set === null ? 'request' : set.derived ? 'sample' : 'set',
      querySet: set?.source ?? null,
      ...report,
    };
  }
}
