import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { loadConfig } from '../../src/config/app-config.js';
import { startApp } from '../../src/create-app.js';
import type { IndexDefinition } from '../../src/indices/index-definition.js';

/**
 * Runs the service as main.ts starts it, in a child process a benchmark forked (IPC channel
 * open): with INDEX_DEFINITIONS_DIR's definitions, or with `definitions` when given (as
 * test/support/service-main.ts does). It stops cleanly on a "stop" message, so `--cpu-prof` can
 * write its profile, and exits when the benchmark that started it goes away, so a crashed
 * benchmark leaves no service running. ServiceChild waits for the "listening on" line.
 */
export async function runService(definitions?: readonly IndexDefinition[]): Promise<void> {
  let app: INestApplication | undefined;
  const stop = async (code: number) => {
    await app?.close().catch(() => undefined);
    process.exit(code);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop(0);
  });
  process.on('disconnect', () => void stop(1));

  try {
    const config = loadConfig(process.env);
    app = await startApp(config, definitions);
    new Logger('Bootstrap').log(`reindexer ${config.instanceId} listening on ${await app.getUrl()}`);
  } catch (error) {
    console.error(`reindexer could not start: ${(error as Error).message}`);
    process.exit(1);
  }
}
