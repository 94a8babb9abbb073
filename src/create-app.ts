import { Logger, type DynamicModule, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { configureHttpSurface } from './api/http-surface.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import type { IndexDefinition } from './indices/index-definition.js';
import { applyMigrations } from './job-store/migrator.js';
import { connectLiveUpdatesConsumer } from './live-updates/live-updates.microservice.js';
import { createAppLogger } from './logging/app-logger.js';
import { PinoNestLogger } from './logging/pino-nest-logger.js';
import { secretsOf } from './logging/secret-scrubber.js';

export interface StartAppOptions {
  /**
   * Builds the application from the root module; NestFactory.create by default. Tests pass
   * one that compiles a testing module with overridden providers (e.g. a fault-injecting
   * wrapper around the real gateway), so the rest of the start-up stays the same.
   */
  readonly create?: (root: DynamicModule, options: NestApplicationOptions) => Promise<INestApplication>;
  /** Where log lines go; stdout by default. Tests read them from a stream. */
  readonly logDestination?: DestinationStream;
}

/**
 * Migrates, builds, connects the RabbitMQ consumer and listens on config.port
 * (0 = any free port). Shared by main and the tests so both run the same service.
 */
export async function startApp(config: AppConfig, definitions?: readonly IndexDefinition[], options: StartAppOptions = {}): Promise<INestApplication> {
  const logger = createAppLogger({ ...config.log, instanceId: config.instanceId, secrets: secretsOf(config) }, options.logDestination);
  const nestLogger = new PinoNestLogger(logger);
  // Before anything logs, so even the migrations' line has the chosen format.
  Logger.overrideLogger(nestLogger);
  const report = await applyMigrations(config.database.url);
  if (report.applied.length > 0) new Logger('Migrations').log(`applied ${report.applied.join(', ')}`);
  const create = options.create ?? ((root, appOptions) => NestFactory.create(root, appOptions));
  const app = await create(AppModule.forRoot(config, definitions), { logger: nestLogger });
  app.enableShutdownHooks();
  configureHttpSurface(app, logger);
  connectLiveUpdatesConsumer(app, config);
  // Module hooks first, so nothing the handler uses is half-initialised when messages arrive.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.port);
  return app;
}
