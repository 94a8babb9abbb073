import type { INestApplication } from '@nestjs/common';
import { jest } from '@jest/globals';
import type { GetMessage } from 'amqplib';
import type { PoolConnection } from 'mariadb';
import type { AppConfig } from '../../src/config/app-config.js';
import { OutboxStore, type OutboxRow } from '../../src/job-store/outbox-store.js';
import type { ChangeHandler } from '../../src/live-updates/change-handler.js';
import { ChangePublisher } from '../../src/live-updates/change-publisher.service.js';
import { OutboxPoller } from '../../src/live-updates/outbox-poller.service.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { SourceFactory } from '../support/factories.js';
import { seedDemoData } from '../support/seed.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';
import { BrokerProbe, ScriptedChangeHandler } from './live-updates-test-app.js';
import { completedJob, Gate, startAppWith } from './rebuild-harness.js';

describe('outbox change source', () => {
  let context: TestContext;
  let factory: SourceFactory;
  let events: string;

  beforeAll(async () => {
    context = await TestContext.create('outbox');
    events = `${context.indexPrefix}events`;
    await seedDemoData(context.databaseUrl, 400, 3);
    factory = SourceFactory.connect(context.databaseUrl);
  });
  afterAll(async () => {
    await factory?.close();
    await context?.dispose();
  });

  async function start(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const app = await startAppWith(context.config(overrides), undefined, (builder) => builder);
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);
    return app;
  }

  /** Runs `work` in one MySQL transaction, as the application writes a change and its outbox row together. */
  async function inTransaction(work: (connection: PoolConnection) => Promise<void>): Promise<void> {
    const connection = await factory.pool.getConnection();
    try {
      await connection.beginTransaction();
      await work(connection);
      await connection.commit();
    } catch (error) {
      await connection.rollback();
      throw error;
    } finally {
      await connection.release();
    }
  }

  /** The application's event edit (version and updated_at bumped, as SourceFactory does) plus its outbox row, committed together. */
  async function renameEventWithOutbox(id: number, title: string): Promise<void> {
    await inTransaction(async (connection) => {
      await connection.query('UPDATE events SET version = version + 1, updated_at = NOW(3), title = ? WHERE id = ?', [title, id]);
      await connection.query("INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES ('event', ?, 'upsert')", [String(id)]);
    });
  }

  async function insertOutbox(...rows: [entity: string, entityId: string, op: string][]): Promise<bigint[]> {
    const ids: bigint[] = [];
    for (const row of rows) ids.push(BigInt((await factory.pool.query<{ insertId: bigint }>('INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES (?, ?, ?)', row)).insertId));
    return ids;
  }

  const outboxIds = async () => (await context.sql<{ id: bigint }>('SELECT id FROM reindexer_outbox ORDER BY id')).map((row) => BigInt(row.id));

  async function publishedEventIds(count: number, offset = 0): Promise<number[]> {
    const rows = await context.sql<{ id: number }>(
      `SELECT e.id FROM events e JOIN venues v ON v.id = e.venue_id
       WHERE e.status = 'published' AND e.deleted_at IS NULL AND v.deleted_at IS NULL ORDER BY e.id LIMIT ${count} OFFSET ${offset}`,
    );
    return rows.map((row) => row.id);
  }

  async function documentVersion(id: number): Promise<number> {
    const [row] = await context.sql<{ version: number }>('SELECT e.version + v.version AS version FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.id = ?', [id]);
    return Number(row.version);
  }

  describe('when OUTBOX_ENABLED is not set', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => {
      await app?.close();
      await context.sql('DELETE FROM reindexer_outbox');
    });

    it('does not poll: the row stays and its change does not reach the index', async () => {
      const drain = jest.spyOn(app.get(OutboxStore), 'drain');
      const [id] = await publishedEventIds(1);
      const indexed = (await app.get(SearchGateway).getVersions(events, [String(id)])).get(String(id));

      await renameEventWithOutbox(id, 'Renamed with the poller off');
      // Three default poll intervals.
      await new Promise((resolve) => setTimeout(resolve, 1500));

      expect(drain).not.toHaveBeenCalled();
      expect(await outboxIds()).toHaveLength(1);
      expect((await app.get(SearchGateway).getVersions(events, [String(id)])).get(String(id))).toBe(indexed);
      expect(await documentVersion(id)).toBeGreaterThan(indexed!);
    });

    it('lets two replicas drain at once: each locks other rows, neither waits, and the application can still insert', async () => {
      await context.sql('DELETE FROM reindexer_outbox');
      const store = app.get(OutboxStore);
      const inserted = await insertOutbox(...Array.from({ length: 10 }, (_, i): [string, string, string] => ['event', String(i + 1), 'upsert']));
      const hold = (limit: number) => {
        const gate = new Gate();
        let locked!: (rows: readonly OutboxRow[]) => void;
        const reached = new Promise<readonly OutboxRow[]>((resolve) => (locked = resolve));
        const done = store.drain(limit, async (rows) => {
          locked(rows);
          await gate.opened;
          return rows.map((row) => ({ id: row.id, outcome: 'delete' as const }));
        });
        return { reached, gate, done };
      };

      const first = hold(5);
      const firstRows = await first.reached;
      const startedAt = Date.now();
      // A limit above what is left: this replica reads to the end of the table, where an application inserts.
      const second = hold(100);
      const secondRows = await second.reached;
      const waitedMs = Date.now() - startedAt;
      const connection = await factory.pool.getConnection();
      let late: bigint;
      try {
        await connection.query('SET SESSION innodb_lock_wait_timeout = 1');
        late = BigInt((await connection.query<{ insertId: bigint }>("INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES ('event', '11', 'upsert')")).insertId);
      } finally {
        await connection.release();
      }
      first.gate.open();
      second.gate.open();

      expect(firstRows.map((row) => row.id)).toEqual(inserted.slice(0, 5));
      expect(secondRows.map((row) => row.id)).toEqual(inserted.slice(5));
      expect(waitedMs).toBeLessThan(1000);
      expect(await first.done).toBe(5);
      expect(await second.done).toBe(5);
      expect(await outboxIds()).toEqual([late]);
    });

    describe('with two replicas polling the same outbox', () => {
      let probe: BrokerProbe;
      const dlq = () => `${context.queue}.dlq`;
      const failure = () => Promise.reject(new Error('OpenSearch timed out'));

      beforeAll(async () => {
        probe = await BrokerProbe.open(context.rabbitmqUrl);
      });
      beforeEach(async () => {
        await context.sql('DELETE FROM reindexer_outbox');
      });
      afterAll(async () => {
        await probe?.close();
      });

      /** A replica's poller on the app's real outbox store and dead-letter publisher: 3 attempts, `delayMs` apart. */
      const replica = (handler: ChangeHandler, delayMs: number, batchSize = 10) =>
        new OutboxPoller({ outbox: { enabled: true, pollIntervalMs: 100, batchSize } } as AppConfig, app.get(OutboxStore), handler, app.get(ChangePublisher), { maxAttempts: 3, delayMs }, app.get(Metrics));
      const rowState = async (id: bigint) =>
        (await context.sql<{ attempts: number; lastError: string | null; deadLetterReason: string | null }>(
          'SELECT attempts, last_error AS lastError, dead_letter_reason AS deadLetterReason FROM reindexer_outbox WHERE id = ?',
          [id],
        ))[0];
      const due = (id: bigint) =>
        waitFor(`outbox row ${id} to be due`, async () => ((await context.sql('SELECT id FROM reindexer_outbox WHERE id = ? AND next_attempt_at <= NOW(3)', [id])).length === 1 ? true : undefined), 10_000, 20);

      it("counts a failing row's attempts once across both, each waiting out the delay the other recorded, then dead-letters it", async () => {
        const handler = new ScriptedChangeHandler(failure);
        const [first, second] = [replica(handler, 1000), replica(handler, 1000)];
        const [failing] = await insertOutbox(['event', '424242', 'upsert']);

        expect(await first.pollOnce()).toEqual({ locked: 1, applied: 0, deadLettered: 0, deferred: 1 });
        expect(await second.pollOnce()).toEqual({ locked: 0, applied: 0, deadLettered: 0, deferred: 0 });
        expect(await rowState(failing)).toEqual({ attempts: 1, lastError: 'OpenSearch timed out', deadLetterReason: null });
        await due(failing);
        expect(await second.pollOnce()).toMatchObject({ locked: 1, deferred: 1 });
        expect(await first.pollOnce()).toMatchObject({ locked: 0 });
        expect(await rowState(failing)).toMatchObject({ attempts: 2 });
        await due(failing);
        expect(await first.pollOnce()).toEqual({ locked: 1, applied: 0, deadLettered: 1, deferred: 0 });

        expect(handler.calls).toHaveLength(3);
        expect(await outboxIds()).toEqual([]);
        const [deadLetter, ...more] = await probe.drain(dlq());
        expect(more).toEqual([]);
        expect(deadLetter.properties.headers).toMatchObject({ 'x-reason': 'attempts-exhausted', 'x-attempts': 3, 'x-source': 'outbox', 'x-outbox-id': String(failing) });
      });

      it('leaves a lower row another replica holds alone: neither deletes it nor forgets its attempts, and applies the rows after it', async () => {
        const held = new Gate();
        const handler = new ScriptedChangeHandler(async (change, attempt) => {
          if (change.id !== '525252') return;
          if (attempt === 2) await held.opened;
          return failure();
        });
        const [holder, other] = [replica(handler, 200, 1), replica(handler, 200)];
        const [low] = await insertOutbox(['event', '525252', 'upsert']);
        expect(await other.pollOnce()).toMatchObject({ locked: 1, deferred: 1 });
        const after = await insertOutbox(['event', '1', 'upsert'], ['event', '2', 'upsert'], ['venue', '1', 'upsert']);
        await due(low);

        // The holder locks the low row alone (batch of 1) and stays in the handler until the gate opens.
        const holding = holder.pollOnce();
        await waitFor('the holder to apply the low row', () => Promise.resolve(handler.callsFor('525252').length === 2 ? true : undefined), 10_000, 20);
        const meanwhile = await other.pollOnce();
        const [stillThere] = await context.sql<{ attempts: number }>('SELECT attempts FROM reindexer_outbox WHERE id = ?', [low]);
        held.open();

        expect(meanwhile).toEqual({ locked: 3, applied: 3, deadLettered: 0, deferred: 0 });
        expect(stillThere).toEqual({ attempts: 1 });
        expect(await holding).toEqual({ locked: 1, applied: 0, deadLettered: 0, deferred: 1 });
        expect(await rowState(low)).toMatchObject({ attempts: 2 });
        expect(await outboxIds()).toEqual([low]);
        expect(after).toHaveLength(3);
        await due(low);
        expect(await other.pollOnce()).toMatchObject({ locked: 1, deadLettered: 1 });

        expect(handler.callsFor('525252')).toHaveLength(3);
        expect(await outboxIds()).toEqual([]);
        const deadLetters = await probe.drain(dlq());
        expect(deadLetters.map((message) => message.properties.headers?.['x-attempts'] as unknown)).toEqual([3]);
      });
    });
  });

  describe('when OUTBOX_ENABLED=true', () => {
    let app: INestApplication;
    let probe: BrokerProbe;
    const dlq = () => `${context.queue}.dlq`;

    beforeAll(async () => {
      app = await start({ OUTBOX_ENABLED: 'true', OUTBOX_POLL_INTERVAL_MS: '100' });
      probe = await BrokerProbe.open(context.rabbitmqUrl);
    });
    afterAll(async () => {
      await app?.close();
      await probe?.close();
    });

    it('applies changes committed with their outbox row to the live index, including deletes and venue changes, and deletes the rows', async () => {
      const [renamed, hardDeleted, unpublished] = await publishedEventIds(3, 10);
      const [{ venueId }] = await context.sql<{ venueId: number }>('SELECT venue_id AS venueId FROM events WHERE id = ?', [renamed]);
      const gateway = app.get(SearchGateway);

      await renameEventWithOutbox(renamed, 'Renamed through the outbox');
      await inTransaction(async (connection) => {
        await connection.query('DELETE FROM events WHERE id = ?', [hardDeleted]);
        await connection.query("INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES ('event', ?, 'delete')", [String(hardDeleted)]);
        await connection.query("UPDATE events SET version = version + 1, updated_at = NOW(3), status = 'draft' WHERE id = ?", [unpublished]);
        await connection.query("INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES ('event', ?, 'upsert')", [String(unpublished)]);
        await connection.query('UPDATE venues SET version = version + 1, updated_at = NOW(3), name = ? WHERE id = ?', ['Hall renamed through the outbox', venueId]);
        await connection.query("INSERT INTO reindexer_outbox (entity, entity_id, op) VALUES ('venue', ?, 'upsert')", [String(venueId)]);
      });
      const expected = await documentVersion(renamed);
      const [{ indexable }] = await context.sql<{ indexable: bigint }>(
        "SELECT COUNT(*) AS indexable FROM events WHERE venue_id = ? AND status = 'published' AND deleted_at IS NULL",
        [venueId],
      );

      await waitFor('the outbox to be drained', async () => ((await outboxIds()).length === 0 ? true : undefined), 15_000);
      await gateway.refresh(events);
      const versions = await gateway.getVersions(events, [renamed, hardDeleted, unpublished].map(String));
      const { hits } = await gateway.search(events, { query: { ids: { values: [String(renamed)] } } });
      const venueHits = await gateway.search(events, { query: { term: { 'venue.id': String(venueId) } }, size: 1000 });
      const venueNames = new Set(venueHits.hits.map((hit) => (hit.source.venue as { name: string }).name));

      expect(versions.get(String(renamed))).toBe(expected);
      expect(hits[0].source).toMatchObject({ title: 'Renamed through the outbox' });
      expect(versions.has(String(hardDeleted))).toBe(false);
      expect(versions.has(String(unpublished))).toBe(false);
      expect(venueHits.total).toBe(Number(indexable));
      expect(venueHits.total).toBeGreaterThan(1);
      expect(venueNames).toEqual(new Set(['Hall renamed through the outbox']));
      expect(await probe.messageCount(dlq())).toBe(0);
    });

    it('dead-letters invalid rows with their reason and applies the rows after them', async () => {
      const [first, second] = await publishedEventIds(2, 40);
      await inTransaction(async (connection) => {
        await connection.query('UPDATE events SET version = version + 1, updated_at = NOW(3), title = ? WHERE id IN (?, ?)', ['Applied behind bad rows', first, second]);
      });
      const [unknownEntity, , badId, badOp] = await insertOutbox(
        ['ticket', '1', 'upsert'],
        ['event', String(first), 'upsert'],
        ['event', '12a', 'upsert'],
        ['event', String(second), 'merge'],
        ['event', String(second), 'upsert'],
      );
      const gateway = app.get(SearchGateway);

      await waitFor('the outbox to be drained', async () => ((await outboxIds()).length === 0 ? true : undefined), 15_000);
      await waitFor('three dead letters', async () => ((await probe.messageCount(dlq())) === 3 ? true : undefined), 10_000);
      // An unknown entity is found by the handler, after the rows that fail validation: compare in outbox order.
      const outboxIdOf = (message: GetMessage) => Number((message.properties.headers as Record<string, unknown>)['x-outbox-id']);
      const deadLetters = (await probe.drain(dlq())).sort((a, b) => outboxIdOf(a) - outboxIdOf(b));
      const versions = await gateway.getVersions(events, [String(first), String(second)]);

      expect(versions.get(String(first))).toBe(await documentVersion(first));
      expect(versions.get(String(second))).toBe(await documentVersion(second));
      expect(deadLetters.map((message) => JSON.parse(message.content.toString()) as unknown)).toEqual([
        { entity: 'ticket', id: '1', op: 'upsert' },
        { entity: 'event', id: '12a', op: 'upsert' },
        { entity: 'event', id: String(second), op: 'merge' },
      ]);
      const headers = deadLetters.map((message) => (message.properties.headers ?? {}) as Record<string, unknown>);
      expect(headers.map((header) => [header['x-reason'], header['x-source'], header['x-outbox-id']])).toEqual([
        ['unknown-entity', 'outbox', String(unknownEntity)],
        ['invalid-message', 'outbox', String(badId)],
        ['invalid-message', 'outbox', String(badOp)],
      ]);
      expect(headers[0]['x-error']).toBe('no index definition knows the entity "ticket" (known: booking, event, venue)');
      expect(headers[1]['x-error']).toMatch(/id must be a string of 1 to 20 digits/);
      expect(headers[2]['x-error']).toMatch(/op must be one of upsert, delete/);
      expect(deadLetters.every((message) => message.properties.deliveryMode === 2)).toBe(true);
    });
  });
});
