import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../common/index.js';
import { compileDefinition, documentColumns, QUERY_PLACEHOLDERS, type DefinitionFile, type DocumentFields, type LoadedTransform, type RowTransform, type WrittenQueries } from './definition-file.js';
import type { IndexDefinition } from './index-definition.js';
import { IndicesException, IndicesExceptionCode } from './indices.exception.js';
import { mappingCoverage } from './mapping-coverage.js';

/** The JSON Schema every definition file is checked against; editors can use it too. */
export const DEFINITION_SCHEMA_FILE = join(projectRoot(), 'definitions', 'index-definition.schema.json');

/** The demo's definitions, used when INDEX_DEFINITIONS_DIR is not set. */
export const DEMO_DEFINITIONS_DIR = join(projectRoot(), 'definitions', 'demo');

const DEFINITION_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** A definition as loaded, with where it came from (for messages) and what its rows must carry. */
export interface LoadedDefinition {
  readonly file: string;
  readonly definition: IndexDefinition;
  /** The columns the document reads; null when a transform module builds it. */
  readonly columns: readonly string[] | null;
  /** The field of the file each query comes from, for messages: `source.queries.byIds`, or `source.select`. */
  readonly queryFields: Readonly<Record<keyof WrittenQueries, string>>;
}

/**
 * Loads every definition file of a folder and checks it without touching any database:
 * YAML/JSON syntax, the JSON Schema, placeholders of written queries, document fields against the
 * mappings, one file per alias, the transform module. Every problem found is reported at once,
 * each naming the file and the field, in one IndicesException (INVALID_DEFINITIONS).
 */
export async function loadDefinitions(dir: string): Promise<LoadedDefinition[]> {
  const folder = resolve(dir);
  const problems: string[] = [];
  const loaded: LoadedDefinition[] = [];
  for (const path of await definitionFiles(folder)) {
    const result = await loadFile(path);
    if ('problems' in result) problems.push(...result.problems.map((problem) => `${basename(path)}: ${problem}`));
    else loaded.push(result);
  }
  const byAlias = new Map<string, string>();
  for (const { file, definition } of loaded) {
    const earlier = byAlias.get(definition.name);
    if (earlier) problems.push(`${basename(file)}: alias "${definition.name}" is already defined by ${basename(earlier)}; one file per alias`);
    else byAlias.set(definition.name, file);
  }
  if (problems.length > 0) throw invalid(folder, problems);
  return loaded;
}

