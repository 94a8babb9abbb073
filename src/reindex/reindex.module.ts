import { Module } from '@nestjs/common';
import { IndexingModule } from '../indexing/index.js';
import { MetricsModule } from '../metrics/index.js';
import { OpenSearchModule } from '../opensearch/index.js';
import { RelevanceModule } from '../relevance/index.js';
import { AliasLookups } from './alias-lookups.service.js';
import { HistoryPruner } from './engine/history-pruner.service.js';
import { JobEndings } from './engine/job-endings.service.js';
import { JobExecutor } from './engine/job-executor.service.js';
import { JobRunner } from './engine/job-runner.service.js';
import { RecoverySweeper } from './engine/recovery-sweeper.service.js';
import { IndexSync } from './index-sync.service.js';
import { CheckJobStep } from './phases/check-job.step.js';
import { JobCommands } from './job-commands.service.js';
import { IndexLifecycle } from './lifecycle/index-lifecycle.service.js';
import { IndexRollback } from './lifecycle/index-rollback.service.js';
import { PhysicalIndices } from './lifecycle/physical-indices.service.js';
import { AliasSwapPhase } from './phases/alias-swap.phase.js';
import { BackfillPhase } from './phases/backfill.phase.js';
import { CatchUpPhase } from './phases/catch-up.phase.js';
import { CleanupPhase } from './phases/cleanup.phase.js';
import { PartialWriter } from './phases/partial-writer.service.js';
import { PreparePhase } from './phases/prepare.phase.js';
import { VerifyPhase } from './phases/verify.phase.js';
import { ReindexService } from './reindex.service.js';
import { CopyComparison } from './verification/copy-comparison.js';
import { IndexVerifier } from './verification/index-verifier.service.js';
import { RelevanceCheck } from './verification/relevance-check.js';

/** The job engine: claims and runs jobs through their phases, owns the physical indices, verifies copies. */
@Module({
  imports: [OpenSearchModule, MetricsModule, IndexingModule, RelevanceModule],
  providers: [
    PreparePhase,
    BackfillPhase,
    CatchUpPhase,
    VerifyPhase,
    CheckJobStep,
    CopyComparison,
    RelevanceCheck,
    AliasSwapPhase,
    CleanupPhase,
    PartialWriter,
    IndexLifecycle,
    IndexRollback,
    PhysicalIndices,
    JobEndings,
    JobExecutor,
    JobRunner,
    RecoverySweeper,
    HistoryPruner,
    IndexVerifier,
    AliasLookups,
    JobCommands,
    IndexSync,
    ReindexService,
  ],
  exports: [ReindexService, JobCommands, IndexSync, AliasLookups, JobRunner, IndexVerifier, IndexLifecycle, RecoverySweeper, IndexRollback, PhysicalIndices],
})
export class ReindexModule {}
