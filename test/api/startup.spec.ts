import { ServiceProcess } from '../support/service-process.js';
import { TestContext } from '../support/test-context.js';

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
