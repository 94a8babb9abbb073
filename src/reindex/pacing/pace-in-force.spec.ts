import { paceInForce } from './pace-in-force.js';

const auto = { pace: 'auto', maxDocsPerSecond: 5000 } as const;
const fixed = { pace: 'fixed', maxDocsPerSecond: 5000 } as const;

describe('paceInForce', () => {
  it("an operator's pace wins, 0 (unlimited) included", () => {
    expect(paceInForce(250, 1400, auto)).toEqual({ docsPerSecond: 250, setBy: 'operator' });
    expect(paceInForce(0, 1400, auto)).toEqual({ docsPerSecond: 0, setBy: 'operator' });
  });

  it('else the adaptive pace under REINDEX_PACE=auto, once it decided', () => {
    expect(paceInForce(null, 1400, auto)).toEqual({ docsPerSecond: 1400, setBy: 'auto' });
    expect(paceInForce(null, null, auto)).toEqual({ docsPerSecond: 5000, setBy: 'REINDEX_MAX_DOCS_PER_SECOND' });
  });

  it('else REINDEX_MAX_DOCS_PER_SECOND', () => {
    expect(paceInForce(null, 1400, fixed)).toEqual({ docsPerSecond: 5000, setBy: 'REINDEX_MAX_DOCS_PER_SECOND' });
  });
});
