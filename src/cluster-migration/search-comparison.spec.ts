import { compareQuery, latencyOf, summarize } from './search-comparison.js';

const answer = (total: number, top: string[], latenciesMs: number[] = [10]) => ({ total, top, latenciesMs });

describe('compareQuery', () => {
  it('reports equal answers as equal', () => {
    const comparison = compareQuery('q', { query: { match_all: {} } }, answer(3, ['1', '2', '3']), answer(3, ['1', '2', '3']));

    expect(comparison).toMatchObject({ sameTotal: true, topOverlap: 1, rankDifference: { mean: 0, max: 0 } });
    expect(comparison.current).toEqual({ total: 3, top: ['1', '2', '3'], latencyMs: { p50: 10, p95: 10 }, error: null });
  });

  it('measures the overlap against the larger page and how far shared ids moved', () => {
    // 2 of 4 shared; "1" moved from 0 to 1, "3" from 2 to 0.
    const comparison = compareQuery('q', {}, answer(10, ['1', '2', '3', '4']), answer(9, ['3', '1', '7']));

    expect(comparison).toMatchObject({ sameTotal: false, topOverlap: 0.5, rankDifference: { mean: 1.5, max: 2 } });
  });

  it('counts two empty pages as the same page, with nothing ranked', () => {
    expect(compareQuery('q', {}, answer(0, []), answer(0, []))).toMatchObject({ sameTotal: true, topOverlap: 1, rankDifference: null });
  });

  it('keeps a failure on one side as that side’s error and compares nothing', () => {
    const comparison = compareQuery('q', {}, answer(1, ['1']), { error: 'search failed: parsing_exception' });

    expect(comparison).toMatchObject({ sameTotal: false, topOverlap: null, rankDifference: null });
    expect(comparison.next).toEqual({ total: null, top: null, latencyMs: null, error: 'search failed: parsing_exception' });
  });
});

describe('summarize', () => {
  it('pools the latencies of the queries both clusters answered and averages their overlaps', () => {
    const pairs = [
      { current: answer(1, ['1'], [10, 20]), next: answer(1, ['1'], [5, 6]) },
      { current: answer(2, ['1', '2'], [30, 40]), next: answer(2, ['2', '9'], [7, 8]) },
      { current: answer(2, ['1'], [1000]), next: { error: 'timeout' } },
    ];
    const comparisons = pairs.map((pair, i) => compareQuery(`q${i}`, {}, pair.current, pair.next));

    expect(summarize(comparisons, pairs)).toEqual({
      queries: 3,
      failed: 1,
      sameTotal: 2,
      meanTopOverlap: 0.75,
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
