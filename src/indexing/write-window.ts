import type { JobPhase } from '../job-store/index.js';

/**
 * When a FULL job's target takes writes, as the write path sees the job's phase (the job state
 * machine says how a job moves between them; these say what a write does meanwhile).
 */

/** Phases that write to or swap in the target: live changes reach it through its write alias, and each attempt first checks it is still the job's own index. */
export const PHASES_ON_TARGET: readonly JobPhase[] = ['BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP'];

/** Phases from which a job may move the alias while a write is under way. */
export const MAY_SWAP: readonly (JobPhase | null)[] = ['VERIFY', 'ALIAS_SWAP', 'CLEANUP'];

/** The window in which live updates must also be written to the job's target index. */
export function isBetweenPrepareAndSwap(phase: JobPhase | null): boolean {
  return phase === 'PREPARE' || phase === 'BACKFILL' || phase === 'CATCH_UP' || phase === 'VERIFY';
}
