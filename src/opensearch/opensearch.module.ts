import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@opensearch-project/opensearch';
import { AppConfig } from '../config/app-config.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { createOpenSearchClient } from './opensearch-client.factory.js';
import { OpenSearchGateway } from './opensearch.gateway.js';
import { SearchGateway } from './search-gateway.js';

@Module({
  imports: [MetricsModule],
  providers: [
    { provide: Client, useFactory: (config: AppConfig) => createOpenSearchClient(config.opensearch), inject: [AppConfig] },
    { provide: SearchGateway, useClass: OpenSearchGateway },
  ],
  exports: [SearchGateway],
})
export class OpenSearchModule implements OnApplicationShutdown {
  constructor(private readonly client: Client) {}

  /** Last, like the database: jobs and checks stopping in the earlier hooks may still call OpenSearch. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
