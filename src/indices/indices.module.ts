import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { IndexDefinition } from './index-definition.js';
import { INDEX_DEFINITIONS } from './index-definitions.js';
import { IndexRegistry } from './index-registry.js';

@Global()
@Module({})
export class IndicesModule {
  /** The definitions loaded from INDEX_DEFINITIONS_DIR at start-up; tests pass modified ones to simulate a redeploy. */
  static forRoot(definitions: readonly IndexDefinition[]): DynamicModule {
    return {
      module: IndicesModule,
      providers: [{ provide: INDEX_DEFINITIONS, useValue: definitions }, IndexRegistry],
      exports: [IndexRegistry],
    };
  }
}
