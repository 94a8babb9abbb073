import { writeAliasOf } from '../indices/index.js';
import type { Job } from '../job-store/index.js';
import { PHASES_ON_TARGET } from './write-window.js';

/**
 * Aliases a write for `alias` must go through on the cluster it lives on: the alias itself and,
 * while a FULL job builds a new index for it there (AliasRoute.buildingHere), that index's write
 * alias too. PREPARE is left out on purpose: the target may not exist yet (a write through its
 * missing alias would fail); BACKFILL and CATCH_UP re-read every row changed since the job started.
 * A job that builds on another cluster (a migration's) is written by the migration's mirroring.
 */
export function writeTargets(alias: string, buildingHere: Job | null): string[] {
  const building = buildTarget(buildingHere);
  return building && building !== writeAliasOf(alias) ? [alias, building] : [alias];
}

/** The write alias of the index the job builds, while it is between PREPARE and the end of ALIAS_SWAP; null otherwise. */
export function buildTarget(job: Job | null): string | null {
  return job?.targetIndex && job.phase && PHASES_ON_TARGET.includes(job.phase) ? writeAliasOf(job.targetIndex) : null;
}
