import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { loadConfig } from '../src/config/app-config.js';
import { startApp } from '../src/create-app.js';

// The service exactly as main.ts starts it, run by the benchmarks as a child process
// (`node dist/bench/bench-service.js`, IPC channel open). It stops cleanly on a "stop"
// message, so `--cpu-prof` can write its profile, and exits when the benchmark that
// started it goes away, so a crashed benchmark leaves no service running.
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
  app = await startApp(config);
  new Logger('Bootstrap').log(`reindexer ${config.instanceId} listening on ${await app.getUrl()}`);
} catch (error) {
  console.error(`reindexer could not start: ${(error as Error).message}`);
  process.exit(1);
}
