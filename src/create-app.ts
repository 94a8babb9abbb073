import { Logger, type DynamicModule, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { configureHttpSurface } from './api/index.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/index.js';
import { invalid, loadDefinitions, type IndexDefinition } from './indices/index.js';
import { applySchemaMigrations, checkDefinitionsAgainstSource } from './job-store/index.js';
import { connectLiveUpdatesConsumer } from './live-updates/index.js';
import { createAppLogger, PinoNestLogger, secretsOf } from './logging/index.js';
import { loadQuerySetFiles } from './relevance/index.js';

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
 * Loads and checks the index definitions (INDEX_DEFINITIONS_DIR, unless given), migrates,
 * builds, connects the RabbitMQ consumer and listens on config.port (0 = any free port).
 * Shared by main and the tests so both run the same service.
 */
export async function startApp(config: AppConfig, definitions?: readonly IndexDefinition[], options: StartAppOptions = {}): Promise<INestApplication> {
  const logger = createAppLogger({ ...config.log, instanceId: config.instanceId, secrets: secretsOf(config) }, options.logDestination);
  const nestLogger = new PinoNestLogger(logger);
  // Before anything logs, so even the migrations' line has the chosen format.
  Logger.overrideLogger(nestLogger);
  const served = definitions ?? (await loadCheckedDefinitions(config));
  const report = await applySchemaMigrations(config.database.url);
  if (report.applied.length > 0) new Logger('SchemaMigrator').log(`applied ${report.applied.join(', ')}`);
  const create = options.create ?? ((root, appOptions) => NestFactory.create(root, appOptions));
  const app = await create(AppModule.forRoot(config, served), { logger: nestLogger });
  app.enableShutdownHooks();
  configureHttpSurface(app, logger);
  connectLiveUpdatesConsumer(app, config);
  // Module hooks first, so nothing the handler uses is half-initialised when messages arrive.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.port);
  return app;
}

/**
 * The definition files, checked on their own and then against the source database, and their query
 * set files: an invalid one stops start-up before anything is written. A source that does not answer yet is no reason
 * not to start (jobs wait for it); the check then runs with `npm run definitions -- check`.
 */
async function loadCheckedDefinitions(config: AppConfig): Promise<IndexDefinition[]> {
  const loaded = await loadDefinitions(config.indices.definitionsDir);
  const check = await checkDefinitionsAgainstSource(config.sourceDatabase.url, loaded);
  if (!check.reachable) new Logger('IndexDefinitions').warn(`definitions not checked against the source database: ${check.reason}`);
  else if (check.problems.length > 0) throw invalid(config.indices.definitionsDir, check.problems);
  // The query sets beside them too, before anything starts (QuerySets reads them again to serve them).
  await loadQuerySetFiles(config.indices.definitionsDir, loaded.map(({ definition }) => definition.name));
  new Logger('IndexDefinitions').log(`serving ${loaded.map(({ definition }) => definition.name).join(', ')} from ${config.indices.definitionsDir}`);
  return loaded.map(({ definition }) => definition);
}
