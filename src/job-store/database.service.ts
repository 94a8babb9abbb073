import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { createPool, type Pool } from 'mariadb';
import { AppConfig } from '../config/index.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { answers, poolConfigFromUrl } from './database-url.js';

/**
 * The pool of the service's own tables (DATABASE_URL): Prisma runs on it through the MariaDB
 * adapter. Source rows are read through SourceDatabase, from SOURCE_DATABASE_URL.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  readonly pool: Pool;
  readonly prisma: PrismaClient;

  constructor(config: AppConfig) {
    this.pool = createPool(poolConfigFromUrl(config.database.url));
    this.prisma = new PrismaClient({ adapter: new PrismaMariaDb(this.pool) });
  }

  isHealthy(): Promise<boolean> {
    return answers(this.pool);
  }

  /**
   * The last shutdown hook: Nest calls onModuleDestroy before beforeApplicationShutdown, and
   * what stops there (jobs handing their leases back, a drift check) still needs MySQL.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.end();
  }
}
