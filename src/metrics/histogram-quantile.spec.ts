import { histogramQuantile } from './histogram-quantile.js';

describe('histogramQuantile', () => {
  const buckets = [
    { le: 0.1, count: 50 },
    { le: 1, count: 90 },
    { le: 10, count: 100 },
    { le: Infinity, count: 100 },
  ];

  it('interpolates inside the bucket the quantile falls in', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.05);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.55);
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(5.5);
  });

  it('answers the highest finite bound for observations above every bucket, and null without observations', () => {
    expect(histogramQuantile(0.99, [{ le: 1, count: 1 }, { le: Infinity, count: 10 }])).toBe(1);
    expect(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: Infinity, count: 0 }])).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it('reads the buckets in any order', () => {
    expect(histogramQuantile(0.95, [...buckets].reverse())).toBeCloseTo(5.5);
  });
});
