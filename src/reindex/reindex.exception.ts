export enum ReindexErrorCode {
  UNKNOWN_ALIAS = 'UNKNOWN_ALIAS',
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  VERIFY_REFUSED = 'VERIFY_REFUSED',
  NO_LIVE_INDEX = 'NO_LIVE_INDEX',
  BULK_REJECTED = 'BULK_REJECTED',
}

export class ReindexException extends Error {
  constructor(
    readonly code: ReindexErrorCode,
    message: string,
    /** A permanent error fails the job at once instead of being retried. */
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'ReindexException';
  }
}
