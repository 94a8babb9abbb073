import { jaccard, rankBiasedOverlap, tieAwareTop, type ScoredHit } from './top-overlap.js';

/** Hits compared per query: the first page a user sees. */
export const TOP_K = 10;

/** One side's answer to a query: its first run gives the hits, every timed run a latency. */
export interface SideAnswer {
  /** Hits the query matched (track_total_hits on, so exact). */
  readonly total: number;
  /** More than the first page, best first, so the hits tied at the cut are seen (tieAwareTop). */
  readonly hits: readonly ScoredHit[];
  readonly latenciesMs: readonly number[];
  /** The hits tied at the k-th score when they run past the fetched window; null when the window holds them all. */
  readonly cut?: TieAtCut | null;
}

/** A group of hits sharing the k-th score, larger than the window fetched. */
export interface TieAtCut {
  readonly score: number;
  /** How many hits have that score, in all. */
  readonly tied: number;
}

export type SideOutcome = SideAnswer | { readonly error: string };

/** The engine's `_rank_eval` of one judged query on one side, at TOP_K. */
export interface RankScores {
  readonly ndcg: number;
  readonly mrr: number;
}

export interface LatencyFigures {
  readonly p50: number | null;
  readonly p95: number | null;
}

export type SideReport =
  | { readonly total: number; readonly top: readonly string[]; readonly latencyMs: LatencyFigures; readonly error: null }
  | { readonly total: null; readonly top: null; readonly latencyMs: null; readonly error: string };

/** A score on both sides and how it moved (next − current). */
export interface ScoreChange {
  readonly current: number;
  readonly next: number;
  readonly difference: number;
}

export interface QueryComparison {
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly current: SideReport;
  readonly next: SideReport;
  /** Both answered and matched the same number of documents. */
  readonly sameTotal: boolean;
  /** next − current hits matched; null unless both answered. */
  readonly hitsChange: number | null;
  /** Matched documents on the current side and none on the next (and the other way round). */
  readonly lostAllHits: boolean;
  readonly gainedAllHits: boolean;
  /** Share of the larger top found in both (1 when both are empty); null unless both answered. */
  readonly topOverlap: number | null;
  /** Extrapolated rank-biased overlap of the tops (p = 0.9); null unless both answered. */
  readonly rbo: number | null;
  /** |shared| / |either| of the tops; null unless both answered. */
  readonly jaccard: number | null;
  /** How far apart the ids found in both tops are ranked: mean and largest distance; null when none are shared. */
  readonly rankDifference: { readonly mean: number; readonly max: number } | null;
  /** The query has ratings: nDCG@10 and MRR@10 are the engine's `_rank_eval` on each side. */
  readonly judged: boolean;
  readonly ndcg: ScoreChange | null;
  readonly mrr: ScoreChange | null;
}

/** Compares the two sides' answers to one query; `scores` only for a judged query. */
export function compareQuery(
  query: { readonly name: string; readonly body: Record<string, unknown> },
  current: SideOutcome,
  next: SideOutcome,
  scores?: { readonly current: RankScores | null; readonly next: RankScores | null },
): QueryComparison {
  const both = !('error' in current) && !('error' in next) ? { current, next } : null;
  const tops = both && sameTies(both.current, both.next, { current: tieAwareTop(both.current.hits, both.next.hits, TOP_K), next: tieAwareTop(both.next.hits, both.current.hits, TOP_K) });
  const currentScores = scores?.current ?? null;
  const nextScores = scores?.next ?? null;
  const judgedOnBoth = currentScores && nextScores ? { current: currentScores, next: nextScores } : null;
  return {
    name: query.name,
    body: query.body,
    current: reportOf(current, tops?.current),
    next: reportOf(next, tops?.next),
    sameTotal: both !== null && both.current.total === both.next.total,
    hitsChange: both && both.next.total - both.current.total,
    lostAllHits: both !== null && both.current.total > 0 && both.next.total === 0,
    gainedAllHits: both !== null && both.current.total === 0 && both.next.total > 0,
    topOverlap: tops && round(overlapOf(tops.current, tops.next)),
    rbo: tops && round(rankBiasedOverlap(tops.current, tops.next)),
    jaccard: tops && round(jaccard(tops.current, tops.next)),
    rankDifference: tops && rankDifferenceOf(tops.current, tops.next),
    judged: scores !== undefined,
    ndcg: judgedOnBoth && changeOf(judgedOnBoth.current.ndcg, judgedOnBoth.next.ndcg),
    mrr: judgedOnBoth && changeOf(judgedOnBoth.current.mrr, judgedOnBoth.next.mrr),
  };
}

/**
 * Hits tied at the cut compared as a set when the group runs past the window: the engine may list
 * any of them, so which ones it listed says nothing. When both sides rank the same hits above the
 * cut and have a group of the same score and size at it, the slots after the hits above the cut are
 * the same on both: the next side's top takes the current side's picks there.
 */
export function sameTies(current: SideAnswer, next: SideAnswer, tops: { current: string[]; next: string[] }): { current: string[]; next: string[] } {
  if (!current.cut || !next.cut || !sameScore(current.cut.score, next.cut.score) || current.cut.tied !== next.cut.tied) return tops;
  const above = (answer: SideAnswer) => answer.hits.filter((hit) => hit.score! > answer.cut!.score).map((hit) => hit.id);
  const [currentAbove, nextAbove] = [above(current), above(next)];
  if (currentAbove.length !== nextAbove.length || !currentAbove.every((id) => nextAbove.includes(id))) return tops;
  const aboveSet = new Set(currentAbove);
  return { current: tops.current, next: [...tops.next.filter((id) => aboveSet.has(id)), ...tops.current.filter((id) => !aboveSet.has(id))] };
}

/** Two engines (or Lucene versions) may round one score differently in its last bits. */
function sameScore(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/** Nearest-rank percentiles, in milliseconds to a tenth. */
export function latencyOf(samplesMs: readonly number[]): LatencyFigures {
  if (samplesMs.length === 0) return { p50: null, p95: null };
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95) };
}

export function changeOf(current: number, next: number): ScoreChange {
  return { current: round(current), next: round(next), difference: round(next - current) };
}

/** To a thousandth: what a report shows, and what keeps 0.9999999 from reading as a change. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function reportOf(outcome: SideOutcome, top: readonly string[] | undefined): SideReport {
  if ('error' in outcome) return { total: null, top: null, latencyMs: null, error: outcome.error };
  return { total: outcome.total, top: top ?? outcome.hits.slice(0, TOP_K).map((hit) => hit.id), latencyMs: latencyOf(outcome.latenciesMs), error: null };
}

/** The share of the larger list that is in both: 1 for two empty lists. */
export function overlapOf(a: readonly string[], b: readonly string[]): number {
  const larger = Math.max(a.length, b.length);
  if (larger === 0) return 1;
  const inB = new Set(b);
  return a.filter((id) => inB.has(id)).length / larger;
}

function rankDifferenceOf(a: readonly string[], b: readonly string[]): { mean: number; max: number } | null {
  const rankInB = new Map(b.map((id, rank) => [id, rank]));
  const distances = a.flatMap((id, rank) => (rankInB.has(id) ? [Math.abs(rank - rankInB.get(id)!)] : []));
  if (distances.length === 0) return null;
  return { mean: round(distances.reduce((sum, distance) => sum + distance, 0) / distances.length), max: Math.max(...distances) };
}
