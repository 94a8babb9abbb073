import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AdminModule } from './admin/admin.module.js';
import { ApiModule } from './api/api.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DriftModule } from './drift/drift.module.js';
import type { IndexDefinition } from './indices/index-definition.js';
import { IndicesModule } from './indices/indices.module.js';
import { JobStoreModule } from './job-store/job-store.module.js';
import { LiveUpdatesModule } from './live-updates/live-updates.module.js';
import { OpenSearchModule } from './opensearch/opensearch.module.js';
import { ReindexModule } from './reindex/reindex.module.js';
import { TriggersModule } from './triggers/triggers.module.js';

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
