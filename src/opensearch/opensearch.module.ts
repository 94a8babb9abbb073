import { Module, OnModuleDestroy } from '@nestjs/common';
import { Client } from '@opensearch-project/opensearch';
import { AppConfig } from '../config/app-config.js';
import { createOpenSearchClient } from './opensearch-client.factory.js';
import { OpenSearchGateway } from './opensearch.gateway.js';
import { SearchGateway } from './search-gateway.js';

@Module({
  providers: [
    { provide: Client, useFactory: createOpenSearchClient, inject: [AppConfig] },
    { provide: SearchGateway, useClass: OpenSearchGateway },
  ],
  exports: [SearchGateway],
})
export class OpenSearchModule implements OnModuleDestroy {
  constructor(private readonly client: Client) {}

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
