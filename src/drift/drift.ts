import type { IndexMeta } from '../opensearch/index.js';

/** `rolled-back`: drifted, but an operator rolled the alias back from the code's definition, which waits for a deploy that changes it. */
export type DriftStatus = 'missing' | 'legacy' | 'in-sync' | 'drifted' | 'rolled-back';

/**
 * Compares the code's definition with what serves the alias. An index with our
 * `_meta` hash is a hash compare; one created outside the service is compared
 * structurally after removing what OpenSearch adds by itself.
 */
export function compareDefinition(codeHash: string, codeMappings: Record<string, unknown>, live: IndexMeta): 'in-sync' | 'drifted' {
  if (live.definitionHash !== null) return live.definitionHash === codeHash ? 'in-sync' : 'drifted';
  return canonical(normaliseMappings(live.mappings)) === canonical(normaliseMappings(codeMappings)) ? 'in-sync' : 'drifted';
}

/** Without `_meta`, and with `dynamic` as OpenSearch reports it (a string, "true" when unset). */
export function normaliseMappings(mappings: Record<string, unknown>): Record<string, unknown> {
  const rest = Object.fromEntries(Object.entries(mappings).filter(([key]) => key !== '_meta'));
  return { ...rest, dynamic: typeof rest.dynamic === 'boolean' || typeof rest.dynamic === 'string' ? String(rest.dynamic) : 'true' };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What start-up (the deploy check) does for an alias, and the plan shows. */
export type PlanAction =
  /** Nothing serves the alias: build it. */
  | 'create'
  /** The live index carries the code's definition. */
  | 'nothing'
  /** The live index was built from another definition: rebuild it. */
  | 'rebuild'
  /** A concrete index not created by the service holds the alias's name: it stays serving until an operator adopts it. */
  | 'adopt-required'
  /** The same, with REINDEX_ADOPT_EXISTING=true: adopt it (build, keep a copy, swap). */
  | 'adopt'
  /** Something holds the alias back: an operator's rollback, a newer deploy, a job already tried. */
  | 'wait';

/** What the decision needs to know of an alias; gathered by DriftDetector. */
export interface DriftFacts {
  readonly status: DriftStatus;
  /** This replica's definition is the one deployed last (only those replicas act). */
  readonly newestDeploy: boolean;
  readonly adoptExisting: boolean;
  /** After the deploy's own check: a FULL job for this definition was already created (it ran or an operator cancelled it). */
  readonly alreadyTried: boolean;
}

export interface DriftDecision {
  readonly action: PlanAction;
  readonly reason: string;
  /** What a `wait` waits for. */
  readonly heldBy?: 'newer-deploy' | 'rollback' | 'already-tried';
}

/**
 * The one decision behind the deploy check and the plan (pure): given what drift found and what
 * holds the alias, what start-up does and why. Only `create`, `rebuild` and `adopt` enqueue a job.
 */
export function decide(facts: DriftFacts): DriftDecision {
  if (!facts.newestDeploy) return { action: 'wait', heldBy: 'newer-deploy', reason: 'a newer deploy of this definition runs elsewhere: its replicas decide' };
  switch (facts.status) {
    case 'in-sync':
      return { action: 'nothing', reason: "the live index carries the code's definition" };
    case 'rolled-back':
      return { action: 'wait', heldBy: 'rollback', reason: "an operator rolled the alias back from the code's definition: rebuilt only by a deploy that changes it, or manually" };
    case 'legacy':
      if (!facts.adoptExisting) {
        return { action: 'adopt-required', reason: 'a concrete index the service did not create holds the name: it stays serving, untouched, until POST /indices/<alias>/adopt (or REINDEX_ADOPT_EXISTING=true)' };
      }
      break;
    case 'missing':
    case 'drifted':
      break;
  }
  if (facts.alreadyTried) return { action: 'wait', heldBy: 'already-tried', reason: 'a job for this definition was already created (it ran, failed or was cancelled): waits for the next deploy or an operator' };
  if (facts.status === 'legacy') return { action: 'adopt', reason: 'a concrete index the service did not create holds the name; REINDEX_ADOPT_EXISTING=true: build the alias, keep a copy of the old index, then swap' };
  return facts.status === 'missing'
    ? { action: 'create', reason: 'nothing serves the alias: build it and create the alias' }
    : { action: 'rebuild', reason: 'the live index was built from another definition: rebuild and swap' };
}

/** One difference between the code's definition and the live index. */
export interface DefinitionChange {
  /** Dotted: `properties.title.type` for mappings, `index.number_of_shards` for settings. */
  readonly path: string;
  /** added: in the code, not live; removed: live, not in the code; changed: both, different. */
  readonly change: 'added' | 'removed' | 'changed';
  readonly code?: unknown;
  readonly live?: unknown;
}

export interface DefinitionDiff {
  readonly mappings: readonly DefinitionChange[];
  readonly settings: readonly DefinitionChange[];
}

/** Settings the engine sets on every index by itself: never a difference. */
const ENGINE_SETTINGS = [/^index\.uuid$/, /^index\.creation_date$/, /^index\.provided_name$/, /^index\.version\./, /^index\.routing\.allocation\.include\._tier_preference$/, /^index\.replication\.type$/, /^index\.resize\./];
/** Set on every index, to a default when the code leaves them out: a difference only when the code sets them. */
const DEFAULTED_SETTINGS = ['index.number_of_shards', 'index.number_of_replicas'];

/**
 * Field by field, the code's mappings and settings against the live index's (pure). Mappings are
 * compared as drift compares them (without `_meta`, `dynamic` as a string); settings flat, with
 * values as strings, the way the engine answers them, leaving out what the engine adds by itself.
 */
export function diffDefinition(code: { mappings: Record<string, unknown>; settings: Record<string, unknown> }, live: { mappings: Record<string, unknown>; settings: Record<string, unknown> }): DefinitionDiff {
  const codeSettings = flattenSettings(code.settings);
  const liveSettings = Object.fromEntries(
    Object.entries(flattenSettings(live.settings)).filter(([key]) => !ENGINE_SETTINGS.some((pattern) => pattern.test(key)) && (!DEFAULTED_SETTINGS.includes(key) || key in codeSettings)),
  );
  return { mappings: diffLeaves(leaves(normaliseMappings(code.mappings)), leaves(normaliseMappings(live.mappings))), settings: diffLeaves(codeSettings, liveSettings) };
}

/** `{ number_of_shards: 1, analysis: {…} }` or flat keys → `{ 'index.number_of_shards': '1', 'index.analysis.…': … }`, scalars as strings. */
export function flattenSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(leaves(settings))) {
    const key = path.startsWith('index.') ? path : `index.${path}`;
    flat[key] = Array.isArray(value) ? (value as unknown[]).map(asSettingText) : asSettingText(value);
  }
  return flat;
}

/** A scalar as the engine answers settings: text. */
function asSettingText(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : value;
}

/** Every leaf of a nested object by its dotted path; arrays are leaves. */
function leaves(value: Record<string, unknown>, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length > 0) leaves(child as Record<string, unknown>, path, into);
    else into[path] = child;
  }
  return into;
}

function diffLeaves(code: Record<string, unknown>, live: Record<string, unknown>): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  for (const path of [...new Set([...Object.keys(code), ...Object.keys(live)])].sort()) {
    if (!(path in live)) changes.push({ path, change: 'added', code: code[path] });
    else if (!(path in code)) changes.push({ path, change: 'removed', live: live[path] });
    else if (canonical(code[path]) !== canonical(live[path])) changes.push({ path, change: 'changed', code: code[path], live: live[path] });
  }
  return changes;
}
