import { CodedError } from '../common/index.js';

export enum ClusterMigrationErrorCode {
  /** OPENSEARCH_NEXT_NODE is not set on this replica. */
  NO_NEXT_CLUSTER = 'NO_NEXT_CLUSTER',
  /** The alias does not exist on one of the clusters yet. */
  ALIAS_NOT_ON_CLUSTER = 'ALIAS_NOT_ON_CLUSTER',
  /** The clusters are not fit for a migration now (GET /clusters lists the problems), or the alias has no live index. */
  MIGRATION_REFUSED = 'MIGRATION_REFUSED',
  /** The alias already has a migration or a FULL job under way. */
  MIGRATION_CONFLICT = 'MIGRATION_CONFLICT',
  /** Nothing to abort: the alias has no migration under way. */
  NO_ACTIVE_MIGRATION = 'NO_ACTIVE_MIGRATION',
  /** Reads are shared, and a migration completes, only while it mirrors. */
  MIGRATION_NOT_MIRRORING = 'MIGRATION_NOT_MIRRORING',
  /** A retire has begun: there is no going back to the old cluster. */
  MIGRATION_RETIRING = 'MIGRATION_RETIRING',
  /** Retire comes after the cutover. */
  MIGRATION_NOT_CUT_OVER = 'MIGRATION_NOT_CUT_OVER',
  /** Mirrored writes the next cluster refused are still to replay there: the cutover waits for them. */
  MIRROR_BACKLOG = 'MIRROR_BACKLOG',
  /** The alias is being rebuilt, or the next cluster's index is of another definition: the cutover waits. */
  MIGRATION_BUSY = 'MIGRATION_BUSY',
  /** A cluster the step needs is not configured here or does not answer. */
  CLUSTER_UNAVAILABLE = 'CLUSTER_UNAVAILABLE',
  /** The relevance gate found the alias's searches worse on the next cluster: the cutover waits for an approval. */
  RELEVANCE_GATE_BLOCKED = 'RELEVANCE_GATE_BLOCKED',
}

export class ClusterMigrationException extends CodedError<ClusterMigrationErrorCode> {
  constructor(
    code: ClusterMigrationErrorCode,
    message: string,
    /** What the answer carries besides code and message (the gate's report). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message);
  }
}
