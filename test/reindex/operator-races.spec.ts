import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { completedJob, requestFullRebuild } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

describe('operators racing each other and the job', () => {
  let context: TestContext;
  let app: INestApplication;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('operator_races');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 2000, 3);
    // Slow enough that the rebuild is still in BACKFILL while the requests race (2,000 events at 400 a second).
    app = await startApp(context.config({ REINDEX_PACE: 'fixed', REINDEX_MAX_DOCS_PER_SECOND: '400', REINDEX_BATCH_SIZE: '50', REINDEX_RECOVERY_INTERVAL_MS: '1000' }));
    await completedJob(app, events);
  });
  afterAll(async () => {
    await app.close();
    await context.dispose();
  });

  const command = async (id: number, action: 'pause' | 'resume') => {
    const response = await fetch(`${await app.getUrl()}/jobs/${id}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    return { action, status: response.status, body: (await response.json()) as { code?: string } };
  };

  it('answers every one of 40 concurrent pauses and resumes with done or 409, never a 5xx, and the job still completes', async () => {
    const { id } = await requestFullRebuild(app, events);
    await waitFor('the rebuild in BACKFILL', async () => ((await app.get(JobStore).findJob(id))?.phase === 'BACKFILL' ? true : undefined), 60_000, 50);

    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => command(id, i % 2 === 0 ? 'pause' : 'resume')));

    const statuses = new Set(answers.map((answer) => answer.status));
    expect([...statuses].filter((status) => status !== 200 && status !== 409)).toEqual([]);
    expect(answers.filter((answer) => answer.status === 409).every((answer) => answer.body.code === 'ILLEGAL_TRANSITION')).toBe(true);
    expect(answers.some((answer) => answer.status === 200)).toBe(true);
    // Whatever order they landed in, one resume leaves it running to the end.
    const now = await app.get(JobStore).findJob(id);
    if (now?.status === 'PAUSED') expect((await command(id, 'resume')).status).toBe(200);
    expect((await completedJob(app, events, id - 1)).id).toBe(id);
  });
});
