/**
 * Every rule for the names of physical indices, in one place. Clients only ever use the alias;
 * behind it the service builds `<alias>_v<N>` (N a per-alias generation kept in MySQL, never used
 * twice), writes each through its write alias `<index>.writes`, and an adoption keeps the concrete
 * index it replaces as `<alias>_adopted_<job id>`.
 */

/** The physical index of an alias's generation `generation`. */
export function physicalIndexName(alias: string, generation: number): string {
  return `${alias}_v${generation}`;
}

/** The pattern matching every generation of an alias (and, by name only, others: never a delete's guide). */
export function physicalIndexPattern(alias: string): string {
  return `${alias}_v*`;
}

/** The generation of a physical index behind `alias`; null when the name is not `<alias>_v<N>`. */
export function versionOfIndex(alias: string, index: string): number | null {
  const match = new RegExp(`^${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_v(\\d+)$`).exec(index);
  return match ? Number(match[1]) : null;
}

/**
 * The alias every write to a physical index goes through. Created with the index and gone with
 * it, so a write that comes after a delete fails instead of auto-creating a dynamically mapped index.
 */
export function writeAliasOf(index: string): string {
  return `${index}.writes`;
}

/**
 * The bounded labels a bulk's metrics carry: the alias a write belongs to, and whether it went
 * to the index that alias serves or through the write alias of an index being built
 * (`<alias>_v<N>.writes`: the physical name, new with every rebuild, is left out).
 */
export function writeLabelsOf(name: string): { readonly index: string; readonly target: 'live' | 'build' } {
  const suffix = writeAliasOf('');
  if (!name.endsWith(suffix)) return { index: name, target: 'live' };
  return { index: name.slice(0, -suffix.length).replace(/_v\d+$/, ''), target: 'build' };
}

/** Where an adoption keeps the documents of the concrete index it replaces. */
export function adoptedCopyOf(alias: string, jobId: number): string {
  return `${alias}_adopted_${jobId}`;
}
