import { ESLint } from 'eslint';
import { projectRoot } from './common/index.js';

/**
 * The layer rule of eslint.config.mjs (docs/design.md, "Layers"), run as `npm run lint` runs it, on
 * fixtures placed in src/: what it refuses and what it lets through. Only that rule runs (without
 * type information: it reads import paths, nothing else).
 */
const eslint = new ESLint({
  cwd: projectRoot(),
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function refusals(filePath: string, ...imports: string[]): Promise<string[]> {
  const code = imports.map((from, index) => `import { x${index} } from '${from}';\n`).join('') + `export const all = [${imports.map((_, index) => `x${index}`).join(', ')}];\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('the layer rule', () => {
  it('refuses an import from a higher layer', async () => {
    expect(await refusals('src/opensearch/fixture.ts', '../reindex/index.js')).toEqual([expect.stringMatching(/^no-restricted-imports: .*opensearch \(layer 5\) may not import reindex \(layer 7\)/)]);
    expect(await refusals('src/indexing/fixture.ts', '../reindex/index.js')).toEqual([expect.stringMatching(/indexing \(layer 6\) may not import reindex \(layer 7\)/)]);
    expect(await refusals('src/relevance/fixture.ts', '../cluster-migration/index.js')).toEqual([expect.stringMatching(/relevance \(layer 6\) may not import cluster-migration \(layer 8\)/)]);
  });

  it('refuses an import between two folders of one layer', async () => {
    expect(await refusals('src/job-store/fixture.ts', '../opensearch/index.js')).toEqual([expect.stringMatching(/job-store \(layer 5\) may not import opensearch \(layer 5\)/)]);
    expect(await refusals('src/relevance/fixture.ts', '../indexing/index.js')).toEqual([expect.stringMatching(/relevance \(layer 6\) may not import indexing \(layer 6\)/)]);
  });

  it('refuses a side door into another folder, from any depth', async () => {
    expect(await refusals('src/reindex/fixture.ts', '../job-store/job-store.js')).toEqual([expect.stringMatching(/a side door: other folders see job-store only through its index.ts/)]);
    expect(await refusals('src/reindex/engine/fixture.ts', '../../indexing/write-window.js')).toEqual([expect.stringMatching(/a side door/)]);
    expect(await refusals('src/create-app.fixture.ts', './job-store/job-store.js')).toEqual([expect.stringMatching(/a side door/)]);
  });

  it("refuses a folder's own index.ts from inside it, the root files, src/generated and what lies outside src/", async () => {
    expect(await refusals('src/reindex/engine/fixture.ts', '../index.js', '../../app.module.js', '../../generated/prisma/client.js', '../../../test/support/wait.js')).toEqual([
      expect.stringMatching(/its own index.ts would make an import cycle/),
      expect.stringMatching(/the files at the root of src\/ wire the application/),
      expect.stringMatching(/only the job store touches Prisma/),
      expect.stringMatching(/imports nothing outside src\//),
    ]);
  });

  it('lets through a lower layer by its index.ts, the files of the same folder, and the job store on Prisma', async () => {
    expect(await refusals('src/reindex/engine/fixture.ts', '../../indexing/index.js', '../../common/index.js', '../phases/phase.js', './job-transitions.js')).toEqual([]);
    expect(await refusals('src/api/health/fixture.ts', '../metrics/metrics.service.js', '../../metrics/index.js')).toEqual([]);
    expect(await refusals('src/job-store/fixture.ts', '../generated/prisma/client.js', '../indices/index.js')).toEqual([]);
    expect(await refusals('src/relevance/fixture.ts', '../opensearch/index.js', '../job-store/index.js', '../indices/index.js')).toEqual([]);
    expect(await refusals('src/cluster-migration/fixture.ts', '../relevance/index.js')).toEqual([]);
    expect(await refusals('src/create-app.fixture.ts', './reindex/index.js', './app.module.js')).toEqual([]);
  });

  it('leaves specs free to reach internals', async () => {
    expect(await refusals('src/opensearch/fixture.spec.ts', '../reindex/engine/job-executor.service.js')).toEqual([]);
  });
});
