import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEMO_DEFINITIONS_DIR, IndicesException, loadDefinitions } from './indices/index.js';
import { checkDefinitionsAgainstSource } from './job-store/index.js';
import { loadQuerySetFiles, RelevanceException } from './relevance/index.js';

// `npm run definitions -- check [DIR]` (in the image: `node dist/src/definitions-cli.js check DIR`):
// the checks start-up runs, without starting anything. Exit 0: valid; 1: invalid; 2: usage.
const USAGE = `usage: npm run definitions -- check [DIR]
  DIR: a folder of index definition files (default: INDEX_DEFINITIONS_DIR, else the demo's).
  Checked on their own, then against the source database when SOURCE_DATABASE_URL (or DATABASE_URL) is set and answers.`;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, dir, ...extra] = positionals;
if (command !== 'check' || extra.length > 0) {
  console.error(USAGE);
  process.exit(2);
}
const folder = resolve(dir ?? process.env.INDEX_DEFINITIONS_DIR ?? DEMO_DEFINITIONS_DIR);

try {
  const loaded = await loadDefinitions(folder);
  console.log(`${folder}: ${loaded.length} definition${loaded.length === 1 ? '' : 's'} valid on their own (${loaded.map(({ definition }) => definition.name).join(', ')})`);
  const querySets = await loadQuerySetFiles(folder, loaded.map(({ definition }) => definition.name));
  if (querySets.size > 0) console.log(`query sets valid for ${[...querySets.keys()].join(', ')}`);
  const sourceUrl = process.env.SOURCE_DATABASE_URL || process.env.DATABASE_URL;
  if (!sourceUrl) {
    console.log('not checked against a source database: set SOURCE_DATABASE_URL (or DATABASE_URL)');
    process.exit(0);
  }
  const check = await checkDefinitionsAgainstSource(sourceUrl, loaded);
  if (!check.reachable) {
    console.log(`not checked against the source database: ${check.reason}`);
  } else if (check.problems.length > 0) {
    console.error(`${folder}: invalid against the source database (${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}):\n  - ${check.problems.join('\n  - ')}`);
    process.exit(1);
  } else {
    console.log('every query runs on the source database and returns the columns the documents need');
  }
} catch (error) {
  if (!(error instanceof IndicesException) && !(error instanceof RelevanceException)) throw error;
  console.error(error.message);
  process.exit(1);
}
