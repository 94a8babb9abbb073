import type { JobPhase } from '../../job-store/index.js';
import { FULL_PHASES } from '../state-machine/job-state-machine.js';
import type { Phase } from './phase.js';

/**
 * The handler of each phase of a FULL job, by the name it declares. Refuses, at start-up, a phase
 * of the state machine that has no handler or two: a job would otherwise reach it and stop there.
 */
export function phaseRegistry(phases: readonly Phase[]): Readonly<Record<JobPhase, Phase>> {
  const byName = new Map<JobPhase, Phase>();
  for (const phase of phases) {
    const twin = byName.get(phase.name);
    if (twin) throw new Error(`two handlers for phase ${phase.name}: ${twin.constructor.name} and ${phase.constructor.name}`);
    byName.set(phase.name, phase);
  }
  const missing = FULL_PHASES.filter((name) => !byName.has(name));
  if (missing.length > 0) throw new Error(`no handler for phase ${missing.join(', ')}`);
  return Object.fromEntries(byName) as Record<JobPhase, Phase>;
}
