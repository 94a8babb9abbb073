import { summarize } from './comparison-summary.js';
import { compareQuery, latencyOf } from './query-comparison.js';

/** Hits with falling scores, so no ties. */
const answer = (total: number, top: string[], latenciesMs: number[] = [10]) => ({ total, hits: top.map((id, i) => ({ id, score: 100 - i })), latenciesMs });
const query = (name = 'q') => ({ name, body: { query: { match_all: {} } } });

describe('compareQuery', () => {
  it('reports equal answers as equal: overlap, RBO and Jaccard exactly 1', () => {
    const comparison = compareQuery(query(), answer(3, ['1', '2', '3']), answer(3, ['1', '2', '3']));

    expect(comparison).toMatchObject({ sameTotal: true, hitsChange: 0, topOverlap: 1, rbo: 1, jaccard: 1, rankDifference: { mean: 0, max: 0 }, judged: false, ndcg: null });
    expect(comparison.current).toEqual({ total: 3, top: ['1', '2', '3'], latencyMs: { p50: 10, p95: 10 }, error: null });
  });

  it('measures the overlap against the larger top and how far shared ids moved', () => {
    // 2 of 4 shared; "1" moved from 0 to 1, "3" from 2 to 0.
    const comparison = compareQuery(query(), answer(10, ['1', '2', '3', '4']), answer(9, ['3', '1', '7']));

    expect(comparison).toMatchObject({ sameTotal: false, hitsChange: -1, topOverlap: 0.5, jaccard: 0.4, rankDifference: { mean: 1.5, max: 2 } });
    expect(comparison.rbo).toBeGreaterThan(0);
    expect(comparison.rbo).toBeLessThan(1);
  });

  it('compares only the top 10 of the hits fetched', () => {
    const ids = Array.from({ length: 20 }, (_, i) => String(i));
    const comparison = compareQuery(query(), answer(20, ids), answer(20, [...ids.slice(0, 10), ...ids.slice(10).reverse()]));

    expect(comparison).toMatchObject({ rbo: 1, jaccard: 1 });
    expect(comparison.next.top).toHaveLength(10);
  });

  it('compares a group tied at the cut that runs past the window as a set: equal groups, equal tops', () => {
    // 3 hits above the cut, then 500 tied at score 5; each engine lists 17 of them, not the same ones.
    const side = (tiedIds: string[], tied = 500) => ({
      total: 503,
      hits: [...['a', 'b', 'c'].map((id, i) => ({ id, score: 9 - i })), ...tiedIds.map((id) => ({ id, score: 5 }))],
      latenciesMs: [5],
      cut: { score: 5, tied },
    });
    const ids = (from: number) => Array.from({ length: 17 }, (_, i) => `t${from + i}`);

    expect(compareQuery(query(), side(ids(0)), side(ids(100)))).toMatchObject({ topOverlap: 1, rbo: 1, jaccard: 1 });
    // Groups of different sizes are different answers: the picks are compared as they are.
    expect(compareQuery(query(), side(ids(0)), side(ids(100), 499)).topOverlap).toBe(0.3);
    expect(compareQuery(query(), side(ids(0)), { ...side(ids(100)), cut: { score: 5.5, tied: 500 } }).topOverlap).toBe(0.3);
  });

  it('says when a query lost or gained all its hits', () => {
    expect(compareQuery(query(), answer(4, ['1']), answer(0, []))).toMatchObject({ lostAllHits: true, gainedAllHits: false, rbo: 0, jaccard: 0 });
    expect(compareQuery(query(), answer(0, []), answer(2, ['1']))).toMatchObject({ lostAllHits: false, gainedAllHits: true });
    expect(compareQuery(query(), answer(0, []), answer(0, []))).toMatchObject({ sameTotal: true, topOverlap: 1, rbo: 1, jaccard: 1, rankDifference: null });
  });

  it('carries the judged scores of both sides and their difference', () => {
    const comparison = compareQuery(query(), answer(1, ['1']), answer(1, ['1']), { current: { ndcg: 0.9, mrr: 1 }, next: { ndcg: 0.6, mrr: 0.5 } });

    expect(comparison).toMatchObject({ judged: true, ndcg: { current: 0.9, next: 0.6, difference: -0.3 }, mrr: { current: 1, next: 0.5, difference: -0.5 } });
  });

  it('keeps a failure on one side as that side’s error and compares nothing', () => {
    const comparison = compareQuery(query(), answer(1, ['1']), { error: 'search failed: parsing_exception' });

    expect(comparison).toMatchObject({ sameTotal: false, hitsChange: null, topOverlap: null, rbo: null, jaccard: null, rankDifference: null });
    expect(comparison.next).toEqual({ total: null, top: null, latencyMs: null, error: 'search failed: parsing_exception' });
  });
});

describe('summarize', () => {
  it('pools the latencies of the queries both sides answered and averages their scores', () => {
    const pairs = [
      { current: answer(1, ['1'], [10, 20]), next: answer(1, ['1'], [5, 6]) },
      { current: answer(2, ['1', '2'], [30, 40]), next: answer(0, [], [7, 8]) },
      { current: answer(2, ['1'], [1000]), next: { error: 'timeout' } },
    ];
    const scores = [{ current: { ndcg: 1, mrr: 1 }, next: { ndcg: 0.5, mrr: 1 } }, undefined, undefined];
    const comparisons = pairs.map((pair, i) => compareQuery(query(`q${i}`), pair.current, pair.next, scores[i]));

    expect(summarize(comparisons, pairs)).toEqual({
      queries: 3,
      failed: 1,
      sameTotal: 1,
      meanTopOverlap: 0.5,
      meanRbo: 0.5,
      meanJaccard: 0.5,
      lostAllHits: ['q1'],
      gainedAllHits: [],
      judged: 1,
      ndcg: { current: 1, next: 0.5, difference: -0.5 },
      mrr: { current: 1, next: 1, difference: 0 },
      latencyMs: { current: { p50: 20, p95: 40 }, next: { p50: 6, p95: 8 } },
    });
  });
});

describe('latencyOf', () => {
  it('takes nearest-rank percentiles, and none of no samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencyOf(samples)).toEqual({ p50: 50, p95: 95 });
    expect(latencyOf([3.14159])).toEqual({ p50: 3.1, p95: 3.1 });
    expect(latencyOf([])).toEqual({ p50: null, p95: null });
  });
});
