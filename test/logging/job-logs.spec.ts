import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { LogCapture } from '../support/log-capture.js';
import { firstBuildsCompleted } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const PHASES = ['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP'];

describe('JSON logs of a running service', () => {
  let context: TestContext;
  let app: INestApplication;
  let url: string;
  const log = new LogCapture();

  beforeAll(async () => {
    context = await TestContext.create('job_logs');
    await seedDemoData(context.databaseUrl, 300, 3);
    app = await startApp(context.config({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' }), undefined, { logDestination: log });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await firstBuildsCompleted(app);
  });
  afterAll(async () => {
    await app.close();
    await context.dispose();
  });

  it('writes every line as one JSON object', () => {
    expect(log.lines().length).toBeGreaterThan(10);
    expect(() => log.records()).not.toThrow();
  });

  it('puts the job id, alias and phase on every line a job attempt logs', async () => {
    const jobs = await app.get(JobStore).listJobs({ status: 'COMPLETED', limit: 10 });
    const jobLines = log.records().filter((record) => record.context === 'JobExecutor');
    for (const job of jobs) {
      const own = jobLines.filter((record) => record.jobId === job.id);
      expect(own.every((record) => record.alias === job.alias && typeof record.phase === 'string')).toBe(true);
      // One "done" line per phase, each carrying the phase it finished.
      const done = own.filter((record) => / done \(/.test(String(record.msg)));
      expect(done.map((record) => record.phase)).toEqual(PHASES);
      expect(done.map((record) => String(record.msg).split(' ')[0])).toEqual(PHASES);
    }
    expect(jobLines.filter((record) => record.jobId === undefined)).toEqual([]);
  });

  it('gives each HTTP request an id, answers it in x-request-id and logs the request with it, never the token', async () => {
    const given = await fetch(`${url}/indices`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'x-request-id': 'deploy-check-42' } });
    expect(given.headers.get('x-request-id')).toBe('deploy-check-42');
    const fresh = await fetch(`${url}/jobs/999999`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const freshId = fresh.headers.get('x-request-id');
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);

    const requestLines = await waitFor('both request lines', () => {
      const lines = log.records().filter((record) => record.requestId === 'deploy-check-42' || record.requestId === freshId);
      return Promise.resolve(lines.length >= 2 ? lines : undefined);
    });
    expect(requestLines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'info', requestId: 'deploy-check-42', msg: expect.stringMatching(/^GET \/indices 200 in \d+ ms$/) as unknown }),
        expect.objectContaining({ level: 'warn', requestId: freshId, msg: expect.stringMatching(/^GET \/jobs\/999999 404/) as unknown }),
      ]),
    );
    expect(log.lines().join('\n')).not.toContain(TEST_ADMIN_TOKEN);
  });
});
