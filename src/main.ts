import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from './config/index.js';
import { startApp } from './create-app.js';

try {
  const config = loadConfig(process.env);
  const app = await startApp(config);
  new Logger('Bootstrap').log(`reindexer ${config.instanceId} listening on ${await app.getUrl()}`);
} catch (error) {
  console.error(`reindexer could not start: ${(error as Error).message}`);
  process.exit(1);
}
