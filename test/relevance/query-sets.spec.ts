import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const EVENTS_SET = `queries:
  - name: title
    body: { query: { match: { title: "{{q}}" } } }
    params: [{ q: jazz }, { q: rock }]
`;

// Query sets through the service: the file beside a definition, a PUT over it, a derived one without either.
describe('relevance query sets', () => {
  let context: TestContext;
  let app: INestApplication;
  let dir: string;
  let events: string;
  let venues: string;

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { expanded: { name: string }[]; querySet: { queries: unknown[] } } };
  };

  beforeAll(async () => {
    context = await TestContext.create('query_sets');
    await seedDemoData(context.databaseUrl, 50, 5);
    dir = mkdtempSync(join(tmpdir(), 'query-sets-'));
    cpSync(join(process.cwd(), 'definitions', 'demo'), dir, { recursive: true });
    writeFileSync(join(dir, 'events.queries.yaml'), EVENTS_SET);
    app = await startApp(context.config({ INDEX_DEFINITIONS_DIR: dir, LOG_LEVEL: 'error' }));
    events = `${context.indexPrefix}events`;
    venues = `${context.indexPrefix}venues`;
    await waitFor(`${venues} built`, async () => {
      const [job] = await app.get(JobStore).listJobs({ alias: venues, limit: 1 });
      return job?.status === 'COMPLETED' ? job : undefined;
    });
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await context.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the file beside the definition, expanded, and derives a set from sampled documents where there is none', async () => {
    expect(await api(`/indices/${events}/queries`)).toMatchObject({ status: 200, body: { source: 'file', derived: false, updatedAt: null, expanded: [{ name: 'title [q=jazz]' }, { name: 'title [q=rock]' }] } });
    const derived = await api(`/indices/${venues}/queries`);
    expect(derived).toMatchObject({ status: 200, body: { source: 'derived', derived: true } });
    expect(derived.body.expanded.length).toBeGreaterThan(0);
  });

  it('stores a PUT set, which then wins over the file', async () => {
    const put = await api(`/indices/${events}/queries`, {
      method: 'PUT',
      body: { queries: [{ name: 'jazz', body: { query: { match: { title: 'jazz' } } }, ratings: { '1': 3, '2': 0 } }] },
    });
    expect(put).toMatchObject({ status: 200, body: { source: 'api', derived: false, expanded: [{ name: 'jazz', ratings: { '1': 3, '2': 0 } }] } });
    const read = await api(`/indices/${events}/queries`);
    expect(read).toMatchObject({ status: 200, body: { source: 'api', querySet: { queries: [{ name: 'jazz' }] } } });
    expect(typeof read.body.updatedAt).toBe('string');
  });

  it('refuses a bad set with a 400 that says what is wrong, and an unknown alias with a 404', async () => {
    const badShape = await api(`/indices/${events}/queries`, { method: 'PUT', body: { queries: [{ name: 'x', body: {}, extra: 1 }] } });
    expect(badShape).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    const badGrade = await api(`/indices/${events}/queries`, { method: 'PUT', body: { queries: [{ name: 'x', body: { query: { match_all: {} } }, ratings: { '1': 7 } }] } });
    expect(badGrade).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY_SET' } });
    expect(badGrade.body.message).toContain('queries.0.ratings.1: must be a grade 0, 1, 2 or 3');
    const badTemplate = await api(`/indices/${events}/queries`, { method: 'PUT', body: { queries: [{ name: 'x', body: { query: { match: { title: '{{q}}' } } } }] } });
    expect(badTemplate).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY_SET' } });
    expect(badTemplate.body.message).toContain('queries.0.params: missing: the body uses {{q}}');
    expect(await api('/indices/nope/queries')).toMatchObject({ status: 404 });
  });

  it('refuses to start with an invalid query set file, naming the file and the field', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'query-sets-'));
    try {
      cpSync(join(process.cwd(), 'definitions', 'demo'), broken, { recursive: true });
      writeFileSync(join(broken, 'venues.queries.yaml'), 'queries:\n  - name: x\n    body: { query: { match_all: {} } }\n    ratings: { "1": 9 }\n');
      await expect(startApp(context.config({ INDEX_DEFINITIONS_DIR: broken, LOG_LEVEL: 'error', PORT: '0' }))).rejects.toThrow(/venues\.queries\.yaml: queries\.0\.ratings\.1: must be a grade 0, 1, 2 or 3/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 60_000);
});
