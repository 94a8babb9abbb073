import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mariadb';
import { projectRoot } from '../common/index.js';
import { poolConfigFromUrl, redactDatabaseUrl } from './database-url.js';

// The schema migrator: the service's own tables (prisma/migrations). A cluster migration, moving an
// alias to another search cluster, is another thing altogether (src/cluster-migration, MigrationStore).

export const SCHEMA_MIGRATIONS_DIR = join(projectRoot(), 'prisma', 'migrations');

export interface SchemaMigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
}

export class SchemaMigrationError extends Error {}

/** MariaDB and MySQL: ER_BAD_DB_ERROR, "Unknown database". */
const UNKNOWN_DATABASE = 1049;

/**
 * Connects to the URL's database, creating it first when the server has none of that name (as
 * `prisma migrate deploy` does). Multiple statements allowed: it runs whole SQL files.
 */
export async function connectCreatingDatabase(databaseUrl: string): Promise<Connection> {
  const config = poolConfigFromUrl(databaseUrl, { multipleStatements: true });
  try {
    return await createConnection(config);
  } catch (error) {
    if ((error as { errno?: number }).errno !== UNKNOWN_DATABASE || !config.database) throw error;
  }
  const server = await createConnection({ ...config, database: undefined });
  try {
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${config.database.replaceAll('`', '``')}\``);
  } finally {
    await server.end();
  }
  return createConnection(config);
}

/**
 * Applies prisma/migrations/<name>/migration.sql in order and records each in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, same
 * SHA-256 checksum), so either tool can take over from the other. Runs where the
 * Prisma schema engine binary is not available. A MySQL named lock serialises
 * replicas that start at the same time.
 */
export async function applySchemaMigrations(databaseUrl: string, migrationsDir = SCHEMA_MIGRATIONS_DIR): Promise<SchemaMigrationReport> {
  let connection: Connection;
  try {
    connection = await connectCreatingDatabase(databaseUrl);
  } catch (error) {
    throw new SchemaMigrationError(`DATABASE_URL: cannot connect to ${redactDatabaseUrl(databaseUrl)}: ${(error as Error).message}`);
  }
  try {
    const [lock] = await connection.query<{ locked: number | null }[]>("SELECT GET_LOCK('reindexer_migrate', 120) AS locked");
    if (lock?.locked !== 1) throw new SchemaMigrationError('could not take the migration lock within 120 s');
    await connection.query(PRISMA_MIGRATIONS_TABLE);
    const done = await connection.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }[]>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations',
    );
    const applied: string[] = [];
    const alreadyApplied: string[] = [];
    for (const name of await migrationNames(migrationsDir)) {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.filter((row) => row.migration_name === name && row.rolled_back_at === null);
      if (previous.some((row) => row.finished_at !== null)) {
        alreadyApplied.push(name);
        continue;
      }
      if (previous.length > 0) {
        throw new SchemaMigrationError(`migration ${name} started earlier but never finished; resolve it by hand (prisma migrate resolve) before starting again`);
      }
      const id = randomUUID();
      await connection.query('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)', [id, checksum, name]);
      try {
        await connection.query(sql);
      } catch (error) {
        await connection.query('UPDATE _prisma_migrations SET logs = ? WHERE id = ?', [(error as Error).message, id]);
        throw new SchemaMigrationError(`migration ${name} failed: ${(error as Error).message}`);
      }
      await connection.query('UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?', [id]);
      applied.push(name);
    }
    return { applied, alreadyApplied };
  } finally {
    await connection.query("DO RELEASE_LOCK('reindexer_migrate')").catch(() => undefined);
    await connection.end();
  }
}

async function migrationNames(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

// The table as Prisma Migrate creates it for MySQL.
const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id                  VARCHAR(36) PRIMARY KEY NOT NULL,
  checksum            VARCHAR(64) NOT NULL,
  finished_at         DATETIME(3),
  migration_name      VARCHAR(255) NOT NULL,
  logs                TEXT,
  rolled_back_at      DATETIME(3),
  started_at          DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
