import { rankEvalBody, toRankEvalResult } from './rank-eval.js';

describe('rankEvalBody', () => {
  const requests = [{ id: '0', body: { query: { match: { title: 'jazz' } } }, ratings: { '7': 3, '9': 0 } }];

  it('rates each document in every index behind the alias, and asks nDCG as normalized DCG', () => {
    expect(rankEvalBody(['events_v1', 'events_v2'], requests, 'ndcg', 10)).toEqual({
      requests: [
        {
          id: '0',
          request: { query: { match: { title: 'jazz' } } },
          ratings: [
            { _index: 'events_v1', _id: '7', rating: 3 },
            { _index: 'events_v1', _id: '9', rating: 0 },
            { _index: 'events_v2', _id: '7', rating: 3 },
            { _index: 'events_v2', _id: '9', rating: 0 },
          ],
        },
      ],
      metric: { dcg: { k: 10, normalize: true } },
    });
  });

  it('asks MRR with grade 1 and up as relevant', () => {
    expect(rankEvalBody(['events_v1'], requests, 'mrr', 10).metric).toEqual({ mean_reciprocal_rank: { k: 10, relevant_rating_threshold: 1 } });
  });
});

describe('toRankEvalResult', () => {
  it('reads the total, each request’s score and each failure’s reason', () => {
    const answer = {
      metric_score: 0.75,
      details: { '0': { metric_score: 1, unrated_docs: [], hits: [] }, '1': { metric_score: 0.5, unrated_docs: [], hits: [] } },
      failures: { '2': { error: { type: 'parsing_exception', reason: 'unknown query [nope]' } } },
    };
    expect(toRankEvalResult(answer)).toEqual({ score: 0.75, byRequest: { '0': 1, '1': 0.5 }, failures: { '2': 'unknown query [nope]' } });
  });
});
