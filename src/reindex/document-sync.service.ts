import { Injectable } from '@nestjs/common';
import { BoundedPool } from '../common/bounded-pool.js';
import { AppConfig } from '../config/app-config.js';
import type { IndexDefinition } from '../indices/index-definition.js';
import { JobStore } from '../job-store/job-store.js';
import { SourceReader } from '../job-store/source-reader.js';
import { SearchGateway } from '../opensearch/search-gateway.js';
import { operationsForIds } from './document-operations.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';

const JOURNAL_PAGE = 1000;

/** Re-reads rows by id and writes their current state (upsert or delete) through the given aliases. */
@Injectable()
export class DocumentSync {
  constructor(
    private readonly reader: SourceReader,
    private readonly gateway: SearchGateway,
    private readonly store: JobStore,
    private readonly config: AppConfig,
  ) {}

  /** Re-syncs every row changed since `since` into `target` (an alias); returns how many rows. */
  async replayChangedSince(definition: IndexDefinition, target: string, since: Date, signal: AbortSignal): Promise<number> {
    // Pages are independent (every write is versioned), so they overlap like backfill batches.
    const pool = new BoundedPool(this.config.reindex.bulkConcurrency);
    let replayed = 0;
    for (let afterId = 0; ; ) {
      signal.throwIfAborted();
      const ids = await this.reader.changedSince(definition, since, afterId, this.config.reindex.batchSize);
      if (ids.length === 0) break;
      await pool.run(() => this.syncIds(definition, ids, [target]));
      replayed += ids.length;
      afterId = ids[ids.length - 1];
    }
    await pool.drain();
    return replayed;
  }

  /** Re-syncs into `target` (an alias) every document whose dual-write to it failed during the job; returns how many entries were read. */
  async replayJournal(jobId: number, definition: IndexDefinition, target: string, signal: AbortSignal): Promise<number> {
    let replayed = 0;
    for (let afterId = 0n; ; ) {
      signal.throwIfAborted();
      const entries = await this.store.readJournal(jobId, afterId, JOURNAL_PAGE);
      if (entries.length === 0) return replayed;
      const ids = entries.filter((entry) => entry.definition === definition.name).map((entry) => Number(entry.documentId));
      await this.syncIds(definition, [...new Set(ids)], [target]);
      replayed += entries.length;
      afterId = entries[entries.length - 1].id;
    }
  }

  async syncIds(definition: IndexDefinition, ids: readonly number[], indices: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await this.reader.readByIds(definition, ids);
    const operations = operationsForIds(definition, ids, rows);
    for (const index of indices) {
      const result = await this.gateway.bulk(index, operations);
      if (result.failures.length > 0) {
        throw new ReindexException(ReindexErrorCode.BULK_REJECTED, `${result.failures.length} writes to ${index} rejected, first: ${result.failures[0].reason}`);
      }
    }
  }
}
