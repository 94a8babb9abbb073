import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { startApp } from '../../src/create-app.js';
import { DelegatingGateway, wrapGateway } from '../live-updates/rebuild-harness.js';
import { LogCapture } from '../support/log-capture.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';

/** The real gateway with a bug that can be switched on: what an unexpected error looks like to the API. */
class BuggyGateway extends DelegatingGateway {
  broken = false;

  override getAliasTargets(alias: string): Promise<string[]> {
    if (this.broken) throw new TypeError("Cannot read properties of undefined (reading 'aliases')");
    return super.getAliasTargets(alias);
  }
}

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errorId?: string;
}

describe('unexpected errors and outages', () => {
  let context: TestContext;
  let app: INestApplication | undefined;
  const log = new LogCapture();

  beforeAll(async () => {
    context = await TestContext.create('errors');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => context.dispose());

  const get = async (path: string) => {
    const response = await fetch(`${(await app!.getUrl()).replace('[::1]', '127.0.0.1')}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, signal: AbortSignal.timeout(60_000) });
    return { status: response.status, body: (await response.json()) as ErrorBody };
  };

  it('answers a bug with 500 and an error id, and logs that id beside the stack', async () => {
    let gateway!: BuggyGateway;
    app = await startApp(context.config({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }), undefined, {
      logDestination: log,
      create: async (root, options) => (await wrapGateway(Test.createTestingModule({ imports: [root] }), (real) => (gateway = new BuggyGateway(real))).compile()).createNestApplication(options),
    });
    gateway.broken = true;

    const answer = await get('/indices');
    // Failed before: 503 UNAVAILABLE "a dependency did not answer", for a bug with every dependency up.
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string });
    expect(answer.body.message).toContain(answer.body.errorId);
    const logged = log.records().filter((record) => String(record.msg).includes(answer.body.errorId!));
    expect(logged).toHaveLength(1);
    expect(logged[0].msg).toMatch(/TypeError: Cannot read properties of undefined \(reading 'aliases'\)\n\s+at /);

    gateway.broken = false;
    expect((await get('/indices')).status).toBe(200);
  });

  it('answers 503 naming the search cluster when it does not answer', async () => {
    // A dead port rather than stopping the shared OpenSearch.
    app = await startApp(context.config({ LOG_LEVEL: 'error', OPENSEARCH_NODE: 'http://127.0.0.1:1' }));
    const answer = await get('/indices');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'OPENSEARCH_UNAVAILABLE', message: expect.stringMatching(/^the search cluster did not answer; try again/) as string });
    expect(answer.body.errorId).toBeUndefined();
  });
});
