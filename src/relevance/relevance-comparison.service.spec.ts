import { Metrics } from '../metrics/metrics.js';
import type { RankEvalMetric, RankEvalRequest, SearchGateway } from '../opensearch/index.js';
import { RelevanceComparison } from './relevance-comparison.service.js';

/** A side that answers every search with the same hits and rates every judged request with `score`. */
function side(ids: string[], score: number | Error) {
  const searches: Record<string, unknown>[] = [];
  const rankEvals: { requests: readonly RankEvalRequest[]; metric: RankEvalMetric }[] = [];
  const gateway = {
    search: (_index: string, body: Record<string, unknown>) => {
      searches.push(body);
      return Promise.resolve({ total: ids.length, hits: ids.map((id, i) => ({ id, score: 10 - i, source: {} })), failedShards: 0 });
    },
    rankEval: (_index: string, requests: readonly RankEvalRequest[], metric: RankEvalMetric) => {
      rankEvals.push({ requests, metric });
      if (score instanceof Error) return Promise.reject(score);
      return Promise.resolve({ score, byRequest: Object.fromEntries(requests.map((request) => [request.id, score])), failures: {} });
    },
  } as unknown as SearchGateway;
  return { side: { gateway, index: 'events' }, searches, rankEvals };
}

describe('RelevanceComparison', () => {
  const queries = [
    { name: 'plain', body: { query: { match_all: {} } } },
    { name: 'judged', body: { query: { match: { title: 'jazz' } }, size: 3 }, ratings: { '1': 3 } },
  ];

  it('fetches past the top 10 with exact totals, times every repeat, and rates only the judged queries', async () => {
    const current = side(['1', '2'], 0.8);
    const next = side(['1', '2'], 0.6);
    const metrics = new Metrics();

    const report = await new RelevanceComparison(metrics).compare({ current: current.side, next: next.side }, queries, 3, 'events');

    expect(current.searches).toHaveLength(2 * 4);
    expect(current.searches[0]).toEqual({ query: { match_all: {} }, size: 20, track_total_hits: true, _source: false });
    expect(current.rankEvals.map(({ metric }) => metric)).toEqual(['ndcg', 'mrr']);
    // `_rank_eval` pages itself: the body's size is left out.
    expect(current.rankEvals[0].requests).toEqual([{ id: '1', body: { query: { match: { title: 'jazz' } } }, ratings: { '1': 3 } }]);
    expect(report.queries.map((query) => query.judged)).toEqual([false, true]);
    expect(report.summary).toMatchObject({ meanRbo: 1, judged: 1, ndcg: { current: 0.8, next: 0.6, difference: -0.2 } });
    expect(report.summary.latencyMs.current.p50).not.toBeNull();
    expect(report.rankEvalErrors).toEqual({ current: null, next: null });
    expect(await metrics.registry.getSingleMetricAsString('reindexer_relevance_score')).toContain('reindexer_relevance_score{alias="events",score="ndcg_next"} 0.6');
  });

  it('says why a side could not rate the judged queries, and compares the rest', async () => {
    const report = await new RelevanceComparison(new Metrics()).compare({ current: side(['1'], 1).side, next: side(['1'], new Error('rank eval refused')).side }, queries, 1);

    expect(report.rankEvalErrors).toEqual({ current: null, next: 'rank eval refused' });
    expect(report.queries[1]).toMatchObject({ judged: true, ndcg: null, rbo: 1 });
    expect(report.summary).toMatchObject({ judged: 0, ndcg: null });
  });
});
