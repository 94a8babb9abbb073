import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SingleFlight } from '../../common/index.js';
import { AppConfig } from '../../config/index.js';
import { DefinitionDeployments } from '../../indexing/index.js';
import { ConcurrentTransitionError, DatabaseService, JobStore, SourceDatabase, type Job } from '../../job-store/index.js';
import { SearchClusters } from '../../opensearch/index.js';
import { IndexLifecycle } from '../lifecycle/index-lifecycle.service.js';
import { onRecoveryCheck } from './failure-policy.js';
import { JobEndings } from './job-endings.service.js';
import { JobRunner } from './job-runner.service.js';
import { transitionFor } from './job-transitions.js';

/**
 * Every REINDEX_RECOVERY_INTERVAL_MS: announces this replica's definitions, resumes
 * retry-paused jobs once MySQL (state and source) and OpenSearch answer, fails those whose run of failures
 * outlasted REINDEX_PAUSE_TIMEOUT_MS, and removes targets that ended jobs left behind.
 */
@Injectable()
export class RecoverySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RecoverySweeper.name);
  private readonly sweeps = new SingleFlight(() => this.recover(), { onError: (error) => this.logger.warn(`recovery check failed: ${error.message}`) });

  constructor(
    private readonly config: AppConfig,
    private readonly store: JobStore,
    private readonly database: DatabaseService,
    private readonly source: SourceDatabase,
    private readonly clusters: SearchClusters,
    private readonly lifecycle: IndexLifecycle,
    private readonly endings: JobEndings,
    private readonly deployments: DefinitionDeployments,
    private readonly runner: JobRunner,
  ) {}

  onApplicationBootstrap(): void {
    // REINDEX_MODE=observe: no resume, no fail, no sweep (each may write to a cluster).
    if (this.config.reindex.mode === 'observe') return;
    this.sweeps.every(this.config.reindex.recoveryIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }

  async recover(now = new Date()): Promise<void> {
    await this.deployments.announce();
    const paused = await this.store.listJobsByStatus('PAUSED');
    // Both databases: a job paused because the source (a replica) was down must not resume into it.
    const databaseAnswers = paused.length > 0 && (await this.database.isHealthy()) && (await this.source.isHealthy());
    // Per cluster: a migration's build waits for the next cluster, a rebuild for the current one.
    const clusterAnswers = new Map<string | null, Promise<boolean>>();
    const answers = (clusterUuid: string | null) => {
      if (!clusterAnswers.has(clusterUuid)) {
        clusterAnswers.set(clusterUuid, this.clusters.gatewayFor(clusterUuid).then((gateway) => gateway.isHealthy(), () => false));
      }
      return clusterAnswers.get(clusterUuid)!;
    };
    for (const job of paused) {
      try {
        await this.recoverOne(job, now, databaseAnswers && (await answers(job.clusterUuid)));
      } catch (error) {
        // One job's trouble never stops the check of the others.
        if (!(error instanceof ConcurrentTransitionError)) this.logger.warn(`recovery of job ${job.id} (${job.alias}) failed, trying again next check: ${(error as Error).message}`);
      }
    }
    await this.lifecycle.sweep(now.getTime());
  }

  private async recoverOne(job: Job, now: Date, servicesAnswer: boolean): Promise<void> {
    const decision = onRecoveryCheck(job, now, servicesAnswer, this.config.reindex);
    switch (decision.action) {
      case 'fail':
      case 'end-without-cleanup':
        await this.endings.giveUp(job, decision);
        return;
      case 'resume':
        await this.store.transition(job.id, transitionFor(job, { type: 'RESUME' }, 'MySQL and OpenSearch answer again'), this.config.instanceId);
        this.runner.wake();
        return;
      case 'wait':
        return;
    }
  }
}
