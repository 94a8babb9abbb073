import type { INestApplication } from '@nestjs/common';
import { IndexRegistry } from '../../src/indices/index-registry.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { SourceReader } from '../../src/job-store/source-reader.js';
import { ChangeHandler } from '../../src/live-updates/change-handler.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import type { EntityChange } from '../../src/live-updates/entity-change.js';
import { LiveChangeHandler } from '../../src/live-updates/live-change.handler.js';
import { OutboxPoller } from '../../src/live-updates/outbox-poller.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { startApp } from '../../src/create-app.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import { completedJob, requestFullRebuild, startAppWith } from '../live-updates/rebuild-harness.js';
import { DocumentWriter } from '../../src/indexing/document-writer.service.js';
import { parsePrometheusText, sampleSum, type Sample } from '../support/prometheus-text.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

/** An id whose first live change fails once (as a lost MySQL connection would), so it goes through the retry queue. */
const FLAKY_ID = '5';

/** The real handler; the first call for FLAKY_ID fails before touching anything. */
class FlakyOnceHandler extends ChangeHandler {
  readonly handled: string[] = [];
  private failed = false;

  constructor(private readonly real: ChangeHandler) {
    super();
  }

  async handle(change: EntityChange): Promise<void> {
    if (change.id === FLAKY_ID && !this.failed) {
      this.failed = true;
      throw new Error('injected: connection lost');
    }
    await this.real.handle(change);
    this.handled.push(`${change.entity}:${change.id}`);
  }
}

