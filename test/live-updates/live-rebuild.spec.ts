import { AsyncLocalStorage } from 'node:async_hooks';
import type { INestApplication } from '@nestjs/common';
import { IndexRegistry } from '../../src/indices/index-registry.js';
import type { Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { SourceReader } from '../../src/job-store/source-reader.js';
import { ChangeHandler } from '../../src/live-updates/change-handler.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import type { EntityChange } from '../../src/live-updates/entity-change.js';
import { LiveChangeHandler } from '../../src/live-updates/live-change.handler.js';
import type { BulkOperation, BulkResult } from '../../src/opensearch/search-gateway.js';
import { IndexVerifier, type VerifyReport } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { DocumentWriter } from '../../src/indexing/document-writer.service.js';
import { buildJournal } from '../../src/indexing/change-journal.service.js';
import { SourceFactory } from '../support/factories.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { ChangeStream, type ChangeStreamReport } from './change-stream.js';
import { BrokerProbe } from './live-updates-test-app.js';
import { completedJob, DelegatingGateway, requestFullRebuild, startAppWith, wrapGateway } from './rebuild-harness.js';

const EVENTS = 100_000;
const CHANGES_PER_SECOND = 40;
/** The phases that copy or check documents: live changes must keep arriving through each of them. */
const PHASES_UNDER_CHANGES = ['BACKFILL', 'CATCH_UP', 'VERIFY'] as const;

interface RebuildUnderChanges {
  readonly job: Job;
  readonly previousIndex: string;
  readonly changes: ChangeStreamReport;
  /** How long each phase took. */
  readonly phases: string[];
  /** Changes published while the job was in each phase. */
  readonly changesByPhase: Readonly<Record<string, number>>;
  readonly report: VerifyReport;
  readonly venuesReport: VerifyReport;
}

/** Which handler call the current async work belongs to, and whether its dual-writes must fail. */
const handlerCall = new AsyncLocalStorage<{ readonly call: number; readonly faulty: boolean }>();

/** The real handler, counted, with every `faultEvery`-th call marked faulty (0 = none). */
class InstrumentedHandler extends ChangeHandler {
  calls = 0;
  succeeded = 0;
  failed = 0;
  faultEvery = 0;

  constructor(private readonly real: ChangeHandler) {
    super();
  }

  async handle(change: EntityChange): Promise<void> {
    const call = ++this.calls;
    const faulty = this.faultEvery > 0 && call % this.faultEvery === 0;
    try {
      await handlerCall.run({ call, faulty }, () => this.real.handle(change));
      this.succeeded++;
    } catch (error) {
      this.failed++;
      throw error;
    }
  }
}

/**
 * Real OpenSearch underneath. Within a faulty handler call, a bulk into the index being built
 * (through its write alias `<alias>_v<N>.writes`) fails: every other time it
 * throws like a lost connection, otherwise each document is rejected like an overloaded
 * node. Writes through an alias (the live writes) are never touched, only counted.
 */
class FaultInjectingGateway extends DelegatingGateway {
  injected = 0;
  liveWrites = 0;
  liveRejected = 0;
  /** Documents the node pushed back with 429 (resent by the handler): load, not loss. */
  liveThrottled = 0;
  liveErrors = 0;

  override async bulk(index: string, operations: readonly BulkOperation[]): Promise<BulkResult> {
    const scope = handlerCall.getStore();
    // The index being built is written through its write alias, `<alias>_v<N>.writes`.
    const building = /_v\d+\.writes$/.test(index);
    if (scope?.faulty && building) {
      this.injected++;
      if (scope.call % 2 === 0) throw new Error(`bulk into ${index}: injected fault, connection reset`);
      return { written: 0, staleSkipped: 0, failures: operations.map((operation) => ({ id: operation.id, status: 429, reason: 'es_rejected_execution_exception: injected fault' })) };
    }
    if (!scope || building) return this.real.bulk(index, operations);
    this.liveWrites++;
    try {
      const result = await this.real.bulk(index, operations);
      this.liveThrottled += result.failures.filter((failure) => failure.status === 429).length;
      this.liveRejected += result.failures.filter((failure) => failure.status !== 429).length;
      return result;
    } catch (error) {
      this.liveErrors++;
      throw error;
    }
  }
}

describe('live updates during a full rebuild of 100k events', () => {
  let context: TestContext;
  let factory: SourceFactory;
  let probe: BrokerProbe;
  let app: INestApplication;
  let handler: InstrumentedHandler;
  let gateway: FaultInjectingGateway;
  let events: string;
  let venues: string;
  let seed = 0;

  beforeAll(async () => {
    context = await TestContext.create('live_rebuild');
    events = `${context.indexPrefix}events`;
    venues = `${context.indexPrefix}venues`;
    await seedDemoData(context.databaseUrl, EVENTS, 5);
    // The seed stamps every row with the load time; as history, so CATCH_UP replays what changed during the job, not the whole table.
    await context.sql('UPDATE venues SET updated_at = updated_at - INTERVAL 1 DAY');
    await context.sql('UPDATE events SET updated_at = updated_at - INTERVAL 1 DAY');
    factory = SourceFactory.connect(context.databaseUrl);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
    // Retries come fast and often enough that a change which keeps drawing faulty calls is still applied.
    const config = context.config({ LOG_LEVEL: 'error', RABBITMQ_RETRY_DELAY_MS: '300', RABBITMQ_MAX_ATTEMPTS: '10', REINDEX_RECOVERY_INTERVAL_MS: '2000' });
    app = await startAppWith(config, undefined, (builder) =>
      wrapGateway(builder, (real) => (gateway = new FaultInjectingGateway(real)))
        .overrideProvider(ChangeHandler)
        .useFactory({
          factory: (registry: IndexRegistry, reader: SourceReader, writer: DocumentWriter) => (handler = new InstrumentedHandler(new LiveChangeHandler(registry, reader, writer))),
          inject: [IndexRegistry, SourceReader, DocumentWriter],
        }),
    );
    await completedJob(app, events);
    await completedJob(app, venues);
  });
  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await factory?.close();
    await context?.dispose();
  });

  /**
   * Changes rows and publishes them from before the rebuild is requested until after it
   * completed, waits until the consumer applied and acked every message, then verifies
   * the alias (now the rebuilt index) against MySQL.
   */
  async function rebuildUnderChanges(): Promise<RebuildUnderChanges> {
    const eventIds = (await context.sql<{ id: number }>('SELECT id FROM events')).map((row) => row.id);
    const venueIds = (await context.sql<{ id: number }>('SELECT id FROM venues')).map((row) => row.id);
    const [previousIndex] = await gateway.getAliasTargets(events);
    const publisher = app.get(ChangePublisher);
    const store = app.get(JobStore);
    const stream = new ChangeStream(factory, (change) => publisher.publish(change), { eventIds, venueIds }, ++seed);
    const handledBefore = handler.succeeded;

    stream.start(CHANGES_PER_SECOND);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { id } = await requestFullRebuild(app, events);
    const watching = setInterval(() => {
      store.findJob(id).then(
        (job) => (stream.job = job),
        () => undefined,
      );
    }, 100);
    let job: Job;
    let changes: ChangeStreamReport;
    try {
      job = await completedJob(app, events, id - 1);
    } finally {
      clearInterval(watching);
      // Also when the job never completes: a stream left running would change the next test's rows.
      changes = await stream.stop();
    }

    await waitFor(
      'every message applied and acked',
      async () =>
        handler.succeeded - handledBefore >= changes.sent && (await probe.messageCount(context.queue)) === 0 && (await probe.messageCount(`${context.queue}.retry`)) === 0
          ? true
          : undefined,
      60_000,
      200,
    );
    const verifier = app.get(IndexVerifier);
    const transitions = await store.listTransitions(job.id);
    const spans = transitions.slice(1).map((transition, i) => ({ phase: transition.fromPhase ?? transition.fromStatus, from: transitions[i].createdAt.getTime(), to: transition.createdAt.getTime() }));
    const phases = spans.map(({ phase, from, to }) => `${phase}=${((to - from) / 1000).toFixed(1)}s`);
    const changesByPhase: Record<string, number> = {};
    for (const { phase, from, to } of spans) {
      if (phase) changesByPhase[phase] = (changesByPhase[phase] ?? 0) + changes.publishedAt.filter((at) => at >= from && at < to).length;
    }
    return { job, previousIndex, changes, phases, changesByPhase, report: await verifier.verifyOn(app.get(SearchGateway), events), venuesReport: await verifier.verifyOn(app.get(SearchGateway), venues) };
  }

  function expectChangesThroughoutTheJob({ job, changes, changesByPhase }: RebuildUnderChanges): void {
    expect(changes.sent).toBeGreaterThan(100);
    // Counted, not timed: how fast the stream goes depends on the machine, that it spans every phase does not.
    expect(PHASES_UNDER_CHANGES.filter((phase) => !(changesByPhase[phase] > 0))).toEqual([]);
    expect(changes.startedAt.getTime()).toBeLessThan(job.createdAt.getTime());
    expect(changes.stoppedAt.getTime()).toBeGreaterThanOrEqual(job.finishedAt!.getTime());
    expect(changes.belowCursor).toBeGreaterThan(0);
    expect(changes.aboveCursor).toBeGreaterThan(0);
    for (const kind of ['title', 'price', 'unpublish', 'publish', 'soft-delete', 'hard-delete', 'create', 'booking', 'venue']) {
      expect(changes.byKind).toHaveProperty(kind);
    }
  }

  function expectEqualToSource({ job, previousIndex, report, venuesReport }: RebuildUnderChanges): void {
    expect(job.targetIndex).not.toBe(previousIndex);
    expect(report.index).toBe(events);
    expect(report.sourceCount).toBeGreaterThan(EVENTS * 0.7);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
    expect(venuesReport).toMatchObject({ indexCount: venuesReport.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  }

  it('ends with the rebuilt index equal to the source: upserts, venue changes and deletes on both sides of the cursor and in every phase', async () => {
    const throttledBefore = gateway.liveThrottled;
    const outcome = await rebuildUnderChanges();
    log('without faults', outcome, { liveThrottled: gateway.liveThrottled - throttledBefore });

    expectChangesThroughoutTheJob(outcome);
    expect(await gateway.getAliasTargets(events)).toEqual([outcome.job.targetIndex]);
    expectEqualToSource(outcome);
    expect(gateway.liveRejected + gateway.liveErrors).toBe(0);
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);
  });

  it('still ends equal to the source when every third dual-write to the new index fails, journaling them, while every live write succeeds', async () => {
    const injectedBefore = gateway.injected;
    const throttledBefore = gateway.liveThrottled;
    const liveBefore = gateway.liveWrites;
    const failedBefore = handler.failed;
    handler.faultEvery = 3;
    let outcome: RebuildUnderChanges;
    try {
      outcome = await rebuildUnderChanges();
    } finally {
      handler.faultEvery = 0;
    }
    const journal = await app.get(JobStore).readJournal(buildJournal(outcome.job), 0n, 100_000);
    log('with failing dual-writes', outcome, { injected: gateway.injected - injectedBefore, journal: journal.length, retriedCalls: handler.failed - failedBefore, liveWrites: gateway.liveWrites - liveBefore, liveThrottled: gateway.liveThrottled - throttledBefore });

    expectChangesThroughoutTheJob(outcome);
    expect(gateway.injected - injectedBefore).toBeGreaterThan(20);
    expect(journal.length).toBeGreaterThan(20);
    expectEqualToSource(outcome);
    // Every message was applied and acked (rebuildUnderChanges waited for it), none dead-lettered, and no live write failed.
    expect(gateway.liveWrites - liveBefore).toBeGreaterThan(outcome.changes.sent / 2);
    expect(gateway.liveRejected + gateway.liveErrors).toBe(0);
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);
  });
});

function log(title: string, { job, changes, phases, changesByPhase, report }: Pick<RebuildUnderChanges, 'job' | 'changes' | 'phases' | 'changesByPhase' | 'report'>, extra: Record<string, number> = {}): void {
  const seconds = ((job.finishedAt!.getTime() - job.createdAt.getTime()) / 1000).toFixed(1);
  process.stdout.write(
    `[live-rebuild ${title}] job ${job.id} -> ${job.targetIndex} in ${seconds} s (${phases.join(', ')}); ${changes.sent} changes in ${changes.seconds.toFixed(1)} s ` +
      `(${changes.perSecond.toFixed(1)}/s; by phase ${JSON.stringify(changesByPhase)}; below cursor ${changes.belowCursor}, above ${changes.aboveCursor}) ${JSON.stringify(changes.byKind)}; ` +
      `verify: source ${report.sourceCount}, index ${report.indexCount}, missing ${report.missing.total}, stale ${report.stale.total}, extra ${report.extra.total} ${JSON.stringify(extra)}\n`,
  );
}
