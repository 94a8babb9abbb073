import { JobKind, JobPhase, JobStatus } from '../../generated/prisma/enums.js';
import { IllegalTransitionCode, IllegalTransitionException } from './illegal-transition.exception.js';
import {
  FULL_PHASES,
  canTransition,
  hasSwapped,
  isTerminal,
  nextPhase,
  transition,
  type JobEvent,
  type JobState,
} from './job-state-machine.js';

const start: JobEvent = { type: 'START' };
const phaseCompleted: JobEvent = { type: 'PHASE_COMPLETED' };
const operatorPause: JobEvent = { type: 'PAUSE', by: 'operator', reason: 'paused from the admin page' };
const retriesExhausted: JobEvent = { type: 'PAUSE', by: 'retries-exhausted', reason: 'OpenSearch unreachable' };
const resume: JobEvent = { type: 'RESUME' };
const leaseExpired: JobEvent = { type: 'LEASE_EXPIRED' };
const fail: JobEvent = { type: 'FAIL', reason: 'paused for over 30 minutes' };
const cancel: JobEvent = { type: 'CANCEL', reason: 'superseded by a newer definition' };
const endWithoutCleanup: JobEvent = { type: 'END_WITHOUT_CLEANUP', reason: 'the old index refuses deletion' };
const EVENTS = [start, phaseCompleted, operatorPause, retriesExhausted, resume, leaseExpired, fail, cancel, endWithoutCleanup];

type Refused = { refused: IllegalTransitionCode };
const refused = (code: IllegalTransitionCode): Refused => ({ refused: code });
const { WRONG_STATUS, ALIAS_SWAP_REACHED, MALFORMED_STATE, NOT_SWAPPED } = IllegalTransitionCode;

// The expected outcome of every combination, written from DESIGN.md and the job lifecycle,
// deliberately not from the implementation's table.
const PHASE_AFTER: Record<JobPhase, JobPhase | 'DONE'> = {
  PREPARE: 'BACKFILL',
  BACKFILL: 'CATCH_UP',
  CATCH_UP: 'VERIFY',
  VERIFY: 'ALIAS_SWAP',
  ALIAS_SWAP: 'CLEANUP',
  CLEANUP: 'DONE',
};
const AT_OR_AFTER_SWAP: readonly (JobPhase | null)[] = ['ALIAS_SWAP', 'CLEANUP'];

function expected(state: JobState, event: JobEvent): JobState | Refused {
  const { kind, status, phase } = state;
  if (kind !== 'FULL' && phase !== null) return refused(MALFORMED_STATE);
  if (kind === 'FULL' && status === 'RUNNING' && phase === null) return refused(MALFORMED_STATE);
  const to = (s: JobStatus, p: JobPhase | null = phase): JobState => ({ kind, status: s, phase: p });

  switch (event.type) {
    case 'START':
      if (status !== 'PENDING') return refused(WRONG_STATUS);
      return kind === 'FULL' ? to('RUNNING', phase ?? 'PREPARE') : to('RUNNING', null);
    case 'PHASE_COMPLETED': {
      if (status !== 'RUNNING') return refused(WRONG_STATUS);
      if (phase === null) return to('COMPLETED', null);
      const after = PHASE_AFTER[phase];
      return after === 'DONE' ? to('COMPLETED', 'CLEANUP') : to('RUNNING', after);
    }
    case 'PAUSE':
      if (status !== 'PENDING' && status !== 'RUNNING') return refused(WRONG_STATUS);
      if (event.by === 'operator' && AT_OR_AFTER_SWAP.includes(phase)) return refused(ALIAS_SWAP_REACHED);
      return to('PAUSED');
    case 'RESUME':
      return status === 'PAUSED' ? to('PENDING') : refused(WRONG_STATUS);
    case 'LEASE_EXPIRED':
      return status === 'RUNNING' ? to('PENDING') : refused(WRONG_STATUS);
    case 'FAIL':
      if (status !== 'PENDING' && status !== 'RUNNING' && status !== 'PAUSED') return refused(WRONG_STATUS);
      return phase === 'CLEANUP' ? refused(ALIAS_SWAP_REACHED) : to('FAILED');
    case 'CANCEL':
      if (status !== 'PENDING' && status !== 'RUNNING' && status !== 'PAUSED') return refused(WRONG_STATUS);
      return AT_OR_AFTER_SWAP.includes(phase) ? refused(ALIAS_SWAP_REACHED) : to('CANCELLED');
    case 'END_WITHOUT_CLEANUP':
      if (status !== 'RUNNING' && status !== 'PAUSED') return refused(WRONG_STATUS);
      return phase === 'CLEANUP' ? to('COMPLETED') : refused(NOT_SWAPPED);
  }
}

