import { afterFailedStep, onRecoveryCheck } from './failure-policy.js';

const limits = { maxRetries: 3, pauseTimeoutMs: 30 * 60_000 };
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 2, 0, minutes));
const transient = { message: 'connect ECONNREFUSED', permanent: false };

describe('failure policy', () => {
  it('pauses a first failed step and starts its run of failures now', () => {
    expect(afterFailedStep({ failingSince: null, phase: 'BACKFILL' as const }, transient, at(0), limits)).toEqual({ action: 'pause', reason: 'paused after 3 retries: connect ECONNREFUSED', failingSince: at(0) });
  });

  it('keeps the first pause of a run as its start, whatever resumes came between', () => {
    expect(afterFailedStep({ failingSince: at(0), phase: 'BACKFILL' as const }, transient, at(20), limits)).toMatchObject({ action: 'pause', failingSince: at(0) });
  });

  it('fails a step that keeps failing once its run is older than the pause timeout', () => {
    const decision = afterFailedStep({ failingSince: at(0), phase: 'BACKFILL' as const }, transient, at(31), limits);
    expect(decision).toEqual({ action: 'fail', reason: 'failing for 1860 s, longer than REINDEX_PAUSE_TIMEOUT_MS; last error: connect ECONNREFUSED' });
  });

  it('fails a permanent error at once', () => {
    expect(afterFailedStep({ failingSince: null, phase: 'BACKFILL' as const }, { message: 'refusing to swap', permanent: true }, at(0), limits)).toEqual({ action: 'fail', reason: 'refusing to swap' });
  });

  it('resumes a retry-paused job when the services answer, and waits while they do not', () => {
    const job = { pausedBy: 'retries-exhausted', pausedAt: at(10), failingSince: at(0), lastError: 'x', phase: 'BACKFILL' as const };
    expect(onRecoveryCheck(job, at(11), true, limits)).toEqual({ action: 'resume' });
    expect(onRecoveryCheck(job, at(11), false, limits)).toEqual({ action: 'wait' });
  });

  it('fails a paused job from the first pause of its run, not from its latest pause', () => {
    // Paused again a minute ago after 29 resumes: the run began 31 minutes ago.
    const job = { pausedBy: 'retries-exhausted', pausedAt: at(30), failingSince: at(0), lastError: 'bulk rejected', phase: 'VERIFY' as const };
    expect(onRecoveryCheck(job, at(31), true, limits)).toEqual({ action: 'fail', reason: 'failing for 1860 s, longer than REINDEX_PAUSE_TIMEOUT_MS; last error: bulk rejected' });
  });

  it('counts from the pause for a job paused before runs were recorded', () => {
    const job = { pausedBy: 'retries-exhausted', pausedAt: at(0), failingSince: null, lastError: null, phase: null };
    expect(onRecoveryCheck(job, at(31), false, limits)).toMatchObject({ action: 'fail' });
  });

  it('leaves an operator pause to the operator', () => {
    const job = { pausedBy: 'operator', pausedAt: at(0), failingSince: null, lastError: null, phase: 'CLEANUP' as const };
    expect(onRecoveryCheck(job, at(600), true, limits)).toEqual({ action: 'wait' });
  });

  it('ends a swapped job whose cleanup keeps failing past the timeout instead of failing it (its index is live)', () => {
    const reason = 'the new index serves; cleanup given up (the indices it could not delete are left for the next cleanup of the alias): ';
    expect(afterFailedStep({ failingSince: at(0), phase: 'CLEANUP' }, transient, at(31), limits)).toEqual({
      action: 'end-without-cleanup',
      reason: `${reason}failing for 1860 s, longer than REINDEX_PAUSE_TIMEOUT_MS; last error: connect ECONNREFUSED`,
    });
    const paused = { pausedBy: 'retries-exhausted', pausedAt: at(30), failingSince: at(0), lastError: 'index refuses deletion', phase: 'CLEANUP' as const };
    expect(onRecoveryCheck(paused, at(31), false, limits)).toMatchObject({ action: 'end-without-cleanup' });
    expect(afterFailedStep({ failingSince: null, phase: 'CLEANUP' }, { message: 'forbidden', permanent: true }, at(0), limits)).toEqual({ action: 'end-without-cleanup', reason: `${reason}forbidden` });
  });
});
