import { Module } from '@nestjs/common';
import { IndexingModule } from '../indexing/index.js';
import { OpenSearchModule } from '../opensearch/index.js';
import { ReindexModule } from '../reindex/index.js';
import { DriftDetector } from './drift-detector.service.js';

@Module({
  imports: [OpenSearchModule, IndexingModule, ReindexModule],
  providers: [DriftDetector],
  exports: [DriftDetector],
})
export class DriftModule {}
