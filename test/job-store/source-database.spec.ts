import type { INestApplication } from '@nestjs/common';
import { createConnection } from 'mariadb';
import { applyDemoSchema } from '../../scripts/seed/demo-schema.js';
import { startApp } from '../../src/create-app.js';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import { SourceDatabase } from '../../src/job-store/source-database.js';
import { IndexVerifier } from '../../src/reindex/verification/index-verifier.service.js';
import { SearchGateway } from '../../src/opensearch/search-gateway.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { TestContext } from '../support/test-context.js';

describe('source rows from SOURCE_DATABASE_URL', () => {
  let context: TestContext;
  let sourceDatabase: string;
  let sourceUrl: string;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    // The state database gets the service's migrations only; the demo tables go to a second database.
    context = await TestContext.create('source_db', { demoSchema: false });
    sourceDatabase = `rx_${context.id}_source`;
    const url = new URL(context.databaseUrl);
    url.pathname = `/${sourceDatabase}`;
    sourceUrl = url.toString();
    await applyDemoSchema(sourceUrl);
  });
  afterAll(async () => {
    await app?.close();
    await context.sql(`DROP DATABASE IF EXISTS \`${sourceDatabase}\``);
    await context.dispose();
  });

  async function sourceSql(statement: string, params: unknown[] = []): Promise<void> {
    const connection = await createConnection(poolConfigFromUrl(sourceUrl));
    try {
      await connection.query(statement, params);
    } finally {
      await connection.end();
    }
  }

  it('builds the aliases from the rows of SOURCE_DATABASE_URL, and the state database holds no source table', async () => {
    await sourceSql("INSERT INTO venues (id, name, city, country, latitude, longitude) VALUES (1, 'Hall', 'Lyon', 'FR', 45.76, 4.83), (2, 'Dome', 'Nice', 'FR', 43.7, 7.26)");
    await sourceSql(
      `INSERT INTO events (id, title, description, category, starts_at, price, currency, status, venue_id) VALUES
        (1, 'Opening night', 'First', 'music', NOW(3) + INTERVAL 30 DAY, 20.00, 'EUR', 'published', 1),
        (2, 'Matinee', 'Second', 'theatre', NOW(3) + INTERVAL 31 DAY, 12.50, 'EUR', 'published', 2),
        (3, 'Rehearsal', 'Not yet public', 'music', NOW(3) + INTERVAL 32 DAY, 0.00, 'EUR', 'draft', 1)`,
    );

    app = await startApp(context.config({ SOURCE_DATABASE_URL: sourceUrl }));
    const events = `${context.indexPrefix}events`;
    await completedJob(app, events);
    await completedJob(app, `${context.indexPrefix}venues`);

    await fetch(`${context.opensearchNode}/${events}/_refresh`, { method: 'POST' });
    const search = (await (await fetch(`${context.opensearchNode}/${events}/_search?sort=_id`)).json()) as { hits: { hits: { _id: string; _source: { title: string } }[] } };
    expect(search.hits.hits.map((hit) => [hit._id, hit._source.title])).toEqual([
      ['1', 'Opening night'],
      ['2', 'Matinee'],
    ]);
    expect(await app.get(IndexVerifier).verifyOn(app.get(SearchGateway), events)).toMatchObject({ sourceCount: 2, indexCount: 2, missing: { total: 0 }, stale: { total: 0 }, extra: { total: 0 } });

    const stateTables = await context.sql<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()');
    expect(stateTables.map((row) => row.name)).toEqual(expect.arrayContaining(['reindex_jobs', 'change_journal']));
    expect(stateTables.map((row) => row.name).filter((name) => ['venues', 'events', 'bookings'].includes(name))).toEqual([]);
  });

  it('names SOURCE_DATABASE_URL, without its password, when the source cannot be reached', async () => {
    const source = new SourceDatabase(context.config({ SOURCE_DATABASE_URL: 'mysql://reader:s3cret-pass@127.0.0.1:1/shop' }));
    try {
      const failure = await source.query('SELECT 1', {}).then(
        () => 'connected',
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/^SOURCE_DATABASE_URL: cannot connect to mysql:\/\/reader:\*\*\*@127\.0\.0\.1:1\/shop: /);
      expect(failure).not.toContain('s3cret-pass');
      expect(await source.isHealthy()).toBe(false);
    } finally {
      await source.onApplicationShutdown();
    }
  }, 60_000);
});