const label = (s: JobState): string => `${s.kind} ${s.status}/${s.phase ?? '-'}`;
const eventLabel = (e: JobEvent): string => (e.type === 'PAUSE' ? `PAUSE(${e.by})` : e.type);

function refusalOf(state: JobState, event: JobEvent): IllegalTransitionException {
  try {
    transition(state, event);
  } catch (error) {
    if (error instanceof IllegalTransitionException) return error;
    throw error;
  }
  throw new Error(`${eventLabel(event)} on ${label(state)} was accepted`);
}

describe('job state machine', () => {
  describe('every kind × status × phase × event', () => {
    const cases = Object.values(JobKind).flatMap((kind) =>
      Object.values(JobStatus).flatMap((status) =>
        [null, ...Object.values(JobPhase)].flatMap((phase) =>
          EVENTS.map((event) => {
            const state: JobState = Object.freeze({ kind, status, phase });
            const outcome = expected(state, event);
            const result = 'refused' in outcome ? `refused ${outcome.refused}` : label(outcome);
            return { name: `${label(state)} + ${eventLabel(event)} → ${result}`, state, event, outcome };
          }),
        ),
      ),
    );

    it('covers 4 kinds × 6 statuses × 7 phases × 9 events', () => {
      expect(cases).toHaveLength(4 * 6 * 7 * 9);
    });

    it.each(cases)('$name', ({ state, event, outcome }) => {
      if ('refused' in outcome) {
        expect(canTransition(state, event)).toBe(false);
        const error = refusalOf(state, event);
        expect(error.code).toBe(outcome.refused);
        expect(error.state).toBe(state);
        expect(error.event).toBe(event);
        expect(error.message).toContain(event.type);
        expect(error.message).toContain(state.status);
      } else {
        expect(canTransition(state, event)).toBe(true);
        expect(transition(state, event)).toEqual(outcome);
      }
    });
  });

  describe('behaviour', () => {
    const full = (status: JobStatus, phase: JobPhase | null): JobState => ({ kind: 'FULL', status, phase });
    const partial = (status: JobStatus): JobState => ({ kind: 'PARTIAL', status, phase: null });

    it('walks a FULL job through every phase and completes it in CLEANUP', () => {
      let state = transition(full('PENDING', null), start);
      const seen = [state.phase];
      while (state.status === 'RUNNING') {
        state = transition(state, phaseCompleted);
        seen.push(state.phase);
      }
      expect(seen).toEqual([...FULL_PHASES, 'CLEANUP']);
      expect(state).toEqual(full('COMPLETED', 'CLEANUP'));
    });

    it('completes a PARTIAL job in one step without phases', () => {
      const running = transition(partial('PENDING'), start);
      expect(running).toEqual(partial('RUNNING'));
      expect(transition(running, phaseCompleted)).toEqual(partial('COMPLETED'));
    });

    it('runs a VERIFY and a SYNC job in one step without phases, which a cancel ends at any point', () => {
      for (const kind of ['VERIFY', 'SYNC'] as const) {
        const running = transition({ kind, status: 'PENDING', phase: null }, start);
        expect(running).toEqual({ kind, status: 'RUNNING', phase: null });
        expect(transition(running, phaseCompleted)).toEqual({ kind, status: 'COMPLETED', phase: null });
        expect(transition(running, cancel)).toEqual({ kind, status: 'CANCELLED', phase: null });
      }
    });

    it('resumes a paused FULL job from its persisted phase', () => {
      const paused = transition(full('RUNNING', 'BACKFILL'), retriesExhausted);
      expect(paused).toEqual(full('PAUSED', 'BACKFILL'));
      const pending = transition(paused, resume);
      expect(pending).toEqual(full('PENDING', 'BACKFILL'));
      expect(transition(pending, start)).toEqual(full('RUNNING', 'BACKFILL'));
    });

    it('hands a job whose lease expired to the next runner in the same phase', () => {
      const pending = transition(full('RUNNING', 'ALIAS_SWAP'), leaseExpired);
      expect(pending).toEqual(full('PENDING', 'ALIAS_SWAP'));
      expect(transition(pending, start)).toEqual(full('RUNNING', 'ALIAS_SWAP'));
    });

    it('refuses to cancel after the alias swap', () => {
      for (const status of ['PENDING', 'RUNNING', 'PAUSED'] as const) {
        expect(refusalOf(full(status, 'CLEANUP'), cancel).code).toBe(ALIAS_SWAP_REACHED);
      }
    });

    it('refuses to cancel once the alias swap has started', () => {
      expect(refusalOf(full('RUNNING', 'ALIAS_SWAP'), cancel).code).toBe(ALIAS_SWAP_REACHED);
    });

    it('cancels a FULL job superseded by a newer definition before its swap', () => {
      expect(transition(full('RUNNING', 'VERIFY'), cancel)).toEqual(full('CANCELLED', 'VERIFY'));
    });

    it('refuses an operator pause during the swap and cleanup', () => {
      expect(refusalOf(full('RUNNING', 'ALIAS_SWAP'), operatorPause).code).toBe(ALIAS_SWAP_REACHED);
      expect(refusalOf(full('RUNNING', 'CLEANUP'), operatorPause).code).toBe(ALIAS_SWAP_REACHED);
    });

    it('pauses a cleanup whose retries are exhausted', () => {
      expect(transition(full('RUNNING', 'CLEANUP'), retriesExhausted)).toEqual(full('PAUSED', 'CLEANUP'));
    });

    it('refuses to fail a job whose alias has swapped, so its clean-up never touches the live index', () => {
      expect(refusalOf(full('PAUSED', 'CLEANUP'), fail).code).toBe(ALIAS_SWAP_REACHED);
    });

    it('fails a job whose verify refuses the swap', () => {
      expect(transition(full('RUNNING', 'VERIFY'), fail)).toEqual(full('FAILED', 'VERIFY'));
    });

    it('fails a job paused for too long during the swap, before the alias moved', () => {
      expect(transition(full('PAUSED', 'ALIAS_SWAP'), fail)).toEqual(full('FAILED', 'ALIAS_SWAP'));
    });

    it('accepts no event once a job has ended', () => {
      for (const status of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) {
        for (const event of EVENTS) {
          const error = refusalOf(full(status, 'CLEANUP'), event);
          expect(error.code).toBe(WRONG_STATUS);
          expect(error.message).toContain('the job has ended');
        }
      }
    });

    it('names the state and the event in the refusal', () => {
      expect(refusalOf(full('RUNNING', 'CLEANUP'), cancel).message).toBe(
        'Cannot apply CANCEL to a FULL job RUNNING in CLEANUP: the alias swap has been reached and must finish',
      );
    });

    it('refuses a PARTIAL, VERIFY or SYNC job that carries a phase', () => {
      for (const kind of ['PARTIAL', 'VERIFY', 'SYNC'] as const) {
        const malformed: JobState = { kind, status: 'PENDING', phase: 'BACKFILL' };
        expect(refusalOf(malformed, start).code).toBe(MALFORMED_STATE);
      }
    });

    it('returns a new state with only the machine fields and leaves the job row untouched', () => {
      const row = { id: 7, alias: 'events', kind: 'FULL', status: 'RUNNING', phase: 'BACKFILL', cursor: 42 } as const;
      const next = transition(row, phaseCompleted);
      expect(next).toStrictEqual(full('RUNNING', 'CATCH_UP'));
      expect(row).toEqual({ id: 7, alias: 'events', kind: 'FULL', status: 'RUNNING', phase: 'BACKFILL', cursor: 42 });
    });
  });

  describe('helpers', () => {
    it('orders the FULL phases as DESIGN.md lists them', () => {
      expect(FULL_PHASES).toEqual(['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP']);
    });

    it.each(Object.values(JobPhase))('nextPhase(%s) follows the phase order', (phase) => {
      const after = PHASE_AFTER[phase];
      expect(nextPhase(phase)).toBe(after === 'DONE' ? null : after);
    });

    it.each([null, ...Object.values(JobPhase)])('hasSwapped for %s', (phase) => {
      expect(hasSwapped(phase)).toBe(phase === 'CLEANUP');
    });

    it.each(Object.values(JobStatus))('isTerminal for %s', (status) => {
      expect(isTerminal(status)).toBe(['COMPLETED', 'FAILED', 'CANCELLED'].includes(status));
    });
  });
});
