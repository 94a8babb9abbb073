import { JobPhase } from '../generated/prisma/enums.js';
import { isBetweenPrepareAndSwap, MAY_SWAP, PHASES_ON_TARGET } from './write-window.js';

describe('write window', () => {
  it.each([null, ...Object.values(JobPhase)])('isBetweenPrepareAndSwap for %s', (phase) => {
    expect(isBetweenPrepareAndSwap(phase)).toBe(['PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY'].includes(phase ?? ''));
  });

  it('writes through the target from BACKFILL to the end of ALIAS_SWAP, and re-reads the alias from VERIFY on', () => {
    expect(PHASES_ON_TARGET).toEqual(['BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP']);
    expect(MAY_SWAP).toEqual(['VERIFY', 'ALIAS_SWAP', 'CLEANUP']);
  });
});
