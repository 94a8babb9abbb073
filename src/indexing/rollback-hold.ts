import type { Rollback } from '../job-store/index.js';

/**
 * A rollback holds while the alias still serves the index it went back to and the code still has
 * the definition it went back from: then that index is the one to serve (and write) for this code,
 * and that definition is not rebuilt by a deploy check or a schedule.
 */
export function rollbackHolds(rollback: Rollback | null, servedIndex: string | undefined, definitionHash: string): boolean {
  return rollback !== null && rollback.toIndex === servedIndex && rollback.heldDefinitionHash === definitionHash;
}
