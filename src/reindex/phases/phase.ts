import type { Logger } from '@nestjs/common';
import type { IndexDefinition } from '../../indices/index.js';
import type { Job, JobPhase } from '../../job-store/index.js';
import type { SearchGateway } from '../../opensearch/index.js';

export interface PhaseContext {
  /** The job as persisted when this attempt started. */
  readonly job: Job;
  readonly definition: IndexDefinition;
  /** The cluster the job builds on: the current one, or the next one for a migration's build. */
  readonly gateway: SearchGateway;
  /** The claim this attempt runs under: every write of job state is fenced by it. */
  readonly leaseToken: string;
  /** Aborted when the job is no longer this attempt's to run (lease lost, paused, cancelled, shutdown). */
  readonly signal: AbortSignal;
  /** Renews the lease, and throws unless this attempt still holds the job: called right before an irreversible act. */
  readonly fence: () => Promise<void>;
  readonly logger: Logger;
}

/** One step of a FULL job. Each is idempotent: a retry or a resumed job runs it again from persisted state. */
export abstract class Phase {
  /** The phase of a FULL job this class runs: the executor finds it by this name (phaseRegistry). */
  abstract readonly name: JobPhase;
  /** Does the phase's work; returns the reason recorded with the transition to the next phase. */
  abstract run(context: PhaseContext): Promise<string>;
}
