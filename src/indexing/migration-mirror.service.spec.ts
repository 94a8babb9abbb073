import { Logger } from '@nestjs/common';
import { eventsIndex } from '../../test/support/demo-definitions.js';
import type { AppConfig } from '../config/index.js';
import { IndexRegistry, writeAliasOf } from '../indices/index.js';
import type { ClusterMigration, Job, JobPhase, JobStore, JournalTarget } from '../job-store/index.js';
import type { BulkOperation, BulkResult, SearchClusters } from '../opensearch/index.js';
import { ChangeJournal } from './change-journal.service.js';
import { DefinitionDeployments } from './definition-deployments.service.js';
import type { DocumentSync } from './document-sync.service.js';
import { MigrationMirror, type MirrorTarget } from './migration-mirror.service.js';
import { OTHER_DEFINITION } from './served-indices.js';

const ALIAS = 'unit_events';
const OLD_HASH = 'old-definition';
const NEW_HASH = 'new-definition';
const OLD_FIELDS = ['title', 'status'];
const REBUILD_TARGET = `${ALIAS}_v9`;

const DOCUMENT = { title: 'Jazz', status: 'published', weekday: 'friday' };
const operations: BulkOperation[] = [{ action: 'index', id: '5', version: 3, document: DOCUMENT }];

/** The next cluster: the alias serves `served` (which the rebuild may swap for another), each index with its definition. */
class NextCluster {
  served = `${ALIAS}_v1`;
  /** The cluster does not answer: every request fails as a connection would. */
  down = false;
  readonly definitions = new Map<string, string>([[`${ALIAS}_v1`, OLD_HASH]]);
  readonly writes: { index: string; documents: readonly Record<string, unknown>[] }[] = [];
  readonly refusing = new Set<string>();
  /** Moves the alias to this index during the next write, as a rebuild's swap would. */
  swapDuringWrite: string | null = null;

  getAliasTargets(): Promise<string[]> {
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9250'));
    return Promise.resolve([this.served]);
  }

  getIndexMeta(index: string) {
    const definitionHash = this.definitions.get(index) ?? null;
    const fields = definitionHash === OLD_HASH ? OLD_FIELDS : [...OLD_FIELDS, 'weekday'];
    return Promise.resolve({ mappings: { properties: Object.fromEntries(fields.map((field) => [field, {}])) }, settings: {}, definitionHash });
  }

  bulk(index: string, written: readonly BulkOperation[]): Promise<BulkResult> {
    this.writes.push({ index, documents: written.map((operation) => (operation.action === 'index' ? operation.document : {})) });
    if (this.swapDuringWrite) [this.served, this.swapDuringWrite] = [this.swapDuringWrite, null];
    if (this.refusing.has(index)) return Promise.resolve({ written: 0, staleSkipped: 0, failures: written.map((operation) => ({ id: operation.id, status: 429, reason: 'rejected' })) });
    return Promise.resolve({ written: written.length, staleSkipped: 0, failures: [] });
  }
}

function rebuildIn(phase: JobPhase, definitionHash = NEW_HASH): Job {
  return { id: 12, alias: ALIAS, kind: 'FULL', status: 'RUNNING', phase, targetIndex: REBUILD_TARGET, definitionHash, clusterUuid: 'next-uuid' } as Job;
}

function mirroring(rebuild: Job | null): MirrorTarget {
  const migration = { id: 1, alias: ALIAS, state: 'MIRRORING', jobId: 7, toClusterUuid: 'next-uuid' } as ClusterMigration;
  return { migration, job: { id: 7, definitionHash: OLD_HASH } as Job, index: ALIAS, rebuild };
}

type Journaled = Omit<JournalTarget, 'clusterUuid'> & { documentId: string; reason: string };

/** An entry for the alias on the next cluster, on the migration's job, for the replicas of `definitionHash`. */
const forAlias = (definitionHash: string, reason: string): Journaled => ({ jobId: 7, definitionHash, target: ALIAS, documentId: '5', reason });
/** An entry for the index the rebuild builds there, on its own job, for the replicas of its definition. */
const forRebuild = (reason: string): Journaled => ({ jobId: 12, definitionHash: NEW_HASH, target: writeAliasOf(REBUILD_TARGET), documentId: '5', reason });

/**
 * A job store that records the journal and answers a read of the rebuild job with `reread`; `newest`:
 * whether the replica's definition is the one deployed last (else a newer deploy announced another).
 */
function journalStore(journal: Journaled[], reread: () => Job, newest: () => boolean) {
  return {
    appendJournal: ({ jobId, definitionHash, clusterUuid, target }: JournalTarget, _definition: string, entries: readonly { documentId: string; reason: string }[]) => {
      expect(clusterUuid).toBe('next-uuid');
      journal.push(...entries.map(({ documentId, reason }) => ({ jobId, definitionHash, target, documentId, reason })));
      return Promise.resolve();
    },
    findJob: () => Promise.resolve(reread()),
    listDeployedDefinitions: () => Promise.resolve(newest() ? [] : [{ alias: ALIAS, definitionHash: 'a-newer-deploy' }]),
    findRollback: () => Promise.resolve(null),
  } as unknown as JobStore;
}

