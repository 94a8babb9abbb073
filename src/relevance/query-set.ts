import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { QuerySetDto, type RelevanceQueryDto } from './query-set.dto.js';

/** A query set as checked and stored: what the file or the PUT body said. */
export type QuerySet = QuerySetDto;

/** One search to run, placeholders filled; `ratings` (id → grade) only for a judged query. */
export interface ExpandedQuery {
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly ratings?: Readonly<Record<string, number>>;
}

/** Expanded queries a set may make: each runs twice per side per repeat, and a set is run whole. */
export const MAX_EXPANDED_QUERIES = 200;
const MAX_RATINGS = 1000;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Everything wrong with a query set, as "field: problem" lines (empty when it is valid): the
 * DTO's class-validator rules, then what they cannot say: unique names, placeholders and params
 * that match, grades 0..3, the expanded size. `checkedByPipe`: the ValidationPipe already ran them.
 */
export function querySetProblems(input: unknown, checkedByPipe = false): string[] {
  if (!checkedByPipe) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return ['(top level): must be an object with "queries"'];
    const errors = validateSync(plainToInstance(QuerySetDto, input), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) return errors.flatMap((error) => messagesOf(error, ''));
  }
  const { queries } = input as QuerySet;
  const problems: string[] = [];
  const seen = new Set<string>();
  queries.forEach((query, i) => {
    if (seen.has(query.name)) problems.push(`queries.${i}.name: "${query.name}" is used twice; names tell queries apart`);
    seen.add(query.name);
    problems.push(...queryProblems(query).map((problem) => `queries.${i}.${problem}`));
  });
  const expanded = queries.reduce((sum, query) => sum + (query.params?.length ?? 1), 0);
  if (expanded > MAX_EXPANDED_QUERIES) problems.push(`queries: expand to ${expanded} searches, more than ${MAX_EXPANDED_QUERIES}`);
  return problems;
}

function queryProblems(query: RelevanceQueryDto): string[] {
  const problems: string[] = [];
  const placeholders = [...new Set(stringsOf(query.body).flatMap((text) => [...text.matchAll(PLACEHOLDER)].map((match) => match[1])))].sort();
  if (query.params === undefined && placeholders.length > 0) problems.push(`params: missing: the body uses {{${placeholders.join('}}, {{')}}}`);
  query.params?.forEach((entry, j) => {
    const keys = Object.keys(entry).sort();
    if (keys.join() !== placeholders.join()) problems.push(`params.${j}: must give exactly ${placeholders.length > 0 ? placeholders.join(', ') : 'nothing (the body has no {{placeholder}})'}, gives ${keys.join(', ') || 'nothing'}`);
    for (const key of keys) if (typeof entry[key] !== 'string') problems.push(`params.${j}.${key}: must be a string`);
  });
  if (query.ratings !== undefined) {
    if (query.params !== undefined) problems.push('ratings: not with params (each expanded search would need its own ratings: write one query per judged search)');
    const grades = Object.entries(query.ratings);
    if (grades.length > MAX_RATINGS) problems.push(`ratings: more than ${MAX_RATINGS}`);
    for (const [id, grade] of grades) if (!Number.isInteger(grade) || grade < 0 || grade > 3) problems.push(`ratings.${id}: must be a grade 0, 1, 2 or 3`);
  }
  return problems;
}

function messagesOf(error: ValidationError, prefix: string): string[] {
  const field = `${prefix}${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((message) => `${field}: ${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => messagesOf(child, `${field}.`))];
}

/** The searches a (valid) set runs: each templated query once per params entry. */
export function expandQuerySet(set: QuerySet): ExpandedQuery[] {
  return set.queries.flatMap((query) => {
    if (query.params === undefined) return [{ name: query.name, body: query.body, ...(query.ratings ? { ratings: query.ratings } : {}) }];
    return query.params.map((values) => ({
      name: `${query.name} [${Object.entries(values).map(([key, value]) => `${key}=${value}`).join(', ')}]`,
      body: fill(query.body, values) as Record<string, unknown>,
    }));
  });
}

/** The string values of a body, where placeholders may stand (never in keys). */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** Fills placeholders in every string of the body; the body's structure is never parsed from text. */
function fill(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (_match, name: string) => values[name]);
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, values)]));
  return value;
}
