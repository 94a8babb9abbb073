import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { ServiceProcess } from '../support/service-process.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';

const VIEWER = 'viewer-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

/**
 * Named tokens with roles: a viewer reads every route and changes nothing, on the real service.
 * The routes come from the OpenAPI document the service builds from its controllers, so a route
 * added later is in the list without anyone adding it here.
 */
describe('named tokens with roles', () => {
  let context: TestContext;
  let app: INestApplication;
  let url: string;
  let openApi: OpenApiDocument;

  beforeAll(async () => {
    context = await TestContext.create('roles');
    app = await startApp(context.config({ LOG_LEVEL: 'error', ADMIN_API_TOKENS: `alice:operator:${OPERATOR},bob:viewer:${VIEWER}` }));
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await firstBuildsCompleted(app);
    // Open: the Swagger page and its document need no token.
    const document = await fetch(`${url}/docs-json`);
    expect(document.status).toBe(200);
    openApi = (await document.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await app?.close();
    await context?.dispose();
  });

  const routes = () =>
    Object.entries(openApi.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path: path.replace('{alias}', `${context.indexPrefix}events`).replace('{id}', '1') })),
    );
  const call = async (method: string, path: string, token: string) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    return { status: response.status, body: (await response.text()) };
  };
  const state = async () => ({
    jobs: await context.sql<{ n: bigint }>('SELECT COUNT(*) AS n FROM reindex_jobs').then(([row]) => Number(row.n)),
    events: await context.sql<{ n: bigint }>('SELECT COUNT(*) AS n FROM reindex_job_events').then(([row]) => Number(row.n)),
    schedules: await context.sql<{ n: bigint }>('SELECT COUNT(*) AS n FROM index_schedules').then(([row]) => Number(row.n)),
  });

  it("answers 403 to a viewer's token on every route that changes something, and changes nothing", async () => {
    const changing = routes().filter((route) => route.method !== 'GET');
    expect(changing.length).toBeGreaterThanOrEqual(15);
    const before = await state();
    const answers = [];
    for (const { method, path } of changing) answers.push({ route: `${method} ${path}`, ...(await call(method, path, VIEWER)) });
    expect(answers.filter((answer) => answer.status !== 403)).toEqual([]);
    expect(JSON.parse(answers[0].body)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining("bob's token is a viewer's") as string });
    expect(await state()).toEqual(before);
  });

  it("lets a viewer's token read every route, and an operator's and ADMIN_API_TOKEN's change things", async () => {
    const reads = routes().filter((route) => route.method === 'GET');
    for (const { path } of reads) {
      const { status } = await call('GET', path, VIEWER);
      expect({ path, refused: [401, 403].includes(status) }).toEqual({ path, refused: false });
    }
    // Who each token is, for the console: never the token itself.
    expect(JSON.parse((await call('GET', '/session', VIEWER)).body)).toEqual({ name: 'bob', role: 'viewer' });
    expect(JSON.parse((await call('GET', '/session', OPERATOR)).body)).toEqual({ name: 'alice', role: 'operator' });
    const schedule = { enabled: false, intervalMinutes: 60, mode: 'full' };
    for (const token of [OPERATOR, TEST_ADMIN_TOKEN]) {
      const response = await fetch(`${url}/indices/${context.indexPrefix}events/schedule`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(schedule) });
      expect(response.status).toBe(200);
    }
  });

  it("records the token's name on the job's events and every changing request in GET /audit, paged", async () => {
    const alias = `${context.indexPrefix}events`;
    const started = await fetch(`${url}/indices/${alias}/reindex`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'full' }) });
    const { id } = (await started.json()) as { id: number };
    expect(started.status).toBe(202);
    expect((await call('POST', `/jobs/${id}/cancel`, TEST_ADMIN_TOKEN)).status).toBe(200);
    const detail = JSON.parse((await call('GET', `/jobs/${id}`, VIEWER)).body) as { transitions: { toStatus: string; actor: string | null; reason: string }[] };
    // Created by alice's request, cancelled by admin's.
    expect(detail.transitions[0]).toMatchObject({ toStatus: 'PENDING', actor: 'alice' });
    expect(detail.transitions.filter((transition) => transition.toStatus === 'CANCELLED').map((transition) => transition.actor)).toContain('admin');

    const audit = async (query: string) => JSON.parse((await call('GET', `/audit${query}`, VIEWER)).body) as { entries: { id: number; actor: string; role: string; method: string; path: string; status: number }[]; next: number | null };
    const newest = await audit('?limit=2');
    expect(newest.entries.map(({ actor, method, path, status }) => ({ actor, method, path, status }))).toEqual([
      { actor: 'admin', method: 'POST', path: `/jobs/${id}/cancel`, status: 200 },
      { actor: 'alice', method: 'POST', path: `/indices/${alias}/reindex`, status: 202 },
    ]);
    const next = await audit(`?limit=2&before=${newest.next}`);
    expect(next.entries[0].id).toBeLessThan(newest.entries[1].id);
    const everything = [];
    for (let page = await audit('?limit=7'); ; page = await audit(`?limit=7&before=${page.next}`)) {
      everything.push(...page.entries);
      if (page.next === null) break;
    }
    // The viewer's refused attempts are there too, each once, and no read is.
    expect(everything.filter((entry) => entry.actor === 'bob').every((entry) => entry.status === 403 && entry.role === 'viewer')).toBe(true);
    expect(everything.filter((entry) => entry.actor === 'bob').length).toBe(routes().filter((route) => route.method !== 'GET').length);
    expect(everything.some((entry) => entry.method === 'GET')).toBe(false);
    expect(new Set(everything.map((entry) => entry.id)).size).toBe(everything.length);
  });

  it('refuses to start with the placeholder token of .env.example, or a short one', async () => {
    for (const [env, message] of [
      [{ ADMIN_API_TOKEN: 'change-me-to-a-long-random-token' }, 'ADMIN_API_TOKEN is a placeholder published with the service'],
      [{ ADMIN_API_TOKENS: 'carol:viewer:short' }, 'ADMIN_API_TOKENS entry 1 (carol): the token must be at least 16 characters'],
    ] as const) {
      const failure = await ServiceProcess.start('roles-refused', context.env(env)).then(
        () => null,
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/exited \(1\)/);
      expect(failure).toContain(message);
    }
  });
});