describe('MigrationMirror while it mirrors', () => {
  let next: NextCluster;
  /** What was journaled: on which job, for which target and definition (always the events one). */
  let journal: Journaled[];
  /** The rebuild job as read again after a journal append. */
  let reread: Job;
  let mirror: MigrationMirror;
  /** Whether the replica's definition is the one deployed last. */
  let newest: boolean;
  let store: JobStore;
  let deployments: DefinitionDeployments;
  const registry = new IndexRegistry({ indexPrefix: 'unit_' } as AppConfig, [eventsIndex]);
  const config = { reindex: { recoveryIntervalMs: 30_000, leaseMs: 30_000 } } as AppConfig;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    next = new NextCluster();
    journal = [];
    newest = false;
    reread = rebuildIn('BACKFILL');
    store = journalStore(journal, () => reread, () => newest);
    deployments = new DefinitionDeployments(config, registry, store);
    mirror = new MigrationMirror(store, { gatewayFor: () => Promise.resolve(next) } as unknown as SearchClusters, deployments, new ChangeJournal(store, {} as DocumentSync));
  });

  const writtenTo = () => next.writes.map((write) => write.index);

  it('writes the alias in full when it serves an index of the replica’s own definition', async () => {
    await mirror.write(mirroring(null), eventsIndex, OLD_HASH, operations);

    expect(next.writes).toEqual([{ index: ALIAS, documents: [DOCUMENT] }]);
    expect(journal).toEqual([]);
  });

  it('while its own definition is rebuilt there, writes the older index with only its fields and the new one in full', async () => {
    await mirror.write(mirroring(rebuildIn('BACKFILL')), eventsIndex, NEW_HASH, operations);

    expect(next.writes).toEqual([
      { index: ALIAS, documents: [{ title: 'Jazz', status: 'published' }] },
      { index: writeAliasOf(REBUILD_TARGET), documents: [DOCUMENT] },
    ]);
    expect(journal).toEqual([]);
  });

  it('writes an index of another definition with only its fields, with no rebuild of its own there, when its definition is the one deployed last', async () => {
    newest = true;
    await mirror.write(mirroring(null), eventsIndex, NEW_HASH, operations);

    expect(next.writes).toEqual([{ index: ALIAS, documents: [{ title: 'Jazz', status: 'published' }] }]);
    expect(journal).toEqual([]);
  });

  it('leaves an index of another definition, with no rebuild of its own there, to the replicas that have it when a newer deploy replaced its own: journaled', async () => {
    await mirror.write(mirroring(null), eventsIndex, NEW_HASH, operations);

    expect(next.writes).toEqual([]);
    expect(journal).toEqual([forAlias(OLD_HASH, OTHER_DEFINITION)]);
  });

  it('journals for the rebuild of another definition on the rebuild\'s own job, for its replicas, instead of writing its index (a replica of the older definition)', async () => {
    await mirror.write(mirroring(rebuildIn('CATCH_UP')), eventsIndex, OLD_HASH, operations);

    expect(writtenTo()).toEqual([ALIAS]);
    expect(journal).toEqual([forRebuild(OTHER_DEFINITION)]);
  });

  it.each<[JobPhase]>([['ALIAS_SWAP'], ['CLEANUP']])(
    'journals for the alias there too, for the rebuild\'s definition, when the rebuild is in %s (past its last replay) once journaled',
    async (phase) => {
      reread = rebuildIn(phase);

      await mirror.write(mirroring(rebuildIn('VERIFY')), eventsIndex, OLD_HASH, operations);

      expect(journal).toEqual([forRebuild(OTHER_DEFINITION), forAlias(NEW_HASH, OTHER_DEFINITION)]);
    },
  );

  it('writes again, in full, when the rebuild swaps the alias to its index during the write', async () => {
    next.definitions.set(REBUILD_TARGET, NEW_HASH);
    next.swapDuringWrite = REBUILD_TARGET;

    await mirror.write(mirroring(rebuildIn('ALIAS_SWAP')), eventsIndex, NEW_HASH, operations);

    expect(next.writes).toEqual([
      { index: ALIAS, documents: [{ title: 'Jazz', status: 'published' }] },
      { index: writeAliasOf(REBUILD_TARGET), documents: [DOCUMENT] },
      { index: ALIAS, documents: [DOCUMENT] },
    ]);
  });

  it('journals what the next cluster refuses for the index that refused it, never throws', async () => {
    next.refusing.add(ALIAS);
    next.refusing.add(writeAliasOf(REBUILD_TARGET));

    await mirror.write(mirroring(rebuildIn('BACKFILL')), eventsIndex, NEW_HASH, operations);

    // The alias serves the older definition's index: its replicas replay it there.
    expect(journal).toEqual([forAlias(OLD_HASH, '429 rejected'), forRebuild('429 rejected')]);
  });

  it('journals every id when the next cluster does not answer at all (reading its alias fails), never throws', async () => {
    next.down = true;

    await mirror.write(mirroring(rebuildIn('BACKFILL')), eventsIndex, NEW_HASH, operations);

    const reason = 'next cluster: connect ECONNREFUSED 127.0.0.1:9250';
    expect(next.writes).toEqual([]);
    expect(journal).toEqual([forAlias(NEW_HASH, reason), forRebuild(reason)]);
  });

  it('journals every id when the replica cannot reach the next cluster to begin with', async () => {
    const unreachable = new MigrationMirror(store, { gatewayFor: () => Promise.reject(new Error('no cluster with UUID next-uuid answers')) } as unknown as SearchClusters, deployments, new ChangeJournal(store, {} as DocumentSync));

    await unreachable.write(mirroring(null), eventsIndex, OLD_HASH, operations);

    expect(journal).toEqual([forAlias(OLD_HASH, 'next cluster: no cluster with UUID next-uuid answers')]);
  });
});
