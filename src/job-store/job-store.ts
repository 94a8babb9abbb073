import type { Job, JobPace, JobTransitionRecord, JournalEntry, JournalTarget, NewCheckJob, NewFullJob, NewPartialJob, Rollback, Schedule, Transition } from './job.js';

/**
 * Persistence of reindex jobs, their transitions, the global run slots, the
 * per-index schedules and the change journal. Every method that changes a running
 * job is fenced by the lease token of the claim it runs under (`leaseToken`, new at
 * every claim): an attempt that lost the job (paused and resumed, cancelled, taken
 * over, even on the same replica) can no longer write over the attempt that has it.
 */
export abstract class JobStore {
  /** Creates a FULL job unless one is already active for the alias; returns the active one either way. */
  abstract createFullJob(job: NewFullJob): Promise<{ job: Job; created: boolean }>;
  abstract createPartialJob(job: NewPartialJob): Promise<Job>;
  /** Creates a VERIFY or SYNC job unless one of the same kind is already active for the alias on that cluster; returns the active one either way. */
  abstract createCheckJob(job: NewCheckJob): Promise<{ job: Job; created: boolean }>;
  abstract findJob(id: number): Promise<Job | null>;
  abstract findActiveFullJob(alias: string): Promise<Job | null>;
  /** The FULL job rebuilding the alias on the next cluster while it mirrors there (mirrorRebuildKey); null when none. */
  abstract findMirrorRebuild(alias: string, clusterUuid: string): Promise<Job | null>;
  /** The clusters (by UUID, null = the configured current one) on which a FULL job of this definition of the alias was ever created. */
  abstract fullJobClusters(alias: string, definitionHash: string): Promise<(string | null)[]>;
  /** Newest first; `before`: only jobs older than that id (the cursor of the previous page). */
  abstract listJobs(filter: JobListFilter): Promise<Job[]>;
  abstract listTransitions(jobId: number): Promise<JobTransitionRecord[]>;

  /**
   * Makes sure the first `slots` run slots exist, then, in one MySQL transaction,
   * either takes over a job whose lease expired or starts the next PENDING job
   * (resumed ones first) in a free slot. Null when no slot is free or nothing waits.
   */
  abstract claimNextJob(claim: ClaimRequest, lifecycle: ClaimLifecycle): Promise<Job | null>;
  /** Extends the lease; false when the claim is no longer the job's (taken over, paused, cancelled). */
  abstract renewLease(jobId: number, leaseToken: string, leaseMs: number): Promise<boolean>;
  /**
   * Writes a state change and its transition row atomically, if the job is still in `from`
   * (and, with a lease token, still under that claim). Retried on a deadlock.
   */
  abstract transition(jobId: number, transition: Transition, instanceId: string, leaseToken?: string): Promise<Job>;
  /** Persists backfill progress under the claim's lease. */
  abstract saveProgress(jobId: number, leaseToken: string, progress: { cursor: number; docsProcessed: number; docsTotal?: number }): Promise<void>;
  /**
   * Sets the backfill pace of a FULL job that has not ended, and records it as a job event (the
   * status and phase it had, unchanged). An operator's write, so not fenced by a lease: it touches
   * no column an attempt writes. Null when there is no such job still active. A null pace hands
   * the job back to the service's pace (REINDEX_PACE).
   */
  abstract setMaxDocsPerSecond(jobId: number, maxDocsPerSecond: number | null, instanceId: string): Promise<Job | null>;
  /** Persists the adaptive pace its backfill decided, under the claim's lease. */
  abstract savePace(jobId: number, leaseToken: string, pace: JobPace): Promise<void>;
  /** Persists a VERIFY or SYNC job's report, under the claim's lease. */
  abstract saveResult(jobId: number, leaseToken: string, result: object): Promise<void>;
  /** Persists the relevance gate's judgement of the candidate, under the claim's lease. */
  abstract saveRelevance(jobId: number, leaseToken: string, relevance: Readonly<Record<string, unknown>>): Promise<void>;
  /** The pace an operator set for the job, read while it backfills; null when none (or no such job). */
  abstract readMaxDocsPerSecond(jobId: number): Promise<number | null>;
  /** Persists the target index name before PREPARE creates it, so a crash cannot leave an unnamed index. */
  abstract saveTargetIndex(jobId: number, leaseToken: string, targetIndex: string): Promise<void>;
  /** Counts a failed attempt; throws ConcurrentTransitionError when the claim is no longer the job's. */
  abstract recordFailedAttempt(jobId: number, leaseToken: string, error: string): Promise<void>;
  abstract listJobsByStatus(status: Job['status']): Promise<Job[]>;
  /** FAILED or CANCELLED jobs finished since `since` whose target may still need removing. */
  abstract listEndedWithTarget(since: Date): Promise<Job[]>;
  /** The oldest job of the alias that writes documents (FULL or PARTIAL) and has not ended; null when none. */
  abstract findActiveJob(alias: string): Promise<Job | null>;
  /** The index that served the alias before `index` was swapped in: the source of the completed FULL job whose target it is. */
  abstract findReplacedBy(alias: string, index: string): Promise<string | null>;
  /** Records (replaces) the alias's last rollback. */
  abstract saveRollback(rollback: Omit<Rollback, 'rolledBackAt'>): Promise<Rollback>;
  abstract findRollback(alias: string): Promise<Rollback | null>;
  /** Target indices of FULL jobs that have not ended: no one may delete them. */
  abstract listActiveTargets(): Promise<string[]>;
  abstract countJobsByStatus(): Promise<Partial<Record<Job['status'], number>>>;

