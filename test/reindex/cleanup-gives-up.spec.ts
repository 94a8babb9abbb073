import type { INestApplication } from '@nestjs/common';
import type { Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import type { BulkOperation, BulkResult, SearchGateway } from '../../src/opensearch/search-gateway.js';
import { completedJob, DelegatingGateway, requestFullRebuild, startAppWith, wrapGateway } from '../live-updates/rebuild-harness.js';
import { demoDefinitions } from '../support/demo-definitions.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

/** An old index that refuses to be deleted, and a building index that refuses writes, each until told otherwise. */
class RefusingGateway extends DelegatingGateway {
  refuseDeleteOf: string | null = null;
  refuseWritesTo: RegExp | null = null;

  override deleteIndex(name: string): Promise<'deleted' | 'not_found'> {
    if (name === this.refuseDeleteOf) return Promise.reject(new Error(`delete ${name}: 403 cluster_block_exception (index is read-only, an operator's block)`));
    return super.deleteIndex(name);
  }

  override bulk(index: string, operations: readonly BulkOperation[]): Promise<BulkResult> {
    if (this.refuseWritesTo?.test(index)) return Promise.reject(new Error(`bulk into ${index}: connect ECONNREFUSED`));
    return super.bulk(index, operations);
  }
}

describe('a cleanup that keeps failing after the swap', () => {
  let context: TestContext;
  let app: INestApplication;
  let gateway: RefusingGateway;
  let events: string;
  let venues: string;

  beforeAll(async () => {
    context = await TestContext.create('cleanup_gives_up');
    events = `${context.indexPrefix}events`;
    venues = `${context.indexPrefix}venues`;
    await seedDemoData(context.databaseUrl, 300, 5);
    const config = context.config({
      REINDEX_MAX_RETRIES: '1',
      REINDEX_RETRY_BASE_DELAY_MS: '50',
      REINDEX_RECOVERY_INTERVAL_MS: '1000',
      REINDEX_PAUSE_TIMEOUT_MS: '4000',
    });
    app = await startAppWith(config, demoDefinitions, (builder) => wrapGateway(builder, (real: SearchGateway) => (gateway = new RefusingGateway(real))));
    await completedJob(app, events);
    await completedJob(app, venues);
  });
  afterAll(async () => {
    await app?.close();
    await context.dispose();
  });

  const ended = (id: number) =>
    waitFor(`job ${id} to end`, async () => {
      const job = await app.get(JobStore).findJob(id);
      return job && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status) ? job : undefined;
    }, 60_000, 100);

  it('ends the job COMPLETED once its run of failures outlasts the pause timeout, without stopping the recovery of another alias, and frees the alias', async () => {
    gateway.refuseDeleteOf = `${events}_v1`;
    gateway.refuseWritesTo = new RegExp(`^${venues}_v2`);
    const stuck = await requestFullRebuild(app, events);
    const other = await requestFullRebuild(app, venues);
    await waitFor('the venues rebuild paused', async () => ((await app.get(JobStore).findJob(other.id))?.status === 'PAUSED' ? true : undefined), 30_000);

    const job = await ended(stuck.id);
    expect(job).toMatchObject<Partial<Job>>({ status: 'COMPLETED', phase: 'CLEANUP' });
    expect(job.lastError).toMatch(/^the new index serves; cleanup given up \(the indices it could not delete are left for the next cleanup of the alias\): failing for \d+ s, longer than REINDEX_PAUSE_TIMEOUT_MS; last error: .*cluster_block_exception/);
    const aliasTargets = Object.keys((await (await fetch(`${context.opensearchNode}/_alias/${events}`)).json()) as object);
    expect(aliasTargets).toEqual([`${events}_v2`]);

    // The other alias's paused job resumes once its cluster answers: the stuck one never stops the check.
    gateway.refuseWritesTo = null;
    expect(await ended(other.id)).toMatchObject<Partial<Job>>({ status: 'COMPLETED' });

    // The alias is free: a new rebuild is a new job, whose cleanup deletes what the last one left.
    gateway.refuseDeleteOf = null;
    const next = await requestFullRebuild(app, events);
    expect(next.id).not.toBe(stuck.id);
    expect(await ended(next.id)).toMatchObject<Partial<Job>>({ status: 'COMPLETED', lastError: null });
    await waitFor('v1 and v2 deleted', async () => {
      const left = await Promise.all([1, 2].map(async (n) => (await fetch(`${context.opensearchNode}/${events}_v${n}`, { method: 'HEAD' })).status));
      return left.every((status) => status === 404) ? true : undefined;
    }, 20_000);
  });
});
