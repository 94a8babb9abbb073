import type { INestApplication } from '@nestjs/common';
import { ChangeHandler } from '../../src/live-updates/change-handler.js';
import { ClusterProbe } from '../support/cluster-probe.js';
import { startBuiltApp, type BuiltApp } from '../support/built-app.js';
import type { SourceFactory } from '../support/factories.js';
import { TEST_ADMIN_TOKEN, type TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

interface SyncAnswer {
  statusCode?: number;
  code?: string;
  missing: { total: number; ids: number[] };
  stale: { total: number };
  extra: { total: number };
  unrepaired: { total: number; ids: number[]; reason: string | null };
}

/** POST /indices/:alias/sync?wait=true (the sync in the request) against a live index someone changed by hand in OpenSearch. */
describe('sync repairs the live index', () => {
  let built: BuiltApp;
  let context: TestContext;
  let app: INestApplication;
  let factory: SourceFactory;
  let cluster: ClusterProbe;
  let events: string;

  beforeAll(async () => {
    built = await startBuiltApp('sync_repair', { events: 200, seed: 5 });
    ({ context, app, factory, events } = built);
    cluster = new ClusterProbe(context.opensearchNode);
  });
  afterAll(async () => {
    await built?.close();
  });

  const sync = async () => {
    const response = await fetch(`${await app.getUrl()}/indices/${events}/sync?wait=true`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as SyncAnswer };
  };
  /** `_version` of the document through the alias, real-time (no refresh); undefined when absent. */
  const storedVersion = async (id: number) => {
    const response = await fetch(`${context.opensearchNode}/${events}/_doc/${id}`);
    const body = (await response.json()) as { found: boolean; _version?: number };
    return body.found ? body._version : undefined;
  };
  const rowVersion = (id: number) => factory.documentVersion(id);
  const deleteByHand = async (id: number) => {
    const response = await fetch(`${context.opensearchNode}/${events}/_doc/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
  };
  const publishedIds = async (count: number, offset: number) =>
    (await context.sql<{ id: number }>(`SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT ${count} OFFSET ${offset}`)).map((row) => row.id);

  it('restores at once a document deleted by hand (its tombstone outranks the row version), twice in a row, and the row\'s next change still reaches it', async () => {
    const [id] = await publishedIds(1, 0);
    const version = await rowVersion(id);
    await deleteByHand(id);

    const first = await sync();
    const restoredVersion = await storedVersion(id);
    const again = await sync();

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ missing: { total: 1, ids: [id] }, stale: { total: 0 }, extra: { total: 0 }, unrepaired: { total: 0, ids: [], reason: null } });
    // Not after gc_deletes (60 s): the document is back the moment sync answers.
    expect(restoredVersion).toBe(version + 1);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 }, unrepaired: { total: 0 } });

    // The version one above the row's hides no change of it: the next one is written.
    await factory.updateEvent(id, { title: 'Changed after the restore' });
    await app.get(ChangeHandler).handle({ entity: 'event', id: String(id), op: 'upsert' });
    const [document] = await cluster.documents(events, [id]);
    expect(await rowVersion(id)).toBe(version + 1);
    expect(document.source?.title).toBe('Changed after the restore');
  });

  it('answers 409 SYNC_INCOMPLETE naming a document a higher tombstone keeps out, restores it once the tombstone is gone, and repairs the rest meanwhile', async () => {
    const [blocked, stale] = await publishedIds(2, 10);
    const version = await rowVersion(blocked);
    // Written by hand far above the row's version, then deleted: a tombstone no safe restore outranks.
    const put = await fetch(`${context.opensearchNode}/${events}/_doc/${blocked}?version=${version + 5}&version_type=external`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify((await cluster.documents(events, [blocked]))[0].source),
    });
    expect(put.status).toBe(200);
    await deleteByHand(blocked);
    await context.sql("UPDATE events SET title = 'Edited behind the index', version = version + 1, updated_at = NOW(3) WHERE id = ?", [stale]);

    const refused = await sync();

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      statusCode: 409,
      code: 'SYNC_INCOMPLETE',
      missing: { total: 1, ids: [blocked] },
      stale: { total: 1 },
      unrepaired: { total: 1, ids: [blocked], reason: expect.stringMatching(/tombstone/) as unknown },
    });
    expect(await storedVersion(blocked)).toBeUndefined();
    expect((await cluster.documents(events, [stale]))[0].source?.title).toBe('Edited behind the index');

    // Once tombstones expire (here at once), the same sync restores it at the row's own version.
    const [live] = await cluster.aliasTargets(events);
    await fetch(`${context.opensearchNode}/${live}/_settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ 'index.gc_deletes': '0ms' }) });
    try {
      const repaired = await waitFor('a sync after the tombstone expired', async () => {
        await fetch(`${context.opensearchNode}/${live}/_refresh`, { method: 'POST' });
        const answer = await sync();
        return answer.status === 200 ? answer : undefined;
      }, 30_000, 500);
      expect(repaired.body).toMatchObject({ missing: { total: 1, ids: [blocked] }, unrepaired: { total: 0 } });
      // The row's version, or one above when the tombstone went only after the first write of that sync.
      expect([version, version + 1]).toContain(await storedVersion(blocked));
    } finally {
      await fetch(`${context.opensearchNode}/${live}/_settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ 'index.gc_deletes': null }) });
    }
  });
});
