import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, bottom up (docs/design.md, "Layers"). A folder imports only from folders of
 * lower layers, and only through their index.ts; inside a folder, files import each other by their
 * own paths (never through the folder's own index.ts, which would make a cycle). Folders in one
 * layer do not import each other. The files at the root of src/ (main, create-app, app.module,
 * definitions-cli) wire the application: they may import any folder, through its index.ts.
 * Only the job store reaches src/generated (the Prisma client).
 */
const LAYERS = [
  ['common'],
  ['config'],
  ['logging'],
  ['indices', 'metrics'],
  ['opensearch', 'job-store'],
  ['indexing', 'relevance'],
  ['reindex'],
  ['live-updates', 'cluster-migration', 'drift'],
  ['triggers'],
  ['api', 'admin'],
];
/** Deepest folder nesting below src/<folder>/ that the rules cover. */
const MAX_DEPTH = 4;
/**
 * Tests reach internals: a spec next to the code (src/**\/*.spec.ts) and everything under test/,
 * bench/ and scripts/ stand outside the layers, so the rules leave them alone.
 */
const TESTS = ['**/*.spec.ts'];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const layerOf = (folder) => LAYERS.findIndex((layer) => layer.includes(folder));

/** The import patterns a file `depth` folders below src/<folder>/ may not use (folder null: a file at the root of src/). */
function restrictedImports(folder, depth) {
  const up = folder === null ? '\\./' : escape('../'.repeat(depth));
  const patterns = [];
  for (const other of LAYERS.flat()) {
    if (other === folder) continue;
    const lower = folder === null || layerOf(other) < layerOf(folder);
    if (lower) {
      patterns.push({
        regex: `^${up}${escape(other)}/(?!index\\.js$)`,
        message: `a side door: other folders see ${other} only through its index.ts ('${folder === null ? './' : '../'.repeat(depth)}${other}/index.js'); export what you need there.`,
      });
    } else {
      patterns.push({
        regex: `^${up}${escape(other)}(/|$)`,
        message: `${folder} (layer ${layerOf(folder) + 1}) may not import ${other} (layer ${layerOf(other) + 1}): a folder imports only from lower layers (docs/design.md, "Layers").`,
      });
    }
  }
  if (folder !== null) {
    patterns.push({ regex: `^(\\./|${escape('../'.repeat(depth - 1))})index\\.js$`, message: `inside ${folder}, import the file itself: its own index.ts would make an import cycle.` });
    patterns.push({ regex: `^${up}[^/]+\\.js$`, message: 'the files at the root of src/ wire the application; no folder imports them.' });
    patterns.push({ regex: `^${up}\\.\\.(/|$)`, message: 'code in src/ imports nothing outside src/.' });
    if (folder !== 'job-store') patterns.push({ regex: `^${up}generated/`, message: 'only the job store touches Prisma (src/generated): use its index.ts.' });
  }
  return patterns;
}

const layerRules = [
  { files: ['src/*.ts'], ignores: TESTS, rules: { 'no-restricted-imports': ['error', { patterns: restrictedImports(null, 0) }] } },
  ...LAYERS.flat().flatMap((folder) =>
    Array.from({ length: MAX_DEPTH }, (_, index) => ({
      files: [`src/${folder}/${'*/'.repeat(index)}*.ts`],
      ignores: TESTS,
      rules: { 'no-restricted-imports': ['error', { patterns: restrictedImports(folder, index + 1) }] },
    })),
  ),
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'src/generated', '.services', 'coverage'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...layerRules,
  {
    // The admin console's browser modules, served as they are (no build step): plain JavaScript.
    files: ['src/admin/public/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'history', 'fetch', 'URLSearchParams', 'sessionStorage', 'setInterval', 'CSS', 'console'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
