import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import pRetry from 'p-retry';
import { AppConfig } from '../../config/index.js';
import { PHASES_ON_TARGET } from '../../indexing/index.js';
import { IndexRegistry, type IndexDefinition } from '../../indices/index.js';
import { ConcurrentTransitionError, JobStore, type Job, type JobPhase } from '../../job-store/index.js';
import { withLogFields, type LogFields } from '../../logging/index.js';
import { Metrics } from '../../metrics/index.js';
import { SearchClusters } from '../../opensearch/index.js';
import { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import { AliasSwapPhase } from '../phases/alias-swap.phase.js';
import { BackfillPhase } from '../phases/backfill.phase.js';
import { CatchUpPhase } from '../phases/catch-up.phase.js';
import { CleanupPhase } from '../phases/cleanup.phase.js';
import { CheckJobStep } from '../phases/check-job.step.js';
import { PartialWriter } from '../phases/partial-writer.service.js';
import { phaseRegistry } from '../phases/phase-registry.js';
import type { Phase, PhaseContext } from '../phases/phase.js';
import { PreparePhase } from '../phases/prepare.phase.js';
import { VerifyPhase } from '../phases/verify.phase.js';
import { ReindexException } from '../reindex.exception.js';
import { canTransition, stepOf } from '../state-machine/job-state-machine.js';
import { AwaitingApprovalError } from '../verification/awaiting-approval.error.js';
import { afterFailedStep } from './failure-policy.js';
import { JobEndings } from './job-endings.service.js';
import { JobReleasedError } from './job-released.error.js';
import { transitionFor } from './job-transitions.js';
import { startLeaseHeartbeat } from './lease-heartbeat.js';

/**
 * Runs one claimed job: its phases in order, each attempt under the claim's lease token
 * (every write of job state is fenced by it), with retries, the failure policy, and a
 * heartbeat (startLeaseHeartbeat) that renews the lease and stops the attempt before the
 * lease can expire when it cannot. A phase completes only from the phase that attempt ran.
 */
@Injectable()
export class JobExecutor {
  private readonly logger = new Logger(JobExecutor.name);
  private readonly phases: Readonly<Record<JobPhase, Phase>>;

  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly registry: IndexRegistry,
    private readonly lifecycle: IndexLifecycle,
    private readonly endings: JobEndings,
    private readonly partialWriter: PartialWriter,
    private readonly checkStep: CheckJobStep,
    private readonly metrics: Metrics,
    private readonly clusters: SearchClusters,
    prepare: PreparePhase,
    backfill: BackfillPhase,
    catchUp: CatchUpPhase,
    verify: VerifyPhase,
    aliasSwap: AliasSwapPhase,
    cleanup: CleanupPhase,
  ) {
    this.phases = phaseRegistry([prepare, backfill, catchUp, verify, aliasSwap, cleanup]);
  }

  /**
   * Until the job ends, pauses or is no longer this claim's; `abort` stops it from outside (cancel, pause, shutdown).
   * Every line logged meanwhile, by the phases and whatever they call, carries the job's id, alias and current phase.
   */
  execute(claimed: Job, abort: AbortController): Promise<Job | null> {
    const fields: LogFields = { jobId: claimed.id, alias: claimed.alias, phase: stepOf(claimed) };
    return withLogFields(fields, () => this.run(claimed, abort, fields));
  }

  private async run(claimed: Job, abort: AbortController, fields: LogFields): Promise<Job | null> {
    const leaseToken = claimed.leaseToken!;
    const heartbeat = startLeaseHeartbeat(this.store, claimed, leaseToken, this.config.reindex.leaseMs, abort, this.logger);
    let job = claimed;
    try {
      const definition = this.definitionOf(job);
      while (job.status === 'RUNNING') {
        const ran = job;
        fields.phase = stepOf(ran);
        await this.faultDelay(abort.signal);
        const reason = await this.withRetries(ran, leaseToken, abort, () => this.attempt(ran, definition, leaseToken, abort.signal, heartbeat.fence));
        await this.faultDelay(abort.signal);
        job = await this.store.transition(ran.id, transitionFor(ran, { type: 'PHASE_COMPLETED' }, reason, { failingSince: null }), this.config.instanceId, leaseToken);
        const startedAt = ran.phaseStartedAt ?? ran.startedAt;
        if (startedAt) this.metrics.phaseCompleted(ran.alias, stepOf(ran), (Date.now() - startedAt.getTime()) / 1000);
        this.logger.log(`${stepOf(ran)} done (${reason}); ${job.status === 'COMPLETED' ? 'job completed' : `next ${job.phase}`}`);
      }
      return job;
    } catch (error) {
      return this.onFailure(job, leaseToken, abort.signal.aborted ? abort.signal.reason : error);
    } finally {
      heartbeat.stop();
    }
  }

  /** One attempt of the job's current step, from the state persisted now. */
  private async attempt(ran: Job, definition: IndexDefinition, leaseToken: string, signal: AbortSignal, fence: () => Promise<void>): Promise<string> {
    const fresh = await this.store.findJob(ran.id);
    if (!fresh || fresh.status !== 'RUNNING' || fresh.leaseToken !== leaseToken || fresh.phase !== ran.phase) {
      throw new JobReleasedError(`job ${ran.id} is no longer ${ran.phase ?? 'RUNNING'} under this claim`);
    }
    const gateway = await this.clusters.gatewayFor(fresh.clusterUuid);
    const context: PhaseContext = { job: fresh, definition, gateway, leaseToken, signal, fence, logger: this.logger };
    if (fresh.kind === 'PARTIAL') return this.partialWriter.run(context);
    if (fresh.kind === 'VERIFY' || fresh.kind === 'SYNC') return this.checkStep.run(context);
    if (PHASES_ON_TARGET.includes(fresh.phase!)) await this.lifecycle.requireIntactTarget(fresh);
    return this.phases[fresh.phase!].run(context);
  }

  /** The code's definition the job was created for; this replica was only given jobs whose hash it has. */
  private definitionOf(job: Job): IndexDefinition {
    const definition = this.registry.byAlias(job.alias);
    if (this.registry.definitionHash(definition) !== job.definitionHash) {
      throw new JobReleasedError(`job ${job.id} builds definition ${job.definitionHash.slice(0, 12)}, which this replica's code does not have`, true);
    }
    return definition;
  }

  private async faultDelay(signal: AbortSignal): Promise<void> {
    if (this.config.reindex.faultPhaseDelayMs > 0) await delay(this.config.reindex.faultPhaseDelayMs, undefined, { signal });
  }

  private async withRetries(job: Job, leaseToken: string, abort: AbortController, attempt: () => Promise<string>): Promise<string> {
    const { maxRetries, retryBaseDelayMs } = this.config.reindex;
    return pRetry(attempt, {
      retries: maxRetries,
      minTimeout: retryBaseDelayMs,
      factor: 2,
      signal: abort.signal,
      shouldRetry: ({ error }) => !abort.signal.aborted && !isDecision(error) && !(error instanceof ReindexException && error.permanent),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (isDecision(error) || abort.signal.aborted) return;
        this.logger.warn(`${stepOf(job)} attempt ${attemptNumber} failed (${retriesLeft} retries left): ${error.message}`);
        try {
          await this.store.recordFailedAttempt(job.id, leaseToken, error.message);
        } catch (recordError) {
          // A cancelled or paused job stops retrying at once; MySQL being down is just another failure.
          if (recordError instanceof ConcurrentTransitionError) abort.abort(new JobReleasedError(recordError.message));
        }
      },
    });
  }

  /** After the attempts: hand back, pause or fail, as the failure policy says, if the job is still this claim's. */
  private async onFailure(job: Job, leaseToken: string, error: unknown): Promise<Job | null> {
    const message = error instanceof Error ? error.message : String(error);
    try {
      const current = await this.store.findJob(job.id);
      if (!current || current.status !== 'RUNNING' || current.leaseToken !== leaseToken) {
        this.logger.log(`stopped: ${message}`);
        return current;
      }
      if (error instanceof JobReleasedError || error instanceof ConcurrentTransitionError) {
        if (error instanceof JobReleasedError && !error.handBack) return current;
        this.logger.log(`handing the job back: ${message}`);
        return await this.store.transition(current.id, transitionFor(current, { type: 'LEASE_EXPIRED' }, `handed back: ${message}`), this.config.instanceId, leaseToken);
      }
      if (error instanceof AwaitingApprovalError) {
        this.logger.warn(`waiting for an operator: ${message}`);
        return await this.store.transition(
          current.id,
          transitionFor(current, { type: 'PAUSE', by: 'relevance-gate', reason: message }, message, { pausedBy: 'relevance-gate', lastError: message }),
          this.config.instanceId,
          leaseToken,
        );
      }
      const permanent = error instanceof ReindexException && error.permanent;
      const decision = afterFailedStep(current, { message, permanent }, new Date(), this.config.reindex);
      if (decision.action === 'end-without-cleanup' || (decision.action === 'fail' && canTransition(current, { type: 'FAIL', reason: decision.reason }))) {
        return await this.endings.giveUp(current, decision, leaseToken);
      }
      const failingSince = decision.action === 'pause' ? decision.failingSince : (current.failingSince ?? new Date());
      const reason = decision.action === 'pause' ? decision.reason : `paused after ${this.config.reindex.maxRetries} retries: ${message}`;
      const paused = await this.store.transition(
        current.id,
        transitionFor(current, { type: 'PAUSE', by: 'retries-exhausted', reason: message }, reason, { lastError: message, pausedBy: 'retries-exhausted', failingSince }),
        this.config.instanceId,
        leaseToken,
      );
      this.logger.warn(`paused: ${message}`);
      return paused;
    } catch (transitionError) {
      if (!(transitionError instanceof ConcurrentTransitionError)) {
        // MySQL itself is down: the lease runs out and another attempt takes the job over.
        this.logger.warn(`could not record the outcome (${message}): ${(transitionError as Error).message}`);
        return null;
      }
      this.logger.log(`another actor changed the job first: ${transitionError.message}`);
      return null;
    }
  }
}

/** Not a failure to retry: the job was taken from this attempt, or the gate decided it waits. */
function isDecision(error: unknown): boolean {
  return error instanceof JobReleasedError || error instanceof ConcurrentTransitionError || error instanceof AwaitingApprovalError;
}
