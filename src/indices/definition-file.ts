import type { DefinitionShape, IndexDefinition, RelevanceSettings, SourceDocument, SourceQueries, SourceRow } from './index-definition.js';

/** A definition file as written (YAML or JSON), once it passed the JSON Schema. */
export interface DefinitionFile {
  readonly alias: string;
  readonly mappings: Record<string, unknown>;
  readonly settings?: Record<string, unknown>;
  readonly source: { readonly select: string; readonly updatedAt: string } | { readonly queries: WrittenQueries };
  readonly document?: DocumentFields;
  readonly transform?: string;
  readonly touches?: Readonly<Record<string, string>>;
  readonly relevance?: RelevanceSettings;
}

export interface WrittenQueries {
  readonly byCursor: string;
  readonly byIds: string;
  readonly count: string;
  readonly changedSince: string;
  /** Optional: byCursor with only id and version, for VERIFY's comparison of every document. */
  readonly versions?: string;
}

/** Each field names the source column it comes from; an object nests fields. */
export interface DocumentFields {
  readonly [field: string]: string | DocumentFields;
}

/** A transform module's default export: a pure function from a source row to the document body. */
export type RowTransform = (row: Readonly<Record<string, unknown>>) => Record<string, unknown>;

export interface LoadedTransform {
  readonly transform: RowTransform;
  /** SHA-256 of the module's text: editing it changes the definition hash. */
  readonly sha256: string;
}

/** Columns every row-returning query must select. */
export const REQUIRED_COLUMNS = ['id', 'version', 'indexable'] as const;

/** Named placeholders each written query must use, so that paging and lookups cannot silently read everything. */
export const QUERY_PLACEHOLDERS: Readonly<Record<keyof WrittenQueries, readonly string[]>> = {
  byCursor: ['afterId', 'limit'],
  byIds: ['ids'],
  count: [],
  changedSince: ['since', 'afterId', 'limit'],
  versions: ['afterId', 'limit'],
};

/** The SQL the service runs, from either form of `source`. */
export function sourceQueries(source: DefinitionFile['source']): SourceQueries {
  if ('queries' in source) {
    const { byCursor, byIds, count, changedSince, versions } = source.queries;
    return { byCursor, byIds, countIndexable: count, changedSince, versions: versions ?? byCursor };
  }
  // MariaDB and MySQL merge a derived table into the outer query, so the id range and the
  // updated_at condition reach the table's own indexes.
  const rows = `(${source.select}) AS source_rows`;
  return {
    byCursor: `SELECT * FROM ${rows} WHERE indexable AND id > :afterId ORDER BY id LIMIT :limit`,
    byIds: `SELECT * FROM ${rows} WHERE id IN (:ids) ORDER BY id`,
    countIndexable: `SELECT COUNT(*) AS count FROM ${rows} WHERE indexable`,
    changedSince: `SELECT id FROM ${rows} WHERE ${source.updatedAt} >= :since AND id > :afterId ORDER BY id LIMIT :limit`,
    // Only the two columns: the merged query computes none of the document's.
    versions: `SELECT id, version FROM ${rows} WHERE indexable AND id > :afterId ORDER BY id LIMIT :limit`,
  };
}

/** The columns a `document` reads, in the order it names them. */
export function documentColumns(fields: DocumentFields): string[] {
  return Object.values(fields).flatMap((value) => (typeof value === 'string' ? [value] : documentColumns(value)));
}

/** Turns a checked definition file into the index the service runs. */
export function compileDefinition(file: DefinitionFile, loadedTransform?: LoadedTransform): IndexDefinition {
  const source = sourceQueries(file.source);
  const fields = file.document;
  const body: RowTransform = loadedTransform?.transform ?? ((row) => buildBody(fields!, row));
  const shape: DefinitionShape = {
    // What the documents are read with; count and changed-since only find rows, they shape nothing.
    source: { byCursor: source.byCursor, byIds: source.byIds },
    document: loadedTransform ? { transform: loadedTransform.sha256 } : { fields },
  };
  const versionOf = (row: SourceRow): number => Number((row as unknown as Record<string, unknown>).version);
  return {
    name: file.alias,
    mappings: file.mappings,
    settings: file.settings ?? {},
    source,
    shape,
    touches: file.touches ?? {},
    relevance: file.relevance ?? {},
    toDocument(row: SourceRow): SourceDocument | null {
      const columns = row as unknown as Record<string, unknown>;
      if (!isTrue(columns.indexable)) return null;
      return { id: String(row.id), version: versionOf(row), body: body(columns) };
    },
    versionOf,
  };
}

function buildBody(fields: DocumentFields, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, from] of Object.entries(fields)) body[field] = typeof from === 'string' ? jsonValue(row[from]) : buildBody(from, row);
  return body;
}

/** Dates as ISO-8601 (what a date mapping parses), everything else as the driver read it. */
function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** `indexable` as the database returns it: 1/0, true/false, or a decimal string. */
function isTrue(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && Number(value) !== 0;
}
