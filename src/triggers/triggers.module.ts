import { Module } from '@nestjs/common';
import { DriftModule } from '../drift/index.js';
import { ReindexModule } from '../reindex/index.js';
import { ScheduleTrigger } from './schedule-trigger.service.js';

/** Deploy (the drift detector), schedule and manual (the API) triggers all end in ReindexService. */
@Module({
  imports: [ReindexModule, DriftModule],
  providers: [ScheduleTrigger],
})
export class TriggersModule {}
