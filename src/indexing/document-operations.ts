import type { IndexDefinition, SourceRow } from '../indices/index.js';
import type { BulkOperation } from '../opensearch/index.js';

/**
 * The version a document gets deleted with when its row is gone (hard delete). Gone is
 * the last state a row can reach, so it outranks every version the row ever had: an
 * older copy still in flight (a backfill batch read before the delete) then meets this
 * tombstone and is skipped as stale. An unversioned delete of a document the index does
 * not hold yet leaves a tombstone of version 1, which such a copy would overwrite.
 * 2^53 - 1: exact as a JS number, far below OpenSearch's limit (2^63 - 1).
 * Assumes ids are never reused (AUTO_INCREMENT), at least not within gc_deletes.
 */
export const GONE_VERSION = Number.MAX_SAFE_INTEGER;

/**
 * Bulk operations that make documents match their source rows: index the
 * indexable ones, delete the rest. A requested id with no row is deleted with
 * GONE_VERSION: this is for ids whose row is known to have existed (a change
 * message, a journal entry, a document verify found), so its absence means a
 * hard delete.
 */
export function operationsForIds(definition: IndexDefinition, ids: readonly number[], rows: readonly SourceRow[]): BulkOperation[] {
  const rowsById = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = rowsById.get(id);
    return row ? operationForRow(definition, row) : { action: 'delete', id: String(id), version: GONE_VERSION };
  });
}

/**
 * The same for ids an operator asked for (a PARTIAL job), where an id with no row may never
 * have had one: it is deleted only if the index holds a document for it, at that document's
 * own version (`indexedVersions`, read from the index written to), and left alone otherwise.
 * A GONE_VERSION tombstone there would keep out a row inserted later with that id, for as long
 * as the index keeps tombstones (12 h in an index being built).
 */
export function operationsForRequestedIds(
  definition: IndexDefinition,
  ids: readonly number[],
  rows: readonly SourceRow[],
  indexedVersions: ReadonlyMap<string, number>,
): BulkOperation[] {
  const rowsById = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id): BulkOperation[] => {
    const row = rowsById.get(id);
    if (row) return [operationForRow(definition, row)];
    const version = indexedVersions.get(String(id));
    return version === undefined ? [] : [{ action: 'delete', id: String(id), version }];
  });
}

export function operationForRow(definition: IndexDefinition, row: SourceRow): BulkOperation {
  const document = definition.toDocument(row);
  if (document) return { action: 'index', id: document.id, version: document.version, document: document.body };
  return { action: 'delete', id: String(row.id), version: definition.versionOf(row) };
}
