import { basename } from 'node:path';
import { createConnection, type Connection } from 'mariadb';
import { coverageProblems, REQUIRED_COLUMNS, type LoadedDefinition } from '../indices/index.js';
import { poolConfigFromUrl, redactDatabaseUrl } from './database-url.js';

/** Rows each definition's document (or transform) is tried on. */
const SAMPLE_ROWS = 20;

export type SourceCheck = { readonly reachable: false; readonly reason: string } | { readonly reachable: true; readonly problems: string[] };

/**
 * Runs every query of every definition on the source database, each on at most a few rows:
 * SQL errors, missing `id`/`version`/`indexable` or document columns, `count` and `id`
 * columns, and the document (or the transform) tried on sample rows against the mappings.
 * Reads only. `reachable: false` when the database does not answer (nothing was checked).
 */
export async function checkDefinitionsAgainstSource(sourceUrl: string, loaded: readonly LoadedDefinition[]): Promise<SourceCheck> {
  let connection: Connection;
  try {
    connection = await createConnection(poolConfigFromUrl(sourceUrl));
  } catch (error) {
    return { reachable: false, reason: `cannot connect to ${redactDatabaseUrl(sourceUrl)}: ${(error as Error).message}` };
  }
  try {
    const problems: string[] = [];
    for (const entry of loaded) problems.push(...(await checkOne(connection, entry)).map((problem) => `${basename(entry.file)}: ${problem}`));
    return { reachable: true, problems: [...new Set(problems)] };
  } finally {
    await connection.end();
  }
}

async function checkOne(db: Connection, { definition, columns, queryFields }: LoadedDefinition): Promise<string[]> {
  const problems: string[] = [];
  const { source } = definition;
  const rowColumns = [...REQUIRED_COLUMNS, ...(columns ?? [])];
  const sample = await run(db, source.byCursor, { afterId: 0, limit: SAMPLE_ROWS }, queryFields.byCursor, rowColumns, problems);
  const ids = sample?.rows.map((row) => Number(row.id)) ?? [];
  await run(db, source.byIds, { ids: ids.length > 0 ? ids : [0] }, queryFields.byIds, rowColumns, problems);
  await run(db, source.countIndexable, {}, queryFields.count, ['count'], problems);
  await run(db, source.changedSince, { since: new Date(), afterId: 0, limit: 1 }, queryFields.changedSince, ['id'], problems);
  await run(db, source.versions, { afterId: 0, limit: 1 }, queryFields.versions, ['id', 'version'], problems);
  for (const [entity, sql] of Object.entries(definition.touches)) await run(db, sql, { id: ids[0] ?? 0 }, `touches.${entity}`, ['id'], problems);
  if (!sample || problems.length > 0) return problems;
  const bodies: Record<string, unknown>[] = [];
  for (const row of sample.rows) {
    try {
      const document = definition.toDocument(row as never);
      if (document) bodies.push(document.body);
    } catch (error) {
      problems.push(`${columns ? 'document' : 'transform'}: failed on row id ${String(row.id)}: ${(error as Error).message}`);
      return problems;
    }
  }
  // A transform's documents are only known from rows; `document` fields were compared with the mappings already.
  if (!columns && bodies.length > 0) problems.push(...coverageProblems(definition.mappings, bodies).map((problem) => `${problem} (in ${bodies.length} sample rows)`));
  return problems;
}

interface QueryResult {
  readonly rows: Record<string, unknown>[];
}

async function run(
  db: Connection,
  sql: string,
  values: Record<string, unknown>,
  field: string,
  expected: readonly string[],
  problems: string[],
): Promise<QueryResult | null> {
  let rows: Record<string, unknown>[] & { meta?: { name(): string }[] };
  try {
    rows = await db.query({ sql, namedPlaceholders: true }, values);
  } catch (error) {
    problems.push(`${field}: SQL error: ${(error as { sqlMessage?: string }).sqlMessage ?? (error as Error).message}`);
    return null;
  }
  const returned = (rows.meta ?? []).map((column) => column.name());
  const missing = [...new Set(expected)].filter((column) => !returned.includes(column));
  if (missing.length > 0) problems.push(`${field}: does not return ${missing.map((column) => `"${column}"`).join(', ')} (it returns ${returned.join(', ') || 'nothing'})`);
  return { rows: [...rows] };
}
