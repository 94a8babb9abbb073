import type { INestApplication } from '@nestjs/common';
import { startApp } from '../../src/create-app.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { SourceFactory } from './factories.js';
import { seedDemoData } from './seed.js';
import { TestContext } from './test-context.js';

/** A test file's own database with seeded rows, and one in-process replica whose first builds of both aliases are done. */
export interface BuiltApp {
  readonly context: TestContext;
  readonly app: INestApplication;
  readonly factory: SourceFactory;
  /** `events` with the test's index prefix. */
  readonly events: string;
  close(): Promise<void>;
}

export async function startBuiltApp(name: string, seed: { events: number; seed: number }, env: Record<string, string> = {}): Promise<BuiltApp> {
  const context = await TestContext.create(name);
  await seedDemoData(context.databaseUrl, seed.events, seed.seed);
  const factory = SourceFactory.connect(context.databaseUrl);
  const app = await startApp(context.config(env));
  const events = `${context.indexPrefix}events`;
  await completedJob(app, events);
  await completedJob(app, `${context.indexPrefix}venues`);
  return {
    context,
    app,
    factory,
    events,
    async close() {
      await app.close();
      await factory.close();
      await context.dispose();
    },
  };
}
