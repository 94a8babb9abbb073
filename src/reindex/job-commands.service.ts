import { Injectable } from '@nestjs/common';
import { RequestActor } from '../common/index.js';
import { AppConfig } from '../config/index.js';
import { ConcurrentTransitionError, JobStore, type Job } from '../job-store/index.js';
import type { GateApproval } from '../relevance/index.js';
import { JobEndings } from './engine/job-endings.service.js';
import { JobRunner } from './engine/job-runner.service.js';
import { transitionFor } from './engine/job-transitions.js';
import { ReindexErrorCode, ReindexException } from './reindex.exception.js';
import { IllegalTransitionException } from './state-machine/illegal-transition.exception.js';
import type { JobEvent } from './state-machine/job-state-machine.js';
import { gateRecordOf } from './verification/relevance-check.js';

/** How often an operator's transition is judged again when the job moves under it. */
const OPERATOR_TRANSITION_ATTEMPTS = 3;

/** An operator's commands to a job: read it, pause, resume, approve, cancel, rethrottle. */
@Injectable()
export class JobCommands {
  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly runner: JobRunner,
    private readonly endings: JobEndings,
  ) {}

  async pause(jobId: number): Promise<Job> {
    const paused = await this.apply(jobId, { type: 'PAUSE', by: 'operator', reason: 'paused by operator' }, { pausedBy: 'operator' });
    this.runner.stopLocal(jobId, 'paused by operator');
    return paused;
  }

  async resume(jobId: number): Promise<Job> {
    const job = await this.apply(jobId, { type: 'RESUME' }, { pausedBy: null });
    this.runner.wake();
    return job;
  }

  /**
   * Lets through a candidate the relevance gate blocked: the approval (who, when) goes on the job's
   * gate record and its transition, and the job resumes; its gate compares again, keeps the new
   * report, and passes.
   */
  async approve(jobId: number): Promise<Job> {
    const job = await this.getJob(jobId);
    const record = gateRecordOf(job);
    if (job.status !== 'PAUSED' || job.pausedBy !== 'relevance-gate' || !record) {
      const state = job.pausedBy ? `${job.status}, paused by ${job.pausedBy}` : job.status;
      throw new ReindexException(ReindexErrorCode.NOT_AWAITING_APPROVAL, `job ${jobId} is not waiting for an approval (${state}); only a job the relevance gate stopped can be approved`);
    }
    const approval: GateApproval = { by: RequestActor.current(), at: new Date().toISOString() };
    const reason = `approved by ${approval.by ?? 'an operator'} despite the relevance gate: ${record.failures.join('; ')}`;
    const approved = await this.apply(jobId, { type: 'RESUME' }, { pausedBy: null, relevance: { ...record, approval } as unknown as Record<string, unknown> }, reason);
    this.runner.wake();
    return approved;
  }

  async cancel(jobId: number): Promise<Job> {
    return this.cancelJob(await this.getJob(jobId), 'cancelled by operator');
  }

  /**
   * Sets the backfill pace of a FULL job that has not ended (0 = unlimited, null = the service's
   * pace again). Persisted on the job, so it holds across pauses and takeovers; a backfill on any
   * replica reads it within a second.
   */
  async rethrottle(jobId: number, maxDocsPerSecond: number | null): Promise<Job> {
    const job = await this.getJob(jobId);
    const rethrottled = await this.store.setMaxDocsPerSecond(jobId, maxDocsPerSecond, this.config.instanceId);
    if (rethrottled) return rethrottled;
    const now = (await this.store.findJob(jobId)) ?? job;
    throw new ReindexException(
      ReindexErrorCode.RETHROTTLE_REFUSED,
      now.kind === 'PARTIAL' ? `job ${jobId} is a PARTIAL job, which is not paced` : `job ${jobId} has ended (${now.status}); there is nothing left to pace`,
    );
  }

  async getJob(jobId: number): Promise<Job> {
    const job = await this.store.findJob(jobId);
    if (!job) throw new ReindexException(ReindexErrorCode.JOB_NOT_FOUND, `job ${jobId} does not exist`);
    return job;
  }

  /** Cancels the job for the reason given (an operator's, or a rebuild request's superseding it). */
  async cancelJob(job: Job, reason: string): Promise<Job> {
    const cancelled = await this.apply(job.id, { type: 'CANCEL', reason });
    // An attempt here stops at once; one elsewhere at its next heartbeat, and its writes go through the
    // target's write alias, so removing the target now cannot let a late bulk re-create it.
    this.runner.stopLocal(job.id, reason);
    await this.endings.afterCancel(cancelled);
    return cancelled;
  }

  /**
   * An operator's transition, judged on the job as it is now: the job moved between the read and
   * the write (a phase completed, another operator's pause) → read again and judged again, so a
   * race answers what the state machine says of the new state (done, or 409), never an error.
   */
  private async apply(jobId: number, event: JobEvent, patch?: Parameters<typeof transitionFor>[3], reason?: string): Promise<Job> {
    for (let attempt = 1; ; attempt++) {
      const job = await this.getJob(jobId);
      try {
        const why = reason ?? ('reason' in event ? event.reason : `${event.type.toLowerCase()} by operator`);
        return await this.store.transition(job.id, transitionFor(job, event, why, patch), this.config.instanceId);
      } catch (error) {
        if (error instanceof IllegalTransitionException) throw new ReindexException(ReindexErrorCode.ILLEGAL_TRANSITION, error.message);
        if (!(error instanceof ConcurrentTransitionError)) throw error;
        if (attempt === OPERATOR_TRANSITION_ATTEMPTS) throw new ReindexException(ReindexErrorCode.ILLEGAL_TRANSITION, `job ${jobId} keeps changing under the request (${error.message}); try again`);
      }
    }
  }
}
