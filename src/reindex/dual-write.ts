import type { Job } from '../job-store/job.js';

/**
 * Indices a write for `alias` must reach: the alias itself and, while a FULL job
 * builds a new index for it, that index too. PREPARE is left out on purpose: the
 * target may not exist yet and a bulk write would auto-create it with dynamic
 * mappings; BACKFILL and CATCH_UP re-read every row changed since the job started.
 */
export function writeTargets(alias: string, activeJob: Job | null): string[] {
  const building = activeJob?.targetIndex && activeJob.phase && ['BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP'].includes(activeJob.phase);
  return building && activeJob.targetIndex !== alias ? [alias, activeJob.targetIndex] : [alias];
}
