import { versionOfIndex } from '../../indices/index.js';
import { MANAGED_BY, type IndexOwnership } from '../../opensearch/index.js';
import { servingAliases } from './index-roles.js';

/**
 * Why the index must be kept, or null when the service may delete it: only an index whose
 * `_meta` says this service created it for this alias, named `<alias>_v<N>`, that no alias
 * serves (its own write alias aside) and that no job that has not ended builds. Pure: the
 * one rule behind every delete (IndexLifecycle.deleteOwned).
 */
export function keepReason(alias: string, index: string, ownership: IndexOwnership, building: readonly string[]): string | null {
  if (ownership.managedBy !== MANAGED_BY) return 'not created by this service (no reindexer _meta)';
  if (ownership.alias !== alias) return `created for ${ownership.alias ?? 'no alias'}, not ${alias}`;
  if (versionOfIndex(alias, index) === null) return `not named ${alias}_v<N>`;
  const serving = servingAliases({ index, aliases: ownership.aliases });
  if (serving.length > 0) return `an alias serves it (${serving.join(', ')})`;
  if (building.includes(index)) return 'a job that has not ended builds it';
  return null;
}
