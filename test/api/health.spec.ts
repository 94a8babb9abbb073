import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { HealthModule } from '../../src/api/health/health.module.js';
import { JobStoreModule } from '../../src/job-store/job-store.module.js';
import { ScriptedChangeHandler, startLiveUpdatesApp } from '../live-updates/live-updates-test-app.js';
import { TestContext } from '../support/test-context.js';

describe('GET /health', () => {
  let context: TestContext;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    context = await TestContext.create('health');
  });
  afterAll(() => context.dispose());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function getHealth(overrides: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    app = await startLiveUpdatesApp(context.config(overrides), { handler: new ScriptedChangeHandler(), imports: [JobStoreModule, HealthModule] });
    await app.listen(0);
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    // No Authorization header: load balancers call it as is.
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('reports mysql (state and source), opensearch and rabbitmq up when all answer', async () => {
    const { status, body } = await getHealth();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      info: { mysql: { status: 'up' }, mysql_source: { status: 'up' }, opensearch: { status: 'up' }, rabbitmq: { status: 'up' } },
      error: {},
    });
  });

  it('answers 503 with mysql down when DATABASE_URL points at a closed port', async () => {
    const { status, body } = await getHealth({ DATABASE_URL: 'mysql://root@127.0.0.1:1/nowhere' });
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'error',
      info: { opensearch: { status: 'up' }, rabbitmq: { status: 'up' } },
      error: { mysql: { status: 'down' } },
    });
  }, 30_000);

  it('answers 503 with mysql_source down when SOURCE_DATABASE_URL points at a closed port, the state database up', async () => {
    const { status, body } = await getHealth({ SOURCE_DATABASE_URL: 'mysql://reader@127.0.0.1:1/nowhere' });
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'error',
      info: { mysql: { status: 'up' }, opensearch: { status: 'up' }, rabbitmq: { status: 'up' } },
      error: { mysql_source: { status: 'down' } },
    });
  }, 30_000);
});
