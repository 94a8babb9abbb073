import { Injectable } from '@nestjs/common';
import { Metrics } from '../metrics/index.js';
import type { RankEvalMetric, RankEvalResult, SearchGateway } from '../opensearch/index.js';
import { summarize, type ComparisonSummary } from './comparison-summary.js';
import { compareQuery, TOP_K, type QueryComparison, type RankScores, type SideAnswer, type SideOutcome, type TieAtCut } from './query-comparison.js';
import type { ExpandedQuery } from './query-set.js';
import type { ScoredHit } from './top-overlap.js';

/** Hits fetched past the top k, so a group tied at the k-th score is seen whole (tieAwareTop). */
export const TIE_WINDOW = TOP_K;

/** One side of a comparison: an index or alias on a cluster. */
export interface ComparisonSide {
  readonly gateway: SearchGateway;
  readonly index: string;
}

export type Sides = { readonly current: ComparisonSide; readonly next: ComparisonSide };

export interface RelevanceReport {
  readonly summary: ComparisonSummary;
  readonly queries: readonly QueryComparison[];
  /** Why a side could not score (some of) the judged queries with `_rank_eval`; null when it scored them all. */
  readonly rankEvalErrors: { readonly current: string | null; readonly next: string | null };
}

/**
 * The one comparison of two indices on a query set (same cluster or two): per query and in total,
 * hit counts, the tie-aware top 10 (RBO, Jaccard, overlap, rank moves), `_rank_eval` nDCG@10 and
 * MRR@10 of the judged queries, and latency p50/p95 on each side. Timed runs alternate which side
 * goes first, so neither always finds the other's work in the operating system's caches.
 */
@Injectable()
export class RelevanceComparison {
  constructor(private readonly metrics: Metrics) {}

  /** `alias`: the alias whose gauges the totals set (reindexer_relevance_score); none for an ad-hoc pair. */
  async compare(sides: Sides, queries: readonly ExpandedQuery[], repeat: number, alias?: string): Promise<RelevanceReport> {
    const answers: { current: SideOutcome; next: SideOutcome }[] = [];
    for (const query of queries) answers.push(await runQuery(sides, query.body, repeat));
    const judged = queries.flatMap((query, i) => (query.ratings ? [{ id: String(i), body: query.body, ratings: query.ratings }] : []));
    const scores = { current: await rankScores(sides.current, judged), next: await rankScores(sides.next, judged) };
    const comparisons = queries.map((query, i) =>
      compareQuery(query, answers[i].current, answers[i].next, query.ratings ? { current: scores.current.byId.get(String(i)) ?? null, next: scores.next.byId.get(String(i)) ?? null } : undefined),
    );
    const summary = summarize(comparisons, answers);
    if (alias !== undefined) {
      this.metrics.relevanceCompared(alias, {
        rbo: summary.meanRbo,
        jaccard: summary.meanJaccard,
        ndcg_current: summary.ndcg?.current ?? null,
        ndcg_next: summary.ndcg?.next ?? null,
        mrr_current: summary.mrr?.current ?? null,
        mrr_next: summary.mrr?.next ?? null,
      });
    }
    return { summary, queries: comparisons, rankEvalErrors: { current: scores.current.error, next: scores.next.error } };
  }
}

/** One untimed run on each side gives the answer; then `repeat` timed runs each, in alternating order. */
async function runQuery(sides: Sides, body: Record<string, unknown>, repeat: number): Promise<{ current: SideOutcome; next: SideOutcome }> {
  const request = { ...body, size: TOP_K + TIE_WINDOW, track_total_hits: true, _source: false };
  const outcomes: { current: SideOutcome; next: SideOutcome } = { current: await first(sides.current, request), next: await first(sides.next, request) };
  for (let run = 0; run < repeat; run++) {
    for (const role of run % 2 === 0 ? (['next', 'current'] as const) : (['current', 'next'] as const)) {
      const outcome = outcomes[role];
      if ('error' in outcome) continue;
      const started = performance.now();
      try {
        await sides[role].gateway.search(sides[role].index, request);
        (outcome.latenciesMs as number[]).push(performance.now() - started);
      } catch (error) {
        outcomes[role] = { error: (error as Error).message };
      }
    }
  }
  return outcomes;
}

async function first(side: ComparisonSide, request: Record<string, unknown>): Promise<SideAnswer | { error: string }> {
  try {
    const result = await side.gateway.search(side.index, request);
    // A partial answer would compare as a different one; it says more as what it is.
    if (result.failedShards > 0) return { error: `${result.failedShards} shards failed to answer` };
    const hits = result.hits.map(({ id, score }) => ({ id, score }));
    return { total: result.total, hits, latenciesMs: [], cut: await tieAtCut(side, request, hits, result.total) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * The group of hits tied at the k-th score, when it runs past the fetched window: its score and how
 * many hits share it (a count of the hits scoring at least that, less those above it). Null when
 * the window holds the whole group, or the request sorts (no scores).
 */
async function tieAtCut(side: ComparisonSide, request: Record<string, unknown>, hits: readonly ScoredHit[], total: number): Promise<TieAtCut | null> {
  const cut = hits[TOP_K - 1]?.score;
  if (cut === undefined || cut === null || hits.length < TOP_K + TIE_WINDOW || hits.at(-1)!.score !== cut || total <= hits.length) return null;
  const atLeast = await side.gateway.search(side.index, { ...request, size: 0, min_score: cut });
  return { score: cut, tied: atLeast.total - hits.filter((hit) => hit.score! > cut).length };
}

/** nDCG@10 and MRR@10 of each judged request on one side; a request the engine could not rate is left out, and why is `error`. */
async function rankScores(
  side: ComparisonSide,
  judged: readonly { id: string; body: Record<string, unknown>; ratings: Readonly<Record<string, number>> }[],
): Promise<{ byId: Map<string, RankScores>; error: string | null }> {
  const byId = new Map<string, RankScores>();
  if (judged.length === 0) return { byId, error: null };
  // `_rank_eval` sets the page itself from k.
  const requests = judged.map(({ id, ratings, body: { size: _size, from: _from, ...body } }) => ({ id, body, ratings }));
  let results: RankEvalResult[];
  try {
    results = await Promise.all((['ndcg', 'mrr'] as RankEvalMetric[]).map((metric) => side.gateway.rankEval(side.index, requests, metric, TOP_K)));
  } catch (error) {
    return { byId, error: (error as Error).message };
  }
  const [ndcg, mrr] = results;
  for (const { id } of judged) {
    if (ndcg.byRequest[id] !== undefined && mrr.byRequest[id] !== undefined) byId.set(id, { ndcg: ndcg.byRequest[id], mrr: mrr.byRequest[id] });
  }
  const failures = Object.values({ ...ndcg.failures, ...mrr.failures });
  return { byId, error: failures.length > 0 ? `${failures.length} judged queries failed: ${failures[0]}` : null };
}
