import { Injectable } from '@nestjs/common';
import type { IndexDefinition, SourceRow } from '../indices/index.js';
import { SourceDatabase } from './source-database.js';

/**
 * Runs the index definitions' SQL against the source database (SOURCE_DATABASE_URL). Raw
 * queries, rows as plain objects: backfill reads millions of rows and Prisma would only add cost.
 */
@Injectable()
export class SourceReader {
  constructor(private readonly source: SourceDatabase) {}

  /** Indexable rows with id > afterId, in id order, at most `limit`. */
  readBatch<TRow extends SourceRow>(definition: IndexDefinition<TRow>, afterId: number, limit: number): Promise<TRow[]> {
    return this.query<TRow>(definition.source.byCursor, { afterId, limit });
  }

  /** `id` and `version` of the indexable rows with id > afterId, in id order, at most `limit`. */
  async readVersions(definition: IndexDefinition, afterId: number, limit: number): Promise<{ id: number; version: number }[]> {
    const rows = await this.query<{ id: number; version: number }>(definition.source.versions, { afterId, limit });
    return rows.map((row) => ({ id: Number(row.id), version: Number(row.version) }));
  }

  /** The rows that still exist among `ids`, indexable or not; a missing id has no row. */
  async readByIds<TRow extends SourceRow>(definition: IndexDefinition<TRow>, ids: readonly number[]): Promise<TRow[]> {
    if (ids.length === 0) return [];
    return this.query<TRow>(definition.source.byIds, { ids: [...ids] });
  }

  async countIndexable(definition: IndexDefinition): Promise<number> {
    const [row] = await this.query<{ count: number }>(definition.source.countIndexable, {});
    return Number(row.count);
  }

  /** Ids whose document may have changed at or after `since`, id > afterId, in id order, at most `limit`. */
  async changedSince(definition: IndexDefinition, since: Date, afterId: number, limit: number): Promise<number[]> {
    return this.ids(definition.source.changedSince, { since, afterId, limit });
  }

  /** Ids of the documents of `definition` that a change to `entity` row `id` touches (none for an entity it does not list). */
  async touchedIds(definition: IndexDefinition, entity: string, id: number | string): Promise<number[]> {
    const sql = Object.hasOwn(definition.touches, entity) ? definition.touches[entity] : undefined;
    const key = Number(id);
    // Source keys are integer columns: an id beyond them names no row and touches nothing.
    if (sql === undefined || !Number.isSafeInteger(key) || key < 0) return [];
    return this.ids(sql, { id: key });
  }

  private async ids(sql: string, values: Record<string, unknown>): Promise<number[]> {
    const rows = await this.query<{ id: number }>(sql, values);
    return rows.map((row) => Number(row.id));
  }

  private query<T>(sql: string, values: Record<string, unknown>): Promise<T[]> {
    return this.source.query<T>(sql, values);
  }
}
