import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AdminModule } from './admin/index.js';
import { ApiModule } from './api/index.js';
import { AppConfig, ConfigModule } from './config/index.js';
import { DriftModule } from './drift/index.js';
import { IndicesModule, type IndexDefinition } from './indices/index.js';
import { JobStoreModule } from './job-store/index.js';
import { LiveUpdatesModule } from './live-updates/index.js';
import { OpenSearchModule } from './opensearch/index.js';
import { ReindexModule } from './reindex/index.js';
import { TriggersModule } from './triggers/index.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, definitions: readonly IndexDefinition[]): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ScheduleModule.forRoot(),
        IndicesModule.forRoot(definitions),
        JobStoreModule,
        OpenSearchModule,
        ReindexModule,
        DriftModule,
        TriggersModule,
        LiveUpdatesModule,
        ApiModule,
        AdminModule,
      ],
    };
  }
}
