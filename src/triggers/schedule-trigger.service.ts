import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { JobStore } from '../job-store/job-store.js';
import { ReindexService } from '../reindex/reindex.service.js';

/**
 * The schedule trigger: every 30 s, starts a rebuild for each schedule that is
 * due. Claiming a due run is a conditional UPDATE, so with several replicas it
 * fires once.
 */
@Injectable()
export class ScheduleTrigger {
  private readonly logger = new Logger(ScheduleTrigger.name);

  constructor(
    private readonly store: JobStore,
    private readonly reindex: ReindexService,
  ) {}

  @Interval(30_000)
  async fireDue(now = new Date()): Promise<void> {
    try {
      for (const schedule of await this.store.listDueSchedules(now)) {
        if (!(await this.store.claimDueSchedule(schedule.alias, schedule.nextRunAt, now))) continue;
        const { job, created } = await this.reindex.requestFull(schedule.alias, 'SCHEDULE');
        this.logger.log(`${schedule.alias}: scheduled rebuild ${created ? 'enqueued as' : 'joined active'} job ${job.id}`);
      }
    } catch (error) {
      this.logger.warn(`schedule check failed: ${(error as Error).message}`);
    }
  }
}
