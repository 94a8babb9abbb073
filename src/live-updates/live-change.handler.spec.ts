import { Logger } from '@nestjs/common';
import { type EventRow, eventsIndex } from '../../test/support/demo-definitions.js';
import type { AppConfig } from '../config/index.js';
import { GONE_VERSION } from '../indexing/document-operations.js';
import { ChangeJournal, DefinitionDeployments, DocumentWriter, type AliasRouting, type DocumentSync, type MigrationMirror } from '../indexing/index.js';
import { IndexRegistry, writeAliasOf } from '../indices/index.js';
import type { Job, JobPhase, JobStatus, JobStore, JournalTarget, Rollback, SourceReader } from '../job-store/index.js';
import { type BulkOperation, type BulkResult } from '../opensearch/index.js';
import { LiveChangeHandler } from './live-change.handler.js';
import { LiveUpdatesErrorCode } from './live-updates.exception.js';

const ALIAS = 'unit_events';
const TARGET = `${ALIAS}_v2`;
/** Writes to the index being built go through its write alias. */
const TARGET_WRITES = writeAliasOf(TARGET);
/** The hash of the code's events definition under the unit prefix. */
const OWN_HASH = new IndexRegistry({ indexPrefix: 'unit_' } as AppConfig, [eventsIndex]).definitionHash(eventsIndex);

/** An event row whose own version is `version` at a venue of version 1, as the events query sums them. */
function eventRow(id: number, version: number): EventRow {
  return {
    id, version: version + 1, indexable: 1, title: `Event ${id}`, description: '', category: 'music', startsAt: new Date('2027-01-01T20:00:00Z'),
    price: 10, currency: 'EUR', status: 'published', venueId: '1', venueName: 'Hall', venueCity: 'Lyon', venueCountry: 'FR',
    venueLatitude: 45.7, venueLongitude: 4.8, seatsBooked: 0,
  };
}

function job(phase: JobPhase, status: JobStatus = 'RUNNING', definitionHash = OWN_HASH): Job {
  return { id: 9, alias: ALIAS, kind: 'FULL', status, phase, targetIndex: TARGET, definitionHash, clusterUuid: null } as Job;
}

/** No migration in these tests: the next cluster's writes are covered by test/cluster-migration. */
const noMigration = { targetFor: () => Promise.resolve(null) } as unknown as MigrationMirror;

/** Writes succeed unless the index is in `failing` (thrown) or `rejecting` (per-document failures; `rejectingOnce`: the next write only). */
class FakeGateway {
  readonly writes: { index: string; operations: readonly BulkOperation[] }[] = [];
  readonly failing = new Set<string>();
  readonly rejecting = new Set<string>();
  readonly rejectingOnce = new Set<string>();
  aliasExists = true;
  /** What the live index carries: the code's definition unless a test says otherwise. */
  live: { definitionHash: string; fields: string[] } = { definitionHash: OWN_HASH, fields: Object.keys(eventsIndex.mappings.properties as object) };

  getAliasTargets = (): Promise<string[]> => Promise.resolve(this.aliasExists ? ['unit_events_v1'] : []);
  getIndexMeta(): Promise<{ mappings: Record<string, unknown>; settings: Record<string, unknown>; definitionHash: string }> {
    return Promise.resolve({ mappings: { properties: Object.fromEntries(this.live.fields.map((field) => [field, {}])) }, settings: {}, definitionHash: this.live.definitionHash });
  }

  bulk(index: string, operations: readonly BulkOperation[]): Promise<BulkResult> {
    this.writes.push({ index, operations });
    if (this.failing.has(index)) return Promise.reject(new Error('connection reset'));
    if (this.rejecting.has(index) || this.rejectingOnce.delete(index)) return Promise.resolve({ written: 0, staleSkipped: 0, failures: operations.map((operation) => ({ id: operation.id, status: 429, reason: 'rejected' })) });
    return Promise.resolve({ written: operations.length, staleSkipped: 0, failures: [] });
  }
}

class FakeJobStore {
  active: Job | null = null;
  /** What the job looks like when read again after the journal append. */
  afterJournal: Job | null = null;
  readonly journal: (JournalTarget & { documentId: string })[] = [];
  rollback: Rollback | null = null;
  /** Whether the replica's definition is the one deployed last (else a newer deploy announced another). */
  newest = false;

  findActiveFullJob = (): Promise<Job | null> => Promise.resolve(this.active);
  appendJournal(target: JournalTarget, _definition: string, entries: readonly { documentId: string }[]): Promise<void> {
    this.journal.push(...entries.map((entry) => ({ ...target, documentId: entry.documentId })));
    return Promise.resolve();
  }

  findJob(): Promise<Job | null> {
    return Promise.resolve(this.afterJournal);
  }

  findRollback(): Promise<Rollback | null> {
    return Promise.resolve(this.rollback);
  }

  listDeployedDefinitions(): Promise<{ alias: string; definitionHash: string }[]> {
    return Promise.resolve(this.newest ? [] : [{ alias: ALIAS, definitionHash: 'c'.repeat(64) }]);
  }
}

