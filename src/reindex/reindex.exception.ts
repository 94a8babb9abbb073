import { CodedError } from '../common/index.js';

export enum ReindexErrorCode {
  UNKNOWN_ALIAS = 'UNKNOWN_ALIAS',
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  VERIFY_REFUSED = 'VERIFY_REFUSED',
  NO_LIVE_INDEX = 'NO_LIVE_INDEX',
  /** The job's target index is gone or is not the one the job created: the job cannot finish. */
  TARGET_LOST = 'TARGET_LOST',
  /** Only a FULL job that has not ended has a pace to change. */
  RETHROTTLE_REFUSED = 'RETHROTTLE_REFUSED',
  /** Nothing to roll back to, or a job of the alias has not ended. */
  ROLLBACK_REFUSED = 'ROLLBACK_REFUSED',
  /** The alias was rolled back from the code's definition: only a deploy that changes it, or an operator, rebuilds it. */
  HELD_BY_ROLLBACK = 'HELD_BY_ROLLBACK',
  /** The alias is moving to another cluster: no rebuild until the migration ends. */
  MIGRATION_ACTIVE = 'MIGRATION_ACTIVE',
  /** `?cluster=next` on a replica without OPENSEARCH_NEXT_NODE. */
  NO_NEXT_CLUSTER = 'NO_NEXT_CLUSTER',
  /** A concrete index not created by the service is named like the alias: only an adoption (POST /indices/:alias/adopt) replaces it. */
  LEGACY_INDEX = 'LEGACY_INDEX',
  /** An adoption asked for an alias with no concrete index of that name. */
  NOTHING_TO_ADOPT = 'NOTHING_TO_ADOPT',
  /** An approval for a job the relevance gate is not holding. */
  NOT_AWAITING_APPROVAL = 'NOT_AWAITING_APPROVAL',
  /** A delete named an index this service did not create (or that is gone). */
  INDEX_NOT_MANAGED = 'INDEX_NOT_MANAGED',
  /** A delete named an index of ours that something still keeps (served, built, retained). */
  NOT_AN_ORPHAN = 'NOT_AN_ORPHAN',
  /** REINDEX_MODE=observe: nothing is written, so nothing that changes anything is done. */
  OBSERVE_MODE = 'OBSERVE_MODE',
}

export class ReindexException extends CodedError<ReindexErrorCode> {
  constructor(
    code: ReindexErrorCode,
    message: string,
    /** A permanent error fails the job at once instead of being retried. */
    readonly permanent = false,
  ) {
    super(code, message);
  }
}
