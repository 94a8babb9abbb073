import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/index.js';
import { OpenSearchModule } from '../opensearch/index.js';
import { QuerySets } from './query-sets.service.js';
import { RelevanceComparison } from './relevance-comparison.service.js';
import { RelevanceGate } from './relevance-gate.service.js';

/** Query sets per alias, the one comparison of two indices on them, and the gate that judges it. */
@Module({
  imports: [OpenSearchModule, MetricsModule],
  providers: [QuerySets, RelevanceComparison, RelevanceGate],
  exports: [QuerySets, RelevanceComparison, RelevanceGate],
})
export class RelevanceModule {}
