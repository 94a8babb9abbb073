/** One cluster's answer to a query: its first run gives the hits, every timed run a latency. */
export interface ClusterAnswer {
  /** Hits the query matched (track_total_hits on, so exact). */
  readonly total: number;
  /** Ids of the first page of hits, best first. */
  readonly top: readonly string[];
  readonly latenciesMs: readonly number[];
}

export type ClusterOutcome = ClusterAnswer | { readonly error: string };

export interface LatencyFigures {
  readonly p50: number | null;
  readonly p95: number | null;
}

export interface QueryComparison {
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly current: ClusterReport;
  readonly next: ClusterReport;
  /** Both answered and matched the same number of documents. */
  readonly sameTotal: boolean;
  /** Share of the larger first page found in both (1 when both are empty); null unless both answered. */
  readonly topOverlap: number | null;
  /** How far apart the ids found in both pages are ranked: mean and largest distance; null when none are shared. */
  readonly rankDifference: { readonly mean: number; readonly max: number } | null;
}

export type ClusterReport =
  | { readonly total: number; readonly top: readonly string[]; readonly latencyMs: LatencyFigures; readonly error: null }
  | { readonly total: null; readonly top: null; readonly latencyMs: null; readonly error: string };

export interface ComparisonSummary {
  readonly queries: number;
  /** Queries that failed on either cluster. */
  readonly failed: number;
  readonly sameTotal: number;
  readonly meanTopOverlap: number | null;
  /** Over every timed run of every query that both clusters answered. */
  readonly latencyMs: { readonly current: LatencyFigures; readonly next: LatencyFigures };
}

/** Compares the two clusters' answers to one query. */
export function compareQuery(name: string, body: Record<string, unknown>, current: ClusterOutcome, next: ClusterOutcome): QueryComparison {
  const both = !('error' in current) && !('error' in next) ? { current, next } : null;
  return {
    name,
    body,
    current: reportOf(current),
    next: reportOf(next),
    sameTotal: both !== null && both.current.total === both.next.total,
    topOverlap: both && overlapOf(both.current.top, both.next.top),
    rankDifference: both && rankDifferenceOf(both.current.top, both.next.top),
  };
}

/** The whole run at a glance; latencies pooled over the queries both clusters answered, so the two sides run the same work. */
export function summarize(comparisons: readonly QueryComparison[], answers: readonly { current: ClusterOutcome; next: ClusterOutcome }[]): ComparisonSummary {
  const answered = answers.filter((pair): pair is { current: ClusterAnswer; next: ClusterAnswer } => !('error' in pair.current) && !('error' in pair.next));
  const overlaps = comparisons.map((comparison) => comparison.topOverlap).filter((overlap): overlap is number => overlap !== null);
  return {
    queries: comparisons.length,
    failed: comparisons.length - answered.length,
    sameTotal: comparisons.filter((comparison) => comparison.sameTotal).length,
    meanTopOverlap: overlaps.length > 0 ? round(overlaps.reduce((sum, overlap) => sum + overlap, 0) / overlaps.length) : null,
    latencyMs: {
      current: latencyOf(answered.flatMap((pair) => pair.current.latenciesMs)),
      next: latencyOf(answered.flatMap((pair) => pair.next.latenciesMs)),
    },
  };
}

/** Nearest-rank percentiles, in milliseconds to a tenth. */
export function latencyOf(samplesMs: readonly number[]): LatencyFigures {
  if (samplesMs.length === 0) return { p50: null, p95: null };
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95) };
}

function reportOf(outcome: ClusterOutcome): ClusterReport {
  if ('error' in outcome) return { total: null, top: null, latencyMs: null, error: outcome.error };
  return { total: outcome.total, top: outcome.top, latencyMs: latencyOf(outcome.latenciesMs), error: null };
}

function overlapOf(a: readonly string[], b: readonly string[]): number {
  const larger = Math.max(a.length, b.length);
  if (larger === 0) return 1;
  const inB = new Set(b);
  return round(a.filter((id) => inB.has(id)).length / larger);
}

function rankDifferenceOf(a: readonly string[], b: readonly string[]): { mean: number; max: number } | null {
  const rankInB = new Map(b.map((id, rank) => [id, rank]));
  const distances = a.flatMap((id, rank) => (rankInB.has(id) ? [Math.abs(rank - rankInB.get(id)!)] : []));
  if (distances.length === 0) return null;
  return { mean: round(distances.reduce((sum, distance) => sum + distance, 0) / distances.length), max: Math.max(...distances) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
