import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';
import { redactDatabaseUrl } from '../../src/job-store/database-url.js';
import { connectCreatingDatabase } from '../../src/job-store/schema-migrator.js';

export const DEMO_SCHEMA_FILE = join(projectRoot(), 'scripts', 'seed', 'schema.sql');

/**
 * Creates the demo source tables (venues, events, bookings) in the database of `databaseUrl`
 * unless they exist, and the database itself if the server has none of that name. The seed,
 * the tests and the benchmarks call it; the service never does: it does not own source tables.
 */
export async function applyDemoSchema(databaseUrl: string): Promise<void> {
  const sql = await readFile(DEMO_SCHEMA_FILE, 'utf8');
  let connection;
  try {
    connection = await connectCreatingDatabase(databaseUrl);
  } catch (error) {
    throw new Error(`cannot connect to ${redactDatabaseUrl(databaseUrl)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}
