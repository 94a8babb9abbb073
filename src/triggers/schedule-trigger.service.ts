import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { JobStore, type Schedule } from '../job-store/index.js';
import { ReindexService } from '../reindex/index.js';

/**
 * The schedule trigger: every 30 s, runs each schedule that is due — a FULL rebuild
 * (enqueued as a job) or a SYNC (verify and repair in place, run here). Claiming a due
 * run is a conditional UPDATE, so with several replicas it fires once.
 */
@Injectable()
export class ScheduleTrigger implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleTrigger.name);
  /** A sync of a large index can outlast the interval; the next check waits for it instead of piling up. */
  private checking: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: JobStore,
    private readonly reindex: ReindexService,
  ) {}

  @Interval(30_000)
  fireDue(now = new Date()): Promise<void> {
    if (this.stopped || this.reindex.observing) return Promise.resolve();
    this.checking ??= this.fireAll(now).finally(() => (this.checking = null));
    return this.checking;
  }

  /** A check in flight (a sync can be long) finishes before MySQL and OpenSearch close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.checking;
  }

  private async fireAll(now: Date): Promise<void> {
    try {
      for (const schedule of await this.store.listDueSchedules(now)) {
        if (!(await this.store.claimDueSchedule(schedule.alias, schedule.nextRunAt, now))) continue;
        // One index's failure (its next run is already an interval away) must not skip the others.
        await this.run(schedule).catch((error: Error) => this.logger.warn(`${schedule.alias}: scheduled ${schedule.mode.toLowerCase()} failed: ${error.message}`));
      }
    } catch (error) {
      this.logger.warn(`schedule check failed: ${(error as Error).message}`);
    }
  }

  private async run(schedule: Schedule): Promise<void> {
    switch (schedule.mode) {
      case 'FULL': {
        const { job, created } = await this.reindex.requestFull(schedule.alias, 'SCHEDULE');
        this.logger.log(`${schedule.alias}: scheduled rebuild ${created ? 'enqueued as' : 'joined active'} job ${job.id}`);
        return;
      }
      case 'SYNC': {
        const report = await this.reindex.sync(schedule.alias);
        this.logger.log(
          `${schedule.alias}: scheduled sync repaired ${report.missing.total} missing, ${report.stale.total} stale, ${report.extra.total} extra of ${report.sourceCount} documents`,
        );
        if (report.unrepaired.total > 0) this.logger.warn(`${schedule.alias}: scheduled sync left ${report.unrepaired.total} documents missing (${report.unrepaired.ids.join(', ')}): ${report.unrepaired.reason}`);
        return;
      }
    }
  }
}
