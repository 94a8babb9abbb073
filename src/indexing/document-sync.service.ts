import { Injectable } from '@nestjs/common';
import { BoundedPool } from '../common/index.js';
import { AppConfig } from '../config/index.js';
import type { IndexDefinition } from '../indices/index.js';
import { SourceReader } from '../job-store/index.js';
import { SearchGateway } from '../opensearch/index.js';
import { bulkOrThrow } from './bulk-writes.js';
import { operationsForIds } from './document-operations.js';
import { onlyFields } from './served-indices.js';

/** Re-reads rows by id and writes their current state (upsert or delete) through the given aliases, on the given cluster. */
@Injectable()
export class DocumentSync {
  constructor(
    private readonly reader: SourceReader,
    private readonly config: AppConfig,
  ) {}

  /** Re-syncs every row changed since `since` into `target` (an alias); returns how many rows. */
  async replayChangedSince(gateway: SearchGateway, definition: IndexDefinition, target: string, since: Date, signal: AbortSignal): Promise<number> {
    // Pages are independent (every write is versioned), so they overlap like backfill batches.
    const pool = new BoundedPool(this.config.reindex.bulkConcurrency);
    let replayed = 0;
    for (let afterId = 0; ; ) {
      signal.throwIfAborted();
      const ids = await this.reader.changedSince(definition, since, afterId, this.config.reindex.batchSize);
      if (ids.length === 0) break;
      await pool.run(() => this.syncIds(gateway, definition, ids, [target]));
      replayed += ids.length;
      afterId = ids[ids.length - 1];
    }
    await pool.drain();
    return replayed;
  }

  /** `fields`: the top-level fields of an index of an older definition, the only ones it takes (onlyFields). */
  async syncIds(gateway: SearchGateway, definition: IndexDefinition, ids: readonly number[], indices: readonly string[], fields: ReadonlySet<string> | null = null): Promise<void> {
    if (ids.length === 0) return;
    const rows = await this.reader.readByIds(definition, ids);
    const operations = onlyFields(operationsForIds(definition, ids, rows), fields);
    for (const index of indices) await bulkOrThrow(gateway, index, operations);
  }

  /**
   * syncIds, then the documents a delete tombstone still keeps out. A document deleted by hand
   * leaves a tombstone one version above the document's (internal versioning), and a row that did
   * not change since has that document's version: its versioned write is skipped as stale until
   * the tombstone expires (index.gc_deletes). Such a document is written one version above its
   * row's, which outranks that tombstone and no change of the row (the next one reaches that
   * version, and external_gte takes it); a versioned sync right after makes a change that raced
   * the restore win. A tombstone higher still (deleted twice, or written by hand at a higher
   * version) is not overridden: the restore would hide the row's next changes. Returns the ids
   * still missing from some index although their row is indexable.
   */
  async repairIds(gateway: SearchGateway, definition: IndexDefinition, ids: readonly number[], indices: readonly string[], fields: ReadonlySet<string> | null = null): Promise<number[]> {
    await this.syncIds(gateway, definition, ids, indices, fields);
    const unrepaired = new Set<number>();
    for (const index of indices) {
      const blocked = await this.missingDocuments(gateway, definition, ids, index);
      if (blocked.length === 0) continue;
      await bulkOrThrow(gateway, index, onlyFields(blocked.map(({ document }) => ({ action: 'index', id: document.id, version: document.version + 1, document: document.body })), fields));
      const restored = blocked.map(({ id }) => id);
      await this.syncIds(gateway, definition, restored, [index], fields);
      for (const { id } of await this.missingDocuments(gateway, definition, restored, index)) unrepaired.add(id);
    }
    return [...unrepaired];
  }

  /** Indexable rows among `ids` whose document `index` does not hold (a real-time read, no refresh needed). */
  private async missingDocuments(gateway: SearchGateway, definition: IndexDefinition, ids: readonly number[], index: string) {
    const documents = (await this.reader.readByIds(definition, ids)).flatMap((row) => {
      const document = definition.toDocument(row);
      return document ? [{ id: row.id, document }] : [];
    });
    const stored = await gateway.getVersions(index, documents.map(({ document }) => document.id));
    return documents.filter(({ document }) => !stored.has(document.id));
  }
}
