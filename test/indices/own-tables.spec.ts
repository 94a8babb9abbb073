import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createConnection } from 'mariadb';
import { startApp } from '../../src/create-app.js';
import { JobStore } from '../../src/job-store/job-store.js';
import { projectRoot } from '../../src/common/project-root.js';
import { poolConfigFromUrl } from '../../src/job-store/database-url.js';
import { BrokerProbe } from '../live-updates/live-updates-test-app.js';
import { completedJob } from '../live-updates/rebuild-harness.js';
import { DefinitionFolders } from '../support/definition-folders.js';
import { TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait.js';

/**
 * A team's own schema, nothing like the demo: products with a category join, in a database of
 * their own that the service reads with a read-only user, while the service's tables live in
 * another. The definition is a file; no line of src/ knows products.
 */
const SHOP_SCHEMA = [
  `CREATE TABLE categories (
     id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL, version INT NOT NULL DEFAULT 1,
     updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX categories_updated_at (updated_at))`,
  `CREATE TABLE products (
     id BIGINT PRIMARY KEY AUTO_INCREMENT, sku VARCHAR(32) NOT NULL, title VARCHAR(200) NOT NULL, price_cents INT NOT NULL,
     category_id INT NOT NULL, revision INT NOT NULL DEFAULT 1, discontinued BOOLEAN NOT NULL DEFAULT FALSE,
     updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX products_updated_at (updated_at), INDEX products_category (category_id))`,
];

const productsYaml = (categoryExpression: string) => `alias: products
mappings:
  dynamic: strict
  properties:
    sku: { type: keyword }
    title: { type: text }
    price: { type: integer }
    category: { properties: { id: { type: keyword }, name: { type: keyword } } }
source:
  queries:
    byCursor: >-
      SELECT p.id, p.revision + c.version AS version, 1 AS indexable, p.sku, p.title, p.price_cents,
        CAST(c.id AS CHAR) AS category_id, ${categoryExpression} AS category_name
      FROM products p JOIN categories c ON c.id = p.category_id
      WHERE p.id > :afterId AND NOT p.discontinued ORDER BY p.id LIMIT :limit
    byIds: >-
      SELECT p.id, p.revision + c.version AS version, NOT p.discontinued AS indexable, p.sku, p.title, p.price_cents,
        CAST(c.id AS CHAR) AS category_id, ${categoryExpression} AS category_name
      FROM products p JOIN categories c ON c.id = p.category_id
      WHERE p.id IN (:ids) ORDER BY p.id
    count: SELECT COUNT(*) AS count FROM products WHERE NOT discontinued
    changedSince: >-
      SELECT id FROM (
        SELECT p.id FROM products p WHERE p.updated_at >= :since AND p.id > :afterId
        UNION SELECT p.id FROM categories c JOIN products p ON p.category_id = c.id WHERE c.updated_at >= :since AND p.id > :afterId
      ) changed ORDER BY id LIMIT :limit
document:
  sku: sku
  title: title
  price: price_cents
  category:
    id: category_id
    name: category_name
touches:
  product: SELECT :id AS id
  category: SELECT id FROM products WHERE category_id = :id
`;

describe('indexing a table of your own, defined in a file', () => {
  const folders = new DefinitionFolders();
  let context: TestContext;
  let shopUrl: string;
  let readOnlyUrl: string;
  let app: INestApplication | undefined;
  let probe: BrokerProbe;
  let products: string;
  const shopDatabase = () => `shop_${context.id}`;
  const reader = () => `ro_${context.id}`.slice(0, 32);

  async function admin(sql: string, params: unknown[] = []): Promise<unknown> {
    const connection = await createConnection(poolConfigFromUrl(process.env.DATABASE_URL!));
    try {
      return await connection.query(sql, params);
    } finally {
      await connection.end();
    }
  }

  async function shop<T>(sql: string, params: unknown[] = []): Promise<T> {
    const connection = await createConnection(poolConfigFromUrl(shopUrl));
    try {
      return (await connection.query(sql, params));
    } finally {
      await connection.end();
    }
  }

  const search = async (query: unknown) => {
    const response = await fetch(`${context.opensearchNode}/${products}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 100, query, sort: [{ sku: 'asc' }] }),
    });
    return ((await response.json()) as { hits: { hits: { _id: string; _version?: number; _source: Record<string, unknown> }[] } }).hits.hits;
  };
  const start = (definitionsDir: string) =>
    startApp(context.config({ SOURCE_DATABASE_URL: readOnlyUrl, INDEX_DEFINITIONS_DIR: definitionsDir, REINDEX_RECOVERY_INTERVAL_MS: '1000' }));

  beforeAll(async () => {
    context = await TestContext.create('own_tables', { demoSchema: false });
    products = `${context.indexPrefix}products`;
    await admin(`CREATE DATABASE \`${shopDatabase()}\``);
    const url = new URL(context.databaseUrl);
    url.pathname = `/${shopDatabase()}`;
    shopUrl = url.toString();
    for (const statement of SHOP_SCHEMA) await shop(statement);
    await admin(`CREATE USER '${reader()}'@'%' IDENTIFIED BY 'read-only-pass'`);
    await admin(`GRANT SELECT ON \`${shopDatabase()}\`.* TO '${reader()}'@'%'`);
    url.username = reader();
    url.password = 'read-only-pass';
    readOnlyUrl = url.toString();
    await shop("INSERT INTO categories (name) VALUES ('mugs'), ('teapots')");
    await shop(
      `INSERT INTO products (sku, title, price_cents, category_id, discontinued) VALUES
        ('M-1', 'Blue mug', 900, 1, FALSE), ('M-2', 'Red mug', 950, 1, FALSE), ('T-1', 'Cast iron teapot', 4500, 2, FALSE), ('T-2', 'Old teapot', 100, 2, TRUE)`,
    );
    probe = await BrokerProbe.open(context.rabbitmqUrl);
  });
  afterAll(async () => {
    await app?.close();
    await probe.close();
    folders.removeAll();
    await admin(`DROP USER IF EXISTS '${reader()}'@'%'`);
    await admin(`DROP DATABASE IF EXISTS \`${shopDatabase()}\``);
    await context.dispose();
  });

  it('builds the alias from the source database with the right documents, and follows changes announced on RabbitMQ', async () => {
    app = await start(folders.create({ 'products.yaml': productsYaml('c.name') }));
    const job = await completedJob(app, products);
    expect(job.trigger).toBe('DEPLOY');

    const hits = await search({ match_all: {} });
    expect(hits.map((hit) => [hit._id, hit._source])).toEqual([
      ['1', { sku: 'M-1', title: 'Blue mug', price: 900, category: { id: '1', name: 'mugs' } }],
      ['2', { sku: 'M-2', title: 'Red mug', price: 950, category: { id: '1', name: 'mugs' } }],
      ['3', { sku: 'T-1', title: 'Cast iron teapot', price: 4500, category: { id: '2', name: 'teapots' } }],
    ]);

    // The application changes its rows and announces them; the service re-reads them through the read-only user.
    await shop("UPDATE products SET title = 'Big blue mug', revision = revision + 1, updated_at = NOW(3) WHERE id = 1");
    await shop("UPDATE categories SET name = 'teaware', version = version + 1, updated_at = NOW(3) WHERE id = 2");
    await shop('UPDATE products SET discontinued = TRUE, revision = revision + 1, updated_at = NOW(3) WHERE id = 2');
    await probe.publish(context.exchange, 'product.upsert', JSON.stringify({ entity: 'product', id: '1', op: 'upsert' }));
    await probe.publish(context.exchange, 'category.upsert', JSON.stringify({ entity: 'category', id: '2', op: 'upsert' }));
    await probe.publish(context.exchange, 'product.upsert', JSON.stringify({ entity: 'product', id: '2', op: 'upsert' }));

    await waitFor('the three changes in search', async () => {
      await fetch(`${context.opensearchNode}/${products}/_refresh`, { method: 'POST' });
      const now = await search({ match_all: {} });
      const titles = now.map((hit) => `${String(hit._source.title)}/${String((hit._source.category as { name: string }).name)}`);
      return titles.join(',') === 'Big blue mug/mugs,Cast iron teapot/teaware' ? now : undefined;
    });
  });

  it('dead-letters a message for an entity no definition knows, with a reason that names the known ones', async () => {
    const dlq = `${context.queue}.dlq`;
    await probe.publish(context.exchange, 'order.upsert', JSON.stringify({ entity: 'order', id: '7', op: 'upsert' }));
    await waitFor('the dead letter', async () => ((await probe.messageCount(dlq)) === 1 ? true : undefined), 15_000);
    const [deadLetter] = await probe.drain(dlq);
    expect(JSON.parse(deadLetter.content.toString())).toEqual({ entity: 'order', id: '7', op: 'upsert' });
    expect(deadLetter.properties.headers).toMatchObject({
      'x-reason': 'unknown-entity',
      'x-error': 'no index definition knows the entity "order" (known: category, product)',
    });
  });

  it('rebuilds when the definition\'s SQL changes, saying so in the job', async () => {
    const before = await completedJob(app!, products);
    await app!.close();
    app = await start(folders.create({ 'products.yaml': productsYaml('UPPER(c.name)') }));
    const job = await completedJob(app, products, before.id);

    const [created] = (await app.get(JobStore).listTransitions(job.id)).filter((event) => event.fromStatus === null);
    expect(created.reason).toBe('created by deploy trigger: drifted (source changed)');
    expect(job.targetIndex).toBe(`${products}_v2`);
    const hits = await search({ match_all: {} });
    expect(hits.map((hit) => (hit._source.category as { name: string }).name)).toEqual(['MUGS', 'TEAWARE']);
  });

  it('created no table in the source database, which it reads with SELECT only', async () => {
    const tables = await shop<{ table_name: string }[]>('SELECT table_name AS table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name');
    expect(tables.map((row) => row.table_name)).toEqual(['categories', 'products']);
  });

  it('checks the same folder from the command line against the read-only source', () => {
    const folder = folders.create({ 'products.yaml': productsYaml('c.name') });
    const cli = spawnSync(process.execPath, [join(projectRoot(), 'dist', 'src', 'definitions-cli.js'), 'check', folder], {
      env: { PATH: process.env.PATH, SOURCE_DATABASE_URL: readOnlyUrl },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/1 definition valid on their own \(products\)/);
    expect(cli.stdout).toMatch(/every query runs on the source database/);
  });
});
