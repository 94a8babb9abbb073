import { createHash } from 'node:crypto';
import type { IndexDefinition } from './index-definition.js';

/** SHA-256 (hex) of the canonical JSON of what a rebuild depends on: mappings and settings. */
export function definitionHash(definition: Pick<IndexDefinition, 'mappings' | 'settings'>): string {
  const canonical = canonicalJson({ mappings: definition.mappings, settings: definition.settings });
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every depth; array order is kept because it is meaningful. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, child]) => [key, sortKeys(child)]));
  }
  return value;
}
