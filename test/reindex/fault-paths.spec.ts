import { demoDefinitions, eventsIndex } from '../support/demo-definitions.js';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { IndexDefinition } from '../../src/indices/index-definition.js';
import { IndexRegistry } from '../../src/indices/index-registry.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { JobRows, type TransitionRow } from '../support/job-rows.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { DEFINITION_SETS } from '../support/test-definitions.js';
import { waitFor } from '../support/wait.js';

/** Slow enough that each fault meets the job in BACKFILL (3,000 events at 600 documents a second). */
const PACED = { REINDEX_BATCH_SIZE: '100', REINDEX_MAX_DOCS_PER_SECOND: '600', REINDEX_RECOVERY_INTERVAL_MS: '1000' };

/**
 * The failure paths an operator or a deploy walks into, each once on one replica or two
 * in-process replicas sharing one database: the confirmed holes of the engine, each of
 * which failed before the index lifecycle, lease tokens and the failure policy.
 */
describe('fault paths', () => {
  let context: TestContext;
  let rows: JobRows;
  let cluster: ClusterProbe;
  const apps: INestApplication[] = [];
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('fault_paths');
    rows = JobRows.connect(context.databaseUrl);
    cluster = new ClusterProbe(context.opensearchNode);
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 3000, 11);
  });
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
    // Each test is its own deploy story: the replicas of the previous one are gone.
    await context.sql('DELETE FROM deployed_definitions');
  });
  afterAll(async () => {
    await rows?.close();
    await context?.dispose();
  });

  const start = async (instance: string, definitions: readonly IndexDefinition[] = demoDefinitions, overrides: Record<string, string> = {}) => {
    const app = await startApp(context.config({ INSTANCE_ID: instance, LOG_LEVEL: 'error', ...PACED, ...overrides }), definitions);
    apps.push(app);
    return app;
  };
  const api = async <T>(app: INestApplication, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const rebuild = async (app: INestApplication) => {
    const response = await api<{ id: number }>(app, 'POST', `/indices/${events}/reindex`, { mode: 'full' });
    expect(response.status).toBe(202);
    return response.body.id;
  };
  const liveHash = async () => {
    const [live] = await cluster.aliasTargets(events);
    const body = (await (await fetch(`${context.opensearchNode}/${live}/_mapping`)).json()) as Record<string, { mappings: { _meta?: { definitionHash?: string }; properties: Record<string, { type?: string }> } }>;
    return { index: live, hash: body[live].mappings._meta?.definitionHash, properties: body[live].mappings.properties };
  };
  const inBackfill = (id: number) => rows.waitForJob(id, 'BACKFILL with progress', (job) => (job.phase === 'BACKFILL' && job.docsProcessed > 0 ? job : undefined));
  const expectIndexEqualsSource = async (app: INestApplication) => {
    const report = await app.get(IndexVerifier).verifyOn(app.get(SearchGateway), events);
    expect(report).toMatchObject({ indexCount: report.sourceCount, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  };

  it('cancels a rebuild in BACKFILL, stops its attempt at once, and the next rebuild builds a new name with the code mappings', async () => {
    const app = await start('cancel');
    const first = await rows.waitForStatus((await waitFor('the deploy job', async () => (await rows.jobs(events))[0])).id, 'COMPLETED');
    const cancelledId = await rebuild(app);
    const cancelledTarget = (await inBackfill(cancelledId)).targetIndex!;

    expect((await api(app, 'POST', `/jobs/${cancelledId}/cancel`)).status).toBe(200);
    const atCancel = await rows.job(cancelledId);
    // As reported: the cancelled target is gone before the next rebuild names its own.
    await waitFor(`${cancelledTarget} to be removed`, async () => ((await cluster.exists(cancelledTarget)) ? undefined : true));
    const nextId = await rebuild(app);
    const next = await rows.waitForStatus(nextId, 'COMPLETED', 90_000);
    const afterCancel = await rows.job(cancelledId);
    // Past the next recovery sweeps, which once deleted a reused name under the new job.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    // The cancelled attempt neither retried nor wrote once cancelled.
    expect(afterCancel).toMatchObject({ status: 'CANCELLED', retries: atCancel.retries, docsProcessed: atCancel.docsProcessed });
    expect(await cluster.exists(cancelledTarget)).toBe(false);
    // Never a name used before: v1 (deploy), v2 (cancelled), v3.
    expect([first.targetIndex, cancelledTarget, next.targetIndex]).toEqual([`${events}_v1`, `${events}_v2`, `${events}_v3`]);
    const live = await liveHash();
    expect(live.index).toBe(next.targetIndex);
    expect(live.hash).toBe(app.get(IndexRegistry).definitionHash(eventsIndex));
    expect(live.properties.location.type).toBe('geo_point');
    await expectIndexEqualsSource(app);
  });

  it('pauses and resumes at once three times: one attempt at a time, every phase completed exactly once, CATCH_UP included', async () => {
    const app = await start('pauser');
    await rows.waitForStatus((await waitFor('the deploy job', async () => (await rows.jobs(events))[0])).id, 'COMPLETED');
    const id = await rebuild(app);
    await inBackfill(id);
    for (let round = 0; round < 3; round++) {
      expect((await api(app, 'POST', `/jobs/${id}/pause`)).status).toBe(200);
      expect((await api(app, 'POST', `/jobs/${id}/resume`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await rows.waitForStatus(id, 'COMPLETED', 90_000);
    const transitions = await rows.transitions(id);

    expect(completions(transitions)).toEqual(['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP']);
    expect(transitions.filter((transition) => transition.reason.startsWith('backfilled '))).toHaveLength(1);
    await expectIndexEqualsSource(app);
  });

  it('fails a job whose step fails every time once its run of failures outlasts the pause timeout, and frees the alias', async () => {
    // Zero shards: OpenSearch refuses to create the target every time, and the services answer, so it auto-resumes.
    const unbuildable: IndexDefinition = { ...eventsIndex, settings: { ...eventsIndex.settings, number_of_shards: 0 } };
    const definitions = demoDefinitions.map((definition) => (definition.name === eventsIndex.name ? unbuildable : definition));
    const app = await start('unbuildable', definitions, { REINDEX_MAX_RETRIES: '1', REINDEX_RETRY_BASE_DELAY_MS: '50', REINDEX_PAUSE_TIMEOUT_MS: '4000' });
    const job = await waitFor('the deploy job of the unbuildable definition', async () => (await rows.jobs(events)).find((candidate) => candidate.definitionHash === app.get(IndexRegistry).definitionHash(unbuildable)));
    const failed = await rows.waitForStatus(job.id, 'FAILED', 60_000);
    const transitions = await rows.transitions(job.id);

    // It paused and resumed by itself more than once before giving up.
    expect(transitions.filter((transition) => transition.reason === 'MySQL and OpenSearch answer again').length).toBeGreaterThanOrEqual(2);
    expect(failed.lastError).toMatch(/longer than REINDEX_PAUSE_TIMEOUT_MS; last error: .*number_of_shards/);
    expect((await rows.query<{ activeAliasKey: string | null }>('SELECT active_alias_key AS activeAliasKey FROM reindex_jobs WHERE id = ?', [job.id]))[0].activeAliasKey).toBeNull();
  });

  it('fails a job whose target was deleted and re-created by hand with dynamic mappings, and never swaps it in', async () => {
    const app = await start('impostor');
    const serving = await waitFor('an index serving', async () => (await cluster.aliasTargets(events))[0]);
    const id = await rebuild(app);
    const target = (await inBackfill(id)).targetIndex!;
    await fetch(`${context.opensearchNode}/${target}`, { method: 'DELETE' });
    await fetch(`${context.opensearchNode}/${target}/_doc/1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'dynamic' }) });
    const failed = await rows.waitForStatus(id, 'FAILED', 60_000);

    expect(failed.lastError).toMatch(new RegExp(`target index ${target} (no longer exists|carries definition none)`));
    expect(await cluster.aliasTargets(events)).toEqual([serving]);
    expect(await liveHash()).toMatchObject({ hash: app.get(IndexRegistry).definitionHash(eventsIndex) });
  });

  it('in a rolling deploy, an old replica never runs or cancels the new definition\'s job, and the new one completes with the new mappings', async () => {
    const old = await start('old-replica');
    await waitFor('an index serving', async () => (await cluster.aliasTargets(events))[0]);
    const fresh = await start('new-replica', DEFINITION_SETS['events-with-weekday']);
    const newHash = fresh.get(IndexRegistry).definitionHash(DEFINITION_SETS['events-with-weekday'].find((definition) => definition.name === eventsIndex.name)!);
    const job = await waitFor('the new definition\'s job', async () => (await rows.jobs(events)).find((candidate) => candidate.definitionHash === newHash && candidate.status !== 'COMPLETED'));
    // The new replica goes away mid-deploy (its job goes back to PENDING); the old one restarts.
    await fresh.close();
    apps.splice(apps.indexOf(fresh), 1);
    await old.close();
    apps.splice(apps.indexOf(old), 1);
    const restarted = await start('old-replica-restarted');
    await new Promise((resolve) => setTimeout(resolve, 3000));

    // The new replica announced its definition moments ago: it counts as deployed, so the job waits for it.
    expect((await rows.job(job.id)).status).toBe('PENDING');
    // A job of a definition no running replica has says what it waits for, and stays untouched.
    const inserted = (await context.sql(`INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, updated_at)
      VALUES (?, 'PARTIAL', 'MANUAL', 'PENDING', REPEAT('f', 64), NOW(3))`, [events])) as unknown as { insertId: bigint | number };
    const orphan = await api<{ status: string; waitingFor: string | null }>(restarted, 'GET', `/jobs/${Number(inserted.insertId)}`);
    expect(orphan.body).toMatchObject({ status: 'PENDING', waitingFor: `a replica whose code has definition ${'f'.repeat(12)}; none is running` });
    expect((await rows.transitions(job.id)).map((transition) => transition.instanceId)).not.toContain('old-replica-restarted');
    expect((await api(restarted, 'POST', `/indices/${events}/reindex`, { mode: 'full' })).status).toBe(409);

    await start('new-replica-again', DEFINITION_SETS['events-with-weekday']);
    await rows.waitForStatus(job.id, 'COMPLETED', 90_000);
    const live = await liveHash();
    expect(live.hash).toBe(newHash);
    expect(live.properties.weekday.type).toBe('keyword');
    expect((await rows.transitions(job.id)).filter((transition) => transition.fromStatus === 'RUNNING').map((transition) => transition.instanceId)).not.toContain('old-replica-restarted');
    expect((await rows.job(Number(inserted.insertId))).status).toBe('PENDING');
  });
});

function completions(transitions: TransitionRow[]): (string | null)[] {
  return transitions.filter((transition) => transition.fromStatus === 'RUNNING' && (transition.toStatus === 'COMPLETED' || transition.toPhase !== transition.fromPhase)).map((transition) => transition.fromPhase);
}
