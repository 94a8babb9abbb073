import { ServiceProcess } from '../support/service-process.js';
import { TestContext } from '../support/test-context.js';

interface HealthAnswer {
  status: string;
  details: Record<string, { status: string }>;
}

/** GET /health/<path> without a token, as a kubelet calls it. */
async function probe(service: ServiceProcess, path: string): Promise<{ status: number; body: HealthAnswer }> {
  const response = await fetch(`${service.url}/health${path ? `/${path}` : ''}`, { signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: (await response.json()) as HealthAnswer };
}

const statuses = (body: HealthAnswer) => Object.fromEntries(Object.entries(body.details).map(([name, detail]) => [name, detail.status]));

describe('start-up', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await TestContext.create('startup');
  });
  afterAll(() => context.dispose());

  it('stops with a message naming DATABASE_URL when the database cannot be reached', async () => {
    const failure = await ServiceProcess.start('startup-db', context.env({ DATABASE_URL: 'mysql://root:hunter2@127.0.0.1:1/nowhere' })).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited \(1\)/);
    expect(failure).toContain('DATABASE_URL: cannot connect to mysql://root:***@127.0.0.1:1/nowhere');
    expect(failure).not.toContain('hunter2');
  });

  it('stops with a message naming ADMIN_API_TOKEN when it is missing', async () => {
    const failure = await ServiceProcess.start('startup-token', context.env({ ADMIN_API_TOKEN: '' })).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited \(1\)/);
    expect(failure).toContain('ADMIN_API_TOKEN is missing');
  });

  it('comes up with all three services healthy', async () => {
    const service = await ServiceProcess.start('startup-ok', context.env());
    try {
      const health = (await (await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(15_000) })).json()) as { status: string; details: Record<string, { status: string }> };
      expect(health.status).toBe('ok');
      expect(Object.fromEntries(Object.entries(health.details).map(([name, detail]) => [name, detail.status]))).toEqual({ mode: 'up', mysql: 'up', mysql_source: 'up', opensearch: 'up', rabbitmq: 'up' });
      expect(await probe(service, 'live')).toMatchObject({ status: 200, body: { status: 'ok', details: { process: { status: 'up', instance: 'startup-ok' } } } });
      const ready = await probe(service, 'ready');
      expect(ready.status).toBe(200);
      expect(statuses(ready.body)).toEqual({ mysql: 'up', opensearch: 'up', rabbitmq: 'up' });
    } finally {
      await service.stop();
    }
  });

  it('stays live while the current cluster does not answer, and is not ready then: an orchestrator waits instead of restarting it', async () => {
    // A dead port rather than stopping the shared OpenSearch: the service sees the same refusal.
    const service = await ServiceProcess.start('startup-no-search', context.env({ OPENSEARCH_NODE: 'http://127.0.0.1:1' }));
    try {
      for (let check = 0; check < 3; check++) {
        expect(await probe(service, 'live')).toMatchObject({ status: 200, body: { status: 'ok' } });
        // The 503 body goes through the API's error filter ({ statusCode, code, message }): the status is the answer.
        expect((await probe(service, 'ready')).status).toBe(503);
        expect((await probe(service, '')).status).toBe(503);
      }
    } finally {
      await service.stop();
    }
  });

  it('exits within the grace period on SIGTERM right after start, with its drift check and first jobs in flight', async () => {
    const fresh = await TestContext.create('startup_stop');
    try {
      const service = await ServiceProcess.start('startup-stop', fresh.env({ LOG_LEVEL: 'log' }));
      // stop() fails the test if the process is still there 30 s after SIGTERM.
      await service.stop();
      expect(service.logs()).not.toMatch(/drift check failed|pool is closed/);
    } finally {
      await fresh.dispose();
    }
  });
});
