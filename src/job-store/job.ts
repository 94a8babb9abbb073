import type { JobKind, JobPhase, JobStatus, JobTrigger } from '../generated/prisma/enums.js';

export type { JobKind, JobPhase, JobStatus, JobTrigger };

/** A reindex job as the engine sees it; the store maps it to and from MySQL. */
export interface Job {
  readonly id: number;
  readonly alias: string;
  readonly kind: JobKind;
  readonly trigger: JobTrigger;
  readonly status: JobStatus;
  readonly phase: JobPhase | null;
  readonly definitionHash: string;
  readonly sourceIndex: string | null;
  readonly targetIndex: string | null;
  readonly recordIds: readonly number[] | null;
  readonly cursor: number;
  readonly docsProcessed: number;
  readonly docsTotal: number | null;
  /** Backfill pace set by an operator (0 = unlimited); null follows REINDEX_PACE. */
  readonly maxDocsPerSecond: number | null;
  /** The adaptive pace of its backfill as last decided; null unless REINDEX_PACE=auto paced it. */
  readonly pace: JobPace | null;
  /** The relevance gate's last judgement (the relevance folder's GateRecord); null until it compared. */
  readonly relevance: Readonly<Record<string, unknown>> | null;
  /** A VERIFY or SYNC job's report once it completed; null before, and for every other kind. */
  readonly result: Readonly<Record<string, unknown>> | null;
  /** The cluster the job builds on (a migration's build on the next cluster); null = the current cluster. */
  readonly clusterUuid: string | null;
  /** Adopts a concrete index named like the alias: its swap keeps a copy of it, then replaces it with the alias. */
  readonly adoption: boolean;
  readonly retries: number;
  readonly lastError: string | null;
  readonly leaseOwner: string | null;
  readonly leaseToken: string | null;
  readonly leaseExpiresAt: Date | null;
  readonly heartbeatAt: Date | null;
  readonly phaseStartedAt: Date | null;
  readonly pausedAt: Date | null;
  readonly failingSince: Date | null;
  readonly pausedBy: string | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type PaceState =
  /** Probing searches before the job writes, for the baseline p99. */
  | 'measuring'
  /** No index serves the alias yet: no search to protect. */
  | 'no-live-index'
  /** Nobody searches the live index: unpaced (or at the ceiling). */
  | 'quiet'
  | 'increasing'
  | 'holding'
  | 'decreasing'
  /** Over the budget even at the floor: the job holds the floor and says so. */
  | 'budget-unreachable';

/** What the adaptive pacing of a backfill decided last, and why. */
export interface JobPace {
  /** Documents per second; 0 = unlimited. */
  readonly docsPerSecond: number;
  readonly state: PaceState;
  readonly reason: string;
  /** REINDEX_SEARCH_LATENCY_BUDGET: search p99 allowed, as a ratio to the baseline. */
  readonly budget: number;
  /** Estimated search p99 on the live index now and just before the job, in ms; null until measured. */
  readonly searchP99Ms: number | null;
  readonly baselineP99Ms: number | null;
  /** When it was decided (ISO 8601). */
  readonly at: string;
}

export interface JobTransitionRecord {
  readonly id: number;
  readonly fromStatus: JobStatus | null;
  readonly toStatus: JobStatus;
  readonly fromPhase: JobPhase | null;
  readonly toPhase: JobPhase | null;
  readonly reason: string;
  readonly instanceId: string;
  /** The API token whose request made it (its name); null when the service did. */
  readonly actor: string | null;
  readonly createdAt: Date;
}

export interface NewFullJob {
  readonly alias: string;
  readonly trigger: JobTrigger;
  readonly definitionHash: string;
  /** The physical index (or legacy concrete index) serving the alias when the job was created. */
  readonly sourceIndex: string | null;
  /** Builds on this cluster rather than the current one (a migration's build). */
  readonly clusterUuid?: string;
  /** A rebuild on the next cluster while the alias mirrors there (mirrorRebuildKey): it holds that key, not the alias's. */
  readonly mirrorRebuild?: boolean;
  /** What made it needed, for its first transition (a deploy: which parts of the definition changed). */
  readonly why?: string;
  /** Adopts the concrete index named like the alias (POST /indices/:alias/adopt, REINDEX_ADOPT_EXISTING). */
  readonly adoption?: boolean;
}

/**
 * The key a rebuild on the next cluster holds while the alias mirrors there, beside the alias's own
 * rebuild on the cluster it lives on (which holds the alias): one active FULL job per alias and cluster.
 */
export function mirrorRebuildKey(alias: string, clusterUuid: string): string {
  return `${alias}@${clusterUuid}`;
}

export interface NewPartialJob {
  readonly alias: string;
  readonly trigger: JobTrigger;
  readonly definitionHash: string;
  readonly recordIds: readonly number[];
}

/** The jobs that compare (VERIFY) or compare and repair (SYNC) the index behind an alias with the source. */
export type CheckKind = Extract<JobKind, 'VERIFY' | 'SYNC'>;

export interface NewCheckJob {
  readonly alias: string;
  readonly kind: CheckKind;
  readonly trigger: JobTrigger;
  readonly definitionHash: string;
  /** The cluster the alias lived on when asked; null = the configured current one. */
  readonly clusterUuid: string | null;
}

/** Fields a transition may set besides status and phase. */
export interface JobPatch {
  readonly targetIndex?: string;
  readonly sourceIndex?: string | null;
  readonly cursor?: number;
  readonly docsProcessed?: number;
  readonly docsTotal?: number;
  readonly retries?: number;
  readonly lastError?: string | null;
  readonly pausedBy?: string | null;
  readonly failingSince?: Date | null;
  readonly relevance?: Readonly<Record<string, unknown>> | null;
}

export interface Transition {
  readonly from: Pick<Job, 'status' | 'phase'>;
  readonly to: Pick<Job, 'status' | 'phase'>;
  readonly reason: string;
  readonly patch?: JobPatch;
}

export interface Schedule {
  readonly alias: string;
  readonly enabled: boolean;
  readonly intervalMinutes: number;
  readonly mode: 'FULL' | 'SYNC';
  readonly nextRunAt: Date;
  readonly lastRunAt: Date | null;
}

/**
 * Which journal entries: the job whose journal holds them, the definition whose replicas replay them,
 * and the target the writes were meant for. Replays read, and trims delete, one target's entries.
 */
export interface JournalTarget {
  readonly jobId: number;
  readonly definitionHash: string;
  /** The target's cluster by UUID; null = the configured current cluster (as Job.clusterUuid). */
  readonly clusterUuid: string | null;
  /** The alias or write alias the writes were meant for. */
  readonly target: string;
}

export interface JournalEntry {
  readonly id: bigint;
  readonly documentId: string;
}

export type MigrationState = 'BUILDING' | 'MIRRORING' | 'CUT_OVER' | 'ABORTING' | 'RETIRING' | 'RETIRED' | 'FAILED' | 'ABORTED';

/** States of a migration that has not ended: one at most per alias. */
export const ACTIVE_MIGRATION_STATES: readonly MigrationState[] = ['BUILDING', 'MIRRORING', 'CUT_OVER', 'ABORTING', 'RETIRING'];

/**
 * Moving an alias's search to another cluster: its build there, then every change written to both
 * (MIRRORING), then to the next cluster alone (CUT_OVER) until the old index is deleted (RETIRING,
 * then RETIRED). An abort goes back to the old cluster (ABORTING, then ABORTED). ABORTING and
 * RETIRING are driven by the migrations' tick, step by idempotent step, on any replica.
 */
export interface ClusterMigration {
  readonly id: number;
  readonly alias: string;
  readonly fromClusterUuid: string;
  readonly toClusterUuid: string;
  readonly state: MigrationState;
  /** The FULL job that builds the alias on the next cluster. */
  readonly jobId: number;
  readonly lastError: string | null;
  /** Share of reads (0-100) applications send to the next cluster, and since when. */
  readonly readsNextPercent: number;
  readonly readsSince: Date | null;
  readonly cutOverAt: Date | null;
  /** An abort after the cutover: when the old cluster's index was re-synced from MySQL (owed until then). */
  readonly resyncedAt: Date | null;
  /** What an ABORTING or RETIRING migration waits for now (readers, a re-sync, the journal, a cluster); null when nothing. */
  readonly waitingFor: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly endedAt: Date | null;
}

export function isActiveMigration(migration: ClusterMigration): boolean {
  return ACTIVE_MIGRATION_STATES.includes(migration.state);
}

/**
 * The cluster an alias lives on: the next one from its migration's CUT_OVER on (RETIRING, RETIRED),
 * the one it came from otherwise (an abort, ABORTING included, goes back to it at once).
 */
export function homeClusterOf(migration: ClusterMigration): string {
  return migration.state === 'CUT_OVER' || migration.state === 'RETIRING' || migration.state === 'RETIRED' ? migration.toClusterUuid : migration.fromClusterUuid;
}

/** An abort after the cutover owes the old cluster a re-sync from MySQL until it is done. */
export function owesResync(migration: ClusterMigration): boolean {
  return migration.cutOverAt !== null && migration.resyncedAt === null;
}

export interface Rollback {
  readonly alias: string;
  readonly fromIndex: string;
  readonly toIndex: string;
  /** The code's definition when the alias was rolled back: not rebuilt by drift or a schedule while the rollback holds. */
  readonly heldDefinitionHash: string;
  readonly instanceId: string;
  readonly rolledBackAt: Date;
}
