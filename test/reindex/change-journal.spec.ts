import { setTimeout as delay } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { createConnection } from 'mariadb';
import { startApp } from '../../src/create-app.js';
import type { IndexDefinition } from '../../src/indices/index-definition.js';
import { IndexRegistry } from '../../src/indices/index-registry.js';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import type { Job, JournalTarget } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { SearchClusters } from '../../src/opensearch/search-clusters.js';
import type { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { ChangeJournal } from '../../src/indexing/change-journal.service.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';

/**
 * The change journal against MariaDB and OpenSearch: a replay reads only the entries of its own
 * target and definition, and a trim deletes exactly the entries it read, nothing by id range.
 */
describe('change journal', () => {
  let context: TestContext;
  let app: INestApplication;
  let store: JobStore;
  let journal: ChangeJournal;
  let gateway: SearchGateway;
  let definition: IndexDefinition;
  let ownHash: string;
  let events: string;
  let job: Job;

  beforeAll(async () => {
    context = await TestContext.create('change_journal');
    await seedDemoData(context.databaseUrl, 200, 3);
    app = await startApp(context.config({ LOG_LEVEL: 'error' }));
    events = `${context.indexPrefix}events`;
    job = await completedJob(app, events);
    store = app.get(JobStore);
    journal = app.get(ChangeJournal);
    gateway = app.get(SearchClusters).current;
    const registry = app.get(IndexRegistry);
    definition = registry.byAlias(events);
    ownHash = registry.definitionHash(definition);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await context?.dispose();
  });

  /** Published events, changed in MySQL only (no message): their documents are stale until a replay writes them. */
  const changedQuietly = async (count: number, offset: number): Promise<number[]> => {
    const ids = (await context.sql<{ id: number }>(`SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT ${count} OFFSET ${offset}`)).map((row) => row.id);
    for (const id of ids) await context.sql("UPDATE events SET title = CONCAT('Journaled ', id), version = version + 1, updated_at = NOW(3) WHERE id = ?", [id]);
    return ids;
  };
  const titleOf = async (id: number) => ((await (await fetch(`${context.opensearchNode}/${events}/_doc/${id}`)).json()) as { _source?: { title: string } })._source?.title;
  const entriesOf = (target: JournalTarget) => store.readJournal(target, 0n, 100).then((entries) => entries.map((entry) => entry.documentId));

  it('keeps an entry that commits after an entry with a higher id was read and trimmed, and replays it next time', async () => {
    const target: JournalTarget = { jobId: job.id, definitionHash: ownHash, clusterUuid: null, target: events };
    const [late, early] = await changedQuietly(2, 0);
    // The late entry takes its id first but commits last, as a slow append does.
    const connection = await createConnection(poolConfigFromUrl(context.databaseUrl));
    try {
      await connection.beginTransaction();
      const inserted = await connection.query<{ insertId: bigint }>(
        'INSERT INTO change_journal (job_id, definition, definition_hash, cluster_uuid, target, document_id, reason) VALUES (?, ?, ?, NULL, ?, ?, ?)',
        [job.id, definition.name, ownHash, events, String(late), 'committed late'],
      );
      await journal.append(target, definition, [{ documentId: String(early), reason: 'committed first' }]);
      const read = await store.readJournal(target, 0n, 100);
      expect(read.map((entry) => entry.documentId)).toEqual([String(early)]);
      expect(read[0].id).toBeGreaterThan(BigInt(inserted.insertId));

      const trimmed = store.trimJournal(read.map((entry) => entry.id));
      // A trim that waits for the late entry's lock would delete it once it commits.
      await Promise.race([trimmed, delay(500)]);
      await connection.commit();
      await trimmed;
    } finally {
      await connection.end();
    }

    expect(await entriesOf(target)).toEqual([String(late)]);
    expect(await journal.drain(target, gateway, definition, [events])).toBe(1);
    expect(await titleOf(late)).toBe(`Journaled ${late}`);
    expect(await entriesOf(target)).toEqual([]);
  });

  it('replays and trims only the entries of its own definition and target: another definition\'s, another index\'s and another cluster\'s stay, unreplayed', async () => {
    const own: JournalTarget = { jobId: job.id, definitionHash: ownHash, clusterUuid: null, target: events };
    const others: JournalTarget[] = [
      { ...own, definitionHash: 'b'.repeat(64) },
      { ...own, target: `${events}_v9.writes` },
      { ...own, clusterUuid: 'the-next-cluster-uuid' },
    ];
    const [mine, ...theirs] = await changedQuietly(4, 10);
    const before = await Promise.all(theirs.map(titleOf));
    await journal.append(own, definition, [{ documentId: String(mine), reason: 'write failed' }]);
    for (const [index, target] of others.entries()) await journal.append(target, definition, [{ documentId: String(theirs[index]), reason: 'write failed' }]);

    expect(await journal.replay(own, gateway, definition, [events], new AbortController().signal)).toBe(1);
    expect(await journal.drain(own, gateway, definition, [events])).toBe(1);

    expect(await titleOf(mine)).toBe(`Journaled ${mine}`);
    expect(await Promise.all(theirs.map(titleOf))).toEqual(before);
    expect(await entriesOf(own)).toEqual([]);
    expect(await Promise.all(others.map(entriesOf))).toEqual(theirs.map((id) => [String(id)]));
    expect(await journal.holdsEntries(own)).toBe(false);
    expect(await journal.holdsEntries(others[0])).toBe(true);
  });
});
