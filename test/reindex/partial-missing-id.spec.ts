import { eventsIndex } from '../support/demo-definitions.js';
import type { INestApplication } from '@nestjs/common';
import type { Job } from '../../src/job-store/job.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { ChangeHandler } from '../../src/live-updates/change-handler.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { GONE_VERSION } from '../../src/indexing/document-operations.js';
import { IndexRegistry } from '../../src/indices/index-registry.js';
import { requestFullRebuild } from '../live-updates/rebuild-harness.js';
import { startBuiltApp, type BuiltApp } from '../support/built-app.js';
import type { SourceFactory } from '../support/factories.js';
import { TEST_ADMIN_TOKEN, type TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

/** Every phase (and a partial job) waits this long before and after its work: the rebuild stays in each phase long enough to act during it. */
const PHASE_DELAY_MS = 1000;

describe('partial reindex: ids with and without rows, and its progress', () => {
  let built: BuiltApp;
  let context: TestContext;
  let app: INestApplication;
  let factory: SourceFactory;
  let events: string;

  beforeAll(async () => {
    built = await startBuiltApp('partial_missing', { events: 80, seed: 4 }, { REINDEX_FAULT_PHASE_DELAY_MS: String(PHASE_DELAY_MS) });
    ({ context, app, factory, events } = built);
  });
  afterAll(async () => {
    await built?.close();
  });

  const store = () => app.get(JobStore);
  const versionIn = async (index: string, id: number) => (await app.get(SearchGateway).getVersions(index, [String(id)])).get(String(id));
  const rowVersion = (id: number) => factory.documentVersion(id);

  /** The id the next inserted event gets: an id with no row yet, as an operator may ask for. */
  async function reserveNextEventId(): Promise<number> {
    const [{ next }] = await context.sql<{ next: number }>('SELECT MAX(id) + 50 AS next FROM events');
    await context.sql(`ALTER TABLE events AUTO_INCREMENT = ${Number(next)}`);
    return Number(next);
  }

  async function untilEnded(jobId: number): Promise<Job> {
    return waitFor(
      `job ${jobId} to complete`,
      async () => {
        const job = await store().findJob(jobId);
        if (job?.status === 'FAILED' || job?.status === 'CANCELLED') throw new Error(`job ${jobId} ${job.status}: ${job.lastError}`);
        return job?.status === 'COMPLETED' ? job : undefined;
      },
      120_000,
      100,
    );
  }

  /** POST /indices/:alias/reindex { mode: partial } and its completion. */
  async function reindexPartially(ids: number[]): Promise<Job> {
    const response = await fetch(`${await app.getUrl()}/indices/${events}/reindex`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'partial', ids }),
    });
    expect(response.status).toBe(202);
    return untilEnded(((await response.json()) as { id: number }).id);
  }

  it('writes nothing for an id with no row, so a row inserted later with that id reaches the live index', async () => {
    const id = await reserveNextEventId();

    await reindexPartially([id]);
    const event = await factory.createEvent();
    await app.get(ChangeHandler).handle({ entity: 'event', id: String(id), op: 'upsert' });

    expect(event.id).toBe(id);
    expect(await versionIn(events, id)).toBe(await rowVersion(id));
  });

  it("deletes a document whose row is gone at the document's own version, not with a tombstone that outranks every version", async () => {
    const [{ id }] = await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 1");
    const gateway = app.get(SearchGateway);
    const indexed = (await versionIn(events, id))!;
    const [{ source }] = (await gateway.search(events, { query: { ids: { values: [String(id)] } } })).hits;
    // A hard delete the service never heard of: the document stays until someone asks.
    await factory.deleteEvent(id);

    await reindexPartially([id]);
    const absent = await versionIn(events, id);
    // The delete's tombstone carries the document's version: one version up is written, not skipped as stale.
    const probe = await gateway.bulk(events, [{ action: 'index', id: String(id), version: indexed + 1, document: source }]);
    await gateway.bulk(events, [{ action: 'delete', id: String(id), version: indexed + 1 }]);

    expect(indexed).toBeLessThan(GONE_VERSION);
    expect(absent).toBeUndefined();
    expect(probe).toEqual({ written: 1, staleSkipped: 0, failures: [] });
  });

  it('reports the ids it wrote as docsProcessed of docsTotal, in the job row and GET /jobs/:id', async () => {
    const eventIds = (await context.sql<{ id: number }>('SELECT id FROM events ORDER BY id')).map((row) => row.id);
    const [{ top }] = await context.sql<{ top: number }>('SELECT MAX(id) AS top FROM events');
    const noRow = Array.from({ length: 1100 }, (_, n) => Number(top) + 100_000 + n);
    const ids = [...eventIds, ...noRow];

    const job = await reindexPartially(ids);
    const view = (await (await fetch(`${await app.getUrl()}/jobs/${job.id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()) as {
      docsProcessed: number;
      docsTotal: number;
      transitions: { reason: string }[];
    };
    const [, indexed, deleted, untouched] = /(\d+) documents indexed, (\d+) deleted, (\d+) ids with neither/.exec(view.transitions.at(-1)!.reason)!.map(Number);

    expect(job).toMatchObject({ docsProcessed: ids.length, docsTotal: ids.length, cursor: ids.length });
    expect(view).toMatchObject({ docsProcessed: ids.length, docsTotal: ids.length });
    expect(view.transitions.at(-1)!.reason).toMatch(new RegExp(`^${ids.length} ids: `));
    expect(indexed + deleted).toBe(eventIds.length);
    expect(indexed).toBeGreaterThan(0);
    expect(untouched).toBe(noRow.length);
  });

  it('goes on after the last chunk saved when another attempt takes the job over', async () => {
    const [skipped, written] = (await context.sql<{ id: number }>("SELECT id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY id LIMIT 2")).map((row) => row.id);
    // Both rows change without a message: only what the job writes brings the index up to date.
    for (const id of [skipped, written]) await context.sql("UPDATE events SET title = 'Changed behind the index', version = version + 1, updated_at = NOW(3) WHERE id = ?", [id]);
    const filler = Array.from({ length: 499 }, (_, n) => 900_000_000 + n);
    const ids = [skipped, ...filler, written];
    // As an attempt that saved its first chunk (500 ids) and then died leaves the job for the next one.
    const inserted = (await context.sql(
      `INSERT INTO reindex_jobs (alias, kind, \`trigger\`, status, definition_hash, record_ids, \`cursor\`, docs_processed, docs_total, updated_at)
       VALUES (?, 'PARTIAL', 'MANUAL', 'PENDING', ?, ?, 500, 500, ?, NOW(3))`,
      [events, app.get(IndexRegistry).definitionHash(eventsIndex), JSON.stringify(ids), ids.length],
    )) as unknown as { insertId: bigint | number };

    const job = await untilEnded(Number(inserted.insertId));
    const reason = (await store().listTransitions(job.id)).at(-1)!.reason;

    expect(job).toMatchObject({ docsProcessed: ids.length, docsTotal: ids.length });
    expect(reason).toBe(`${ids.length} ids: 1 documents indexed, 0 deleted, 0 ids with neither row nor document (resumed after 500 ids)`);
    expect(await versionIn(events, written)).toBe(await rowVersion(written));
    expect(await versionIn(events, skipped)).toBeLessThan(await rowVersion(skipped));
  });

  it('in an index built meanwhile, indexes a row inserted after the partial job asked for its id', async () => {
    const { id: rebuildId } = await requestFullRebuild(app, events);
    const building = await waitFor('the rebuild to reach BACKFILL', async () => {
      const job = await store().findJob(rebuildId);
      return job?.phase === 'BACKFILL' ? job : undefined;
    });
    const id = await reserveNextEventId();

    await reindexPartially([id]);
    const duringRebuild = await store().findJob(rebuildId);
    const inTarget = await versionIn(building.targetIndex!, id);
    const event = await factory.createEvent();
    // The live update of the insert, dual-written to the index being built; CATCH_UP re-reads the row too.
    await app.get(ChangeHandler).handle({ entity: 'event', id: String(id), op: 'upsert' });
    const inTargetAfterInsert = await versionIn(building.targetIndex!, id);
    const rebuilt = await untilEnded(rebuildId);
    const statuses = (await store().listTransitions(rebuildId)).map((transition) => transition.toStatus);
    const verify = await fetch(`${await app.getUrl()}/indices/${events}/verify`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });

    expect(duringRebuild).toMatchObject({ status: 'RUNNING', phase: expect.stringMatching(/^(BACKFILL|CATCH_UP|VERIFY)$/) as unknown });
    expect(inTarget).toBeUndefined();
    expect(event.id).toBe(id);
    expect(inTargetAfterInsert).toBe(await rowVersion(id));
    // Not merely healed later: a stale-skipped row would hold VERIFY back (paused) until the tombstone expires.
    expect(statuses).not.toContain('PAUSED');
    expect(await app.get(SearchGateway).getAliasTargets(events)).toEqual([rebuilt.targetIndex]);
    expect(await versionIn(events, id)).toBe(await rowVersion(id));
    expect(await verify.json()).toMatchObject({ missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });
  });
});
