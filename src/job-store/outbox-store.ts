/** One row of `reindexer_outbox` as the application wrote it, not yet validated. */
export interface OutboxRow {
  readonly id: bigint;
  readonly entity: string;
  readonly entityId: string;
  readonly op: string;
}

/**
 * The outbox change source: rows the application inserts into `reindexer_outbox` in the
 * same transaction as its change. Safe with several replicas polling the same table.
 */
export abstract class OutboxStore {
  /**
   * In one transaction: locks the oldest rows, at most `limit`, that no other replica
   * holds (`FOR UPDATE SKIP LOCKED`), hands them to `apply` in id order, deletes the rows
   * whose ids `apply` returns and commits. Rows not returned, and every row when `apply`
   * or the transaction fails, stay for a later poll. Resolves to the number of rows locked.
   */
  abstract drain(limit: number, apply: (rows: readonly OutboxRow[]) => Promise<readonly bigint[]>): Promise<number>;
}
