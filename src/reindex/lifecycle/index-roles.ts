import { versionOfIndex, writeAliasOf } from '../../indices/index.js';
import type { ManagedIndex } from '../../opensearch/index.js';

/**
 * What an index of ours is for, on one cluster: `live` (an alias serves it where the alias lives),
 * `building` (a job that has not ended builds it), `retained` (kept for rollback, or while a
 * migration lasts), `next-cluster` (serves the alias on the cluster a migration moves it to),
 * `previous-cluster` (served it before a cutover, until the migration retires) and `orphan`
 * (nothing keeps it: an operator may delete it).
 */
export type IndexRole = 'live' | 'building' | 'retained' | 'next-cluster' | 'previous-cluster' | 'orphan';

/** Where an alias stands on one cluster, as MySQL says. */
export interface AliasOnCluster {
  /** The running code declares it. */
  readonly declared: boolean;
  /** `home`: it lives here; `next`: a migration builds or mirrors it here; `previous`: a migration cut over from here and has not ended. */
  readonly place: 'home' | 'next' | 'previous' | 'elsewhere';
  /** The index the live one replaced (where a rollback goes back to); null when none. */
  readonly replaced: string | null;
  /** The index an operator's rollback moved the alias away from; null when none. */
  readonly rolledBackFrom: string | null;
}

export interface RoleOfIndex {
  readonly role: IndexRole;
  readonly why: string;
}

/**
 * The indices CLEANUP keeps of those an alias left (REINDEX_RETAIN_PREVIOUS of them): the one the
 * live index replaced first, as a rollback goes back to it whatever its generation, then the newest.
 */
export function retention(alias: string, left: readonly string[], replaced: string | null, keep: number): { readonly kept: string[]; readonly beyond: string[] } {
  const ordered = [...left].sort((a, b) => Number(b === replaced) - Number(a === replaced) || (versionOfIndex(alias, b) ?? 0) - (versionOfIndex(alias, a) ?? 0));
  return { kept: ordered.slice(0, keep), beyond: ordered.slice(keep) };
}

/** Every alias that serves the index, its write alias aside. */
export function servingAliases(index: Pick<ManagedIndex, 'index' | 'aliases'>): string[] {
  return index.aliases.filter((name) => name !== writeAliasOf(index.index));
}

/** The role of each of the alias's indices on one cluster (`indices`: those whose `_meta` names the alias). */
export function rolesOf(alias: string, indices: readonly ManagedIndex[], building: ReadonlySet<string>, on: AliasOnCluster, keep: number): Map<string, RoleOfIndex> {
  const roles = new Map<string, RoleOfIndex>();
  const left: string[] = [];
  const live = indices.filter((index) => servingAliases(index).includes(alias)).map((index) => index.index);
  const liveVersion = Math.max(-1, ...live.map((index) => versionOfIndex(alias, index) ?? -1));
  for (const index of indices) {
    const serving = servingAliases(index);
    if (building.has(index.index)) roles.set(index.index, { role: 'building', why: 'a job that has not ended builds it' });
    else if (serving.length > 0) roles.set(index.index, servedRole(alias, serving, on));
    else if (versionOfIndex(alias, index.index) === null) roles.set(index.index, { role: 'retained', why: `not named ${alias}_v<N>: the service never deletes it` });
    else if (on.place === 'next' || on.place === 'previous') roles.set(index.index, { role: 'retained', why: `kept while ${alias}'s migration lasts: its retire or abort removes ${alias}'s indices here` });
    else if (on.place === 'elsewhere') roles.set(index.index, { role: 'orphan', why: `${alias} does not live on this cluster and no migration uses it` });
    else if (!on.declared) roles.set(index.index, { role: 'orphan', why: `the running code declares no ${alias}` });
    else if (index.index === on.rolledBackFrom) roles.set(index.index, { role: 'retained', why: `an operator rolled ${alias} back from it: kept until the next rebuild's cleanup` });
    else if (live.length === 0) roles.set(index.index, { role: 'orphan', why: `${alias} serves no index of the service's` });
    else if (versionOfIndex(alias, index.index)! > liveVersion) roles.set(index.index, { role: 'orphan', why: `newer than ${live.join(', ')} and built by no job: left by a job that ended without swapping` });
    else left.push(index.index);
  }
  const { kept, beyond } = retention(alias, left, on.replaced, Math.max(0, keep));
  for (const index of kept) {
    roles.set(index, { role: 'retained', why: index === on.replaced ? `served ${alias} before ${live.join(', ')}: a rollback goes back to it` : `kept for rollback (REINDEX_RETAIN_PREVIOUS=${keep})` });
  }
  for (const index of beyond) roles.set(index, { role: 'orphan', why: `beyond the ${keep} kept for rollback (REINDEX_RETAIN_PREVIOUS)` });
  return roles;
}

function servedRole(alias: string, serving: readonly string[], on: AliasOnCluster): RoleOfIndex {
  const named = serving.join(', ');
  if (!serving.includes(alias)) return { role: 'live', why: `${named} serves it` };
  if (on.place === 'next') return { role: 'next-cluster', why: `serves ${alias} on the cluster its migration moves it to` };
  if (on.place === 'previous') return { role: 'previous-cluster', why: `served ${alias} here before the cutover: the migration's retire deletes it` };
  return { role: 'live', why: `serves ${named}` };
}
