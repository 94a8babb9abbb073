import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { JobStore, type Job } from '../../job-store/index.js';
import { Metrics } from '../../metrics/index.js';
import { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import type { GiveUp } from './failure-policy.js';
import { transitionFor } from './job-transitions.js';

/**
 * How a job ends: the transition first (MySQL says it ended), then what a job that ended before
 * its swap leaves behind (its target, an adoption's write block) goes through the guarded delete.
 * A removal that fails is taken up by the recovery sweep (IndexLifecycle.sweep).
 */
@Injectable()
export class JobEndings {
  private readonly logger = new Logger(JobEndings.name);

  constructor(
    private readonly store: JobStore,
    private readonly lifecycle: IndexLifecycle,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Carries out the failure policy's giving up (after an attempt's last retry, or on a recovery
   * check). `leaseToken`: the claim the transition is fenced by, when an attempt ends its own job.
   * A removal that fails is thrown: the caller's failure path reports it.
   */
  async giveUp(job: Job, decision: GiveUp, leaseToken?: string): Promise<Job> {
    const event = decision.action === 'fail' ? ({ type: 'FAIL', reason: decision.reason } as const) : ({ type: 'END_WITHOUT_CLEANUP', reason: decision.reason } as const);
    const ended = await this.store.transition(job.id, transitionFor(job, event, decision.reason, { lastError: decision.reason }), this.config.instanceId, leaseToken);
    if (ended.status === 'FAILED') this.metrics.jobFailed(job.alias);
    if (decision.action === 'fail') this.logger.error(`job ${job.id} (${job.alias}) failed: ${decision.reason}`);
    else this.logger.warn(`job ${job.id} (${job.alias}) completed: ${decision.reason}`);
    await this.lifecycle.removeTargetOfEndedJob(ended);
    return ended;
  }

  /** After a cancel (JobCommands records it): the target goes now, or with the recovery sweep once OpenSearch answers. */
  async afterCancel(cancelled: Job): Promise<void> {
    await this.lifecycle.removeTargetOfEndedJob(cancelled).catch((error: Error) => this.logger.warn(`job ${cancelled.id}: target not removed yet: ${error.message}`));
  }
}