export function invalid(folder: string, problems: readonly string[]): IndicesException {
  return new IndicesException(
    IndicesExceptionCode.INVALID_DEFINITIONS,
    `index definitions in ${folder} are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
  );
}

async function definitionFiles(folder: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw invalid(folder, [`cannot read the folder: ${(error as Error).message}`]);
  }
  // `<alias>.queries.yaml` beside a definition is its relevance query set (src/relevance), not a definition.
  const files = entries.filter((entry) => entry.isFile() && DEFINITION_EXTENSIONS.has(extname(entry.name)) && !entry.name.endsWith('.schema.json') && !/\.queries\.[a-z]+$/.test(entry.name));
  if (files.length === 0) throw invalid(folder, ['no definition file (*.yaml, *.yml, *.json) in it']);
  return files.map((entry) => join(folder, entry.name)).sort();
}

async function loadFile(path: string): Promise<LoadedDefinition | { problems: string[] }> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    return { problems: [`not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`] };
  }
  const validate = await schemaValidator();
  if (!validate(parsed)) return { problems: schemaProblems(validate.errors ?? []) };
  const file = parsed as DefinitionFile;
  const problems = [...placeholderProblems(file), ...documentProblems(file)];
  let transform: LoadedTransform | undefined;
  if (file.transform !== undefined) {
    const outcome = await loadTransform(join(path, '..', file.transform));
    if (typeof outcome === 'string') problems.push(`transform: ${outcome}`);
    else transform = outcome;
  }
  if (problems.length > 0) return { problems };
  return {
    file: path,
    definition: compileDefinition(file, transform),
    columns: file.document ? documentColumns(file.document) : null,
    queryFields: queryFields(file.source),
  };
}

function queryFields(source: DefinitionFile['source']): Record<keyof WrittenQueries, string> {
  const names = Object.keys(QUERY_PLACEHOLDERS) as (keyof WrittenQueries)[];
  if ('queries' in source) return Object.fromEntries(names.map((name) => [name, `source.queries.${source.queries[name] === undefined ? 'byCursor' : name}`])) as Record<keyof WrittenQueries, string>;
  return { byCursor: 'source.select', byIds: 'source.select', count: 'source.select', changedSince: 'source.updatedAt', versions: 'source.select' };
}

let validator: ReturnType<Ajv['compile']> | undefined;

async function schemaValidator(): Promise<ReturnType<Ajv['compile']>> {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(await readFile(DEFINITION_SCHEMA_FILE, 'utf8')));
  return validator;
}

/** Ajv's errors as "field: what is wrong", without the noise its oneOf branches add. */
function schemaProblems(errors: readonly ErrorObject[]): string[] {
  const messages = errors
    .filter((error) => error.keyword !== 'if' && !(error.keyword === 'oneOf' && errors.some((other) => other !== error && other.instancePath === error.instancePath && other.keyword === 'required')))
    .map((error) => {
      const field = error.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
      switch (error.keyword) {
        case 'additionalProperties':
          return `${field}: unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`;
        case 'required':
          return `${field}: missing "${(error.params as { missingProperty: string }).missingProperty}"`;
        case 'oneOf':
          return `${field}: ${ONE_OF_HINTS[field] ?? error.message}`;
        case 'not':
          return `${field}: must not set _meta (the service keeps its own marker and hashes there)`;
        default:
          return `${field}: ${error.message}`;
      }
    });
  return [...new Set(messages)];
}

const ONE_OF_HINTS: Record<string, string> = {
  '(top level)': 'give either "document" (fields from columns) or "transform" (a module), not both',
  source: 'give either "select" (with "updatedAt") or "queries", not both',
};

function placeholderProblems(file: DefinitionFile): string[] {
  const problems: string[] = [];
  if ('queries' in file.source) {
    for (const [query, names] of Object.entries(QUERY_PLACEHOLDERS)) {
      const sql = file.source.queries[query as keyof typeof QUERY_PLACEHOLDERS];
      if (sql === undefined) continue;
      for (const name of names) if (!hasPlaceholder(sql, name)) problems.push(`source.queries.${query}: must use :${name}`);
    }
  } else if (/\blimit\s+\d/i.test(file.source.select.replace(/\([^()]*\)/g, ''))) {
    problems.push('source.select: must not LIMIT its rows (the service pages through them)');
  }
  for (const [entity, sql] of Object.entries(file.touches ?? {})) if (!hasPlaceholder(sql, 'id')) problems.push(`touches.${entity}: must use :id (the changed row's id)`);
  return problems;
}

function hasPlaceholder(sql: string, name: string): boolean {
  return new RegExp(`:${name}\\b`).test(sql);
}

function documentProblems(file: DefinitionFile): string[] {
  if (!file.document) return [];
  return coverageProblems(file.mappings, [file.document]);
}

/** Document fields against the mappings, in words: shared by the file check and the check of a transform's sample documents. */
export function coverageProblems(mappings: Readonly<Record<string, unknown>>, documents: readonly DocumentFields[] | readonly Record<string, unknown>[]): string[] {
  const { unfilled, unmapped } = mappingCoverage(mappings, documents);
  return [
    ...unfilled.map((field) => `mappings: "${field}" is mapped but the document never fills it`),
    ...unmapped.map((field) => `document: "${field}" is not in the mappings (add it there, or drop it from the document)`),
  ];
}

async function loadTransform(path: string): Promise<LoadedTransform | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return `cannot read ${basename(path)} (the module is looked up beside the definition file)`;
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    return `${basename(path)} does not load: ${(error as Error).message.split('\n')[0]}`;
  }
  if (typeof module.default !== 'function') return `${basename(path)} must export a function as its default export: (row) => document body`;
  return { transform: module.default as RowTransform, sha256: createHash('sha256').update(text).digest('hex') };
}
