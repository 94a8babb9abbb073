import { BAD_DEFINITION_FILES, DefinitionFolders, PRODUCTS_YAML } from '../../test/support/definition-folders.js';
import { definitionHash } from './definition-hash.js';
import { DEMO_DEFINITIONS_DIR, loadDefinitions } from './definition-loader.js';
import { IndicesException, IndicesExceptionCode } from './indices.exception.js';

const folders = new DefinitionFolders();
afterAll(() => folders.removeAll());

async function problemsOf(files: Record<string, string>): Promise<string> {
  const error = await loadDefinitions(folders.create(files)).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IndicesException);
  expect((error as IndicesException).code).toBe(IndicesExceptionCode.INVALID_DEFINITIONS);
  return (error as IndicesException).message;
}

describe('loadDefinitions', () => {
  it('loads the demo definitions, events with written queries and venues from one SELECT', async () => {
    const loaded = await loadDefinitions(DEMO_DEFINITIONS_DIR);
    expect(loaded.map(({ definition }) => definition.name)).toEqual(['events', 'venues']);
    expect(loaded[0].queryFields.byCursor).toBe('source.queries.byCursor');
    expect(loaded[1].queryFields.changedSince).toBe('source.updatedAt');
    expect(loaded[1].columns).toEqual(['name', 'city', 'country', 'latitude', 'longitude']);
  });

  it('leaves a query set file beside a definition to src/relevance', async () => {
    const loaded = await loadDefinitions(folders.create({ 'products.yaml': PRODUCTS_YAML, 'products.queries.yaml': 'queries: []\n' }));
    expect(loaded.map(({ definition }) => definition.name)).toEqual(['products']);
  });

  it('loads JSON as well as YAML, to the same definition', async () => {
    const yaml = await loadDefinitions(folders.create({ 'products.yaml': PRODUCTS_YAML }));
    const json = await loadDefinitions(
      folders.create({
        'products.json': JSON.stringify({
          alias: 'products',
          mappings: { dynamic: 'strict', properties: { name: { type: 'text' } } },
          source: { select: 'SELECT id, version, 1 AS indexable, name, updated_at FROM products', updatedAt: 'updated_at' },
          document: { name: 'name' },
          touches: { product: 'SELECT :id AS id' },
        }),
      }),
    );
    expect(definitionHash(json[0].definition)).toBe(definitionHash(yaml[0].definition));
  });

  it.each(BAD_DEFINITION_FILES)('refuses %s, naming the file and the field', async (_case, files, expected) => {
    expect(await problemsOf(files)).toMatch(expected);
  });

  it('reports every problem of every file at once', async () => {
    const message = await problemsOf({ 'a.yaml': `${PRODUCTS_YAML}refresh: always\n`, 'b.yaml': 'alias: b\nmappings: [\n' });
    expect(message).toMatch(/\(2 problems\)/);
    expect(message).toMatch(/a\.yaml: .*unknown key "refresh"/);
    expect(message).toMatch(/b\.yaml: not valid YAML/);
  });

  it('refuses a folder with no definition file, and one that is not there', async () => {
    expect(await problemsOf({ 'README.md': 'notes' })).toMatch(/no definition file \(\*\.yaml, \*\.yml, \*\.json\) in it/);
    await expect(loadDefinitions('/nonexistent/definitions')).rejects.toThrow(/\/nonexistent\/definitions are invalid .*\n {2}- cannot read the folder: ENOENT/);
  });

  it('hashes a transform module by its text, so editing it rebuilds', async () => {
    const yaml = PRODUCTS_YAML.replace('document:\n  name: name\n', 'transform: ./products.mjs\n');
    const first = await loadDefinitions(folders.create({ 'products.yaml': yaml, 'products.mjs': 'export default (row) => ({ name: row.name });\n' }));
    const edited = await loadDefinitions(folders.create({ 'products.yaml': yaml, 'products.mjs': 'export default (row) => ({ name: String(row.name).trim() });\n' }));
    expect(first[0].columns).toBeNull();
    expect(first[0].definition.toDocument({ id: 1, version: 3, indexable: 1, name: 'Mug' } as never)).toEqual({ id: '1', version: 3, body: { name: 'Mug' } });
    expect(definitionHash(edited[0].definition)).not.toBe(definitionHash(first[0].definition));
  });
});
