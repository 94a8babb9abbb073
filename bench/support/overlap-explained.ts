import { meanOf } from '../../src/relevance/comparison-summary.js';
import { overlapOf } from '../../src/relevance/query-comparison.js';
import { tieAwareTop } from '../../src/relevance/top-overlap.js';
import { openSearch } from './bench-environment.js';

/** Hits read per side: far past the top 10, so a document missing from one top is found further down. */
const DEPTH = 100;
const TOP = 10;

interface Hit {
  readonly id: string;
  readonly score: number;
}

/** Why a document in one side's top 10 is not in the other's, read off both sides' scored hits. */
export interface OverlapExplained {
  readonly queries: number;
  /** Mean share of the larger top 10 found in both, cut in the engine's own order (what the first compare reported). */
  readonly engineOrderOverlap: number;
  /** The same with ties at the cut resolved as the comparison does (tieAwareTop). */
  readonly tieAwareOverlap: number;
  /** Queries whose two engine-order tops differ at all. */
  readonly queriesDiffering: number;
  /** Documents in one engine-order top 10 and not the other's, by cause (each side's misses counted). */
  readonly differingDocuments: {
    /** It scores the same as the 10th hit on its side: one of a group tied across the cut, which the engine orders as it likes. */
    readonly tiedAtTheCut: number;
    /** Not tied, and the two engines score it differently (relative difference above 1e-6). */
    readonly scoredDifferently: number;
    /** Not tied, scored alike, yet ranked apart: what neither explains. */
    readonly unexplained: number;
  };
  /** Per differing query: how many hits share the 10th score on each side (the tie group at the cut). */
  readonly tieGroupAtCut: { readonly median: number; readonly max: number };
  /** Largest relative score difference of one document between the engines, over every query. */
  readonly largestScoreDifference: number;
}

/** Runs each query on both nodes through `alias` and tells why their top 10s differ, document by document. */
export async function explainOverlap(nodes: { current: string; next: string }, alias: string, bodies: readonly Record<string, unknown>[]): Promise<OverlapExplained> {
  const counts = { tiedAtTheCut: 0, scoredDifferently: 0, unexplained: 0 };
  const engineOrder: number[] = [];
  const tieAware: number[] = [];
  const tieGroups: number[] = [];
  let largestScoreDifference = 0;
  for (const body of bodies) {
    const [current, next] = await Promise.all([hitsOn(nodes.current, alias, body), hitsOn(nodes.next, alias, body)]);
    const tops = { current: current.slice(0, TOP).map((hit) => hit.id), next: next.slice(0, TOP).map((hit) => hit.id) };
    engineOrder.push(overlapOf(tops.current, tops.next));
    tieAware.push(overlapOf(tieAwareTop(current.slice(0, 2 * TOP), next.slice(0, 2 * TOP), TOP), tieAwareTop(next.slice(0, 2 * TOP), current.slice(0, 2 * TOP), TOP)));
    const scoresElsewhere = { current: new Map(next.map((hit) => [hit.id, hit.score])), next: new Map(current.map((hit) => [hit.id, hit.score])) };
    for (const hit of current) {
      const other = scoresElsewhere.current.get(hit.id);
      if (other !== undefined) largestScoreDifference = Math.max(largestScoreDifference, relativeDifference(hit.score, other));
    }
    if (tops.current.join() === tops.next.join() || (tops.current.length === tops.next.length && tops.current.every((id) => tops.next.includes(id)))) continue;
    for (const side of ['current', 'next'] as const) {
      const hits = side === 'current' ? current : next;
      const cut = hits[Math.min(TOP, hits.length) - 1]?.score;
      tieGroups.push(hits.filter((hit) => hit.score === cut).length);
      const otherTop = new Set(side === 'current' ? tops.next : tops.current);
      for (const hit of hits.slice(0, TOP).filter((candidate) => !otherTop.has(candidate.id))) {
        if (hit.score === cut) counts.tiedAtTheCut++;
        else if (relativeDifference(hit.score, scoresElsewhere[side].get(hit.id)) > 1e-6) counts.scoredDifferently++;
        else counts.unexplained++;
      }
    }
  }
  const sorted = [...tieGroups].sort((a, b) => a - b);
  return {
    queries: bodies.length,
    engineOrderOverlap: mean(engineOrder),
    tieAwareOverlap: mean(tieAware),
    queriesDiffering: tieGroups.length / 2,
    differingDocuments: counts,
    tieGroupAtCut: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 },
    largestScoreDifference: Number(largestScoreDifference.toPrecision(3)),
  };
}

async function hitsOn(node: string, alias: string, body: Record<string, unknown>): Promise<Hit[]> {
  const answer = await openSearch<{ hits: { hits: { _id: string; _score: number }[] } }>('POST', `/${alias}/_search`, { ...body, size: DEPTH, _source: false }, node);
  return answer.hits.hits.map((hit) => ({ id: hit._id, score: hit._score }));
}

/** |a − b| / max(|a|, |b|); 1 when the document is missing on the other side's hits. */
function relativeDifference(score: number, other: number | undefined): number {
  if (other === undefined) return 1;
  const scale = Math.max(Math.abs(score), Math.abs(other));
  return scale === 0 ? 0 : Math.abs(score - other) / scale;
}

/** No query compared counts as nothing lost. */
const mean = (values: readonly number[]): number => meanOf(values) ?? 1;
