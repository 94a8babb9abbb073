import type { Logger } from '@nestjs/common';
import type { IndexDefinition } from '../../indices/index-definition.js';
import type { Job, JobPhase } from '../../job-store/job.js';

export interface PhaseContext {
  /** The job as persisted when this attempt started. */
  readonly job: Job;
  readonly definition: IndexDefinition;
  readonly owner: string;
  /** Aborted when the job is no longer this replica's to run (lease lost, paused, cancelled, shutdown). */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** One step of a FULL job. Each is idempotent: a retry or a resumed job runs it again from persisted state. */
export abstract class Phase {
  abstract readonly name: JobPhase;
  /** Does the phase's work; returns the reason recorded with the transition to the next phase. */
  abstract run(context: PhaseContext): Promise<string>;
}

/** Physical index names behind an alias: `<alias>_v<N>`. */
export function versionOfIndex(alias: string, index: string): number | null {
  const match = new RegExp(`^${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_v(\\d+)$`).exec(index);
  return match ? Number(match[1]) : null;
}
