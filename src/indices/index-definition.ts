/**
 * An index as the service runs it, compiled from a definition file (`definition-file.ts`).
 * Pure data plus pure functions: it never performs I/O. The SQL it carries is executed by
 * the job store's source reader, so the definition decides *what* to read and the job store
 * decides *how*.
 */
export interface IndexDefinition<TRow extends SourceRow = SourceRow> {
  /** Alias that clients search through (before the deployment's INDEX_PREFIX). */
  readonly name: string;
  /** Mappings of the physical index; `_meta` is added by the gateway. */
  readonly mappings: Record<string, unknown>;
  /** Index settings that need a rebuild when they change (analysis, shards). */
  readonly settings: Record<string, unknown>;
  readonly source: SourceQueries;
  /**
   * What else the documents depend on, beyond mappings and settings: the SQL that reads the
   * rows and how a row becomes a document (fields, transform module's content). Part of the
   * definition hash, so changing any of it rebuilds.
   */
  readonly shape: DefinitionShape;
  /**
   * For a change to `entity`, SQL returning the ids (column `id`) of the
   * documents it touches, with the changed row's id as `:id`.
   * Entities not listed here do not touch this index.
   */
  readonly touches: Readonly<Record<string, string>>;
  /** The relevance gate's thresholds for this alias; unset ones come from RELEVANCE_* config. Not hashed: changing them rebuilds nothing. */
  readonly relevance?: RelevanceSettings;
  /**
   * A row becomes a document, or null when the row is not indexable (its document must go).
   * The document id is always `String(row.id)`.
   */
  toDocument(row: TRow): SourceDocument | null;
  /**
   * The row's version whether it is indexable or not, so that the delete of an
   * unindexable row carries it too and an older copy can never bring the document back.
   */
  versionOf(row: TRow): number;
}

/**
 * SQL the source reader runs with named placeholders (`:name`); the primary key
 * column must be selected as `id`. Every row-returning query selects the same
 * columns, the ones `toDocument` and `versionOf` read.
 */
export interface SourceQueries {
  /** Indexable rows with id > :afterId ordered by id, at most :limit rows. */
  readonly byCursor: string;
  /** Rows whose id is in :ids (a list), indexable or not. */
  readonly byIds: string;
  /** Number of indexable rows (column `count`). */
  readonly countIndexable: string;
  /**
   * Ids (column `id`) of rows whose document may have changed at or after :since,
   * id > :afterId, ordered by id, at most :limit.
   */
  readonly changedSince: string;
  /**
   * `id` and `version` of indexable rows with id > :afterId ordered by id, at most :limit: what
   * VERIFY compares every document with. May return more columns (it is `byCursor` when the
   * definition has nothing lighter).
   */
  readonly versions: string;
}

/** A definition's own thresholds for the relevance gate (`relevance:` in its file). */
export interface RelevanceSettings {
  readonly maxNdcgDrop?: number;
  readonly minMeanOverlap?: number;
  readonly altersRanking?: boolean;
}

/** Data only (hashed as canonical JSON). */
export interface DefinitionShape {
  readonly source: unknown;
  readonly document: unknown;
}

export interface SourceRow {
  readonly id: number;
}

export interface SourceDocument {
  readonly id: string;
  /** Grows on every change of anything the document is built from (external versioning). */
  readonly version: number;
  readonly body: Record<string, unknown>;
}
