import { Module } from '@nestjs/common';
import { ReindexModule } from '../reindex/reindex.module.js';
import { DriftDetector } from './drift-detector.service.js';

@Module({
  imports: [ReindexModule],
  providers: [DriftDetector],
  exports: [DriftDetector],
})
export class DriftModule {}
