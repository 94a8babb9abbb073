import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A valid definition of a `products` table (id, version, name, updated_at): the base the bad ones break. */
export const PRODUCTS_YAML = `alias: products
mappings:
  dynamic: strict
  properties:
    name: { type: text }
source:
  select: SELECT id, version, 1 AS indexable, name, updated_at FROM products
  updatedAt: updated_at
document:
  name: name
touches:
  product: SELECT :id AS id
`;

/**
 * Definition folders that are wrong on their own (no database needed to tell), each with what the
 * refusal must say: the loader's unit spec, start-up and `definitions check` all go through them.
 */
export const BAD_DEFINITION_FILES: [string, Record<string, string>, RegExp][] = [
  ['YAML that does not parse', { 'products.yaml': 'alias: products\nmappings: {\n' }, /products\.yaml: not valid YAML: /],
  ['a key written twice', { 'products.yaml': `${PRODUCTS_YAML}alias: again\n` }, /products\.yaml: not valid YAML: Map keys must be unique/],
  ['JSON that does not parse', { 'products.json': '{"alias": ' }, /products\.json: not valid JSON/],
  ['an unknown key', { 'products.yaml': `${PRODUCTS_YAML}refresh: always\n` }, /products\.yaml: \(top level\): unknown key "refresh"/],
  ['an unknown key deeper down', { 'products.yaml': PRODUCTS_YAML.replace('updatedAt: updated_at', 'updatedAt: updated_at\n  table: products') }, /products\.yaml: source: unknown key "table"/],
  ['no alias', { 'products.yaml': PRODUCTS_YAML.replace('alias: products\n', '') }, /products\.yaml: \(top level\): missing "alias"/],
  ['an alias OpenSearch would refuse', { 'products.yaml': PRODUCTS_YAML.replace('alias: products', 'alias: Products!') }, /products\.yaml: alias: must match pattern/],
  ['no source', { 'products.yaml': PRODUCTS_YAML.replace(/source:\n(.*\n){2}/, '') }, /products\.yaml: \(top level\): missing "source"/],
  ['both a SELECT and written queries', { 'products.yaml': PRODUCTS_YAML.replace('  updatedAt: updated_at', '  updatedAt: updated_at\n  queries: { byCursor: a, byIds: b, count: c, changedSince: d }') }, /products\.yaml: source: give either "select" \(with "updatedAt"\) or "queries", not both/],
  ['a SELECT without updatedAt', { 'products.yaml': PRODUCTS_YAML.replace('  updatedAt: updated_at\n', '') }, /products\.yaml: source: must have property updatedAt when property select is present/],
  ['a SELECT that limits its rows', { 'products.yaml': PRODUCTS_YAML.replace('FROM products', 'FROM products LIMIT 10') }, /products\.yaml: source\.select: must not LIMIT its rows/],
  [
    'a written query without its placeholders',
    { 'products.yaml': PRODUCTS_YAML.replace(/source:\n(.*\n){2}/, 'source:\n  queries:\n    byCursor: SELECT id, version, 1 AS indexable, name FROM products ORDER BY id\n    byIds: SELECT * FROM products WHERE id IN (:ids)\n    count: SELECT COUNT(*) AS count FROM products\n    changedSince: SELECT id FROM products WHERE updated_at >= :since AND id > :afterId ORDER BY id LIMIT :limit\n') },
    /products\.yaml: source\.queries\.byCursor: must use :afterId\n {2}- products\.yaml: source\.queries\.byCursor: must use :limit/,
  ],
  ['a touches query without :id', { 'products.yaml': PRODUCTS_YAML.replace('SELECT :id AS id', 'SELECT id FROM products') }, /products\.yaml: touches\.product: must use :id/],
  ['an entity name a message could not carry', { 'products.yaml': PRODUCTS_YAML.replace('  product:', '  Product-Line:') }, /products\.yaml: touches: property name must be valid/],
  ['a mapped field the document never fills', { 'products.yaml': PRODUCTS_YAML.replace('    name: { type: text }', '    name: { type: text }\n    price: { type: double }') }, /products\.yaml: mappings: "price" is mapped but the document never fills it/],
  ['a document field that is not mapped', { 'products.yaml': PRODUCTS_YAML.replace('  name: name\n', '  name: name\n  sku: sku\n') }, /products\.yaml: document: "sku" is not in the mappings/],
  ['a nested field on the wrong side', { 'products.yaml': PRODUCTS_YAML.replace('    name: { type: text }', '    name: { type: text }\n    brand: { properties: { name: { type: keyword } } }').replace('  name: name\n', '  name: name\n  brand: { label: brand_name }\n') }, /"brand\.name" is mapped but the document never fills it\n {2}- products\.yaml: document: "brand\.label" is not in the mappings/],
  ['both a document and a transform', { 'products.yaml': `${PRODUCTS_YAML}transform: ./products.js\n` }, /products\.yaml: \(top level\): give either "document" \(fields from columns\) or "transform" \(a module\), not both/],
  ['a transform module that is not there', { 'products.yaml': PRODUCTS_YAML.replace('document:\n  name: name\n', 'transform: ./missing.js\n') }, /products\.yaml: transform: cannot read missing\.js/],
  ['a transform module that throws as it loads', { 'products.yaml': PRODUCTS_YAML.replace('document:\n  name: name\n', 'transform: ./broken.mjs\n'), 'broken.mjs': 'throw new Error("no config");\n' }, /products\.yaml: transform: broken\.mjs does not load: no config/],
  ['a transform module without a default function', { 'products.yaml': PRODUCTS_YAML.replace('document:\n  name: name\n', 'transform: ./named.mjs\n'), 'named.mjs': 'export const body = () => ({});\n' }, /products\.yaml: transform: named\.mjs must export a function as its default export/],
  ['mappings that set _meta (the service\'s own)', { 'products.yaml': PRODUCTS_YAML.replace('  dynamic: strict', '  dynamic: strict\n  _meta: { owner: me }') }, /products\.yaml: mappings: must not set _meta \(the service keeps its own marker and hashes there\)/],
  ['two files for one alias', { 'a.yaml': PRODUCTS_YAML, 'b.yml': PRODUCTS_YAML }, /b\.yml: alias "products" is already defined by a\.yaml; one file per alias/],
];

/** Temporary folders of definition files, removed by `removeAll`. */
export class DefinitionFolders {
  private readonly folders: string[] = [];

  /** A new folder holding `files` (name → content). */
  create(files: Readonly<Record<string, string>>): string {
    const folder = mkdtempSync(join(tmpdir(), 'reindexer-definitions-'));
    this.folders.push(folder);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
    return folder;
  }

  removeAll(): void {
    for (const folder of this.folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  }
}
