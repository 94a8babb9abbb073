import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import type { ClusterMigration, Job } from '../../src/job-store/job.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;

interface Answer {
  migration?: ClusterMigration | null;
  job?: Job | null;
  code?: string;
}

/** Indices of other applications that share the alias's name as a prefix: never the service's to delete. */
(elasticsearch ? describe : describe.skip)('indices the service did not create, beside its own on both clusters', () => {
  let context: TestContext;
  let app: INestApplication;
  let events: string;
  let foreign: string[];

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${await app.getUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer };
  };
  /** Each foreign index on the node with its one document, or what became of it. */
  const foreignOn = async (node: string) =>
    Object.fromEntries(
      await Promise.all(
        foreign.map(async (index) => {
          const response = await fetch(`${node}/${index}/_doc/1`);
          return [index, response.ok ? ((await response.json()) as { _source: unknown })._source : response.status] as const;
        }),
      ),
    );
  /** GET /physical-indices: each cluster's indices of events as index → role; another application's are never listed. */
  const rolesOfEvents = async () => {
    const response = await fetch(`${await app.getUrl()}/physical-indices`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const clusters = (await response.json()) as { cluster: string; error: string | null; indices: { index: string; alias: string; role: string }[] }[];
    for (const { indices } of clusters) expect(indices.filter((index) => foreign.includes(index.index))).toEqual([]);
    return Object.fromEntries(clusters.map(({ cluster, error, indices }) => [cluster, error ?? Object.fromEntries(indices.filter((index) => index.alias === events).map((index) => [index.index, index.role]))]));
  };
  const untouched = () => Object.fromEntries(foreign.map((index) => [index, { owner: 'another application', index }]));
  const migrationIn = (state: ClusterMigration['state']) =>
    waitFor(`the migration of ${events} ${state}`, async () => {
      const { body } = await api('GET', `/indices/${events}/migration`);
      if (body.migration?.state === 'FAILED') throw new Error(`migration failed: ${body.migration.lastError}`);
      return body.migration?.state === state ? body : undefined;
    }, 120_000, 200);

  beforeAll(async () => {
    context = await TestContext.create('foreign_indices', { opensearchNode: elasticsearch });
    events = `${context.indexPrefix}events`;
    foreign = [`${events}_visits`, `${events}_v2_backup`];
    for (const node of [elasticsearch!, opensearch]) {
      for (const index of foreign) {
        const created = await fetch(`${node}/${index}/_doc/1?refresh=true`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ owner: 'another application', index }),
        });
        expect(created.ok).toBe(true);
      }
    }
    await seedDemoData(context.databaseUrl, 300, 5);
    app = await startApp(context.config({ OPENSEARCH_NEXT_NODE: opensearch, LOG_LEVEL: 'error', REINDEX_RETAIN_PREVIOUS: '0', REINDEX_RECOVERY_INTERVAL_MS: '2000' }));
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('a rebuild with CLEANUP leaves them untouched', async () => {
    const first = await completedJob(app, events);
    const started = await api('POST', `/indices/${events}/reindex`, { mode: 'full' });
    expect(started.status).toBe(202);
    const rebuilt = await completedJob(app, events, first.id);
    expect(rebuilt.targetIndex).not.toBe(first.targetIndex);
    // CLEANUP ran with nothing retained: the first build's index went, theirs stayed.
    expect((await fetch(`${elasticsearch}/${first.targetIndex}`, { method: 'HEAD' })).status).toBe(404);
    expect(await foreignOn(elasticsearch!)).toEqual(untouched());
  }, 120_000);

  it('a migration abort leaves them untouched on the next cluster', async () => {
    expect((await api('POST', `/indices/${events}/migrate`)).status).toBe(202);
    const mirroring = await migrationIn('MIRRORING');
    const built = mirroring.job!.targetIndex!;
    const served = Object.keys((await (await fetch(`${elasticsearch}/_alias/${events}`)).json()) as object);
    expect(await rolesOfEvents()).toEqual({ current: Object.fromEntries(served.map((index) => [index, 'live'])), next: { [built]: 'next-cluster' } });
    const aborted = await api('POST', `/indices/${events}/migration/abort`);
    expect(aborted.status).toBe(200);
    expect(aborted.body.migration).toMatchObject({ state: 'ABORTING' });
    await migrationIn('ABORTED');
    // What the migration built there is gone; theirs is not.
    expect((await fetch(`${opensearch}/${built}`, { method: 'HEAD' })).status).toBe(404);
    expect(await foreignOn(opensearch)).toEqual(untouched());
    expect(await foreignOn(elasticsearch!)).toEqual(untouched());
  }, 180_000);

  it('a migration retire leaves them untouched on the old cluster', async () => {
    expect((await api('POST', `/indices/${events}/migrate`)).status).toBe(202);
    await migrationIn('MIRRORING');
    const served = Object.keys((await (await fetch(`${elasticsearch}/_alias/${events}`)).json()) as object);
    expect((await api('POST', `/indices/${events}/migration/complete`)).status).toBe(200);
    // After the cutover the alias lives on the next cluster; the old index waits for the retire.
    const cutOver = await rolesOfEvents();
    expect(cutOver.current).toEqual(Object.fromEntries(served.map((index) => [index, 'previous-cluster'])));
    expect(Object.values(cutOver.next)).toEqual(['live']);
    const retired = await api('POST', `/indices/${events}/migration/retire`);
    expect(retired.status).toBe(200);
    expect(retired.body.migration).toMatchObject({ state: 'RETIRING' });
    await migrationIn('RETIRED');
    for (const index of served) expect((await fetch(`${elasticsearch}/${index}`, { method: 'HEAD' })).status).toBe(404);
    expect(await foreignOn(elasticsearch!)).toEqual(untouched());
    expect(await foreignOn(opensearch)).toEqual(untouched());
    // Retired again: the migration as it is, and still nothing of theirs.
    const again = await api('POST', `/indices/${events}/migration/retire`);
    expect(again.body.migration).toMatchObject({ state: 'RETIRED' });
    expect(await foreignOn(elasticsearch!)).toEqual(untouched());
  }, 180_000);
});
