import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SingleFlight } from '../common/index.js';
import { JobStore, type Schedule } from '../job-store/index.js';
import { ReindexService } from '../reindex/index.js';

/**
 * The schedule trigger: every 30 s, runs each schedule that is due — a FULL rebuild or a
 * SYNC (verify and repair in place), each enqueued as a job. Claiming a due run is a
 * conditional UPDATE, so with several replicas it fires once.
 */
@Injectable()
export class ScheduleTrigger implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleTrigger.name);
  /** A check slower than the interval (MySQL slow to answer) is joined by the next one instead of piling up. */
  private readonly checks = new SingleFlight((now: Date) => this.fireAll(now), { onError: (error) => this.logger.warn(`schedule check failed: ${error.message}`) });

  constructor(
    private readonly store: JobStore,
    private readonly reindex: ReindexService,
  ) {}

  @Interval(30_000)
  fireDue(now = new Date()): Promise<void> {
    if (this.reindex.observing) return Promise.resolve();
    return this.checks.run(now);
  }

  /** A check in flight finishes before MySQL and OpenSearch close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.checks.stop();
  }

  private async fireAll(now: Date): Promise<void> {
    for (const schedule of await this.store.listDueSchedules(now)) {
      if (!(await this.store.claimDueSchedule(schedule.alias, schedule.nextRunAt, now))) continue;
      // One index's failure (its next run is already an interval away) must not skip the others.
      await this.run(schedule).catch((error: Error) => this.logger.warn(`${schedule.alias}: scheduled ${schedule.mode.toLowerCase()} failed: ${error.message}`));
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
        // A sync of a large index can outlast the interval: the next run joins the active one.
        const { job, created } = await this.reindex.requestCheck(schedule.alias, 'SYNC', 'SCHEDULE');
        this.logger.log(`${schedule.alias}: scheduled sync ${created ? 'enqueued as' : 'joined active'} job ${job.id}`);
        return;
      }
    }
  }
}
