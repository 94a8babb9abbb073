import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { IndexDefinition } from './index-definition.js';
import { INDEX_DEFINITIONS, indexDefinitions } from './index-definitions.js';
import { IndexRegistry } from './index-registry.js';

@Global()
@Module({})
export class IndicesModule {
  /** The service's own list by default; tests pass modified definitions to simulate a redeploy. */
  static forRoot(definitions: readonly IndexDefinition[] = indexDefinitions): DynamicModule {
    return {
      module: IndicesModule,
      providers: [{ provide: INDEX_DEFINITIONS, useValue: definitions }, IndexRegistry],
      exports: [IndexRegistry],
    };
  }
}
