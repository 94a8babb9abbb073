import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SingleFlight } from '../../common/index.js';
import { AppConfig } from '../../config/index.js';
import { HistoryStore, type PrunedHistory } from '../../job-store/index.js';
import { Metrics } from '../../metrics/index.js';

/** Hourly: history grows by a few rows per job, so a pass now and then keeps it flat. */
const PRUNE_INTERVAL_MS = 3600_000;
/** Rows per delete: each holds its locks for milliseconds, never for one long delete. */
export const PRUNE_BATCH = 500;
/**
 * A journal entry of an ended job is never replayed, but a write routed just before the job ended
 * may still append one: an hour later nothing writes there any more.
 */
export const JOURNAL_GRACE_MS = 3600_000;
const DAY_MS = 24 * 3600_000;

/**
 * Prunes what REINDEX_HISTORY_DAYS no longer keeps: ended jobs past the retention with their
 * transitions and journal entries (HistoryStore says which are kept whatever their age), and the
 * journal entries of ended jobs, which nothing replays. Every replica runs it: the deletes are by
 * id, so two passes at once delete each row once, and the second finds less to do.
 */
@Injectable()
export class HistoryPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HistoryPruner.name);
  private readonly passes = new SingleFlight((now?: Date) => this.prune(now ?? new Date()), { onError: (error) => this.logger.warn(`history pruning failed, trying again next pass: ${error.message}`) });

  constructor(
    private readonly config: AppConfig,
    private readonly store: HistoryStore,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    // REINDEX_MODE=observe writes nothing.
    if (this.config.reindex.mode === 'observe') return;
    // A pass at start-up too: replicas that restart more often than hourly still prune.
    void this.passes.run();
    this.passes.every(PRUNE_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.passes.stop();
  }

  /** One pass now (or joins the one in flight); `now` moves the retention's clock, for tests. */
  run(now?: Date): Promise<void> {
    return this.passes.run(now);
  }

  private async prune(now: Date): Promise<void> {
    const jobs = await this.pruneJobs(now);
    const journalEntries = await this.repeat(() => this.store.sweepEndedJournals(new Date(now.getTime() - JOURNAL_GRACE_MS), PRUNE_BATCH));
    this.metrics.pruned('journal_entries', journalEntries);
    if (jobs.jobs + jobs.transitions + jobs.journalEntries + journalEntries > 0) {
      this.logger.log(
        `pruned ${jobs.jobs} ended jobs older than ${this.config.reindex.historyDays} days (${jobs.transitions} transitions, ${jobs.journalEntries} journal entries) and ${journalEntries} journal entries of ended jobs`,
      );
    }
  }

  private async pruneJobs(now: Date): Promise<PrunedHistory> {
    const total = { jobs: 0, transitions: 0, journalEntries: 0 };
    const days = this.config.reindex.historyDays;
    if (days === 0) return total;
    // Never under a day (REINDEX_HISTORY_DAYS is whole days): the recovery sweep still reads jobs
    // that ended in the last 24 h for targets to remove. The newest retained indices and the live
    // one each name the completed job a rollback reads.
    const cutoff = { endedBefore: new Date(now.getTime() - days * DAY_MS), keepCompletedPerAlias: this.config.reindex.retainPrevious + 1 };
    for (;;) {
      const pruned = await this.store.pruneEndedJobs(cutoff, PRUNE_BATCH);
      this.metrics.pruned('jobs', pruned.jobs);
      this.metrics.pruned('transitions', pruned.transitions);
      this.metrics.pruned('journal_entries', pruned.journalEntries);
      total.jobs += pruned.jobs;
      total.transitions += pruned.transitions;
      total.journalEntries += pruned.journalEntries;
      if (pruned.jobs < PRUNE_BATCH || this.passes.stopped) return total;
    }
  }

  /** Runs a bounded delete until it deletes less than a batch (or the service stops); returns the rows deleted. */
  private async repeat(deleteBatch: () => Promise<number>): Promise<number> {
    let deleted = 0;
    for (;;) {
      const last = await deleteBatch();
      deleted += last;
      if (last < PRUNE_BATCH || this.passes.stopped) return deleted;
    }
  }
}