  /** Records documents a dual-write failed to reach, for the job's CATCH_UP to re-sync. */
  /** `definition`: the definition's name, for people reading the table. */
  abstract appendJournal(target: JournalTarget, definition: string, entries: readonly { documentId: string; reason: string }[]): Promise<void>;
  /** The target's entries above `afterId`, by id. */
  abstract readJournal(target: JournalTarget, afterId: bigint, limit: number): Promise<JournalEntry[]>;
  /**
   * Deletes exactly these entries, once replayed for good; never a range of ids: an id is taken
   * before its entry commits, so one below an id already read may still appear.
   */
  abstract trimJournal(ids: readonly bigint[]): Promise<void>;
  /** How many entries the job's journal holds for the target, whatever their definition, and the age of the oldest (null when empty). */
  abstract journalBacklog(target: Omit<JournalTarget, 'definitionHash'>): Promise<{ entries: number; oldestAgeSeconds: number | null }>;

  /**
   * The next physical index generation of the alias, persisted: above every generation named
   * before and above `atLeast` (the highest `<alias>_v<N>` that exists), so a name is never reused.
   */
  abstract nextGeneration(alias: string, atLeast: number): Promise<number>;

  /** Records that a running replica has these definitions (first seen kept, last seen now). */
  abstract announceDefinitions(definitions: readonly { alias: string; definitionHash: string }[]): Promise<void>;
  /** Definitions some replica announced within the window, oldest first seen first. */
  abstract listDeployedDefinitions(seenWithinMs: number): Promise<DeployedDefinition[]>;

  abstract getSchedule(alias: string): Promise<Schedule | null>;
  abstract putSchedule(schedule: Omit<Schedule, 'lastRunAt' | 'nextRunAt'>): Promise<Schedule>;
  /** Moves a due schedule to its next run; true for exactly one caller per due run. */
  abstract claimDueSchedule(alias: string, dueAt: Date, now: Date): Promise<boolean>;
  abstract listDueSchedules(now: Date): Promise<Schedule[]>;
}

export interface JobListFilter {
  readonly alias?: string;
  readonly status?: Job['status'];
  readonly kind?: Job['kind'];
  readonly before?: number;
  readonly limit: number;
}

export interface ClaimRequest {
  readonly instanceId: string;
  readonly slots: number;
  readonly leaseMs: number;
  /** Only jobs built from one of these definition hashes: the ones this replica's code has. */
  readonly definitionHashes: readonly string[];
  /** Besides jobs on the current cluster (no cluster UUID), only jobs building on one of these clusters: the ones this replica reaches. */
  readonly clusterUuids: readonly string[];
}

export interface DeployedDefinition {
  readonly alias: string;
  readonly definitionHash: string;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
}

/** The state changes a claim makes, computed by the engine's state machine. */
export interface ClaimLifecycle {
  leaseExpired(job: Job): Transition;
  started(job: Job): Transition;
}

export class ConcurrentTransitionError extends Error {}
