import { Test } from '@nestjs/testing';
import { AppModule } from './app.module.js';
import { loadConfig } from './config/index.js';
import { AliasRouting, MigrationMirror } from './indexing/index.js';
import { DEMO_DEFINITIONS_DIR, loadDefinitions } from './indices/index.js';
import { LiveUpdatesHealth } from './live-updates/index.js';
import { JobRunner, ReindexService } from './reindex/index.js';

// Nothing is connected: compiling only builds the providers (connections open in the lifecycle hooks).
const UNREACHABLE = {
  DATABASE_URL: 'mysql://root@127.0.0.1:1/none',
  OPENSEARCH_NODE: 'http://127.0.0.1:1',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1',
  ADMIN_API_TOKEN: 'a-token-of-sixteen-or-more',
};

describe('AppModule', () => {
  it('builds every provider: an import cycle through the folders index.ts would leave one undefined', async () => {
    const definitions = (await loadDefinitions(DEMO_DEFINITIONS_DIR)).map(({ definition }) => definition);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(loadConfig(UNREACHABLE), definitions)] }).compile();
    try {
      for (const provider of [ReindexService, JobRunner, LiveUpdatesHealth, AliasRouting, MigrationMirror]) expect(moduleRef.get(provider)).toBeInstanceOf(provider);
    } finally {
      await moduleRef.close();
    }
  });
});
