import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createPool, type Pool } from 'mariadb';
import { AppConfig } from '../config/index.js';
import { answers, poolConfigFromUrl, redactDatabaseUrl } from './database-url.js';

/** The source database cannot be reached; the message names SOURCE_DATABASE_URL, without its password. */
export class SourceDatabaseUnreachableError extends Error {
  constructor(url: string, cause: Error) {
    super(`SOURCE_DATABASE_URL: cannot connect to ${redactDatabaseUrl(url)}: ${cause.message}`, { cause });
    this.name = 'SourceDatabaseUnreachableError';
  }
}

/**
 * The pool the source rows are read from (SOURCE_DATABASE_URL, else DATABASE_URL): a read
 * replica or the application's own database, maybe with a read-only user. Its own pool even
 * when the URL is DATABASE_URL, so a backfill's long reads never queue behind job-state writes.
 * Only SourceReader queries it; nothing here writes or migrates.
 */
@Injectable()
export class SourceDatabase implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SourceDatabase.name);
  private readonly pool: Pool;
  private readonly url: string;
  private closing = false;

  constructor(config: AppConfig) {
    this.url = config.sourceDatabase.url;
    this.pool = createPool(poolConfigFromUrl(this.url, {}, 'SOURCE_DATABASE_URL'));
  }

  /**
   * Says at once when the source cannot be reached, without holding start-up: like a search
   * outage, a source outage pauses the jobs that read it, /health reports it, and the recovery
   * check resumes them once it answers.
   */
  onApplicationBootstrap(): void {
    void this.query('SELECT 1', {}).catch((error: Error) => {
      // A probe cut short by shutdown says nothing about the source.
      if (!this.closing) this.logger.error(`${error.message}; reading source rows fails until it answers`);
    });
  }

  async query<T>(sql: string, values: Record<string, unknown>): Promise<T[]> {
    try {
      return await this.pool.query<T[]>({ sql, namedPlaceholders: true }, values);
    } catch (error) {
      throw isConnectionError(error) ? new SourceDatabaseUnreachableError(this.url, error as Error) : error;
    }
  }

  isHealthy(): Promise<boolean> {
    return answers(this.pool);
  }

  /** With DatabaseService's pool, the last thing to close: stopping jobs may still read a batch. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.pool.end();
  }
}

/** A failure to get or keep a connection (fatal, or the pool's timeout), not an error in the SQL. */
function isConnectionError(error: unknown): boolean {
  const { fatal, code } = error as { fatal?: boolean; code?: string };
  return fatal === true || code === 'ER_GET_CONNECTION_TIMEOUT';
}
