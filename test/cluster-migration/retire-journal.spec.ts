import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { IndexRegistry } from '../../src/indices/index-registry.js';
import type { ClusterMigration } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { mirrorJournal } from '../../src/indexing/change-journal.service.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { seedDemoData } from '../support/seed.js';
import { TEST_ADMIN_TOKEN, TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

const elasticsearch = process.env.ELASTICSEARCH_NODE;
const opensearch = process.env.OPENSEARCH_NODE!;
const GRACE_SECONDS = 1;

/** A retire deletes the old cluster's index only once every mirrored write journaled for the next cluster was replayed there. */
(elasticsearch ? describe : describe.skip)('a retire with a mirrored write still to replay on the next cluster', () => {
  let context: TestContext;
  let app: INestApplication;
  let events: string;

  const api = async (method: string, path: string) => {
    const response = await fetch(`${await app.getUrl()}${path}`, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as { migration: ClusterMigration | null } };
  };
  const migration = async () => (await api('GET', `/indices/${events}/migration`)).body.migration!;
  const migrationIn = (state: ClusterMigration['state']) =>
    waitFor(`the migration of ${events} ${state}`, async () => {
      const now = await migration();
      if (now.state === 'FAILED') throw new Error(`migration failed: ${now.lastError}`);
      return now.state === state ? now : undefined;
    }, 120_000, 100);

  beforeAll(async () => {
    context = await TestContext.create('retire_journal', { opensearchNode: elasticsearch });
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 500, 37);
    app = await startApp(context.config({ OPENSEARCH_NEXT_NODE: opensearch, LOG_LEVEL: 'error', MIGRATION_READS_GRACE_SECONDS: String(GRACE_SECONDS), REINDEX_RECOVERY_INTERVAL_MS: '2000' }));
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await context?.deleteIndices(opensearch);
    await context?.dispose();
  });

  it('keeps the old index (RETIRING, saying why) until the entry is replayed, then deletes it and ends RETIRED', async () => {
    const [old, next] = [new ClusterProbe(elasticsearch!), new ClusterProbe(opensearch)];
    const oldIndices = await old.aliasTargets(events);
    expect((await api('POST', `/indices/${events}/migrate`)).status).toBe(202);
    await migrationIn('MIRRORING');
    expect((await api('POST', `/indices/${events}/migration/complete`)).body.migration).toMatchObject({ state: 'CUT_OVER' });
    const cutOver = await migration();

    // A mirrored write in flight at the cutover, refused by the next cluster: journaled, and it cannot be replayed while the index there is closed.
    const [served] = await next.aliasTargets(events);
    const [{ id }] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' ORDER BY id LIMIT 1");
    await context.sql('UPDATE events SET title = ?, version = version + 1 WHERE id = ?', ['Journaled at the cutover', id]);
    const definition = app.get(IndexRegistry).byAlias(events);
    const journal = mirrorJournal(cutOver, app.get(IndexRegistry).definitionHash(definition));
    await app.get(JobStore).appendJournal(journal, definition.name, [{ documentId: String(id), reason: 'next cluster: refused at the cutover' }]);
    expect((await fetch(`${opensearch}/${served}/_close`, { method: 'POST' })).ok).toBe(true);
    try {
      const retiring = await api('POST', `/indices/${events}/migration/retire`);
      // Well past the readers' grace: the old index is there, the retire waits for the replay and says so.
      await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 3) * 1000));
      expect(await old.aliasTargets(events)).toEqual(oldIndices);
      expect(retiring).toMatchObject({ status: 200, body: { migration: { state: 'RETIRING' } } });
      const waiting = await migration();
      expect(waiting.state).toBe('RETIRING');
      expect(typeof waiting.waitingFor).toBe('string');
      expect((await app.get(JobStore).readJournal(journal, 0n, 10)).map((entry) => entry.documentId)).toEqual([String(id)]);
    } finally {
      await fetch(`${opensearch}/${served}/_open?wait_for_active_shards=1`, { method: 'POST' });
    }

    const retired = await migrationIn('RETIRED');
    expect(retired.waitingFor).toBeNull();
    expect(await app.get(JobStore).readJournal(journal, 0n, 10)).toEqual([]);
    const [replayed] = await next.documents(events, [id]);
    expect(replayed.source).toMatchObject({ title: 'Journaled at the cutover' });
    expect(await old.aliasTargets(events)).toEqual([]);
    for (const index of oldIndices) expect(await old.exists(index)).toBe(false);
  }, 300_000);
});
