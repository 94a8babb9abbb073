import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { OpenSearchModule } from '../opensearch/opensearch.module.js';
import { ChangeJournal } from '../indexing/change-journal.service.js';
import { CopyComparison } from './verification/copy-comparison.js';
import { DefinitionDeployments } from '../indexing/definition-deployments.service.js';
import { DocumentSync } from '../indexing/document-sync.service.js';
import { IndexLifecycle } from './lifecycle/index-lifecycle.service.js';
import { IndexRollback } from './lifecycle/index-rollback.service.js';
import { IndexVerifier } from './verification/index-verifier.service.js';
import { JobExecutor } from './engine/job-executor.service.js';
import { JobRunner } from './engine/job-runner.service.js';
import { AliasRouting } from '../indexing/alias-routing.service.js';
import { MigrationMirror } from '../indexing/migration-mirror.service.js';
import { PartialWriter } from './phases/partial-writer.service.js';
import { AliasSwapPhase } from './phases/alias-swap.phase.js';
import { BackfillPhase } from './phases/backfill.phase.js';
import { CatchUpPhase } from './phases/catch-up.phase.js';
import { CleanupPhase } from './phases/cleanup.phase.js';
import { PreparePhase } from './phases/prepare.phase.js';
import { VerifyPhase } from './phases/verify.phase.js';
import { RecoverySweeper } from './engine/recovery-sweeper.service.js';
import { ReindexService } from './reindex.service.js';

@Module({
  imports: [OpenSearchModule, MetricsModule],
  providers: [
    PreparePhase,
    BackfillPhase,
    CatchUpPhase,
    VerifyPhase,
    CopyComparison,
    AliasSwapPhase,
    CleanupPhase,
    DocumentSync,
    ChangeJournal,
    PartialWriter,
    IndexLifecycle,
    IndexRollback,
    DefinitionDeployments,
    JobExecutor,
    JobRunner,
    RecoverySweeper,
    IndexVerifier,
    MigrationMirror,
    AliasRouting,
    ReindexService,
  ],
  exports: [ReindexService, DocumentSync, ChangeJournal, JobRunner, IndexVerifier, IndexLifecycle, MigrationMirror, AliasRouting, DefinitionDeployments, RecoverySweeper, IndexRollback],
})
export class ReindexModule {}
