import type { JobEvent, JobState } from './job-state-machine.js';

export enum IllegalTransitionCode {
  /** The event does not apply to the job's status (e.g. RESUME on a RUNNING job, anything on an ended job). */
  WRONG_STATUS = 'WRONG_STATUS',
  /** The FULL job has reached the alias swap, which must finish: no cancel, no operator pause, no fail once swapped. */
  ALIAS_SWAP_REACHED = 'ALIAS_SWAP_REACHED',
  /** The state itself is impossible (a PARTIAL job with a phase, a RUNNING FULL job without one). */
  MALFORMED_STATE = 'MALFORMED_STATE',
  /** Ending without the cleanup is for a job whose alias swapped, and only for it. */
  NOT_SWAPPED = 'NOT_SWAPPED',
}

export class IllegalTransitionException extends Error {
  override readonly name = 'IllegalTransitionException';

  constructor(
    readonly code: IllegalTransitionCode,
    readonly state: JobState,
    readonly event: JobEvent,
    why: string,
  ) {
    const where = state.phase === null ? '' : ` in ${state.phase}`;
    super(`Cannot apply ${event.type} to a ${state.kind} job ${state.status}${where}: ${why}`);
  }
}
