import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { Job, JobTransitionRecord } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const OLD_DOCUMENTS = [
  { id: 'a1', title: 'Old search: jazz night' },
  { id: 'a2', title: 'Old search: rock concert' },
  { id: 'a3', title: 'Old search: opera' },
];

/** A team adopting the service already has its search in a concrete index named like the alias. */
describe('a concrete index named like the alias, made by another tool', () => {
  let context: TestContext;
  let app: INestApplication;
  let node: string;
  let events: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as Record<string, unknown> & Record<number, Record<string, unknown>> };
  };
  const titlesIn = async (index: string) => {
    await fetch(`${node}/${index}/_refresh`, { method: 'POST' });
    const found = (await (await fetch(`${node}/${index}/_search?size=100`)).json()) as { hits?: { hits: { _id: string; _source: { title: string } }[] } };
    return (found.hits?.hits ?? []).map((hit) => ({ id: hit._id, title: hit._source.title })).sort((a, b) => a.id.localeCompare(b.id));
  };
  const isConcreteIndex = async (name: string) => {
    // An index answers under its own name; an alias under the indices it serves.
    return Object.keys((await (await fetch(`${node}/${name}`)).json()) as object).includes(name);
  };

  beforeAll(async () => {
    context = await TestContext.create('adoption');
    node = context.opensearchNode;
    events = `${context.indexPrefix}events`;
    for (const { id, title } of OLD_DOCUMENTS) {
      const put = await fetch(`${node}/${events}/_doc/${id}?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
      expect(put.ok).toBe(true);
    }
    await seedDemoData(context.databaseUrl, 300, 9);
    app = await startApp(context.config({ LOG_LEVEL: 'error', REINDEX_RECOVERY_INTERVAL_MS: '1000' }));
    // The deploy check built the other alias: it has looked at this one too.
    await completedJob(app, `${context.indexPrefix}venues`);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await context?.dispose();
  });

  it('is left serving, untouched, reported by GET /indices, the plan and a gauge, and a rebuild answers 409 LEGACY_INDEX', async () => {
    // A few recovery ticks later still: nothing enqueued for it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await app.get(JobStore).listJobs({ alias: events, limit: 10 })).toEqual([]);
    expect(await isConcreteIndex(events)).toBe(true);
    expect(await titlesIn(events)).toEqual(OLD_DOCUMENTS);

    const listed = (await api('GET', '/indices')).body as unknown as { alias: string; drift: string; liveIndex: string; hint: string | null }[];
    expect(listed.find((row) => row.alias === events)).toMatchObject({ drift: 'legacy', liveIndex: events, hint: expect.stringContaining(`POST /indices/${events}/adopt`) as unknown });

    const plan = await api('GET', `/indices/${events}/plan`);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ alias: events, status: 'legacy', action: 'adopt-required', liveIndex: events, liveHash: null });
    const diff = plan.body.diff as { mappings: { path: string; change: string }[] };
    expect(diff.mappings).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'dynamic', change: 'changed' }), expect.objectContaining({ path: 'properties.title.analyzer', change: 'added' })]));
    const all = (await api('GET', '/indices/plan')).body as unknown as { alias: string; action: string }[];
    expect(all.map(({ alias, action }) => ({ alias, action })).sort((a, b) => a.alias.localeCompare(b.alias))).toEqual([
      { alias: events, action: 'adopt-required' },
      { alias: `${context.indexPrefix}venues`, action: 'nothing' },
    ]);

    const metrics = parsePrometheusText((await api('GET', '/metrics')).body as unknown as string);
    expect(sampleSum(metrics, 'reindexer_unmanaged_index', { alias: events })).toBe(1);
    expect(sampleSum(metrics, 'reindexer_unmanaged_index', { alias: `${context.indexPrefix}venues` })).toBe(0);

    expect(await api('POST', `/indices/${events}/reindex`, { mode: 'full' })).toMatchObject({ status: 409, body: { code: 'LEGACY_INDEX', message: expect.stringContaining('/adopt') as unknown } });
    expect(await api('POST', `/indices/${context.indexPrefix}venues/adopt`)).toMatchObject({ status: 409, body: { code: 'NOTHING_TO_ADOPT' } });
    // Nor is anything else written into it: a partial re-index or a sync answers the same.
    expect(await api('POST', `/indices/${events}/reindex`, { mode: 'partial', ids: [1] })).toMatchObject({ status: 409, body: { code: 'LEGACY_INDEX' } });
    expect(await api('POST', `/indices/${events}/sync`)).toMatchObject({ status: 409, body: { code: 'LEGACY_INDEX' } });

    // A live change is not written into the foreign index (nothing of ours serves the alias yet).
    const [event] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' ORDER BY id LIMIT 1");
    await app.get(ChangePublisher).publish({ entity: 'event', id: String(event.id), op: 'upsert' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await titlesIn(events)).toEqual(OLD_DOCUMENTS);
    expect(await app.get(JobStore).listJobs({ alias: events, limit: 10 })).toEqual([]);
  }, 60_000);

  it('is adopted on request: the job builds the alias from the source, the old documents stay in a kept copy, and CLEANUP never deletes it', async () => {
    const adopted = await api('POST', `/indices/${events}/adopt`);
    expect(adopted.status).toBe(202);
    expect(adopted.body).toMatchObject({ kind: 'FULL', trigger: 'MANUAL', adoption: true, created: true });
    const again = await api('POST', `/indices/${events}/adopt`);
    expect(again.body).toMatchObject({ id: adopted.body.id, created: false });
    // While it builds, a plain rebuild is the same adoption.
    expect((await api('POST', `/indices/${events}/reindex`, { mode: 'full' })).body).toMatchObject({ id: adopted.body.id });

    const job = await completedJob(app, events);
    const copy = `${events}_adopted_${job.id}`;
    expect(job).toMatchObject({ id: adopted.body.id, adoption: true });
    const transitions = (await api('GET', `/jobs/${job.id}`)).body.transitions as JobTransitionRecord[];
    expect(transitions.map((transition) => transition.reason).join('\n')).toContain(`copied to ${copy} (kept)`);

    const served = Object.keys((await (await fetch(`${node}/_alias/${events}`)).json()) as object);
    expect(served).toEqual([job.targetIndex]);
    expect(await titlesIn(copy)).toEqual(OLD_DOCUMENTS);
    const [{ count }] = await context.sql<{ count: bigint }>("SELECT COUNT(*) AS count FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.status = 'published' AND e.deleted_at IS NULL AND v.deleted_at IS NULL");
    expect(((await (await fetch(`${node}/${events}/_count`)).json()) as { count: number }).count).toBe(Number(count));
    expect((await api('GET', `/indices/${events}/plan`)).body).toMatchObject({ status: 'in-sync', action: 'nothing', liveIndex: job.targetIndex });

    // A later rebuild's CLEANUP (nothing retained) deletes the adoption's index, never the copy.
    expect((await api('POST', `/indices/${events}/reindex`, { mode: 'full' })).status).toBe(202);
    const rebuilt: Job = await completedJob(app, events, job.id);
    expect(rebuilt.adoption).toBe(false);
    await waitFor('the adoption index deleted by CLEANUP', async () => ((await fetch(`${node}/${job.targetIndex}`, { method: 'HEAD' })).status === 404 ? true : undefined));
    expect(await titlesIn(copy)).toEqual(OLD_DOCUMENTS);
  }, 120_000);
});
