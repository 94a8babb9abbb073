import type { QueryComparison } from './query-comparison.js';
import type { RelevanceReport } from './relevance-comparison.service.js';

/** What a candidate index must keep of the live one's search answers before it is promoted. */
export interface RelevanceThresholds {
  /** The judged queries' mean nDCG@10 may drop by at most this much. */
  readonly maxNdcgDrop: number;
  /** The mean tie-aware top-10 overlap must stay at or above this, unless the change alters ranking. */
  readonly minMeanOverlap: number;
  /** The change is declared to alter ranking: the overlap floor does not apply (nDCG and lost hits still do). */
  readonly altersRanking: boolean;
}

/**
 * `passed`: within every threshold. `blocked`: a threshold crossed on the alias's own query set;
 * the candidate waits for an operator. `reported`: crossed on queries derived from sampled
 * documents, which only report. `approved`: crossed, and an operator let it through.
 */
export type GateVerdict = 'passed' | 'blocked' | 'reported' | 'approved';

export interface GateJudgement {
  /** One line per threshold crossed, naming the queries that crossed it. */
  readonly failures: readonly string[];
  /** The queries named in `failures`, in the set's order. */
  readonly failingQueries: readonly string[];
}

/** Judges a comparison (current = live, next = candidate) against the thresholds. */
export function judgeRelevance(report: Pick<RelevanceReport, 'summary' | 'queries'>, thresholds: RelevanceThresholds): GateJudgement {
  const failures: string[] = [];
  const failing = new Set<string>();
  const name = (queries: readonly QueryComparison[]) => queries.map((query) => `"${query.name}"`).join(', ');

  const lost = report.queries.filter((query) => query.lostAllHits);
  if (lost.length > 0) {
    failures.push(`${lost.length} ${lost.length === 1 ? 'query finds' : 'queries find'} nothing that found documents before: ${name(lost)}`);
    lost.forEach((query) => failing.add(query.name));
  }
  const failed = report.queries.filter((query) => query.next.error !== null && query.current.error === null);
  if (failed.length > 0) {
    failures.push(`${failed.length} ${failed.length === 1 ? 'query fails' : 'queries fail'} on the candidate only: ${name(failed)}`);
    failed.forEach((query) => failing.add(query.name));
  }
  const ndcg = report.summary.ndcg;
  if (ndcg && -ndcg.difference > thresholds.maxNdcgDrop + EPSILON) {
    const dropped = report.queries.filter((query) => query.ndcg !== null && -query.ndcg.difference > thresholds.maxNdcgDrop + EPSILON);
    failures.push(`mean nDCG@10 of the judged queries dropped from ${ndcg.current} to ${ndcg.next}, more than ${thresholds.maxNdcgDrop}${dropped.length > 0 ? `; dropped most: ${name(dropped)}` : ''}`);
    dropped.forEach((query) => failing.add(query.name));
  }
  const overlap = report.summary.meanTopOverlap;
  if (!thresholds.altersRanking && overlap !== null && overlap < thresholds.minMeanOverlap - EPSILON) {
    const apart = report.queries.filter((query) => query.topOverlap !== null && query.topOverlap < thresholds.minMeanOverlap - EPSILON);
    failures.push(`mean top-10 overlap ${overlap} is below ${thresholds.minMeanOverlap} (declare altersRanking when the change means to reorder); furthest apart: ${name(apart)}`);
    apart.forEach((query) => failing.add(query.name));
  }
  return { failures, failingQueries: report.queries.map((query) => query.name).filter((query) => failing.has(query)) };
}

/** Reports round to a thousandth; a threshold met to that precision is met. */
const EPSILON = 1e-9;
