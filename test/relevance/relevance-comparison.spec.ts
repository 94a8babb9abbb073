import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module.js';
import { writeAliasOf } from '../../src/indices/index-names.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { OpenSearchModule } from '../../src/opensearch/opensearch.module.js';
import { SearchGateway, type IndexSpec } from '../../src/opensearch/search-gateway.js';
import { expandQuerySet, type QuerySet } from '../../src/relevance/query-set.js';
import { RelevanceComparison } from '../../src/relevance/relevance-comparison.service.js';
import { enginesUnderTest } from '../support/search-engines.js';
import { TestContext } from '../support/test-context.js';

const SETTINGS = { number_of_shards: 1, number_of_replicas: 0 };
const analyzed = { dynamic: 'strict', properties: { title: { type: 'text' }, city: { type: 'keyword' } } };
/** The change under test: someone mapped the title as one exact token. */
const keywordTitle = { dynamic: 'strict', properties: { title: { type: 'keyword' }, city: { type: 'keyword' } } };

/** 15 identical titles tie at every rank and cross the top-10 cut; the rest rank by their words. */
const DOCUMENTS: { id: string; title: string; city: string }[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ id: `tie${i}`, title: 'open air festival', city: 'Berlin' })),
  { id: 'j1', title: 'jazz night', city: 'Berlin' },
  { id: 'j2', title: 'jazz jazz jazz brunch', city: 'Hamburg' },
  { id: 'j3', title: 'late jazz session in the old harbour hall', city: 'Hamburg' },
  { id: 'r1', title: 'rock night', city: 'Berlin' },
  { id: 'r2', title: 'rock and jazz crossover', city: 'Munich' },
  { id: 'c1', title: 'chamber music', city: 'Munich' },
];

const QUERY_SET: QuerySet = {
  queries: [
    { name: 'word', body: { query: { match: { title: '{{q}}' } } }, params: [{ q: 'jazz' }, { q: 'rock' }, { q: 'festival' }, { q: 'night' }] },
    { name: 'jazz judged', body: { query: { match: { title: 'jazz' } } }, ratings: { j2: 3, j1: 2, j3: 1, r2: 1, r1: 0 } },
    { name: 'rock judged', body: { query: { match: { title: 'rock' } } }, ratings: { r1: 3, r2: 2 } },
    { name: 'in Munich', body: { query: { term: { city: 'Munich' } } } },
  ],
};

// The one comparison, against every engine the service supports: the same code path on both.
describe.each(enginesUnderTest())('relevance comparison against a real $label node', ({ engine, node }) => {
  let context: TestContext;
  let moduleRef: TestingModule;
  let gateway: SearchGateway;
  const comparison = new RelevanceComparison(new Metrics());
  const name = (suffix: string) => `${context.indexPrefix}${suffix}`;

  const indexWith = async (suffix: string, mappings: Record<string, unknown>, order: 'forward' | 'reverse') => {
    const index = name(suffix);
    const spec: IndexSpec = { mappings, settings: SETTINGS, meta: { alias: index, definitionHash: 'a'.repeat(64) } };
    await gateway.createIndex(index, spec);
    const documents = order === 'forward' ? DOCUMENTS : [...DOCUMENTS].reverse();
    // Among equal scores the engine returns documents in the order they were written: the two identical
    // indices, written in opposite orders, disagree on which tied hits come first.
    await gateway.bulk(writeAliasOf(index), documents.map(({ id, ...document }) => ({ action: 'index' as const, id, version: 1, document })));
    await gateway.refresh(index);
    return index;
  };
  const sides = (current: string, next: string) => ({ current: { gateway, index: current }, next: { gateway, index: next } });

  beforeAll(async () => {
    context = await TestContext.create(`relevance_${engine}`, { opensearchNode: node, demoSchema: false });
    moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(context.config()), OpenSearchModule] }).compile();
    gateway = moduleRef.get(SearchGateway);
    await indexWith('same_a', analyzed, 'forward');
    await indexWith('same_b', analyzed, 'reverse');
    await indexWith('keyword', keywordTitle, 'forward');
  }, 60_000);

  afterAll(async () => {
    await moduleRef.close();
    await context.dispose();
  });

  it('scores a perfect ranking 1 and a missed one 0 with _rank_eval, through an alias or an index', async () => {
    const requests = [
      { id: 'perfect', body: { query: { ids: { values: ['j1'] } } }, ratings: { j1: 3 } },
      { id: 'missed', body: { query: { ids: { values: ['c1'] } } }, ratings: { j1: 3 } },
    ];

    for (const target of [name('same_a'), writeAliasOf(name('same_a'))]) {
      const ndcg = await gateway.rankEval(target, requests, 'ndcg', 10);
      const mrr = await gateway.rankEval(target, requests, 'mrr', 10);
      expect(ndcg).toEqual({ score: 0.5, byRequest: { perfect: 1, missed: 0 }, failures: {} });
      expect(mrr).toEqual({ score: 0.5, byRequest: { perfect: 1, missed: 0 }, failures: {} });
    }
  });

  it('compares two identical indices at overlap exactly 1 and an nDCG difference of 0, ties at the cut included', async () => {
    const { summary, queries } = await comparison.compare(sides(name('same_a'), name('same_b')), expandQuerySet(QUERY_SET), 2);

    expect(summary).toMatchObject({ queries: 7, failed: 0, sameTotal: 7, meanTopOverlap: 1, meanRbo: 1, meanJaccard: 1, lostAllHits: [], gainedAllHits: [], judged: 2 });
    for (const query of queries) expect(query).toMatchObject({ rbo: 1, jaccard: 1, hitsChange: 0 });
    const festival = queries.find((query) => query.name === 'word [q=festival]')!;
    // 15 tied hits: the engine gives any 10 of them, the comparison the same 10 on both sides.
    expect(festival.current.total).toBe(15);
    expect(festival.current.top).toEqual(festival.next.top);
    expect(summary.ndcg).toMatchObject({ difference: 0 });
    expect(summary.mrr).toMatchObject({ difference: 0 });
    expect(summary.ndcg!.current).toBeGreaterThan(0.8);
    for (const side of ['current', 'next'] as const) expect(summary.latencyMs[side].p50).toBeGreaterThan(0);
  }, 60_000);

  it('shows the queries an index with a keyword title lost, and its lower nDCG', async () => {
    const { summary, queries } = await comparison.compare(sides(name('same_a'), name('keyword')), expandQuerySet(QUERY_SET), 1);

    expect(summary.lostAllHits).toEqual(['word [q=jazz]', 'word [q=rock]', 'word [q=festival]', 'word [q=night]', 'jazz judged', 'rock judged']);
    expect(queries.find((query) => query.name === 'jazz judged')).toMatchObject({ lostAllHits: true, hitsChange: -4, rbo: 0, jaccard: 0 });
    // The filter on the unchanged city field still answers the same.
    expect(queries.find((query) => query.name === 'in Munich')).toMatchObject({ sameTotal: true, rbo: 1 });
    expect(summary.ndcg!.next).toBe(0);
    expect(summary.ndcg!.difference).toBeLessThan(-0.8);
    expect(summary.mrr!.difference).toBeLessThan(0);
  }, 60_000);
});
