import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows, type JobRow, type TransitionRow } from '../support/job-rows.js';
import { startOpenSearch, stopOpenSearch } from '../support/opensearch-outage.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';

const MAX_RETRIES = 3;
const BATCH_SIZE = 200;
/** Bulks of the rebuild let through before OpenSearch goes away: the job is then mid-backfill. */
const BULKS_BEFORE_OUTAGE = 4;

/** One service (in-process app on its own database and index prefix) and what the outage did to its job. */
interface Service {
  readonly context: TestContext;
  readonly app: INestApplication;
  readonly rows: JobRows;
  readonly alias: string;
  readonly gate: BulkGate;
  jobId: number;
  liveBefore: string[];
  /** Documents the job had persisted when the outage began. */
  processedBeforeOutage: number;
  /** The job as persisted once it had given up (PAUSED, or FAILED for the short pause timeout). */
  whileDown?: JobRow;
  /** Run slots the job held then. */
  slotsWhileDown?: number;
}

/**
 * Lets the first `allowed` bulks through, then holds the others until `release`: the
 * test decides when the rebuild meets the stopped node, so the job is surely mid-backfill.
 */
class BulkGate {
  passed = 0;
  held = 0;
  private open: () => void = () => undefined;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));

  constructor(
    private readonly gateway: SearchGateway,
    private readonly allowed: number,
  ) {
    const bulk = gateway.bulk.bind(gateway);
    gateway.bulk = async (index, operations) => {
      await this.pass();
      return bulk(index, operations);
    };
    // A backfill's requests are built page by page (openBulk): held as they are sent.
    const openBulk = gateway.openBulk.bind(gateway);
    gateway.openBulk = (index) => {
      const request = openBulk(index);
      return {
        ...request,
        send: async () => {
          await this.pass();
          return request.send();
        },
      };
    };
  }

  private async pass(): Promise<void> {
    if (++this.passed > this.allowed) {
      this.held++;
      await this.opened;
    }
  }

  release(): void {
    this.open();
  }
}

/**
 * OpenSearch stopped mid-backfill (scripts/services-stop.sh), once, for two services
 * at the same time: one with the default pause timeout, whose job must pause after
 * the retries and resume by itself when the node is back; one with a 2 s
 * REINDEX_PAUSE_TIMEOUT_MS, whose job must fail instead and leave the old index serving.
 */
