import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

interface ClusterStatus {
  role: string;
  reachable: boolean;
  info: { engine: string; version: string; clusterUuid: string } | null;
}
interface QueryReport {
  name: string;
  current: { total: number | null; top: string[] | null; latencyMs: { p50: number; p95: number } | null; error: string | null };
  next: { total: number | null; top: string[] | null; latencyMs: { p50: number; p95: number } | null; error: string | null };
  sameTotal: boolean;
  topOverlap: number | null;
  rbo: number | null;
  jaccard: number | null;
}
interface ComparisonAnswer {
  clusters: { current: { engine: string }; next: { engine: string } };
  queriesFrom: string;
  querySet: string | null;
  summary: { queries: number; failed: number; sameTotal: number; meanTopOverlap: number | null; meanRbo: number | null; lostAllHits: string[]; latencyMs: Record<'current' | 'next', { p50: number | null; p95: number | null }> };
  queries: QueryReport[];
  code?: string;
  message?: string;
}

const EVENTS = 1500;
const elasticsearch = process.env.ELASTICSEARCH_NODE;

// The way a team leaves Elasticsearch 7.10: the same index built on both clusters from the same rows.
(elasticsearch ? describe : describe.skip)('comparing the current cluster (Elasticsearch 7.10) with the next one (OpenSearch)', () => {
  let current: TestContext;
  let next: TestContext;
  let app: INestApplication | undefined;
  let events: string;

  /** Builds every index on the context's cluster from its database, as a first deploy does. */
  const buildOn = async (context: TestContext, prefix: string) => {
    const builder = await startApp(context.config({ INDEX_PREFIX: prefix, LOG_LEVEL: 'error' }));
    try {
      for (const alias of [`${prefix}events`, `${prefix}venues`]) {
        await waitFor(`${alias} built on ${context.opensearchNode}`, async () => {
          const [job] = await builder.get(JobStore).listJobs({ alias, limit: 1 });
          if (job?.status === 'FAILED') throw new Error(`job ${job.id} failed: ${job.lastError}`);
          return job?.status === 'COMPLETED' ? job : undefined;
        });
      }
    } finally {
      await builder.close();
    }
  };
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${await app!.getUrl()}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as ComparisonAnswer & { clusters: ClusterStatus[]; problems: string[] } };
  };
  const startWithNext = async (nextNode: string) => {
    app = await startApp(current.config({ OPENSEARCH_NEXT_NODE: nextNode, LOG_LEVEL: 'error' }));
  };

  beforeAll(async () => {
    current = await TestContext.create('compare_current', { opensearchNode: elasticsearch });
    next = await TestContext.create('compare_next');
    events = `${current.indexPrefix}events`;
    // Same rows in both databases, so both clusters hold the same documents under the same alias.
    await Promise.all([seedDemoData(current.databaseUrl, EVENTS, 5), seedDemoData(next.databaseUrl, EVENTS, 5)]);
    await buildOn(current, current.indexPrefix);
    await buildOn(next, current.indexPrefix);
  }, 180_000);
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    // The next cluster's indices carry the current context's prefix, which its own dispose does not know.
    await current.deleteIndices(next.opensearchNode);
    await current.dispose();
    await next.dispose();
  });

  it('tells the two clusters apart by engine and cluster UUID', async () => {
    await startWithNext(next.opensearchNode);
    const { status, body } = await api('/clusters');

    expect(status).toBe(200);
    expect(body.clusters.map((cluster) => [cluster.role, cluster.reachable, cluster.info?.engine])).toEqual([
      ['current', true, 'elasticsearch'],
      ['next', true, 'opensearch'],
    ]);
    expect(body.clusters[0].info?.version).toMatch(/^7\.10\./);
    expect(body.clusters[0].info?.clusterUuid).not.toBe(body.clusters[1].info?.clusterUuid);
    expect(body.problems).toEqual([]);
  });

  it('compares queries derived from sampled documents: same hit counts on the same rows, latencies on both sides', async () => {
    await startWithNext(next.opensearchNode);
    const { status, body } = await api(`/indices/${events}/compare`, { method: 'POST', body: { sampleSize: 12, repeat: 3 } });

    expect(status).toBe(200);
    expect(body.clusters).toMatchObject({ current: { engine: 'elasticsearch' }, next: { engine: 'opensearch' } });
    expect(body).toMatchObject({ queriesFrom: 'sample', querySet: 'derived' });
    expect(body.summary).toMatchObject({ queries: 12, failed: 0, sameTotal: 12, lostAllHits: [] });
    for (const query of body.queries) {
      expect(query.current.total).toBeGreaterThan(0);
      expect(query.current.top).toHaveLength(Math.min(10, query.current.total!));
      expect(query.topOverlap).toBeGreaterThanOrEqual(0);
      expect(query.rbo).toBeGreaterThan(0);
      expect(query.jaccard).toBeGreaterThan(0);
    }
    for (const side of ['current', 'next'] as const) {
      expect(body.summary.latencyMs[side].p50).toBeGreaterThan(0);
      expect(body.summary.latencyMs[side].p95).toBeGreaterThanOrEqual(body.summary.latencyMs[side].p50!);
    }
    // Each cluster's searches are timed under its own label: 12 queries, one untimed and 3 timed runs each,
    // and at most one count each of a group tied at the cut past the 20 hits fetched.
    const metrics = parsePrometheusText(await (await fetch(`${await app!.getUrl()}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).text());
    const searches = (cluster: string) => sampleSum(metrics, 'reindexer_opensearch_request_duration_seconds_count', { cluster, operation: 'search', outcome: 'ok' });
    expect(searches('next')).toBeGreaterThanOrEqual(12 * 4);
    expect(searches('next')).toBeLessThanOrEqual(12 * 5);
    // The current cluster also gave the sample the queries were made from.
    expect(searches('current')).toBeGreaterThanOrEqual(12 * 4 + 1);
  }, 60_000);

  it('runs the queries it is given, and reports one the engines refuse as that query’s error', async () => {
    await startWithNext(next.opensearchNode);
    const { status, body } = await api(`/indices/${events}/compare`, {
      method: 'POST',
      body: {
        queries: [
          { name: 'published music', body: { query: { bool: { filter: [{ term: { category: 'music' } }, { term: { status: 'published' } }] } } } },
          { body: { query: { no_such_query: {} } } },
        ],
        repeat: 1,
      },
    });

    expect(status).toBe(200);
    expect(body).toMatchObject({ queriesFrom: 'request', querySet: null });
    expect(body.summary).toMatchObject({ queries: 2, failed: 1, sameTotal: 1 });
    expect(body.queries[0]).toMatchObject({ name: 'published music', sameTotal: true });
    expect(body.queries[0].current.total).toBe(body.queries[0].next.total);
    expect(body.queries[1].name).toBe('query 2');
    expect(body.queries[1].current.error).toMatch(/no_such_query|parsing_exception|unknown query/i);
    expect(body.queries[1].next.error).toMatch(/no_such_query|parsing_exception|unknown query/i);
  }, 60_000);

  it('refuses with 409 when there is no next cluster, or the alias is not on it, and 400 for a bad request', async () => {
    app = await startApp(current.config({ LOG_LEVEL: 'error' }));
    expect(await api(`/indices/${events}/compare`, { method: 'POST', body: {} })).toMatchObject({ status: 409, body: { code: 'NO_NEXT_CLUSTER' } });
    await app.close();

    // Same cluster, another prefix: the next cluster has no such alias.
    app = await startApp(current.config({ OPENSEARCH_NEXT_NODE: next.opensearchNode, INDEX_PREFIX: `${current.indexPrefix}other_`, LOG_LEVEL: 'error' }));
    const missing = await api(`/indices/${current.indexPrefix}other_events/compare`, { method: 'POST', body: {} });
    expect(missing).toMatchObject({ status: 409, body: { code: 'ALIAS_NOT_ON_CLUSTER' } });

    const bad = await api(`/indices/${events}/compare`, { method: 'POST', body: { queries: [], repeat: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_INPUT');
    expect(await api('/indices/nope/compare', { method: 'POST', body: {} })).toMatchObject({ status: 404 });
  }, 60_000);

  it('names a next cluster that is the current one reached under another URL', async () => {
    const url = new URL(elasticsearch!);
    url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    await startWithNext(url.toString());
    const { body } = await api('/clusters');

    expect(body.problems).toEqual([expect.stringMatching(/^OPENSEARCH_NEXT_NODE reaches the same cluster as OPENSEARCH_NODE/), expect.stringMatching(/^the next cluster runs elasticsearch/)]);
  });
});
