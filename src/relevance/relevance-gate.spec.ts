import { summarize } from './comparison-summary.js';
import { compareQuery, type RankScores, type SideOutcome } from './query-comparison.js';
import { judgeRelevance, type RelevanceThresholds } from './relevance-gate.js';

const answer = (total: number, top: string[]): SideOutcome => ({ total, hits: top.map((id, i) => ({ id, score: 100 - i })), latenciesMs: [5] });
const THRESHOLDS: RelevanceThresholds = { maxNdcgDrop: 0.02, minMeanOverlap: 0.8, altersRanking: false };

/** A report of named queries, each with the two sides' answers and, when judged, their nDCG/MRR. */
function report(queries: { name: string; current: SideOutcome; next: SideOutcome; scores?: { current: RankScores; next: RankScores } }[]) {
  const comparisons = queries.map((query) => compareQuery({ name: query.name, body: {} }, query.current, query.next, query.scores));
  return { summary: summarize(comparisons, queries), queries: comparisons };
}

const same = (name: string) => ({ name, current: answer(3, ['1', '2', '3']), next: answer(3, ['1', '2', '3']) });

describe('judgeRelevance', () => {
  it('passes identical answers', () => {
    expect(judgeRelevance(report([same('a'), same('b')]), THRESHOLDS)).toEqual({ failures: [], failingQueries: [] });
  });

  it('names a query that lost all its hits, and one that fails on the candidate only', () => {
    const judged = judgeRelevance(
      report([same('kept'), { name: 'jazz', current: answer(4, ['1', '2']), next: answer(0, []) }, { name: 'broken', current: answer(1, ['1']), next: { error: 'search_phase_execution_exception' } }]),
      { ...THRESHOLDS, altersRanking: true },
    );
    expect(judged.failures).toEqual(['1 query finds nothing that found documents before: "jazz"', '1 query fails on the candidate only: "broken"']);
    expect(judged.failingQueries).toEqual(['jazz', 'broken']);
  });

  it('blocks an nDCG@10 drop beyond the threshold and lets one within it through', () => {
    const judgedBy = (next: number) =>
      judgeRelevance(report([{ name: 'rated', current: answer(2, ['1', '2']), next: answer(2, ['1', '2']), scores: { current: { ndcg: 0.9, mrr: 1 }, next: { ndcg: next, mrr: 1 } } }]), THRESHOLDS);
    expect(judgedBy(0.88).failures).toEqual([]);
    expect(judgedBy(0.5)).toEqual({ failures: ['mean nDCG@10 of the judged queries dropped from 0.9 to 0.5, more than 0.02; dropped most: "rated"'], failingQueries: ['rated'] });
  });

  it('holds the overlap floor unless the change declares it alters ranking', () => {
    const reordered = report([same('a'), { name: 'moved', current: answer(4, ['1', '2', '3', '4']), next: answer(4, ['5', '6', '7', '1']) }]);
    expect(judgeRelevance(reordered, THRESHOLDS)).toEqual({
      failures: ['mean top-10 overlap 0.625 is below 0.8 (declare altersRanking when the change means to reorder); furthest apart: "moved"'],
      failingQueries: ['moved'],
    });
    expect(judgeRelevance(reordered, { ...THRESHOLDS, altersRanking: true }).failures).toEqual([]);
  });
});
