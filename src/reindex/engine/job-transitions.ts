import type { Job, JobPatch, Transition } from '../../job-store/index.js';
import { transition, type JobEvent } from '../state-machine/job-state-machine.js';

/** The persisted form of a state-machine event: from, to, why, and the fields that change with it. */
export function transitionFor(job: Job, event: JobEvent, reason: string, patch?: JobPatch): Transition {
  const next = transition(job, event);
  return { from: { status: job.status, phase: job.phase }, to: { status: next.status, phase: next.phase }, reason, patch };
}
