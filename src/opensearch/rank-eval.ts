import type { RankEvalMetric, RankEvalRequest, RankEvalResult } from './search-gateway.js';

interface RankEvalResponse {
  readonly metric_score: number;
  readonly details?: Record<string, { readonly metric_score: number }>;
  readonly failures?: Record<string, { readonly error?: { readonly reason?: string; readonly type?: string } }>;
}

/** The `_rank_eval` body; ratings repeated for each concrete index, since the engine matches a rating by `_index` and `_id`. */
export function rankEvalBody(indices: readonly string[], requests: readonly RankEvalRequest[], metric: RankEvalMetric, k: number): Record<string, unknown> {
  return {
    requests: requests.map((request) => ({
      id: request.id,
      request: request.body,
      ratings: indices.flatMap((index) => Object.entries(request.ratings).map(([id, rating]) => ({ _index: index, _id: id, rating }))),
    })),
    metric: metric === 'ndcg' ? { dcg: { k, normalize: true } } : { mean_reciprocal_rank: { k, relevant_rating_threshold: 1 } },
  };
}

export function toRankEvalResult(body: unknown): RankEvalResult {
  const answer = body as RankEvalResponse;
  return {
    score: answer.metric_score,
    byRequest: Object.fromEntries(Object.entries(answer.details ?? {}).map(([id, detail]) => [id, detail.metric_score])),
    failures: Object.fromEntries(Object.entries(answer.failures ?? {}).map(([id, failure]) => [id, failure.error?.reason ?? failure.error?.type ?? 'failed'])),
  };
}