describe('OpenSearch outage mid-backfill', () => {
  let resuming: Service;
  let failing: Service;
  let cluster: ClusterProbe;
  let outageMs = 0;
  let backAt: Date;

  const startService = async (name: string, seed: number, overrides: Record<string, string>): Promise<Service> => {
    const context = await TestContext.create(name);
    await seedDemoData(context.databaseUrl, 6000, seed);
    const app = await startApp(
      context.config({
        LOG_LEVEL: 'error',
        INSTANCE_ID: name,
        REINDEX_BATCH_SIZE: String(BATCH_SIZE),
        REINDEX_MAX_RETRIES: String(MAX_RETRIES),
        REINDEX_RETRY_BASE_DELAY_MS: '200',
        REINDEX_RECOVERY_INTERVAL_MS: '1000',
        ...overrides,
      }),
    );
    const rows = JobRows.connect(context.databaseUrl);
    const alias = `${context.indexPrefix}events`;
    const deploy = await waitForFirstJob(rows, alias);
    await rows.waitForStatus(deploy.id, 'COMPLETED', 120_000);
    return { context, app, rows, alias, gate: new BulkGate(app.get(SearchGateway), BULKS_BEFORE_OUTAGE), jobId: 0, liveBefore: [], processedBeforeOutage: 0 };
  };

  beforeAll(async () => {
    cluster = new ClusterProbe(process.env.OPENSEARCH_NODE!);
    resuming = await startService('pause_resume', 3, {});
    failing = await startService('pause_fail', 4, { REINDEX_PAUSE_TIMEOUT_MS: '2000' });

    for (const service of [resuming, failing]) {
      service.liveBefore = await cluster.aliasTargets(service.alias);
      const response = await fetch(`${await service.app.getUrl()}/indices/${service.alias}/reindex`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'full' }),
      });
      expect(response.status).toBe(202);
      service.jobId = ((await response.json()) as { id: number }).id;
    }
    for (const service of [resuming, failing]) {
      // The bulks let through before the gate are acknowledged and their progress persisted.
      const held = await service.rows.waitForJob(service.jobId, 'a held bulk mid-backfill', (job) =>
        job.phase === 'BACKFILL' && job.docsProcessed > 0 && service.gate.passed >= BULKS_BEFORE_OUTAGE && service.gate.held > 0 ? job : undefined,
      );
      service.processedBeforeOutage = held.docsProcessed;
    }

    const outageStarted = Date.now();
    try {
      await stopOpenSearch(cluster.node);
      resuming.gate.release();
      failing.gate.release();
      resuming.whileDown = await resuming.rows.waitForStatus(resuming.jobId, 'PAUSED', 60_000);
      resuming.slotsWhileDown = await heldSlots(resuming);
      failing.whileDown = await failing.rows.waitForStatus(failing.jobId, 'FAILED', 60_000);
      // The node is still down: the resuming job must stay paused however many recovery checks ran.
      expect((await resuming.rows.job(resuming.jobId)).status).toBe('PAUSED');
    } finally {
      await startOpenSearch(cluster.node);
      outageMs = Date.now() - outageStarted;
      backAt = new Date();
    }
  }, 300_000);

  afterAll(async () => {
    if (cluster && !(await cluster.healthy())) await startOpenSearch(cluster.node);
    for (const service of [resuming, failing]) {
      if (!service) continue;
      await service.app.close();
      await service.rows.close();
      await service.context.dispose();
    }
  });

  it('pauses the job after 3 retries with the failure as its reason, while OpenSearch is down', async () => {
    const paused = resuming.whileDown!;
    console.info(`OpenSearch was down for ${outageMs} ms; paused at docsProcessed ${paused.docsProcessed}/${paused.docsTotal} after ${paused.retries} failed attempts: ${paused.lastError}`);

    expect(paused).toMatchObject({ status: 'PAUSED', phase: 'BACKFILL', pausedBy: 'retries-exhausted' });
    // A paused job gives its run slot back.
    expect(resuming.slotsWhileDown).toBe(0);
    // The first try and MAX_RETRIES retries, each recorded.
    expect(paused.retries).toBe(MAX_RETRIES + 1);
    expect(paused.lastError).toBeTruthy();
    expect(paused.docsProcessed).toBeGreaterThanOrEqual(resuming.processedBeforeOutage);
    expect(paused.docsProcessed).toBeLessThan(paused.docsTotal!);
    const pause = (await resuming.rows.transitions(resuming.jobId)).find((transition) => transition.toStatus === 'PAUSED');
    expect(pause).toMatchObject({ fromStatus: 'RUNNING', fromPhase: 'BACKFILL', toPhase: 'BACKFILL', instanceId: 'pause_resume', reason: `paused after ${MAX_RETRIES} retries: ${paused.lastError}` });
  });

  it('resumes the paused job by itself once OpenSearch answers, from its cursor, and completes with the index equal to the source', async () => {
    const completed = await resuming.rows.waitForStatus(resuming.jobId, 'COMPLETED', 120_000);
    const transitions = await resuming.rows.transitions(resuming.jobId);
    const paused = transitions.findIndex((transition) => transition.toStatus === 'PAUSED');
    const resumedAt = transitions[paused + 1].createdAt;
    console.info(`resumed ${resumedAt.getTime() - backAt.getTime()} ms after OpenSearch answered again; completed ${transitions.at(-1)!.createdAt.getTime() - backAt.getTime()} ms after`);

    expect(transitions.slice(paused + 1, paused + 3)).toEqual([
      expect.objectContaining({ fromStatus: 'PAUSED', toStatus: 'PENDING', reason: 'MySQL and OpenSearch answer again' }),
      expect.objectContaining({ fromStatus: 'PENDING', toStatus: 'RUNNING', toPhase: 'BACKFILL', reason: 'resumed in BACKFILL by pause_resume' }),
    ]);
    expect(completions(transitions)).toEqual(['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP']);
    expect(await cluster.aliasTargets(resuming.alias)).toEqual([completed.targetIndex]);
    expect(await cluster.exists(resuming.liveBefore[0])).toBe(false);
    const report = await resuming.app.get(IndexVerifier).verifyOn(resuming.app.get(SearchGateway), resuming.alias);
    expect(report.sourceCount).toBeGreaterThan(3000);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  });

  it('fails the job instead after a short REINDEX_PAUSE_TIMEOUT_MS, removes its partial target once OpenSearch answers, and the old index keeps serving', async () => {
    const failed = failing.whileDown!;
    const transitions = await failing.rows.transitions(failing.jobId);

    expect(failed).toMatchObject({ status: 'FAILED', phase: 'BACKFILL' });
    expect(failed.lastError).toMatch(/longer than REINDEX_PAUSE_TIMEOUT_MS; last error: /);
    expect(failed.docsProcessed).toBeGreaterThan(0);
    expect(transitions.slice(-2)).toEqual([
      expect.objectContaining({ fromStatus: 'RUNNING', toStatus: 'PAUSED', reason: expect.stringContaining(`paused after ${MAX_RETRIES} retries`) as string }),
      expect.objectContaining({ fromStatus: 'PAUSED', toStatus: 'FAILED', fromPhase: 'BACKFILL', reason: failed.lastError }),
    ]);
    // The recovery check removes what the failed job built as soon as the node answers again.
    await waitUntil(`${failed.targetIndex} to be removed`, async () => !(await cluster.exists(failed.targetIndex!)));
    expect(await cluster.aliasTargets(failing.alias)).toEqual(failing.liveBefore);
    const report = await failing.app.get(IndexVerifier).verifyOn(failing.app.get(SearchGateway), failing.alias);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
    expect(await cluster.count(failing.alias)).toBe(report.sourceCount);
  });
});

async function heldSlots(service: Service): Promise<number> {
  const [{ held }] = await service.rows.query<{ held: number }>('SELECT COUNT(*) AS held FROM reindex_run_slots WHERE job_id = ?', [service.jobId]);
  return Number(held);
}

function completions(transitions: TransitionRow[]): (string | null)[] {
  return transitions.filter((transition) => transition.fromStatus === 'RUNNING' && (transition.toStatus === 'COMPLETED' || transition.toPhase !== transition.fromPhase)).map((transition) => transition.fromPhase);
}

async function waitForFirstJob(rows: JobRows, alias: string): Promise<JobRow> {
  await waitUntil(`a DEPLOY job for ${alias}`, async () => (await rows.jobs(alias)).length > 0);
  return (await rows.jobs(alias))[0];
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
