import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClusterMigrationModule } from '../cluster-migration/index.js';
import { DriftModule } from '../drift/index.js';
import { IndexingModule } from '../indexing/index.js';
import { LiveUpdatesModule } from '../live-updates/index.js';
import { MetricsModule } from '../metrics/index.js';
import { OpenSearchModule } from '../opensearch/index.js';
import { ReindexModule } from '../reindex/index.js';
import { RelevanceModule } from '../relevance/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AuditController } from './audit.controller.js';
import { ClusterMigrationController } from './cluster-migration.controller.js';
import { ClustersController } from './clusters.controller.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { HealthModule } from './health/health.module.js';
import { IndicesController } from './indices.controller.js';
import { JobsController } from './jobs.controller.js';
import { PhysicalIndicesController } from './physical-indices.controller.js';
import { LiveUpdatesStatusController } from './metrics/live-updates-status.controller.js';
import { LiveUpdatesStatus } from './metrics/live-updates-status.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { RelevanceController } from './relevance.controller.js';
import { SessionController } from './session.controller.js';
import { ObserveModeInterceptor } from './observe-mode.interceptor.js';
import { OperationsAccessGuard } from './operations-access.guard.js';
import { RequestActorInterceptor } from './request-actor.interceptor.js';

@Module({
  imports: [HealthModule, ClusterMigrationModule, IndexingModule, ReindexModule, DriftModule, OpenSearchModule, LiveUpdatesModule, MetricsModule, RelevanceModule],
  controllers: [AuditController, ClusterMigrationController, ClustersController, DeadLettersController, IndicesController, JobsController, MetricsController, LiveUpdatesStatusController, PhysicalIndicesController, RelevanceController, SessionController],
  providers: [AdminTokenGuard, OperationsAccessGuard, MetricsService, LiveUpdatesStatus, { provide: APP_INTERCEPTOR, useClass: ObserveModeInterceptor }, { provide: APP_INTERCEPTOR, useClass: RequestActorInterceptor }],
})
export class ApiModule {}
