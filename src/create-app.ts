import { Logger, type DynamicModule, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpSurface } from './api/http-surface.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import type { IndexDefinition } from './indices/index-definition.js';
import { applyMigrations } from './job-store/migrator.js';
import { connectLiveUpdatesConsumer } from './live-updates/live-updates.microservice.js';

export interface StartAppOptions {
  /**
   * Builds the application from the root module; NestFactory.create by default. Tests pass
   * one that compiles a testing module with overridden providers (e.g. a fault-injecting
   * wrapper around the real gateway), so the rest of the start-up stays the same.
   */
  readonly create?: (root: DynamicModule, options: NestApplicationOptions) => Promise<INestApplication>;
}

/**
 * Migrates, builds, connects the RabbitMQ consumer and listens on config.port
 * (0 = any free port). Shared by main and the tests so both run the same service.
 */
export async function startApp(config: AppConfig, definitions?: readonly IndexDefinition[], options: StartAppOptions = {}): Promise<INestApplication> {
  const report = await applyMigrations(config.database.url);
  if (report.applied.length > 0) new Logger('Migrations').log(`applied ${report.applied.join(', ')}`);
  const create = options.create ?? ((root, appOptions) => NestFactory.create(root, appOptions));
  const app = await create(AppModule.forRoot(config, definitions), { logger: logLevelsUpTo(config.logLevel) });
  app.enableShutdownHooks();
  configureHttpSurface(app);
  connectLiveUpdatesConsumer(app, config);
  // Module hooks first, so nothing the handler uses is half-initialised when messages arrive.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.port);
  return app;
}

function logLevelsUpTo(level: AppConfig['logLevel']) {
  const ordered = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return ordered.slice(0, ordered.indexOf(level) + 1);
}
