import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LiveUpdatesModule } from '../../live-updates/index.js';
import { OpenSearchModule } from '../../opensearch/index.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' }), OpenSearchModule, LiveUpdatesModule],
  controllers: [HealthController],
})
export class HealthModule {}