describe('/metrics during a rebuild with live changes', () => {
  let context: TestContext;
  let app: INestApplication;
  let handler: FlakyOnceHandler;
  let url: string;
  let events: string;

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    return parsePrometheusText(await response.text());
  };

  beforeAll(async () => {
    context = await TestContext.create('metrics');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 2000, 3);
    const config = context.config({
      OUTBOX_ENABLED: 'true',
      // Polled by the test itself (pollOnce), so rows wait in the backlog until then.
      OUTBOX_POLL_INTERVAL_MS: '3600000',
      RABBITMQ_RETRY_DELAY_MS: '300',
      // Long enough for a scrape to see a running BACKFILL (its figures exist only while a job runs).
      REINDEX_FAULT_PHASE_DELAY_MS: '1500',
    });
    app = await startAppWith(config, undefined, (builder) =>
      builder.overrideProvider(ChangeHandler).useFactory({
        factory: (registry: IndexRegistry, reader: SourceReader, writer: DocumentWriter) => (handler = new FlakyOnceHandler(new LiveChangeHandler(registry, reader, writer))),
        inject: [IndexRegistry, SourceReader, DocumentWriter],
      }),
    );
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);
  });
  afterAll(async () => {
    await app?.close();
    await context?.dispose();
  });

  it('moves every family: documents, phases, bulk failures, live changes, lag, outbox, queues, OpenSearch requests', async () => {
    const before = await scrape();
    const probe = await BrokerProbe.open(context.rabbitmqUrl);
    try {
      const { id } = await requestFullRebuild(app, events);
      const running = await waitFor(
        'a scrape that shows the running BACKFILL',
        async () => {
          const samples = await scrape();
          return sampleSum(samples, 'reindexer_job_documents_per_second', { job: String(id) }) > 0 ? samples : undefined;
        },
        60_000,
        200,
      );
      expect(sampleSum(running, 'reindexer_jobs', { status: 'RUNNING' })).toBe(1);
      const processed = sampleSum(running, 'reindexer_job_documents_processed', { job: String(id), alias: events, of: 'processed' });
      expect(processed).toBeGreaterThan(0);
      expect(processed).toBeLessThanOrEqual(sampleSum(running, 'reindexer_job_documents_processed', { job: String(id), of: 'total' }));

      // Live changes while the job runs: applied, one retried then applied, one that can never succeed.
      const publisher = app.get(ChangePublisher);
      for (const eventId of ['1', '2', '3', '4', FLAKY_ID]) await publisher.publish({ entity: 'event', id: eventId, op: 'upsert' });
      await probe.publish(context.exchange, 'event.upsert', 'this is not JSON');
      await context.sql("INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES ('event', '6', 'upsert'), ('event', '7', 'upsert')");
      const waiting = await scrape();
      expect(sampleSum(waiting, 'reindexer_outbox_backlog')).toBe(2);
      expect(sampleSum(waiting, 'reindexer_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
      expect((await app.get(OutboxPoller).pollOnce()).applied).toBe(2);

      // A document the strict mapping refuses, through the real gateway: a rejected bulk item.
      const refused = await app.get(SearchGateway).bulk(events, [{ action: 'index', id: '999999', version: 1, document: { no_such_field: true } }]);
      expect(refused.failures).toHaveLength(1);

      await completedJob(app, events, id - 1);
      await waitFor('every live change applied', () => Promise.resolve(handler.handled.includes(`event:${FLAKY_ID}`) ? true : undefined), 30_000);
      await waitFor('the poison message in the dead-letter queue', async () => ((await probe.messageCount(`${context.queue}.dlq`)) === 1 ? true : undefined), 30_000);
    } finally {
      await probe.close();
    }

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(moved('reindexer_jobs', { status: 'COMPLETED' })).toBe(1);
    expect(sampleSum(after, 'reindexer_job_documents_processed')).toBe(0);
    const [rebuilt] = await app.get(JobStore).listJobs({ alias: events, limit: 1 });
    expect(rebuilt.docsTotal).toBeGreaterThan(1000);
    expect(moved('reindexer_documents_written_total', { index: events, target: 'build' })).toBeGreaterThanOrEqual(rebuilt.docsTotal!);
    expect(moved('reindexer_documents_written_total', { index: events, target: 'live' })).toBeGreaterThanOrEqual(7);
    expect(moved('reindexer_bulk_document_failures_total', { index: events, target: 'live', reason: 'rejected' })).toBe(1);
    for (const phase of ['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP']) {
      expect(moved('reindexer_phase_duration_seconds_count', { alias: events, phase })).toBe(1);
    }
    // Each phase waits 2 × 1.5 s of fault delay, so none can take less.
    expect(moved('reindexer_phase_duration_seconds_sum', { alias: events, phase: 'BACKFILL' })).toBeGreaterThanOrEqual(3);
    expect(moved('reindexer_live_changes_total', { source: 'rabbitmq', outcome: 'applied' })).toBe(5);
    expect(moved('reindexer_live_changes_total', { source: 'rabbitmq', outcome: 'retried' })).toBe(1);
    expect(moved('reindexer_live_changes_total', { source: 'rabbitmq', outcome: 'dead_lettered' })).toBe(1);
    expect(moved('reindexer_live_changes_total', { source: 'outbox', outcome: 'applied' })).toBe(2);
    expect(moved('reindexer_live_change_lag_seconds_count', { source: 'rabbitmq' })).toBe(5);
    // The retried change waited 300 ms in the retry queue: its lag says so.
    expect(moved('reindexer_live_change_lag_seconds_sum', { source: 'rabbitmq' })).toBeGreaterThanOrEqual(0.3);
    expect(moved('reindexer_live_change_lag_seconds_count', { source: 'outbox' })).toBe(2);
    expect(sampleSum(after, 'reindexer_outbox_backlog')).toBe(0);
    expect(sampleSum(after, 'reindexer_queue_messages', { queue: 'dead_letter' })).toBe(1);
    expect(sampleSum(after, 'reindexer_queue_messages', { queue: 'live' })).toBe(0);
    expect(moved('reindexer_opensearch_request_duration_seconds_count', { operation: 'bulk', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('reindexer_opensearch_request_duration_seconds_count', { operation: 'update_aliases', outcome: 'ok' })).toBe(1);
    expect(moved('reindexer_opensearch_request_duration_seconds_count', { operation: 'create_index', outcome: 'ok' })).toBe(1);
  });

  it('answers /live-updates/status with the same figures as /metrics, as JSON, and only with the admin token', async () => {
    const samples = await scrape();
    const refused = await fetch(`${url}/live-updates/status`);
    const response = await fetch(`${url}/live-updates/status`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const status = (await response.json()) as {
      consumer: string;
      changes: Record<string, Record<string, number>>;
      lag: Record<string, { count: number; sumSeconds: number; p95Seconds: number | null }>;
    };

    expect(refused.status).toBe(401);
    expect(response.status).toBe(200);
    expect(status).toMatchObject({
      consumer: expect.stringMatching(/^(connected|unblocked)$/) as unknown,
      queues: { value: { live: 0, retry: 0, dead_letter: 1 }, error: null },
      outbox: { value: { rows: 0 }, error: null },
    });
    for (const source of ['rabbitmq', 'outbox']) {
      for (const outcome of ['applied', 'retried', 'dead_lettered', 'requeued']) {
        expect({ source, outcome, value: status.changes[source][outcome] }).toEqual({ source, outcome, value: sampleSum(samples, 'reindexer_live_changes_total', { source, outcome }) });
      }
      expect(status.lag[source].count).toBe(sampleSum(samples, 'reindexer_live_change_lag_seconds_count', { source }));
      expect(status.lag[source].sumSeconds).toBeCloseTo(sampleSum(samples, 'reindexer_live_change_lag_seconds_sum', { source }));
    }
    // The retried change waited 300 ms in the retry queue.
    expect(status.lag.rabbitmq.p95Seconds).toBeGreaterThan(0);
  });

  it('answers /metrics only with a token, and serves the Swagger page and its document to anyone', async () => {
    for (const path of ['/docs', '/docs-json']) expect({ path, status: (await fetch(`${url}${path}`)).status }).toEqual({ path, status: 200 });
    // Its calls authorize with a token: every API route declares the bearer scheme.
    const document = (await (await fetch(`${url}/docs-json`)).json()) as { components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, { security?: unknown }>> };
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/jobs/{id}'].patch.security).toEqual([{ bearer: [] }]);
    for (const path of ['/metrics']) {
      const refused = await fetch(`${url}${path}`);
      expect({ path, status: refused.status }).toEqual({ path, status: 401 });
      expect(((await refused.json()) as { code: string }).code).toBe('UNAUTHORIZED');
      const wrong = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer not-the-admin-token-at-all' } });
      expect({ path, status: wrong.status }).toEqual({ path, status: 401 });
      const allowed = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      expect({ path, status: allowed.status }).toEqual({ path, status: 200 });
    }
  });

  it('answers /metrics without a token when METRICS_PUBLIC=true, and the API still needs it', async () => {
    const open = await startApp(context.config({ METRICS_PUBLIC: 'true', INSTANCE_ID: 'metrics-public' }));
    try {
      const openUrl = (await open.getUrl()).replace('[::1]', '127.0.0.1');
      const metrics = await fetch(`${openUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('reindexer_jobs{status="COMPLETED"}');
      expect((await fetch(`${openUrl}/jobs`)).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});
