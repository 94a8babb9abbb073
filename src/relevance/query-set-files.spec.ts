import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadQuerySetFiles } from './query-set-files.js';

const VALID = `queries:
  - name: title words
    body: { query: { match: { title: "{{q}}" } } }
    params: [{ q: jazz }, { q: rock }]
  - name: jazz
    body: { query: { match: { title: jazz } } }
    ratings: { "1": 3, "2": 1 }
`;

describe('loadQuerySetFiles', () => {
  let dir: string;
  const folderWith = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'query-sets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads <definition>.queries.yaml beside the definitions, by definition name, and leaves the rest alone', async () => {
    const sets = await loadQuerySetFiles(folderWith({ 'events.yaml': 'alias: events\n', 'events.queries.yaml': VALID }), ['events', 'venues']);

    expect([...sets.keys()]).toEqual(['events']);
    expect(sets.get('events')!.queries.map((query) => query.name)).toEqual(['title words', 'jazz']);
  });

  it('finds nothing in a folder that is not there', async () => {
    expect((await loadQuerySetFiles(join(dir, 'missing'), ['events'])).size).toBe(0);
  });

  it('reports every problem of every file at once, each naming its file', async () => {
    const folder = folderWith({
      'events.queries.yaml': VALID.replace('"1": 3', '"1": 5'),
      'venues.queries.json': '{"queries": [{"name": "x"}]}',
      'gone.queries.yaml': VALID,
      'broken.queries.yml': 'queries: [\n',
    });

    const error = (await loadQuerySetFiles(folder, ['events', 'venues', 'broken']).catch((thrown: unknown) => thrown)) as Error & { code: string };
    expect(error.code).toBe('INVALID_QUERY_SET');
    expect(error.message).toMatch(
      /5 problems\):\n {2}- broken\.queries\.yml: not valid YAML: .*\n {2}- events\.queries\.yaml: queries\.1\.ratings\.1: must be a grade 0, 1, 2 or 3\n {2}- gone\.queries\.yaml: no index definition is named "gone".*\n {2}- venues\.queries\.json: queries\.0\.body: body must be a non-empty object\n {2}- venues\.queries\.json: queries\.0\.body: body must be an object$/,
    );
  });
});
