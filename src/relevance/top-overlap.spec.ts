import { jaccard, rankBiasedOverlap, tieAwareTop } from './top-overlap.js';

const letters = (text: string) => text.split('');

describe('rankBiasedOverlap', () => {
  it('is exactly 1 for the same ranking, of any length, and for two empty ones', () => {
    expect(rankBiasedOverlap(letters('abcdefghij'), letters('abcdefghij'))).toBe(1);
    expect(rankBiasedOverlap(['a'], ['a'])).toBe(1);
    expect(rankBiasedOverlap([], [])).toBe(1);
  });

  it('is 0 for rankings that share nothing, and for an empty one against any other', () => {
    expect(rankBiasedOverlap(letters('abcde'), letters('vwxyz'))).toBe(0);
    expect(rankBiasedOverlap([], letters('abc'))).toBe(0);
    expect(rankBiasedOverlap(letters('abc'), [])).toBe(0);
  });

  it('gives the known extrapolated values', () => {
    // By hand from equation 32: X1 = 0, X2 = 2 → 0.81 + (0.1/0.9)·0.81 = 0.9.
    expect(rankBiasedOverlap(['a', 'b'], ['b', 'a'])).toBeCloseTo(0.9, 10);
    // The reference implementations' example (ragrawal/measures, rankmeasures): 0.828.
    expect(rankBiasedOverlap(letters('abcde'), letters('bcdae'))).toBeCloseTo(0.828, 3);
  });

  it('is symmetric, weighs the top most, and extrapolates a shorter list', () => {
    const swappedAtTop = rankBiasedOverlap(letters('abcdefghij'), letters('bacdefghij'));
    const swappedAtBottom = rankBiasedOverlap(letters('abcdefghij'), letters('abcdefghji'));
    expect(swappedAtTop).toBeLessThan(swappedAtBottom);
    expect(rankBiasedOverlap(letters('abcde'), letters('bcdae'))).toBe(rankBiasedOverlap(letters('bcdae'), letters('abcde')));
    // A prefix agrees wherever it is seen: extrapolated, that is full agreement.
    expect(rankBiasedOverlap(letters('abc'), letters('abcdefghij'))).toBeCloseTo(1, 10);
  });
});

describe('jaccard', () => {
  it('is 1 for the same set in any order and for two empty ones, 0 for disjoint ones', () => {
    expect(jaccard(letters('abc'), letters('cab'))).toBe(1);
    expect(jaccard([], [])).toBe(1);
    expect(jaccard(letters('abc'), letters('xyz'))).toBe(0);
  });

  it('divides the shared ids by all ids', () => {
    expect(jaccard(letters('abcd'), letters('cdef'))).toBeCloseTo(2 / 6, 10);
  });
});

describe('tieAwareTop', () => {
  const hits = (spec: string) => spec.split(' ').map((hit) => ({ id: hit.split(':')[0], score: Number(hit.split(':')[1]) }));

  it('picks the same hits on both sides when they tie at the cut, whatever order each engine gave them', () => {
    // k = 2: "a" is certain, "b", "c", "d" tie for the last place and the engines ordered them differently.
    const left = hits('a:3 d:1 c:1 b:1');
    const right = hits('a:3 c:1 b:1 d:1');
    expect(tieAwareTop(left, right, 2)).toEqual(['a', 'b']);
    expect(tieAwareTop(right, left, 2)).toEqual(['a', 'b']);
  });

  it('fills the tied places with hits the other side also returned first', () => {
    const left = hits('a:3 b:1 x:1');
    const right = hits('a:5 x:2 y:1');
    expect(tieAwareTop(left, right, 2)).toEqual(['a', 'x']);
  });

  it('keeps the engine order when hits have no score (a sorted request), and cuts at k', () => {
    const sorted = [
      { id: 'z', score: null },
      { id: 'a', score: null },
      { id: 'm', score: null },
    ];
    expect(tieAwareTop(sorted, [], 2)).toEqual(['z', 'a']);
  });
});
