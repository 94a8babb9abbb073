import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/index.js';
import { OpenSearchModule } from '../opensearch/index.js';
import { QuerySets } from './query-sets.service.js';
import { RelevanceComparison } from './relevance-comparison.service.js';

/** Query sets per alias and the one comparison of two indices on them. */
@Module({
  imports: [OpenSearchModule, MetricsModule],
  providers: [QuerySets, RelevanceComparison],
  exports: [QuerySets, RelevanceComparison],
})
export class RelevanceModule {}
