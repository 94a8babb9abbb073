import { createHash } from 'node:crypto';
import type { IndexDefinition } from './index-definition.js';

/** The parts a rebuild depends on, each hashed on its own so that drift can say which changed. */
export const DEFINITION_PARTS = ['mappings', 'settings', 'source', 'document'] as const;
export type DefinitionPart = (typeof DEFINITION_PARTS)[number];
export type DefinitionPartHashes = Readonly<Record<DefinitionPart, string>>;

type Hashed = Pick<IndexDefinition, 'mappings' | 'settings' | 'shape'>;

/** SHA-256 (hex) of the canonical JSON of each part. */
export function definitionPartHashes(definition: Hashed): DefinitionPartHashes {
  const parts: Record<DefinitionPart, unknown> = {
    mappings: definition.mappings,
    settings: definition.settings,
    source: definition.shape.source,
    document: definition.shape.document,
  };
  return Object.fromEntries(DEFINITION_PARTS.map((part) => [part, sha256(canonicalJson(parts[part]))])) as Record<DefinitionPart, string>;
}

/** SHA-256 (hex) of everything a rebuild depends on: mappings, settings, the SQL that reads rows, how a row becomes a document. */
export function definitionHash(definition: Hashed): string {
  return sha256(canonicalJson(definitionPartHashes(definition)));
}

/** The parts whose hashes differ; every part when the other side has none (an index built before parts were recorded). */
export function changedParts(code: DefinitionPartHashes, live: Partial<Record<string, unknown>> | null): DefinitionPart[] {
  return DEFINITION_PARTS.filter((part) => live?.[part] !== code[part]);
}

/** JSON with object keys sorted at every depth; array order is kept because it is meaningful. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, child]) => [key, sortKeys(child)]));
  }
  return value;
}
