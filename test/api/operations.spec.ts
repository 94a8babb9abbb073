import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';

describe('operations surface', () => {
  let context: TestContext;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    context = await TestContext.create('operations');
    await seedDemoData(context.databaseUrl, 300, 3);
    app = await startApp(context.config());
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await firstBuildsCompleted(app);
  });
  afterAll(async () => {
    await app.close();
    await context.dispose();
  });

  it('exposes jobs by status and process figures as Prometheus metrics', async () => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const body = await response.text();

    expect(response.status).toBe(200);
    expect(body).toContain('reindexer_jobs{status="COMPLETED"} 2');
    expect(body).toContain('reindexer_jobs{status="RUNNING"} 0');
    expect(body).toMatch(/reindexer_process_resident_memory_bytes \d+/);
  });

  it('lists each index with its live index, hashes, drift and documents', async () => {
    const response = await fetch(`${url}/indices`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const indices = (await response.json()) as { alias: string; liveIndex: string; codeHash: string; liveHash: string; drift: string; documents: number }[];

    expect(indices.map((index) => index.alias).sort()).toEqual([`${context.indexPrefix}events`, `${context.indexPrefix}venues`]);
    for (const index of indices) {
      expect(index.liveIndex).toBe(`${index.alias}_v1`);
      expect(index.liveHash).toBe(index.codeHash);
      expect(index.drift).toBe('in-sync');
      expect(index.documents).toBeGreaterThan(0);
    }
  });

  it('shows a job with its transitions, and refuses an illegal operator action with 409', async () => {
    const [job] = await app.get(JobStore).listJobs({ status: 'COMPLETED', limit: 1 });
    const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const detail = (await (await fetch(`${url}/jobs/${job.id}`, { headers: auth })).json()) as { transitions: { toPhase: string | null; toStatus: string }[] };
    expect(detail.transitions.map((transition) => transition.toPhase ?? transition.toStatus)).toEqual(['PENDING', 'PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP', 'CLEANUP']);

    const cancel = await fetch(`${url}/jobs/${job.id}/cancel`, { method: 'POST', headers: auth });
    expect(cancel.status).toBe(409);
    expect(((await cancel.json()) as { code: string }).code).toBe('ILLEGAL_TRANSITION');
    expect((await fetch(`${url}/jobs/999999`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${url}/jobs/abc`, { headers: auth })).status).toBe(400);
  });

  it('serves the admin page and the OpenAPI document', async () => {
    const page = await fetch(`${url}/admin`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<h1>reindexer</h1>');
    const openApi = (await (await fetch(`${url}/docs-json`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths)).toEqual(expect.arrayContaining(['/indices/{alias}/reindex', '/jobs/{id}', '/health']));
  });
});
