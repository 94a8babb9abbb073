import { Injectable } from '@nestjs/common';
import { writeAliasOf, type IndexDefinition } from '../indices/index.js';
import { JobStore, type ClusterMigration, type Job, type JournalTarget } from '../job-store/index.js';
import { type SearchGateway } from '../opensearch/index.js';
import { DocumentSync } from './document-sync.service.js';

const PAGE = 1000;

/** A write that did not reach its target. */
export interface JournaledWrite {
  readonly documentId: string;
  readonly reason: string;
}

/** The journal of the index a FULL job builds (its write alias, on its cluster): replayed by the job's phases, on replicas of its definition. */
export function buildJournal(job: Job): JournalTarget {
  return { jobId: job.id, definitionHash: job.definitionHash, clusterUuid: job.clusterUuid, target: writeAliasOf(job.targetIndex!) };
}

/** The alias on the next cluster while the alias migrates there: its journal is held on the migration's job. */
export function mirroredAlias(migration: ClusterMigration): Omit<JournalTarget, 'definitionHash'> {
  return { jobId: migration.jobId, clusterUuid: migration.toClusterUuid, target: migration.alias };
}

/** mirroredAlias's journal for `definitionHash`: replayed through the alias there by its replicas, while the alias serves an index of it. */
export function mirrorJournal(migration: ClusterMigration, definitionHash: string): JournalTarget {
  return { ...mirroredAlias(migration), definitionHash };
}

/**
 * The change journal: writes that did not reach their target, each kept with that target and the
 * definition whose replicas replay it. A replay reads the entries of one target and definition only,
 * and a trim deletes exactly the entries its replay read.
 */
@Injectable()
export class ChangeJournal {
  constructor(
    private readonly store: JobStore,
    private readonly sync: DocumentSync,
  ) {}

  async append(target: JournalTarget, definition: IndexDefinition, writes: readonly JournaledWrite[]): Promise<void> {
    if (writes.length > 0) await this.store.appendJournal(target, definition.name, writes);
  }

  /**
   * Re-syncs through `indices` (aliases on `gateway`) every document the target's journal holds; the
   * entries stay, for the next replay of a job that replays up to its swap. Returns how many entries were read.
   */
  async replay(target: JournalTarget, gateway: SearchGateway, definition: IndexDefinition, indices: readonly string[], signal: AbortSignal): Promise<number> {
    let replayed = 0;
    for (let afterId = 0n; ; ) {
      signal.throwIfAborted();
      const entries = await this.store.readJournal(target, afterId, PAGE);
      if (entries.length === 0) return replayed;
      await this.sync.syncIds(gateway, definition, documentIds(entries), indices);
      replayed += entries.length;
      afterId = entries[entries.length - 1].id;
    }
  }

  /**
   * Replays the target's entries and deletes exactly those replayed, until none is left; an entry that
   * commits meanwhile below an id already read is found by the next read. Returns how many were replayed.
   */
  async drain(target: JournalTarget, gateway: SearchGateway, definition: IndexDefinition, indices: readonly string[]): Promise<number> {
    let drained = 0;
    for (;;) {
      const entries = await this.store.readJournal(target, 0n, PAGE);
      if (entries.length === 0) return drained;
      await this.sync.syncIds(gateway, definition, documentIds(entries), indices);
      await this.store.trimJournal(entries.map((entry) => entry.id));
      drained += entries.length;
    }
  }

  async holdsEntries(target: JournalTarget): Promise<boolean> {
    return (await this.store.readJournal(target, 0n, 1)).length > 0;
  }
}

function documentIds(entries: readonly { documentId: string }[]): number[] {
  return [...new Set(entries.map((entry) => Number(entry.documentId)))];
}
