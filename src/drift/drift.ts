import type { IndexMeta } from '../opensearch/search-gateway.js';

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
function normaliseMappings(mappings: Record<string, unknown>): Record<string, unknown> {
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
