/** One cumulative bucket of a histogram: how many observations were at most `le`. */
export interface CumulativeBucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The q-quantile of a histogram, estimated the way Prometheus's `histogram_quantile` does:
 * linear inside the bucket it falls in, the highest finite bound when it falls above all of
 * them. Null with no observations.
 */
export function histogramQuantile(q: number, buckets: readonly CumulativeBucket[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let below = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - below;
      return inBucket === 0 ? bucket.le : lowerBound + ((bucket.le - lowerBound) * (rank - below)) / inBucket;
    }
    lowerBound = bucket.le;
    below = bucket.count;
  }
  return lowerBound;
}
