import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { DriftDetector } from '../../src/drift/drift-detector.service.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';

/** REINDEX_MODE=observe: a first look at what the service would do, with nothing written. */
describe('observe mode', () => {
  let context: TestContext;
  let app: INestApplication;
  let events: string;

  const api = async (method: string, path: string, body?: unknown, token = TEST_ADMIN_TOKEN) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const indicesOnCluster = async () => {
    const response = await fetch(`${context.opensearchNode}/_cat/indices/${context.indexPrefix}*?format=json&h=index`);
    return ((await response.json()) as { index: string }[]).map((row) => row.index);
  };

  beforeAll(async () => {
    context = await TestContext.create('observe_mode');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 200, 4);
    app = await startApp(context.config({ LOG_LEVEL: 'error', REINDEX_MODE: 'observe', REINDEX_RECOVERY_INTERVAL_MS: '1000' }));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await context?.dispose();
  });

  it('runs drift and the plan but creates nothing on the cluster and no job', async () => {
    // The deploy check itself, once more: it finds both aliases missing and enqueues nothing.
    expect(await app.get(DriftDetector).detectAll()).toEqual({ [events]: 'missing', [`${context.indexPrefix}venues`]: 'missing' });
    // Several recovery and claim ticks later.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await indicesOnCluster()).toEqual([]);
    expect(await context.sql('SELECT id FROM reindex_jobs')).toEqual([]);

    const plan = await api('GET', `/indices/${events}/plan`);
    expect(plan).toMatchObject({ status: 200, body: { alias: events, mode: 'observe', status: 'missing', action: 'create', liveIndex: null, diff: null } });
    const health = await api('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', info: { mode: { status: 'up', mode: 'observe' } } } });
  }, 30_000);

  it('answers 409 OBSERVE_MODE to every changing route, after authentication', async () => {
    expect(await api('POST', `/indices/${events}/reindex`, { mode: 'full' })).toMatchObject({ status: 409, body: { code: 'OBSERVE_MODE' } });
    expect(await api('POST', `/indices/${events}/reindex`, { mode: 'partial', ids: [1] })).toMatchObject({ status: 409, body: { code: 'OBSERVE_MODE' } });
    expect(await api('POST', `/indices/${events}/adopt`)).toMatchObject({ status: 409, body: { code: 'OBSERVE_MODE' } });
    expect(await api('PUT', `/indices/${events}/schedule`, { enabled: true, intervalMinutes: 60, mode: 'full' })).toMatchObject({ status: 409, body: { code: 'OBSERVE_MODE' } });
    expect(await api('POST', `/indices/${events}/reindex`, { mode: 'full' }, 'wrong-token-0123456789')).toMatchObject({ status: 401 });
    expect(await indicesOnCluster()).toEqual([]);
    expect(await context.sql('SELECT alias FROM index_schedules')).toEqual([]);
    expect(await context.sql('SELECT id FROM reindex_jobs')).toEqual([]);
  });
});
