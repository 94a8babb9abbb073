import { Module } from '@nestjs/common';
import { DriftModule } from '../drift/drift.module.js';
import { ReindexModule } from '../reindex/reindex.module.js';
import { ScheduleTrigger } from './schedule-trigger.service.js';

/** Deploy (the drift detector), schedule and manual (the API) triggers all end in ReindexService. */
@Module({
  imports: [ReindexModule, DriftModule],
  providers: [ScheduleTrigger],
})
export class TriggersModule {}