describe('LiveChangeHandler', () => {
  let gateway: FakeGateway;
  let store: FakeJobStore;
  let rows: EventRow[];
  let handler: LiveChangeHandler;
  const change = { entity: 'event', id: '5', op: 'upsert' } as const;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    gateway = new FakeGateway();
    store = new FakeJobStore();
    rows = [eventRow(5, 3)];
    const reader = {
      touchedIds: (_definition: unknown, _entity: string, id: string) => Promise.resolve([Number(id)]),
      readByIds: () => Promise.resolve(rows),
    } as unknown as SourceReader;
    const registry = new IndexRegistry({ indexPrefix: 'unit_' } as AppConfig, [eventsIndex]);
    const routing = { routeOf: () => Promise.resolve({ gateway, clusterUuid: null, migration: null, activeJob: store.active, buildingHere: store.active }) } as unknown as AliasRouting;
    const deployments = new DefinitionDeployments({ reindex: { recoveryIntervalMs: 30_000, leaseMs: 30_000 } } as AppConfig, registry, store as unknown as JobStore);
    const writer = new DocumentWriter(registry, reader, routing, store as unknown as JobStore, noMigration, deployments, new ChangeJournal(store as unknown as JobStore, {} as DocumentSync));
    handler = new LiveChangeHandler(registry, reader, writer);
  });

  const writtenTo = () => gateway.writes.map((write) => write.index);

  it('writes the live alias, then the index a job is building, with the row version', async () => {
    store.active = job('BACKFILL');

    await handler.handle(change);

    expect(writtenTo()).toEqual([ALIAS, TARGET_WRITES]);
    expect(gateway.writes[1].operations).toEqual([expect.objectContaining({ action: 'index', id: '5', version: 4 })]);
  });

  it('deletes a row that is gone with a version above any copy of it', async () => {
    rows = [];
    store.active = job('BACKFILL');

    await handler.handle({ entity: 'event', id: '5', op: 'delete' });

    expect(gateway.writes.map((write) => write.operations)).toEqual([
      [{ action: 'delete', id: '5', version: GONE_VERSION }],
      [{ action: 'delete', id: '5', version: GONE_VERSION }],
    ]);
  });

  it('resends a live write the node throttled (429), then dual-writes', async () => {
    store.active = job('BACKFILL');
    gateway.rejectingOnce.add(ALIAS);

    await handler.handle(change);

    expect(writtenTo()).toEqual([ALIAS, ALIAS, TARGET_WRITES]);
  });

  it('fails the change when the live write is still rejected after its resends, without touching the building index', async () => {
    store.active = job('BACKFILL');
    gateway.rejecting.add(ALIAS);

    await expect(handler.handle(change)).rejects.toThrow(/1 live writes to unit_events rejected/);
    expect(writtenTo()).toEqual([ALIAS, ALIAS, ALIAS, ALIAS]);
  });

  it('journals a failed dual-write and resolves while the job has yet to reach CATCH_UP', async () => {
    store.active = job('BACKFILL');
    store.afterJournal = job('BACKFILL');
    gateway.failing.add(TARGET_WRITES);

    await handler.handle(change);

    expect(store.journal).toEqual([{ jobId: 9, definitionHash: OWN_HASH, clusterUuid: null, target: TARGET_WRITES, documentId: '5' }]);
    expect(writtenTo()).toEqual([ALIAS, TARGET_WRITES]);
  });

  it.each<[JobPhase]>([['CATCH_UP'], ['VERIFY'], ['ALIAS_SWAP']])(
    'rewrites a failed dual-write at once when the job is in %s, past its journal replay',
    async (phase) => {
      store.active = job('BACKFILL');
      store.afterJournal = job(phase);
      gateway.rejectingOnce.add(TARGET_WRITES);

      await handler.handle(change);

      expect(store.journal).toHaveLength(1);
      expect(writtenTo()).toEqual([ALIAS, TARGET_WRITES, TARGET_WRITES]);
    },
  );

  it('fails the change (to be retried by its source) when the rewrite past the journal replay fails too, after the live write', async () => {
    store.active = job('VERIFY');
    store.afterJournal = job('ALIAS_SWAP');
    gateway.failing.add(TARGET_WRITES);

    await expect(handler.handle(change)).rejects.toThrow(/past its journal replay \(RUNNING\/ALIAS_SWAP\) and 1 writes to unit_events_v2\.writes failed twice/);
    expect(writtenTo()).toEqual([ALIAS, TARGET_WRITES, TARGET_WRITES]);
  });

  it('rewrites through the alias when the job completed (swapped) meanwhile', async () => {
    store.active = job('ALIAS_SWAP');
    store.afterJournal = job('CLEANUP', 'COMPLETED');
    gateway.failing.add(TARGET_WRITES);

    await handler.handle(change);

    expect(writtenTo()).toEqual([ALIAS, TARGET_WRITES, ALIAS]);
  });

  it('leaves a failed dual-write alone when the job failed or was cancelled (its index goes away)', async () => {
    store.active = job('VERIFY');
    store.afterJournal = job('VERIFY', 'CANCELLED');
    gateway.failing.add(TARGET_WRITES);

    await handler.handle(change);

    expect(writtenTo()).toEqual([ALIAS, TARGET_WRITES]);
  });

  it('writes only to the building index while the first build has no alias yet', async () => {
    gateway.aliasExists = false;
    store.active = job('BACKFILL');

    await handler.handle(change);

    expect(writtenTo()).toEqual([TARGET_WRITES]);
  });

  it('refuses a change of an entity no definition knows, naming the ones they know (a dead letter, never a retry)', async () => {
    await expect(handler.handle({ entity: 'ticket', id: '1', op: 'upsert' })).rejects.toMatchObject({
      code: LiveUpdatesErrorCode.UNKNOWN_ENTITY,
      message: 'no index definition knows the entity "ticket" (known: booking, event, venue)',
    });
    expect(gateway.writes).toEqual([]);
  });

  it('writes nothing without an alias or a build', async () => {
    gateway.aliasExists = false;

    await handler.handle(change);

    expect(writtenTo()).toEqual([]);
  });

  describe('in a rolling deploy', () => {
    it('writes the older live index with only the fields its mapping has while a job builds this replica\'s definition, and the new index in full', async () => {
      gateway.live = { definitionHash: 'b'.repeat(64), fields: ['title', 'status'] };
      store.active = job('BACKFILL');

      await handler.handle(change);

      expect(writtenTo()).toEqual([ALIAS, TARGET_WRITES]);
      const [live, building] = gateway.writes.map((write) => write.operations[0] as { document: Record<string, unknown> });
      expect(Object.keys(live.document).sort()).toEqual(['status', 'title']);
      expect(Object.keys(building.document).length).toBeGreaterThan(5);
    });

    it('leaves a live index of another definition alone when a newer deploy replaced this replica\'s definition, for a replica that has the newest', async () => {
      gateway.live = { definitionHash: 'b'.repeat(64), fields: ['title'] };
      store.active = job('BACKFILL', 'RUNNING', 'b'.repeat(64));

      await expect(handler.handle(change)).rejects.toThrow(/built from another definition than this replica's, which a newer deploy replaced/);
      expect(writtenTo()).toEqual([]);
    });

    it('writes a live index of another definition, with only the fields its mapping has, when its definition is the one deployed last although no job builds it', async () => {
      gateway.live = { definitionHash: 'b'.repeat(64), fields: ['title'] };
      store.newest = true;

      await handler.handle(change);

      expect(writtenTo()).toEqual([ALIAS]);
      expect(Object.keys((gateway.writes[0].operations[0] as { document: Record<string, unknown> }).document)).toEqual(['title']);
    });

    it('writes a live index of another definition, with only the fields its mapping has, once an operator rolled the alias back to it from this replica\'s definition', async () => {
      gateway.live = { definitionHash: 'b'.repeat(64), fields: ['title'] };
      const rolledBack = { alias: ALIAS, fromIndex: 'unit_events_v2', toIndex: 'unit_events_v1', heldDefinitionHash: OWN_HASH, instanceId: 'api', rolledBackAt: new Date() };
      store.rollback = { ...rolledBack, toIndex: 'unit_events_v0' };
      await expect(handler.handle(change)).rejects.toThrow(/which a newer deploy replaced/);

      store.rollback = rolledBack;
      await handler.handle(change);

      expect(writtenTo()).toEqual([ALIAS]);
      expect(Object.keys((gateway.writes[0].operations[0] as { document: Record<string, unknown> }).document)).toEqual(['title']);
    });

    it('journals the dual-write for a job of another definition, for that definition\'s replicas, instead of writing its index with this replica\'s code', async () => {
      store.active = job('BACKFILL', 'RUNNING', 'b'.repeat(64));

      await handler.handle(change);

      expect(writtenTo()).toEqual([ALIAS]);
      expect(store.journal).toEqual([{ jobId: 9, definitionHash: 'b'.repeat(64), clusterUuid: null, target: TARGET_WRITES, documentId: '5' }]);
    });

    it('fails the change (retried, for a replica of that definition) when the other definition\'s job passed its last journal replay meanwhile', async () => {
      const other = 'b'.repeat(64);
      store.active = job('VERIFY', 'RUNNING', other);
      store.afterJournal = job('VERIFY', 'RUNNING', other);
      await handler.handle(change);

      for (const later of [job('ALIAS_SWAP', 'RUNNING', other), job('CLEANUP', 'RUNNING', other), job('CLEANUP', 'COMPLETED', other)]) {
        store.afterJournal = later;
        await expect(handler.handle(change)).rejects.toThrow(`job 9 of another definition is past its last journal replay (${later.status}/${later.phase})`);
      }
      expect(store.journal).toHaveLength(4);
      expect(writtenTo()).toEqual([ALIAS, ALIAS, ALIAS, ALIAS]);
    });
  });
});
