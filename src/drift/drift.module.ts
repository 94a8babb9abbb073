import { Module } from '@nestjs/common';
import { OpenSearchModule } from '../opensearch/opensearch.module.js';
import { ReindexModule } from '../reindex/reindex.module.js';
import { DriftDetector } from './drift-detector.service.js';

@Module({
  imports: [OpenSearchModule, ReindexModule],
  providers: [DriftDetector],
  exports: [DriftDetector],
})
export class DriftModule {}
