import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { JobRows, type JobRow } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

interface JobAnswer {
  id: number;
  status: string;
  maxDocsPerSecond: number | null;
  maxDocsPerSecondSetBy: string | null;
  docsPerSecond: number | null;
  etaSeconds: number | null;
  transitions?: { reason: string }[];
}

const EVENTS = 8000;

/**
 * PATCH /jobs/:id {"maxDocsPerSecond": N} on a backfill run by another replica, then
 * across a takeover: two in-process replicas on one database.
 */
describe('rethrottle a running job', () => {
  let context: TestContext;
  let rows: JobRows;
  let events: string;
  const apps = new Map<string, INestApplication>();

  beforeAll(async () => {
    context = await TestContext.create('rethrottle');
    rows = JobRows.connect(context.databaseUrl);
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, EVENTS, 13);
  });
  afterAll(async () => {
    for (const app of apps.values()) await app.close();
    await rows?.close();
    await context?.dispose();
  });

  const start = async (instance: string, maxDocsPerSecond: number) => {
    const app = await startApp(context.config({ INSTANCE_ID: instance, LOG_LEVEL: 'error', REINDEX_BATCH_SIZE: '100', REINDEX_MAX_DOCS_PER_SECOND: String(maxDocsPerSecond) }));
    apps.set(instance, app);
    return app;
  };
  const api = async (app: INestApplication, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as JobAnswer & { code?: string } };
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Documents the job's saved progress gained over `ms`. */
  const progressOver = async (id: number, ms: number) => {
    const before = (await rows.job(id)).docsProcessed;
    await sleep(ms);
    const after = await rows.job(id);
    return { gained: after.docsProcessed - before, job: after };
  };

  it('slows a backfill run by another replica within a second, keeps the pace across a takeover, and lifts it again', async () => {
    const runner = await start('runner', 400);
    const job = await waitFor('the events deploy job in BACKFILL on runner', async () => {
      const [candidate] = await rows.jobs(events);
      return candidate && candidate.phase === 'BACKFILL' && candidate.docsProcessed > 0 && candidate.leaseOwner === 'runner' ? candidate : undefined;
    });
    // Unlimited by its own setting: only the pace on the job row can hold it back.
    const other = await start('other', 0);

    const before = await progressOver(job.id, 2000);
    const slowed = await api(other, 'PATCH', `/jobs/${job.id}`, { maxDocsPerSecond: 1 });
    const again = await api(other, 'PATCH', `/jobs/${job.id}`, { maxDocsPerSecond: 1 });
    await sleep(1000);
    const paced = await progressOver(job.id, 3000);

    expect(before.gained).toBeGreaterThan(500);
    expect(slowed).toMatchObject({ status: 200, body: { id: job.id, maxDocsPerSecond: 1, maxDocsPerSecondSetBy: 'operator' } });
    expect(again.status).toBe(200);
    // At 1 document a second, one paced read (100 rows) after the change, beside the batches already in flight.
    expect(paced.gained).toBeLessThanOrEqual(300);
    expect(paced.job).toMatchObject({ status: 'RUNNING', phase: 'BACKFILL' });

    // The replica running it goes away; the other one (unlimited by its own setting) takes the job over.
    await runner.close();
    apps.delete('runner');
    await waitFor('the takeover by other', async () => ((await rows.job(job.id)).leaseOwner === 'other' ? true : undefined), 30_000);
    await sleep(1000);
    const afterTakeover = await progressOver(job.id, 3000);
    const view = await api(other, 'GET', `/jobs/${job.id}`);

    expect(afterTakeover.gained).toBeLessThanOrEqual(200);
    expect(afterTakeover.job).toMatchObject({ status: 'RUNNING', phase: 'BACKFILL', leaseOwner: 'other' });
    // The rate shown is the pace in force, not the mean the unpaced start still holds up; the ETA follows it.
    expect(view.body).toMatchObject({ maxDocsPerSecond: 1, maxDocsPerSecondSetBy: 'operator', docsPerSecond: 1 });
    expect(view.body.etaSeconds).toBeGreaterThan(4000);
    expect(view.body.transitions!.filter((transition) => transition.reason.startsWith('rethrottled by operator')).map((transition) => transition.reason)).toEqual([
      "rethrottled by operator: at most 1 documents/s (was the service's pace (REINDEX_PACE))",
      'rethrottled by operator: at most 1 documents/s (was at most 1 documents/s)',
    ]);

    const lifted = await api(other, 'PATCH', `/jobs/${job.id}`, { maxDocsPerSecond: 0 });
    const remaining = afterTakeover.job.docsTotal! - afterTakeover.job.docsProcessed;
    const completed = await rows.waitForStatus(job.id, 'COMPLETED', 60_000);

    expect(lifted.body).toMatchObject({ maxDocsPerSecond: 0, maxDocsPerSecondSetBy: 'operator' });
    // Most of the backfill was still to do when the pace was lifted.
    expect(remaining).toBeGreaterThan(4000);
    expect(completed.docsProcessed).toBe(completed.docsTotal);
    const report = await other.get(IndexVerifier).verifyOn(other.get(SearchGateway), events);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  });

  it('refuses to pace an ended or a partial job with 409, an unknown job with 404, and changes nothing', async () => {
    const app = apps.get('other')!;
    const [completed] = (await rows.jobs(events)).filter((job: JobRow) => job.status === 'COMPLETED');
    const partial = await api(app, 'POST', `/indices/${events}/reindex`, { mode: 'partial', ids: [1, 2] });
    const eventsBefore = (await rows.transitions(completed.id)).length;

    const ended = await api(app, 'PATCH', `/jobs/${completed.id}`, { maxDocsPerSecond: 10 });
    const notPaced = await api(app, 'PATCH', `/jobs/${partial.body.id}`, { maxDocsPerSecond: 10 });
    const unknown = await api(app, 'PATCH', '/jobs/2147483647', { maxDocsPerSecond: 10 });

    expect(ended).toMatchObject({ status: 409, body: { code: 'RETHROTTLE_REFUSED' } });
    expect(notPaced).toMatchObject({ status: 409, body: { code: 'RETHROTTLE_REFUSED' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'JOB_NOT_FOUND' } });
    expect(await context.sql('SELECT id FROM reindex_jobs WHERE max_docs_per_second = 10')).toEqual([]);
    expect(await rows.transitions(completed.id)).toHaveLength(eventsBefore);
  });
});
