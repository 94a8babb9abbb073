import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import pRetry from 'p-retry';
import { AppConfig } from '../config/app-config.js';
import { IndexRegistry } from '../indices/index-registry.js';
import { DatabaseService } from '../job-store/database.service.js';
import type { Job, JobPhase } from '../job-store/job.js';
import { ConcurrentTransitionError, JobStore } from '../job-store/job-store.js';
import { SearchGateway } from '../opensearch/search-gateway.js';
import { transitionFor } from './job-transitions.js';
import { PartialWriter } from './partial-writer.service.js';
import { AliasSwapPhase } from './phases/alias-swap.phase.js';
import { BackfillPhase } from './phases/backfill.phase.js';
import { CatchUpPhase } from './phases/catch-up.phase.js';
import { CleanupPhase } from './phases/cleanup.phase.js';
import type { Phase } from './phases/phase.js';
import { PreparePhase } from './phases/prepare.phase.js';
import { VerifyPhase } from './phases/verify.phase.js';
import { ReindexException } from './reindex.exception.js';
import { canTransition, hasSwapped } from './state-machine/job-state-machine.js';

/** Safety net behind the event-driven wake-ups. */
const CLAIM_POLL_MS = 2000;

class JobReleasedError extends Error {}

/**
 * Runs jobs on this replica: claims free global slots in MySQL, runs each claimed
 * job's phases with retries, renews its lease, and on a recovery tick resumes
 * paused jobs once MySQL and OpenSearch answer or fails those paused too long.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly running = new Map<number, { abort: AbortController; done: Promise<void> }>();
  private readonly phases: Record<JobPhase, Phase>;
  private timers: NodeJS.Timeout[] = [];
  private claiming: Promise<void> | null = null;
  private wakeAgain = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly registry: IndexRegistry,
    private readonly gateway: SearchGateway,
    private readonly database: DatabaseService,
    private readonly partialWriter: PartialWriter,
    prepare: PreparePhase,
    backfill: BackfillPhase,
    catchUp: CatchUpPhase,
    verify: VerifyPhase,
    aliasSwap: AliasSwapPhase,
    cleanup: CleanupPhase,
  ) {
    this.phases = { PREPARE: prepare, BACKFILL: backfill, CATCH_UP: catchUp, VERIFY: verify, ALIAS_SWAP: aliasSwap, CLEANUP: cleanup };
  }

  onApplicationBootstrap(): void {
    this.timers = [
      setInterval(() => this.wake(), CLAIM_POLL_MS),
      setInterval(() => void this.recover().catch((error: Error) => this.logger.warn(`recovery check failed: ${error.message}`)), this.config.reindex.recoveryIntervalMs),
    ];
    this.wake();
  }

  /** Hands running jobs back on shutdown so another replica resumes them without waiting for the lease. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    for (const { abort } of this.running.values()) abort.abort(new JobReleasedError('instance shutting down'));
    await Promise.allSettled([...this.running.values()].map(({ done }) => done));
    await this.claiming;
  }

  /** Looks for work now: called when a job is created, resumed or frees its slot. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.wakeAgain = true;
      return;
    }
    this.claiming = this.claimAll()
      .catch((error: Error) => this.logger.warn(`claiming jobs failed: ${error.message}`))
      .finally(() => {
        this.claiming = null;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  private async claimAll(): Promise<void> {
    const { maxConcurrentJobs, leaseMs } = this.config.reindex;
    while (!this.stopped) {
      const job = await this.store.claimNextJob(this.config.instanceId, maxConcurrentJobs, leaseMs, {
        leaseExpired: (expired) => transitionFor(expired, { type: 'LEASE_EXPIRED' }, `lease of ${expired.leaseOwner ?? 'unknown'} expired`),
        started: (pending) => transitionFor(pending, { type: 'START' }, pending.phase ? `resumed in ${pending.phase} by ${this.config.instanceId}` : `started by ${this.config.instanceId}`),
      });
      if (!job) return;
      this.start(job);
    }
  }

  private start(job: Job): void {
    const abort = new AbortController();
    const done = this.execute(job, abort).finally(() => {
      this.running.delete(job.id);
      this.wake();
    });
    this.running.set(job.id, { abort, done });
  }

  private async execute(claimed: Job, abort: AbortController): Promise<void> {
    const logger = new Logger(`${JobRunner.name} job ${claimed.id} ${claimed.alias}`);
    const signal = abort.signal;
    const heartbeat = setInterval(() => {
      this.store
        .renewLease(claimed.id, this.config.instanceId, this.config.reindex.leaseMs)
        .then((kept) => {
          if (!kept) abort.abort(new JobReleasedError('the job is no longer this replica’s (paused, cancelled or taken over)'));
        })
        .catch((error: Error) => logger.warn(`lease renewal failed: ${error.message}`));
    }, Math.max(500, Math.floor(this.config.reindex.leaseMs / 3)));
    let job = claimed;
    try {
      const definition = this.registry.byAlias(job.alias);
      while (job.status === 'RUNNING') {
        const phase = job.kind === 'PARTIAL' ? null : this.phases[job.phase!];
        await this.faultDelay(signal);
        const reason = await this.withRetries(job, logger, signal, async () => {
          const fresh = (await this.store.findJob(job.id))!;
          const context = { job: fresh, definition, owner: this.config.instanceId, signal, logger };
          return phase ? phase.run(context) : this.partialWriter.run(context);
        });
        await this.faultDelay(signal);
        job = (await this.store.findJob(job.id))!;
        const finished = job.phase ?? job.kind;
        job = await this.store.transition(job.id, transitionFor(job, { type: 'PHASE_COMPLETED' }, reason), this.config.instanceId, this.config.instanceId);
        logger.log(`${finished} done (${reason}); ${job.status === 'COMPLETED' ? 'job completed' : `next ${job.phase}`}`);
      }
    } catch (error) {
      await this.onFailure(job.id, error, signal, logger);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async faultDelay(signal: AbortSignal): Promise<void> {
    if (this.config.reindex.faultPhaseDelayMs > 0) await delay(this.config.reindex.faultPhaseDelayMs, undefined, { signal });
  }

  private async withRetries(job: Job, logger: Logger, signal: AbortSignal, attempt: () => Promise<string>): Promise<string> {
    const { maxRetries, retryBaseDelayMs } = this.config.reindex;
    return pRetry(attempt, {
      retries: maxRetries,
      minTimeout: retryBaseDelayMs,
      factor: 2,
      signal,
      shouldRetry: ({ error }) => !(error instanceof ReindexException && error.permanent) && !signal.aborted,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        logger.warn(`${job.phase ?? job.kind} attempt ${attemptNumber} failed (${retriesLeft} retries left): ${error.message}`);
        await this.store.recordFailedAttempt(job.id, this.config.instanceId, error.message).catch(() => undefined);
      },
    });
  }

  private async onFailure(jobId: number, error: unknown, signal: AbortSignal, logger: Logger): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const job = await this.store.findJob(jobId).catch(() => null);
    if (!job || job.status !== 'RUNNING' || job.leaseOwner !== this.config.instanceId) {
      logger.log(`stopped: ${message}`);
      return;
    }
    try {
      if (signal.aborted && signal.reason instanceof JobReleasedError) {
        await this.store.transition(job.id, transitionFor(job, { type: 'LEASE_EXPIRED' }, `handed back: ${signal.reason.message}`), this.config.instanceId, this.config.instanceId);
        return;
      }
      if (error instanceof ReindexException && error.permanent && canTransition(job, { type: 'FAIL', reason: message })) {
        await this.fail(job, message);
        return;
      }
      await this.store.transition(
        job.id,
        transitionFor(job, { type: 'PAUSE', by: 'retries-exhausted', reason: message }, `paused after ${this.config.reindex.maxRetries} retries: ${message}`, { lastError: message, pausedBy: 'retries-exhausted' }),
        this.config.instanceId,
        this.config.instanceId,
      );
      logger.warn(`paused: ${message}`);
    } catch (transitionError) {
      if (!(transitionError instanceof ConcurrentTransitionError)) throw transitionError;
      logger.log(`another actor changed the job first: ${transitionError.message}`);
    }
  }

  /** Fails the job and removes its partial target; the live alias is never touched. */
  async fail(job: Job, reason: string): Promise<void> {
    await this.store.transition(job.id, transitionFor(job, { type: 'FAIL', reason }, reason, { lastError: reason }), this.config.instanceId);
    new Logger(`${JobRunner.name} job ${job.id} ${job.alias}`).error(`failed: ${reason}`);
    await this.removeTargetUnlessLive(job);
  }

  async removeTargetUnlessLive(job: Job): Promise<void> {
    if (!job.targetIndex || hasSwapped(job.phase)) return;
    const live = await this.gateway.getAliasTargets(job.alias);
    if (!live.includes(job.targetIndex)) await this.gateway.deleteIndex(job.targetIndex);
  }

  /**
   * Paused too long → FAILED; otherwise resume retry-paused jobs once MySQL and
   * OpenSearch answer. Also removes targets that ended jobs left behind (a bulk
   * in flight when a job was cancelled can re-create its index).
   */
  async recover(): Promise<void> {
    const now = Date.now();
    const paused = await this.store.listJobsByStatus('PAUSED');
    const healthy = paused.length > 0 && (await this.database.isHealthy()) && (await this.gateway.isHealthy());
    for (const job of paused) {
      if (job.pausedBy !== 'retries-exhausted') continue;
      try {
        const pausedFor = now - (job.pausedAt?.getTime() ?? now);
        if (pausedFor > this.config.reindex.pauseTimeoutMs && canTransition(job, { type: 'FAIL', reason: '' })) {
          await this.fail(job, `paused for ${Math.round(pausedFor / 1000)} s, longer than REINDEX_PAUSE_TIMEOUT_MS; last error: ${job.lastError ?? 'none'}`);
        } else if (healthy) {
          await this.store.transition(job.id, transitionFor(job, { type: 'RESUME' }, 'MySQL and OpenSearch answer again'), this.config.instanceId);
          this.wake();
        }
      } catch (error) {
        if (!(error instanceof ConcurrentTransitionError)) throw error;
      }
    }
    for (const ended of await this.store.listEndedWithTarget(new Date(now - 24 * 3600_000))) {
      if (ended.targetIndex && (await this.gateway.indexExists(ended.targetIndex))) await this.removeTargetUnlessLive(ended);
    }
  }

  isRunningHere(jobId: number): boolean {
    return this.running.has(jobId);
  }
}
