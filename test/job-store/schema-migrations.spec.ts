import { readdir } from 'node:fs/promises';
import { createConnection } from 'mariadb';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import { applySchemaMigrations, SCHEMA_MIGRATIONS_DIR } from '../../src/job-store/schema-migrator.js';
import { TestContext } from '../support/test-context.js';

describe('migrations', () => {
  let context: TestContext;
  let migrations: string[];

  beforeAll(async () => {
    context = await TestContext.create('migrations');
    migrations = (await readdir(SCHEMA_MIGRATIONS_DIR, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  });
  afterAll(() => context.dispose());

  it('migrates a fresh database and records each migration as prisma migrate deploy does', async () => {
    const connection = await createConnection(poolConfigFromUrl(context.databaseUrl));
    try {
      const tables = (await connection.query<{ name: string }[]>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')).map((row) => row.name);
      expect(tables).toEqual(
        expect.arrayContaining(['_prisma_migrations', 'reindex_jobs', 'reindex_job_events', 'reindex_run_slots', 'index_schedules', 'change_journal', 'index_generations', 'deployed_definitions']),
      );
      const rows = await connection.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(migrations[0]).toBe('20261122000000_init');
      expect(rows.map((row) => row.migration_name)).toEqual(migrations);
      for (const row of rows) {
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).not.toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }
    } finally {
      await connection.end();
    }
  });

  it('is a no-op the second time', async () => {
    const report = await applySchemaMigrations(context.databaseUrl);
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toEqual(migrations);
  });

  it('creates the database of DATABASE_URL when the server has none of that name, as prisma migrate deploy does', async () => {
    const url = new URL(context.databaseUrl);
    url.pathname = `${url.pathname}_created`;
    try {
      const report = await applySchemaMigrations(url.toString());
      expect(report.applied).toEqual(migrations);
    } finally {
      await context.sql(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
    }
  });

  it('creates only the service\'s own tables in an empty database: no source table (venues, events, bookings)', async () => {
    const url = new URL(context.databaseUrl);
    url.pathname = `${url.pathname}_empty`;
    const database = url.pathname.slice(1);
    try {
      await applySchemaMigrations(url.toString());
      const tables = await context.sql<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?', [database]);
      expect(tables.map((row) => row.name).sort()).toEqual(
        [
          '_prisma_migrations',
          'change_journal',
          'cluster_migrations',
          'deployed_definitions',
          'index_generations',
          'index_rollbacks',
          'index_schedules',
          'operator_audit',
          'reindex_job_events',
          'reindex_jobs',
          'reindex_run_slots',
          'reindexer_outbox',
          'relevance_query_sets',
        ].sort(),
      );
    } finally {
      await context.sql(`DROP DATABASE IF EXISTS \`${database}\``);
    }
  });

  it('names DATABASE_URL when the database cannot be reached', async () => {
    await expect(applySchemaMigrations('mysql://root@127.0.0.1:1/nowhere')).rejects.toThrow(/^DATABASE_URL: cannot connect to mysql:\/\/root@127\.0\.0\.1:1\/nowhere/);
  });
});
