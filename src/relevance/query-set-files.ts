import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { querySetProblems, type QuerySet } from './query-set.js';
import { RelevanceErrorCode, RelevanceException } from './relevance.exception.js';

/** `<definition name>.queries.yaml` (or .yml, .json) beside the definition files; the definition loader skips them. */
const QUERY_SET_FILE = /^(.+)\.queries\.(ya?ml|json)$/;

/**
 * Every query set file of the definitions folder, checked as a PUT body is (querySetProblems), by
 * definition name. Every problem found stops start-up at once, each naming its file: a broken set
 * is found at deploy, not at the first comparison.
 */
export async function loadQuerySetFiles(dir: string, definitionNames: readonly string[]): Promise<Map<string, QuerySet>> {
  const names = new Set(definitionNames);
  const sets = new Map<string, QuerySet>();
  const problems: string[] = [];
  for (const file of await querySetFileNames(dir)) {
    const name = QUERY_SET_FILE.exec(file)![1];
    if (!names.has(name)) {
      problems.push(`${file}: no index definition is named "${name}" (a query set is named after its definition's alias field)`);
      continue;
    }
    if (sets.has(name)) {
      problems.push(`${file}: "${name}" already has a query set file; one per definition`);
      continue;
    }
    const outcome = await parseFile(join(dir, file));
    if (Array.isArray(outcome)) problems.push(...outcome.map((problem) => `${file}: ${problem}`));
    else sets.set(name, outcome);
  }
  if (problems.length > 0) {
    throw new RelevanceException(RelevanceErrorCode.INVALID_QUERY_SET, `query sets in ${dir} are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
  return sets;
}

async function querySetFileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && QUERY_SET_FILE.test(entry.name)).map((entry) => entry.name).sort();
  } catch {
    // The definitions came from elsewhere (tests pass them in): no folder, no files.
    return [];
  }
}

async function parseFile(path: string): Promise<QuerySet | string[]> {
  let parsed: unknown;
  try {
    const text = await readFile(path, 'utf8');
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    return [`not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`];
  }
  const problems = querySetProblems(parsed);
  return problems.length > 0 ? problems : (parsed as QuerySet);
}
