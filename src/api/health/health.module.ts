import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LiveUpdatesModule } from '../../live-updates/live-updates.module.js';
import { OpenSearchModule } from '../../opensearch/opensearch.module.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' }), OpenSearchModule, LiveUpdatesModule],
  controllers: [HealthController],
})
export class HealthModule {}
