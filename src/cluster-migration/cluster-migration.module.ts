import { Module } from '@nestjs/common';
import { OpenSearchModule } from '../opensearch/opensearch.module.js';
import { ClusterComparison } from './cluster-comparison.service.js';

/** Moving search to another cluster: for now, comparing the two clusters on real queries. */
@Module({
  imports: [OpenSearchModule],
  providers: [ClusterComparison],
  exports: [ClusterComparison],
})
export class ClusterMigrationModule {}
