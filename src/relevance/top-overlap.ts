/** One hit as the engine ranked it; `score` is null when the request sorts by something else. */
export interface ScoredHit {
  readonly id: string;
  readonly score: number | null;
}

/** Rank-biased overlap's persistence: the first 10 ranks carry about 86% of the weight. */
export const RBO_PERSISTENCE = 0.9;

/**
 * The top `k` of one side, ties resolved the same way on both sides. An engine orders hits of equal
 * score as it likes (shard, segment, doc id), so two identical indices can disagree on which of the
 * hits tied at the k-th score make the cut. The rule: hits of equal score are a set; within it, the
 * hits the other side also returned (anywhere in its fetched window) come first, then by id. The
 * caller fetches more than k hits so the group tied at the cut is seen whole (a group reaching past
 * the fetched window is compared as a set by `sameTies`). Without scores (a sorted request) the
 * engine's order stands.
 */
export function tieAwareTop(hits: readonly ScoredHit[], otherSide: readonly ScoredHit[], k: number): string[] {
  if (hits.some((hit) => hit.score === null)) return hits.slice(0, k).map((hit) => hit.id);
  const shared = new Set(otherSide.map((hit) => hit.id));
  const rank = (hit: ScoredHit) => (shared.has(hit.id) ? 0 : 1);
  return [...hits]
    .sort((a, b) => b.score! - a.score! || rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, k)
    .map((hit) => hit.id);
}

/** |A ∩ B| / |A ∪ B| of two tops; two empty tops are the same top (1). */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const union = new Set([...a, ...b]);
  if (union.size === 0) return 1;
  const inB = new Set(b);
  return new Set(a.filter((id) => inB.has(id))).size / union.size;
}

/**
 * Extrapolated rank-biased overlap (Webber, Moffat, Zobel 2010, equation 32, for lists of uneven
 * length): how much two rankings agree, the top weighted most, assuming the agreement seen at the
 * end of the shorter list goes on. 1 for the same ranking (also two empty ones), 0 when nothing is shared.
 */
export function rankBiasedOverlap(a: readonly string[], b: readonly string[], p = RBO_PERSISTENCE): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const s = short.length;
  const l = long.length;
  if (l === 0) return 1;
  if (s === 0) return 0;
  if (s === l && short.every((id, i) => id === long[i])) return 1;
  const seenShort = new Set<string>();
  const seenLong = new Set<string>();
  const agreement: number[] = [0]; // agreement[d]: X_d, the ids shared by both prefixes of depth d
  for (let d = 1; d <= l; d++) {
    let overlap = agreement[d - 1];
    const fromLong = long[d - 1];
    if (d <= s) {
      const fromShort = short[d - 1];
      if (fromShort === fromLong) overlap++;
      else overlap += (seenLong.has(fromShort) ? 1 : 0) + (seenShort.has(fromLong) ? 1 : 0);
      seenShort.add(fromShort);
    } else if (seenShort.has(fromLong)) {
      overlap++;
    }
    seenLong.add(fromLong);
    agreement.push(overlap);
  }
  let sum = 0;
  for (let d = 1; d <= l; d++) sum += (agreement[d] / d) * p ** d;
  for (let d = s + 1; d <= l; d++) sum += ((agreement[s] * (d - s)) / (s * d)) * p ** d;
  return ((1 - p) / p) * sum + ((agreement[l] - agreement[s]) / l + agreement[s] / s) * p ** l;
}
