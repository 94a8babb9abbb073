/** What one bounded pass of the history pruning deleted. */
export interface PrunedHistory {
  readonly jobs: number;
  readonly transitions: number;
  readonly journalEntries: number;
}

/** Which ended jobs a pruning pass may delete. */
export interface HistoryCutoff {
  /** Jobs that ended before this. */
  readonly endedBefore: Date;
  /** The newest this many COMPLETED FULL jobs of each alias are kept whatever their age: a rollback reads them. */
  readonly keepCompletedPerAlias: number;
}

/**
 * Deletes history no one reads any more, in bounded batches (a short lock each, never one long
 * delete on a big table). Only ended jobs (COMPLETED, FAILED, CANCELLED) are ever candidates, and
 * every call is safe to race another replica's: a row already gone is simply not counted.
 */
export abstract class HistoryStore {
  /**
   * Deletes at most `limit` ended jobs past the cutoff, their transitions and journal entries first
   * (in batches of `limit` rows). Kept whatever their age: a job a cluster migration names, one a run
   * slot still holds, the newest completed FULL jobs of each alias (`keepCompletedPerAlias`) and those
   * whose target is an index named by the alias's rollback.
   */
  abstract pruneEndedJobs(cutoff: HistoryCutoff, limit: number): Promise<PrunedHistory>;
  /**
   * Deletes at most `limit` journal entries of jobs that ended before `endedBefore` and that no cluster
   * migration still under way names: nothing replays them any more. Returns how many were deleted.
   */
  abstract sweepEndedJournals(endedBefore: Date, limit: number): Promise<number>;
}
