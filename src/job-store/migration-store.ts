import type { ClusterMigration, Job, MigrationState, NewFullJob } from './job.js';

export interface NewMigration {
  readonly alias: string;
  readonly fromClusterUuid: string;
  readonly toClusterUuid: string;
  /** Its build on the next cluster; created with the migration, in the same transaction. */
  readonly job: NewFullJob & { readonly clusterUuid: string };
}

/** What a move sets besides the state: the reason it ended, the reads share (and so its `since`, when the share changes). */
export interface MigrationPatch {
  readonly lastError?: string | null;
  readonly readsNextPercent?: number;
}

/** What an ABORTING or RETIRING migration's step records without moving it. */
export interface MigrationProgress {
  readonly resyncedAt?: Date;
  readonly waitingFor?: string | null;
}

/** Why a migration could not be created: one is active for the alias, or a FULL job is (the message names which). */
export class MigrationConflictError extends Error {
  override readonly name = 'MigrationConflictError';
}

/** Persistence of cluster migrations, beside the jobs that build them. */
export abstract class MigrationStore {
  /** The migration and its build job, atomically; MigrationConflictError when the alias has an active migration or FULL job. */
  abstract create(migration: NewMigration): Promise<{ migration: ClusterMigration; job: Job }>;
  /** The alias's migration that has not ended (BUILDING, MIRRORING, CUT_OVER, ABORTING, RETIRING); null when none. */
  abstract findActive(alias: string): Promise<ClusterMigration | null>;
  /** The alias's last migration, ended or not. */
  abstract findLatest(alias: string): Promise<ClusterMigration | null>;
  abstract listActive(): Promise<ClusterMigration[]>;
  /**
   * Moves the migration from `from` to `to` if it is still in `from` (and, with a reads share, still
   * at the share it was read with); null when it was not (someone moved it first). The reads share's
   * `since` moves only when the share changes: readers already told keep counting from then.
   */
  abstract move(id: number, from: MigrationState, to: MigrationState, patch?: MigrationPatch): Promise<ClusterMigration | null>;
  /** Records a step's progress while the migration is still in `state`; null when it no longer is. */
  abstract recordProgress(id: number, state: MigrationState, progress: MigrationProgress): Promise<ClusterMigration | null>;
  /** Sets the share of reads for the next cluster while the migration MIRRORS; null when it no longer does. */
  abstract setReadsNextPercent(id: number, percent: number): Promise<ClusterMigration | null>;
  /** Points a BUILDING migration at another build job (a newer definition's) in place of `fromJobId`; null when it moved on. */
  abstract replaceBuild(id: number, fromJobId: number, toJobId: number): Promise<ClusterMigration | null>;
}
