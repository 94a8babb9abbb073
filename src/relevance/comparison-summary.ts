import { changeOf, latencyOf, round, type LatencyFigures, type QueryComparison, type ScoreChange, type SideAnswer, type SideOutcome } from './query-comparison.js';

export interface ComparisonSummary {
  readonly queries: number;
  /** Queries that failed on either side. */
  readonly failed: number;
  readonly sameTotal: number;
  readonly meanTopOverlap: number | null;
  readonly meanRbo: number | null;
  readonly meanJaccard: number | null;
  /** Names of the queries that matched documents on the current side and none on the next, and the other way round. */
  readonly lostAllHits: readonly string[];
  readonly gainedAllHits: readonly string[];
  /** Judged queries (with ratings) both sides answered; nDCG@10 and MRR@10 are their means. */
  readonly judged: number;
  readonly ndcg: ScoreChange | null;
  readonly mrr: ScoreChange | null;
  /** Over every timed run of every query that both sides answered. */
  readonly latencyMs: { readonly current: LatencyFigures; readonly next: LatencyFigures };
}

/** The whole run at a glance; latencies pooled over the queries both sides answered, so the two sides run the same work. */
export function summarize(comparisons: readonly QueryComparison[], answers: readonly { current: SideOutcome; next: SideOutcome }[]): ComparisonSummary {
  const answered = answers.filter((pair): pair is { current: SideAnswer; next: SideAnswer } => !('error' in pair.current) && !('error' in pair.next));
  const judged = comparisons.filter((comparison) => comparison.ndcg !== null && comparison.mrr !== null);
  return {
    queries: comparisons.length,
    failed: comparisons.length - answered.length,
    sameTotal: comparisons.filter((comparison) => comparison.sameTotal).length,
    meanTopOverlap: meanOf(comparisons.map((comparison) => comparison.topOverlap)),
    meanRbo: meanOf(comparisons.map((comparison) => comparison.rbo)),
    meanJaccard: meanOf(comparisons.map((comparison) => comparison.jaccard)),
    lostAllHits: comparisons.filter((comparison) => comparison.lostAllHits).map((comparison) => comparison.name),
    gainedAllHits: comparisons.filter((comparison) => comparison.gainedAllHits).map((comparison) => comparison.name),
    judged: judged.length,
    ndcg: meanChange(judged.map((comparison) => comparison.ndcg!)),
    mrr: meanChange(judged.map((comparison) => comparison.mrr!)),
    latencyMs: {
      current: latencyOf(answered.flatMap((pair) => pair.current.latenciesMs)),
      next: latencyOf(answered.flatMap((pair) => pair.next.latenciesMs)),
    },
  };
}

/** The mean of the values present, to a thousandth; null when none is. */
export function meanOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length > 0 ? round(present.reduce((sum, value) => sum + value, 0) / present.length) : null;
}

/** `_rank_eval`'s own total is this mean of the per-query scores. */
function meanChange(changes: readonly ScoreChange[]): ScoreChange | null {
  if (changes.length === 0) return null;
  return changeOf(meanOf(changes.map((change) => change.current))!, meanOf(changes.map((change) => change.next))!);
}
