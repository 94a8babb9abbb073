import { Module } from '@nestjs/common';
import { OpenSearchModule } from '../opensearch/opensearch.module.js';
import { ReindexModule } from '../reindex/reindex.module.js';
import { ClusterComparison } from './cluster-comparison.service.js';
import { ClusterMigrations } from './cluster-migration.service.js';

/** Moving search to another cluster: the build there, mirroring, and comparing the two on real queries. */
@Module({
  imports: [OpenSearchModule, ReindexModule],
  providers: [ClusterComparison, ClusterMigrations],
  exports: [ClusterComparison, ClusterMigrations],
})
export class ClusterMigrationModule {}
