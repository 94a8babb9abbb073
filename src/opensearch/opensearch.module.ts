import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@opensearch-project/opensearch';
import { AppConfig } from '../config/index.js';
import { Metrics, MetricsModule } from '../metrics/index.js';
import { createOpenSearchClient } from './opensearch-client.factory.js';
import { OpenSearchGateway } from './opensearch.gateway.js';
import { NEXT_CLUSTER_GATEWAY, SearchClusters } from './search-clusters.js';
import { SearchGateway } from './search-gateway.js';

const NEXT_CLUSTER_CLIENT = Symbol('NEXT_CLUSTER_CLIENT');

@Module({
  imports: [MetricsModule],
  providers: [
    { provide: Client, useFactory: (config: AppConfig) => createOpenSearchClient(config.opensearch), inject: [AppConfig] },
    {
      provide: SearchGateway,
      useFactory: (client: Client, metrics: Metrics, config: AppConfig) => new OpenSearchGateway(client, metrics, 'current', config.opensearch),
      inject: [Client, Metrics, AppConfig],
    },
    {
      provide: NEXT_CLUSTER_CLIENT,
      useFactory: (config: AppConfig) => (config.opensearchNext ? createOpenSearchClient(config.opensearchNext) : null),
      inject: [AppConfig],
    },
    {
      provide: NEXT_CLUSTER_GATEWAY,
      useFactory: (client: Client | null, metrics: Metrics, config: AppConfig) => (client && config.opensearchNext ? new OpenSearchGateway(client, metrics, 'next', config.opensearchNext) : null),
      inject: [NEXT_CLUSTER_CLIENT, Metrics, AppConfig],
    },
    SearchClusters,
  ],
  exports: [SearchGateway, SearchClusters],
})
export class OpenSearchModule implements OnApplicationShutdown {
  constructor(
    private readonly client: Client,
    @Inject(NEXT_CLUSTER_CLIENT) private readonly nextClient: Client | null,
  ) {}

  /** Last, like the database: jobs and checks stopping in the earlier hooks may still call OpenSearch. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client.close(), this.nextClient?.close()]);
  }
}
