import type { Job } from '../job-store/job.js';
import { writeAliasOf } from '../opensearch/search-gateway.js';
import { PHASES_ON_TARGET } from './phases/phase.js';

/**
 * Aliases a write for `alias` must go through: the alias itself and, while a FULL job
 * builds a new index for it, that index's write alias too. PREPARE is left out on purpose: the
 * target may not exist yet (a write through its missing alias would fail); BACKFILL and
 * CATCH_UP re-read every row changed since the job started.
 */
export function writeTargets(alias: string, activeJob: Job | null): string[] {
  const building = activeJob?.targetIndex && activeJob.phase && PHASES_ON_TARGET.includes(activeJob.phase);
  return building && activeJob.targetIndex !== alias ? [alias, writeAliasOf(activeJob.targetIndex)] : [alias];
}
