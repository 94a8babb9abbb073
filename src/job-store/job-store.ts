import type { Job, JobTransitionRecord, JournalEntry, NewFullJob, NewPartialJob, Schedule, Transition } from './job.js';

/**
 * Persistence of reindex jobs, their transitions, the global run slots, the
 * per-index schedules and the change journal. Every method that changes a running
 * job is guarded by the caller's lease, so a replica that lost its lease cannot
 * write over the replica that took the job over.
 */
export abstract class JobStore {
  /** Creates a FULL job unless one is already active for the alias; returns the active one either way. */
  abstract createFullJob(job: NewFullJob): Promise<{ job: Job; created: boolean }>;
  abstract createPartialJob(job: NewPartialJob): Promise<Job>;
  abstract findJob(id: number): Promise<Job | null>;
  abstract findActiveFullJob(alias: string): Promise<Job | null>;
  abstract listActiveFullJobs(): Promise<Job[]>;
  abstract listJobs(filter: { alias?: string; status?: Job['status']; limit: number }): Promise<Job[]>;
  abstract listTransitions(jobId: number): Promise<JobTransitionRecord[]>;

  /**
   * Makes sure the first `slots` run slots exist, then, in one MySQL transaction,
   * either takes over a job whose lease expired or starts the next PENDING job
   * (resumed ones first) in a free slot. Null when no slot is free or nothing waits.
   */
  abstract claimNextJob(owner: string, slots: number, leaseMs: number, lifecycle: ClaimLifecycle): Promise<Job | null>;
  /** Extends the lease; false when the job is no longer this owner's (taken over, paused, cancelled). */
  abstract renewLease(jobId: number, owner: string, leaseMs: number): Promise<boolean>;
  /** Writes a state change and its transition row atomically, if the job is still in `from` (and still the owner's). */
  abstract transition(jobId: number, transition: Transition, instanceId: string, owner?: string): Promise<Job>;
  /** Persists backfill progress under the owner's lease. */
  abstract saveProgress(jobId: number, owner: string, progress: { cursor: number; docsProcessed: number; docsTotal?: number }): Promise<void>;
  /** Persists the target index name before PREPARE creates it, so a crash cannot leave an unnamed index. */
  abstract saveTargetIndex(jobId: number, owner: string, targetIndex: string): Promise<void>;
  abstract recordFailedAttempt(jobId: number, owner: string, error: string): Promise<void>;
  abstract listJobsByStatus(status: Job['status']): Promise<Job[]>;
  /** FAILED or CANCELLED jobs finished since `since` whose target may still need removing. */
  abstract listEndedWithTarget(since: Date): Promise<Job[]>;
  abstract releaseSlot(jobId: number): Promise<void>;
  abstract countJobsByStatus(): Promise<Partial<Record<Job['status'], number>>>;

  /** Records documents a dual-write failed to reach, for the job's CATCH_UP to re-sync. */
  abstract appendJournal(jobId: number, entries: readonly { definition: string; documentId: string; reason: string }[]): Promise<void>;
  abstract readJournal(jobId: number, afterId: bigint, limit: number): Promise<JournalEntry[]>;

  abstract getSchedule(alias: string): Promise<Schedule | null>;
  abstract putSchedule(schedule: Omit<Schedule, 'lastRunAt' | 'nextRunAt'>): Promise<Schedule>;
  /** Moves a due schedule to its next run; true for exactly one caller per due run. */
  abstract claimDueSchedule(alias: string, dueAt: Date, now: Date): Promise<boolean>;
  abstract listDueSchedules(now: Date): Promise<Schedule[]>;
}

/** The state changes a claim makes, computed by the engine's state machine. */
export interface ClaimLifecycle {
  leaseExpired(job: Job): Transition;
  started(job: Job): Transition;
}

export class ConcurrentTransitionError extends Error {}
