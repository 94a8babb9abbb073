import { Module } from '@nestjs/common';
import { IndexingModule } from '../indexing/index.js';
import { OpenSearchModule } from '../opensearch/index.js';
import { ReindexModule } from '../reindex/index.js';
import { RelevanceModule } from '../relevance/index.js';
import { ClusterComparison } from './cluster-comparison.service.js';
import { ClusterMigrations } from './cluster-migration.service.js';
import { MigrationSteps } from './migration-steps.service.js';

/** Moving search to another cluster: the build there, mirroring, and comparing the two on real queries. */
@Module({
  imports: [OpenSearchModule, IndexingModule, ReindexModule, RelevanceModule],
  providers: [ClusterComparison, ClusterMigrations, MigrationSteps],
  exports: [ClusterComparison, ClusterMigrations],
})
export class ClusterMigrationModule {}
