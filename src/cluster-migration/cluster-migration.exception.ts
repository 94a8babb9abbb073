import { CodedError } from '../common/coded-error.js';

export enum ClusterMigrationErrorCode {
  /** OPENSEARCH_NEXT_NODE is not set on this replica. */
  NO_NEXT_CLUSTER = 'NO_NEXT_CLUSTER',
  /** The alias does not exist on one of the clusters yet. */
  ALIAS_NOT_ON_CLUSTER = 'ALIAS_NOT_ON_CLUSTER',
}

export class ClusterMigrationException extends CodedError<ClusterMigrationErrorCode> {}
