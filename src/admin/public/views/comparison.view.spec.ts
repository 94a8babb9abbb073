import { byTag, cellTexts, textOf } from '../element-queries.js';
import { comparisonView, type ComparisonReport } from './comparison.view.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const query = (overrides: Partial<ComparisonReport['queries'][number]> = {}): ComparisonReport['queries'][number] => ({
  name: 'title.match: concert',
  body: { query: { match: { title: 'concert' } } },
  sameTotal: true,
  topOverlap: 1,
  rankDifference: { mean: 0.5, max: 2 },
  current: { total: 1234, latencyMs: { p50: 3.25, p95: 7 } },
  next: { total: 1234, latencyMs: { p50: 2.5, p95: 4.125 } },
  ...overrides,
});
const report = (queries = [query()], summary: Partial<ComparisonReport['summary']> = {}): ComparisonReport => ({
  alias: 'events',
  clusters: { current: { engine: 'elasticsearch', version: '7.10.2' }, next: { engine: 'opensearch', version: '3.1.0' } },
  queriesFrom: 'sample',
  repeat: 5,
  summary: { queries: queries.length, failed: 0, sameTotal: queries.length, meanTopOverlap: 1, latencyMs: { current: { p50: 3.25, p95: 7 }, next: { p50: 2.5, p95: 4.125 } }, ...summary },
  queries,
});

describe('comparisonView', () => {
  it('sums the comparison up: both engines, where the queries came from, how often each was timed', () => {
    const view = comparisonView(report(), NOW);

    expect(view.title).toMatch(/^Comparison of events at /);
    expect(view.summary).toBe('Current: Elasticsearch 7.10.2. Next: OpenSearch 3.1.0. 1 queries made from documents sampled from the current cluster, each timed 5 times on each cluster after one untimed run.');
    expect(view.figures.map((figure) => [textOf(figure.children[0]), textOf(figure.children[1]), figure.attrs.class])).toEqual([
      ['Queries', '1', undefined],
      ['Failed', '0', undefined],
      ['Same hit counts', '1 / 1', undefined],
      ['Mean top-10 overlap', '100 %', undefined],
      ['p50 current / next', '3.3 / 2.5 ms', undefined],
      ['p95 current / next', '7 / 4.1 ms', undefined],
    ]);
  });

  it("names the alias's query set when the queries came from it", () => {
    expect(comparisonView({ ...report(), queriesFrom: 'set' }, NOW).summary).toContain("1 queries from the alias's query set, each timed");
  });

  it('shows each query as the table reads it: name over its body, hits, overlap, rank difference, latencies, error', () => {
    const [row] = comparisonView(report(), NOW).rows;

    expect(cellTexts(row)).toEqual(['title.match: concert{"query":{"match":{"title":"concert"}}}', '1,234', '1,234', '100 %', '0.5 / 2', '3.3', '7', '2.5', '4.1', '']);
    expect(textOf(byTag(row, 'summary')[0])).toBe('title.match: concert');
    expect(JSON.parse(textOf(byTag(row, 'code')[0]))).toEqual(query().body);
  });

  it('flags differing hits, failures and a lower overlap', () => {
    const failing = query({ sameTotal: false, topOverlap: 0, rankDifference: null, next: { error: 'index_not_found_exception' } });
    const view = comparisonView(report([failing], { failed: 1, sameTotal: 0, meanTopOverlap: 0.5 }), NOW);

    expect(view.figures.map((figure) => figure.attrs.class)).toEqual([undefined, 'bad', 'warn', 'warn', undefined, undefined]);
    expect(view.rows[0].attrs.class).toBe('differs');
    expect(cellTexts(view.rows[0]).slice(1)).toEqual(['1,234', '—', '0 %', '—', '3.3', '7', '—', '—', 'next: index_not_found_exception']);
  });
});
