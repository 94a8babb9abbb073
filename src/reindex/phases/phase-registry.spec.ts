import type { JobPhase } from '../../job-store/index.js';
import { FULL_PHASES } from '../state-machine/job-state-machine.js';
import { Phase } from './phase.js';
import { phaseRegistry } from './phase-registry.js';

class NamedPhase extends Phase {
  constructor(readonly name: JobPhase) {
    super();
  }

  run(): Promise<string> {
    return Promise.resolve(this.name);
  }
}

describe('phaseRegistry', () => {
  it('finds each phase of a FULL job by its name', () => {
    const registry = phaseRegistry(FULL_PHASES.map((name) => new NamedPhase(name)));
    for (const name of FULL_PHASES) expect(registry[name].name).toBe(name);
  });

  it('refuses a phase of the state machine without a handler', () => {
    expect(() => phaseRegistry(FULL_PHASES.filter((name) => name !== 'VERIFY').map((name) => new NamedPhase(name)))).toThrow('no handler for phase VERIFY');
  });

  it('refuses two handlers of one phase', () => {
    expect(() => phaseRegistry([...FULL_PHASES.map((name) => new NamedPhase(name)), new NamedPhase('BACKFILL')])).toThrow('two handlers for phase BACKFILL');
  });
});
