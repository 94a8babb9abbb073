import type { JobKind, JobPhase, JobStatus } from '../../job-store/index.js';
import { IllegalTransitionCode, IllegalTransitionException } from './illegal-transition.exception.js';

// Type-only import: the schema's enums (through the job store) keep the machine in step with it at
// compile time, and nothing of Prisma is loaded at run time.

export interface JobState {
  readonly kind: JobKind;
  readonly status: JobStatus;
  readonly phase: JobPhase | null;
}

/** `relevance-gate`: the candidate's searches crossed a threshold, and it waits for an approval or a cancel. */
export type PauseCause = 'retries-exhausted' | 'operator' | 'relevance-gate';

export type JobEvent =
  | { readonly type: 'START' }
  | { readonly type: 'PHASE_COMPLETED' }
  | { readonly type: 'PAUSE'; readonly by: PauseCause; readonly reason: string }
  | { readonly type: 'RESUME' }
  | { readonly type: 'LEASE_EXPIRED' }
  | { readonly type: 'FAIL'; readonly reason: string }
  /** A swapped job whose cleanup keeps failing ends: the new index serves, what it could not delete stays. */
  | { readonly type: 'END_WITHOUT_CLEANUP'; readonly reason: string }
  | { readonly type: 'CANCEL'; readonly reason: string };

export type JobEventType = JobEvent['type'];

export const FULL_PHASES: readonly JobPhase[] = [
  'PREPARE',
  'BACKFILL',
  'CATCH_UP',
  'VERIFY',
  'ALIAS_SWAP',
  'CLEANUP',
];

// Which events each status accepts; phase rules come on top (see phaseRefusal).
const ALLOWED_EVENTS: Readonly<Record<JobStatus, readonly JobEventType[]>> = {
  PENDING: ['START', 'PAUSE', 'FAIL', 'CANCEL'],
  RUNNING: ['PHASE_COMPLETED', 'PAUSE', 'LEASE_EXPIRED', 'FAIL', 'END_WITHOUT_CLEANUP', 'CANCEL'],
  PAUSED: ['RESUME', 'FAIL', 'END_WITHOUT_CLEANUP', 'CANCEL'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

/** The step a job is at, as logs and metrics name it: its phase, PARTIAL, VERIFY_JOB or SYNC_JOB (a VERIFY job is not a FULL job's VERIFY phase). */
export function stepOf(job: JobState): string {
  if (job.phase !== null) return job.phase;
  return job.kind === 'FULL' || job.kind === 'PARTIAL' ? job.kind : `${job.kind}_JOB`;
}

export function isTerminal(status: JobStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

/** The phase after `phase`, or null after CLEANUP (the job then completes). */
export function nextPhase(phase: JobPhase): JobPhase | null {
  const index = FULL_PHASES.indexOf(phase);
  return index < FULL_PHASES.length - 1 ? FULL_PHASES[index + 1] : null;
}

/** CLEANUP is only entered once the swap is done: the target is the live index from then on. */
export function hasSwapped(phase: JobPhase | null): boolean {
  return phase === 'CLEANUP';
}

function hasReachedSwap(phase: JobPhase | null): boolean {
  return phase === 'ALIAS_SWAP' || hasSwapped(phase);
}

export function canTransition(state: JobState, event: JobEvent): boolean {
  return refusal(state, event) === null;
}

/** The state after `event`; throws IllegalTransitionException when the machine refuses it. */
export function transition(state: JobState, event: JobEvent): JobState {
  const refused = refusal(state, event);
  if (refused) {
    throw new IllegalTransitionException(refused.code, state, event, refused.why);
  }
  return apply(state, event);
}

interface Refusal {
  readonly code: IllegalTransitionCode;
  readonly why: string;
}

function refusal(state: JobState, event: JobEvent): Refusal | null {
  if (state.kind !== 'FULL' && state.phase !== null) {
    return { code: IllegalTransitionCode.MALFORMED_STATE, why: `a ${state.kind} job has no phases` };
  }
  if (state.kind === 'FULL' && state.status === 'RUNNING' && state.phase === null) {
    return { code: IllegalTransitionCode.MALFORMED_STATE, why: 'a RUNNING FULL job always has a phase' };
  }
  if (!ALLOWED_EVENTS[state.status].includes(event.type)) {
    const why = isTerminal(state.status) ? 'the job has ended' : `${state.status} does not accept ${event.type}`;
    return { code: IllegalTransitionCode.WRONG_STATUS, why };
  }
  return phaseRefusal(state.phase, event);
}

// The swap and cleanup are short and must finish; after the swap the target is live, so a job
// there is effectively successful and must never be failed (its clean-up would touch the live index).
function phaseRefusal(phase: JobPhase | null, event: JobEvent): Refusal | null {
  const code = IllegalTransitionCode.ALIAS_SWAP_REACHED;
  if (event.type === 'CANCEL' && hasReachedSwap(phase)) {
    return { code, why: 'the alias swap has been reached and must finish' };
  }
  if (event.type === 'PAUSE' && event.by === 'operator' && hasReachedSwap(phase)) {
    return { code, why: 'the alias swap and cleanup are short and must finish' };
  }
  if (event.type === 'FAIL' && hasSwapped(phase)) {
    return { code, why: 'the alias has swapped and the new index is live; a failing cleanup pauses, then ends without it' };
  }
  if (event.type === 'END_WITHOUT_CLEANUP' && !hasSwapped(phase)) {
    return { code: IllegalTransitionCode.NOT_SWAPPED, why: 'only a job whose alias swapped can end without its cleanup' };
  }
  return null;
}

// Copies only the machine's fields so a full job row can be passed in.
function apply(state: JobState, event: JobEvent): JobState {
  const { kind, phase } = state;
  switch (event.type) {
    case 'START':
      // A FULL job that already has a phase resumes it (after a pause or a lost lease).
      return { kind, status: 'RUNNING', phase: kind === 'FULL' ? (phase ?? 'PREPARE') : null };
    case 'PHASE_COMPLETED': {
      const next = phase === null ? null : nextPhase(phase);
      return next === null ? { kind, status: 'COMPLETED', phase } : { kind, status: 'RUNNING', phase: next };
    }
    case 'PAUSE':
      return { kind, status: 'PAUSED', phase };
    case 'RESUME':
    case 'LEASE_EXPIRED':
      return { kind, status: 'PENDING', phase };
    case 'FAIL':
      return { kind, status: 'FAILED', phase };
    case 'END_WITHOUT_CLEANUP':
      return { kind, status: 'COMPLETED', phase };
    case 'CANCEL':
      return { kind, status: 'CANCELLED', phase };
  }
}
