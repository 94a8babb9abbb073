/** A query set an operator stored for an alias, as it was validated (src/relevance reads it). */
export interface StoredQuerySet {
  readonly alias: string;
  readonly querySet: unknown;
  readonly updatedAt: Date;
}

/** The query sets PUT through the API, one per alias; a PUT replaces the alias's set whole. */
export abstract class QuerySetStore {
  abstract get(alias: string): Promise<StoredQuerySet | null>;
  abstract put(alias: string, querySet: unknown): Promise<StoredQuerySet>;
}
