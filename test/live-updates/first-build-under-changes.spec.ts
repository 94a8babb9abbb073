import type { INestApplication } from '@nestjs/common';
import type { Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { SourceFactory } from '../support/factories.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { ChangeStream } from './change-stream.js';
import { BrokerProbe } from './live-updates-test-app.js';
import { completedJob, startAppWith } from './rebuild-harness.js';

const EVENTS = 20_000;
const CHANGES_PER_SECOND = 120;
/** How long the stream goes on after the swap: the changes right after it are the ones a stale "no alias yet" answer dropped. */
const AFTER_SWAP_MS = 3000;

/**
 * An alias's first build (nothing serves it yet) under a stream of changes that runs through the
 * swap: before the swap the changes reach only the index being built, after it only the alias.
 * Every change must land on one side or the other.
 */
describe('the first build of an alias under a change stream', () => {
  let context: TestContext;
  let factory: SourceFactory;
  let probe: BrokerProbe;
  let app: INestApplication;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('first_build_changes');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, EVENTS, 17);
    factory = SourceFactory.connect(context.databaseUrl);
    probe = await BrokerProbe.open(context.rabbitmqUrl);
  });
  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await factory?.close();
    await context?.dispose();
  });

  it('ends with the alias equal to the source, the changes made just after the swap included', async () => {
    const eventIds = (await context.sql<{ id: number }>('SELECT id FROM events')).map((row) => row.id);
    const venueIds = (await context.sql<{ id: number }>('SELECT id FROM venues')).map((row) => row.id);
    // The first builds start with the service; the stream runs before, through and after their swap.
    app = await startAppWith(context.config({ LOG_LEVEL: 'error', RABBITMQ_RETRY_DELAY_MS: '300' }), undefined, (builder) => builder);
    const stream = new ChangeStream(factory, (change) => app.get(ChangePublisher).publish(change), { eventIds, venueIds }, 31);
    stream.start(CHANGES_PER_SECOND);
    let job: Job;
    let sent: number;
    try {
      job = await completedJob(app, events);
      await new Promise((resolve) => setTimeout(resolve, AFTER_SWAP_MS));
    } finally {
      sent = (await stream.stop()).sent;
    }
    const afterSwap = sent;
    await waitFor(
      'every message applied',
      async () => ((await probe.messageCount(context.queue)) === 0 && (await probe.messageCount(`${context.queue}.retry`)) === 0 ? true : undefined),
      60_000,
      200,
    );
    // The consumer acks after writing: an empty queue still leaves the last message's write in flight.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const transitions = await app.get(JobStore).listTransitions(job.id);
    const swappedAt = transitions.find((transition) => transition.fromPhase === 'ALIAS_SWAP')!.createdAt;
    const report = await app.get(IndexVerifier).verifyOn(app.get(SearchGateway), events);
    process.stdout.write(`[first-build] job ${job.id} swapped at ${swappedAt.toISOString()}; ${afterSwap} changes; verify: ${JSON.stringify({ source: report.sourceCount, index: report.indexCount, missing: report.missing, stale: report.stale, extra: report.extra })}\n`);

    expect(afterSwap).toBeGreaterThan(200);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
    expect(await probe.messageCount(`${context.queue}.dlq`)).toBe(0);
  });
});
