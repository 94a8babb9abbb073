import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SingleFlight } from '../../common/index.js';
import { AppConfig } from '../../config/index.js';
import { DefinitionDeployments } from '../../indexing/index.js';
import { JobStore, type Job } from '../../job-store/index.js';
import { SearchClusters } from '../../opensearch/index.js';
import { isTerminal } from '../state-machine/job-state-machine.js';
import { JobExecutor } from './job-executor.service.js';
import { JobReleasedError } from './job-released.error.js';
import { transitionFor } from './job-transitions.js';

/** Safety net behind the event-driven wake-ups. */
const CLAIM_POLL_MS = 2000;

type JobEndedListener = (job: Job) => void;

/**
 * The claimer: takes free global run slots in MySQL for jobs whose definition this
 * replica's code has, runs each claimed job through the executor, and wakes when a job
 * is created, resumed or frees its slot. One attempt per job on this replica: a newer
 * claim of the same job (paused and resumed at once) waits for the older attempt to stop.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly running = new Map<number, { abort: AbortController; done: Promise<void> }>();
  private readonly endedListeners: JobEndedListener[] = [];
  /** A wake-up during a claim pass is never lost: one more pass follows it. */
  private readonly claims = new SingleFlight(() => this.claimAll(), { onError: (error) => this.logger.warn(`claiming jobs failed: ${error.message}`), rerun: true });

  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly executor: JobExecutor,
    private readonly deployments: DefinitionDeployments,
    private readonly clusters: SearchClusters,
  ) {}

  onApplicationBootstrap(): void {
    // REINDEX_MODE=observe: no job is run, so nothing is written to a cluster.
    if (this.config.reindex.mode === 'observe') {
      void this.claims.stop();
      return;
    }
    this.claims.every(CLAIM_POLL_MS);
    this.wake();
  }

  /**
   * Stops claiming, then stops every attempt and waits for each (handing its job back so
   * another replica resumes it at once), including one a claim in flight just started:
   * nothing of a job touches MySQL once this returns and the pool closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.claims.stop();
    while (this.running.size > 0) {
      for (const { abort } of this.running.values()) abort.abort(new JobReleasedError('instance shutting down', true));
      await Promise.allSettled([...this.running.values()].map(({ done }) => done));
    }
  }

  /** Looks for work now: called when a job is created, resumed or frees its slot. */
  wake(): void {
    void this.claims.run();
  }

  /** Stops this replica's attempt of the job at once (cancelled or paused by an operator). */
  stopLocal(jobId: number, reason: string): void {
    this.running.get(jobId)?.abort.abort(new JobReleasedError(reason));
  }

  /** Called with every job that ends on this replica. */
  onJobEnded(listener: JobEndedListener): void {
    this.endedListeners.push(listener);
  }

  private async claimAll(): Promise<void> {
    const { maxConcurrentJobs, leaseMs } = this.config.reindex;
    const instanceId = this.config.instanceId;
    while (!this.claims.stopped) {
      const job = await this.store.claimNextJob(
        { instanceId, slots: maxConcurrentJobs, leaseMs, definitionHashes: this.deployments.ownHashes(), clusterUuids: this.clusters.knownUuids() },
        {
          leaseExpired: (expired) => transitionFor(expired, { type: 'LEASE_EXPIRED' }, `lease of ${expired.leaseOwner ?? 'unknown'} expired`),
          started: (pending) => transitionFor(pending, { type: 'START' }, pending.phase ? `resumed in ${pending.phase} by ${instanceId}` : `started by ${instanceId}`),
        },
      );
      if (!job) return;
      this.start(job);
    }
  }

  private start(job: Job): void {
    const abort = new AbortController();
    // Claimed while shutting down: the attempt hands the job straight back.
    if (this.claims.stopped) abort.abort(new JobReleasedError('instance shutting down', true));
    const previous = this.running.get(job.id);
    previous?.abort.abort(new JobReleasedError('a newer claim of the job took over'));
    const done = (previous?.done ?? Promise.resolve())
      .then(() => this.executor.execute(job, abort))
      .then((outcome) => {
        if (outcome && isTerminal(outcome.status)) for (const listener of this.endedListeners) listener(outcome);
      })
      .catch((error: Error) => this.logger.error(`job ${job.id}: ${error.message}`))
      .finally(() => {
        if (this.running.get(job.id)?.done === done) this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { abort, done });
  }
}
