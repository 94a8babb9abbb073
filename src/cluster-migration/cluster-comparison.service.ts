import { Injectable } from '@nestjs/common';
import type { ClusterRole } from '../config/index.js';
import { IndexRegistry } from '../indices/index.js';
import { SearchClusters, type ClusterInfo, type SearchGateway } from '../opensearch/index.js';
import { ClusterMigrationErrorCode, ClusterMigrationException } from './cluster-migration.exception.js';
import { sampleQueries, textFieldsOf, type ComparisonQuery } from './sample-queries.js';
import { compareQuery, summarize, type ClusterOutcome, type ComparisonSummary, type QueryComparison } from './search-comparison.js';

/** Hits compared per query: the first page a user sees. */
const TOP = 10;
/** Same seed every time, so the derived sample is the same queries from one comparison to the next. */
const SAMPLE_SEED = 20261202;

export interface ComparisonRequest {
  /** Searches to run; derived from documents sampled from the current cluster when absent. */
  readonly queries?: readonly ComparisonQuery[];
  /** Timed runs per query on each cluster, after one untimed run. */
  readonly repeat: number;
  /** How many queries to derive when none are given. */
  readonly sampleSize: number;
}

export interface ComparisonReport {
  readonly alias: string;
  readonly clusters: Record<ClusterRole, ClusterInfo>;
  readonly repeat: number;
  /** Whether the queries were given or derived from sampled documents. */
  readonly queriesFrom: 'request' | 'sample';
  readonly summary: ComparisonSummary;
  readonly queries: readonly QueryComparison[];
}

/**
 * Runs the same searches through the alias on the current and the next cluster and compares the
 * answers (hit counts, first page, ranks) and the latencies, the step that shows whether the
 * application can move its reads. Runs alternate which cluster goes first, so neither always
 * finds the other's work in the operating system's caches.
 */
@Injectable()
export class ClusterComparison {
  constructor(
    private readonly clusters: SearchClusters,
    private readonly registry: IndexRegistry,
  ) {}

  async compare(alias: string, request: ComparisonRequest): Promise<ComparisonReport> {
    const definition = this.registry.byAlias(alias);
    const next = this.clusters.next;
    if (!next) throw new ClusterMigrationException(ClusterMigrationErrorCode.NO_NEXT_CLUSTER, 'no next cluster to compare with: set OPENSEARCH_NEXT_NODE');
    const sides = { current: this.clusters.current, next };
    const [currentInfo, nextInfo] = await Promise.all([sides.current.clusterInfo(), sides.next.clusterInfo()]);
    for (const role of ['current', 'next'] as const) {
      if ((await sides[role].getAliasTargets(alias)).length === 0) {
        throw new ClusterMigrationException(ClusterMigrationErrorCode.ALIAS_NOT_ON_CLUSTER, `the ${role} cluster has no alias ${alias}${role === 'next' ? ' yet: migrate the index there first' : ''}`);
      }
    }
    const queries = request.queries ?? (await this.derivedQueries(sides.current, alias, textFieldsOf(definition.mappings), request.sampleSize));
    const answers: { current: ClusterOutcome; next: ClusterOutcome }[] = [];
    for (const query of queries) answers.push(await this.run(sides, alias, query.body, request.repeat));
    const comparisons = queries.map((query, i) => compareQuery(query.name, query.body, answers[i].current, answers[i].next));
    return {
      alias,
      clusters: { current: currentInfo, next: nextInfo },
      repeat: request.repeat,
      queriesFrom: request.queries ? 'request' : 'sample',
      summary: summarize(comparisons, answers),
      queries: comparisons,
    };
  }

  private async derivedQueries(current: SearchGateway, alias: string, textFields: readonly string[], size: number): Promise<ComparisonQuery[]> {
    if (textFields.length === 0) return [{ name: 'all documents', body: { query: { match_all: {} } } }];
    const sample = await current.search(alias, {
      size,
      _source: textFields,
      query: { function_score: { query: { match_all: {} }, random_score: { seed: SAMPLE_SEED, field: '_seq_no' } } },
    });
    return sampleQueries(textFields, sample.hits.map((hit) => hit.source));
  }

  /** One untimed run on each side gives the answer; then `repeat` timed runs each, in alternating order. */
  private async run(sides: Record<ClusterRole, SearchGateway>, alias: string, body: Record<string, unknown>, repeat: number) {
    const request = { ...body, size: TOP, track_total_hits: true, _source: false };
    const outcomes = { current: await first(sides.current, alias, request), next: await first(sides.next, alias, request) };
    for (let run = 0; run < repeat; run++) {
      for (const role of run % 2 === 0 ? (['next', 'current'] as const) : (['current', 'next'] as const)) {
        const outcome = outcomes[role];
        if ('error' in outcome) continue;
        const started = performance.now();
        try {
          await sides[role].search(alias, request);
          outcome.latenciesMs.push(performance.now() - started);
        } catch (error) {
          outcomes[role] = { error: (error as Error).message };
        }
      }
    }
    return outcomes;
  }
}

async function first(gateway: SearchGateway, alias: string, request: Record<string, unknown>): Promise<{ total: number; top: string[]; latenciesMs: number[] } | { error: string }> {
  try {
    const result = await gateway.search(alias, request);
    // A partial answer would compare as a different one; it says more as what it is.
    if (result.failedShards > 0) return { error: `${result.failedShards} shards failed to answer` };
    return { total: result.total, top: result.hits.map((hit) => hit.id), latenciesMs: [] };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
