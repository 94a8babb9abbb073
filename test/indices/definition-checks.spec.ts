import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';
import { startApp } from '../../src/create-app.js';
import { loadDefinitions } from '../../src/indices/definition-loader.js';
import { checkDefinitionsAgainstSource } from '../../src/job-store/definition-source-check.js';
import { BAD_DEFINITION_FILES, DefinitionFolders, PRODUCTS_YAML } from '../support/definition-folders.js';
import { TestContext } from '../support/test-context.js';

const withTransform = (module: string) => ({ 'products.yaml': PRODUCTS_YAML.replace('document:\n  name: name\n', 'transform: ./products.mjs\n'), 'products.mjs': module });

/** Definitions that pass every check on their own and fail only against the database, each with what it must say. */
const BAD_AGAINST_SOURCE: [string, Record<string, string>, string][] = [
  ['an SQL error', { 'products.yaml': PRODUCTS_YAML.replace('name, updated_at FROM', 'nmae, updated_at FROM') }, "products.yaml: source.select: SQL error: Unknown column 'nmae' in 'SELECT'"],
  ['no id column', { 'products.yaml': PRODUCTS_YAML.replace('SELECT id, version', 'SELECT id AS product_id, version').replace('updatedAt: updated_at', 'updatedAt: updated_at') }, 'products.yaml: source.select: SQL error: Unknown column \'id\' in \'WHERE\''],
  ['no indexable column', { 'products.yaml': PRODUCTS_YAML.replace(/source:\n(.*\n){2}/, 'source:\n  queries:\n    byCursor: SELECT id, version, name FROM products WHERE id > :afterId ORDER BY id LIMIT :limit\n    byIds: SELECT id, version, 1 AS indexable, name FROM products WHERE id IN (:ids)\n    count: SELECT COUNT(*) AS count FROM products\n    changedSince: SELECT id FROM products WHERE updated_at >= :since AND id > :afterId ORDER BY id LIMIT :limit\n') }, 'products.yaml: source.queries.byCursor: does not return "indexable" (it returns id, version, name)'],
  ['a document column the source does not return', { 'products.yaml': PRODUCTS_YAML.replace('  name: { type: text }', '  name: { type: text }\n    sku: { type: keyword }').replace('  name: name\n', '  name: name\n  sku: sku\n') }, 'products.yaml: source.select: does not return "sku" (it returns id, version, indexable, name, updated_at)'],
  ['a count without its count column', { 'products.yaml': PRODUCTS_YAML.replace(/source:\n(.*\n){2}/, 'source:\n  queries:\n    byCursor: SELECT id, version, 1 AS indexable, name FROM products WHERE id > :afterId ORDER BY id LIMIT :limit\n    byIds: SELECT id, version, 1 AS indexable, name FROM products WHERE id IN (:ids)\n    count: SELECT COUNT(*) AS total FROM products\n    changedSince: SELECT id FROM products WHERE updated_at >= :since AND id > :afterId ORDER BY id LIMIT :limit\n') }, 'products.yaml: source.queries.count: does not return "count" (it returns total)'],
  ['a touches query in error', { 'products.yaml': PRODUCTS_YAML.replace('SELECT :id AS id', 'SELECT id FROM product_lines WHERE product_id = :id') }, "products.yaml: touches.product: SQL error: Table 'SCHEMA.product_lines' doesn't exist"],
  ['a transform that throws on a row', withTransform('export default (row) => { if (row.name.startsWith("B")) throw new Error("no B names"); return { name: row.name }; };\n'), 'products.yaml: transform: failed on row id 2: no B names'],
  ['a transform whose documents leave the mappings', withTransform('export default (row) => ({ name: row.name, slug: row.name.toLowerCase() });\n'), 'products.yaml: document: "slug" is not in the mappings (add it there, or drop it from the document) (in 3 sample rows)'],
];

describe('definitions checked against the source database', () => {
  const folders = new DefinitionFolders();
  let context: TestContext;
  const cli = (folder: string) =>
    spawnSync(process.execPath, [join(projectRoot(), 'dist', 'src', 'definitions-cli.js'), 'check', folder], {
      env: { PATH: process.env.PATH, SOURCE_DATABASE_URL: context.databaseUrl },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    context = await TestContext.create('definition_checks', { demoSchema: false });
    await context.sql('CREATE TABLE products (id INT PRIMARY KEY, version INT NOT NULL, name VARCHAR(50) NOT NULL, updated_at DATETIME(3) NOT NULL)');
    await context.sql("INSERT INTO products VALUES (1, 1, 'Anvil', NOW(3)), (2, 1, 'Bell', NOW(3)), (3, 1, 'Cup', NOW(3))");
  });
  afterAll(async () => {
    folders.removeAll();
    await context.dispose();
  });

  const expected = (message: string) => message.replace('SCHEMA', `rx_${context.id}`);

  it('passes a good definition', async () => {
    const check = await checkDefinitionsAgainstSource(context.databaseUrl, await loadDefinitions(folders.create({ 'products.yaml': PRODUCTS_YAML })));
    expect(check).toEqual({ reachable: true, problems: [] });
  });

  it.each(BAD_AGAINST_SOURCE)('refuses %s, naming the file and the field', async (_case, files, message) => {
    const check = await checkDefinitionsAgainstSource(context.databaseUrl, await loadDefinitions(folders.create(files)));
    expect(check.reachable && check.problems).toContain(expected(message));
  });

  it.each(BAD_AGAINST_SOURCE)('`definitions check` refuses %s with the same words, exit 1', (_case, files, message) => {
    const result = cli(folders.create(files));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(expected(message));
  });

  it('says when the source database does not answer, and checks nothing there', async () => {
    const check = await checkDefinitionsAgainstSource('mysql://root@127.0.0.1:1/nowhere', await loadDefinitions(folders.create({ 'products.yaml': PRODUCTS_YAML })));
    expect(check).toMatchObject({ reachable: false, reason: expect.stringMatching(/^cannot connect to mysql:\/\/root@127\.0\.0\.1:1\/nowhere: /) as string });
  });

  it.each(BAD_DEFINITION_FILES)('start-up and `definitions check` refuse %s with the same words', async (_case, files, message) => {
    const folder = folders.create(files);
    await expect(startApp(context.config({ INDEX_DEFINITIONS_DIR: folder }))).rejects.toThrow(message);
    const result = cli(folder);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('refuses to start on an invalid folder with the same words, before writing anything anywhere', async () => {
    const offline = folders.create({ 'products.yaml': `${PRODUCTS_YAML}refresh: always\n`, 'venues.yaml': PRODUCTS_YAML.replace('alias: products', 'alias: venues').replace('name, updated_at', 'nmae, updated_at') });
    await expect(startApp(context.config({ INDEX_DEFINITIONS_DIR: offline }))).rejects.toThrow('products.yaml: (top level): unknown key "refresh"');
    const online = folders.create(BAD_AGAINST_SOURCE[0][1]);
    await expect(startApp(context.config({ INDEX_DEFINITIONS_DIR: online }))).rejects.toThrow(expected(BAD_AGAINST_SOURCE[0][2]));
    expect(cli(offline).stderr).toContain('products.yaml: (top level): unknown key "refresh"');

    const indices = (await (await fetch(`${context.opensearchNode}/_cat/indices/${context.indexPrefix}*?format=json`)).json()) as unknown[];
    expect(indices).toEqual([]);
    expect(await context.sql('SELECT id FROM reindex_jobs')).toEqual([]);
  });
});
