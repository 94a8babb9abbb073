/** One row of `reindexer_outbox` as the application wrote it (not yet validated), with its delivery state. */
export interface OutboxRow {
  readonly id: bigint;
  readonly entity: string;
  readonly entityId: string;
  readonly op: string;
  /** Since the application inserted it, by the database clock. */
  readonly ageMs: number;
  /** Failed attempts so far, by any replica. */
  readonly attempts: number;
  readonly lastError: string | null;
  /** Set for a row already dead-lettered whose copy the dead-letter queue has not confirmed yet. */
  readonly deadLetterReason: string | null;
}

/** What becomes of one locked row when the drain commits. */
export type OutboxSettlement =
  /** Applied, or its copy is confirmed in the dead-letter queue. */
  | { readonly id: bigint; readonly outcome: 'delete' }
  /**
   * Kept, with this state, and not handed out again for `delayMs` (database clock, so every
   * replica waits the same): a failed attempt below the limit, or (`deadLetterReason` set) a
   * dead letter still to be copied to the dead-letter queue.
   */
  | {
      readonly id: bigint;
      readonly outcome: 'defer';
      readonly attempts: number;
      readonly error: string;
      readonly deadLetterReason: string | null;
      readonly delayMs: number;
    };

/**
 * The outbox change source: rows the application inserts into `reindexer_outbox` in the
 * same transaction as its change. Safe with several replicas polling the same table: a row's
 * attempts and next attempt time live on the row, so the retry limit and delay hold across them.
 */
export abstract class OutboxStore {
  /**
   * In one transaction: locks the oldest due rows (next attempt time reached), at most `limit`,
   * that no other replica holds (`FOR UPDATE SKIP LOCKED`), hands them to `settle` in id order,
   * writes each settlement it returns and commits. Rows without a settlement, and every row when
   * `settle` or the transaction fails, stay as they were. Resolves to the number of rows locked.
   */
  /** Rows waiting (due or not, dead letters to copy included) and the age of the oldest, by the database clock. */
  abstract backlog(): Promise<{ readonly rows: number; readonly oldestAgeSeconds: number | null }>;

  abstract drain(limit: number, settle: (rows: readonly OutboxRow[]) => Promise<readonly OutboxSettlement[]>): Promise<number>;
}
