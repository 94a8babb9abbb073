import { CodedError } from '../common/index.js';

export enum RelevanceErrorCode {
  /** A query set (a PUT body or a `<alias>.queries.yaml`) breaks a rule; the message lists every problem. */
  INVALID_QUERY_SET = 'INVALID_QUERY_SET',
}

export class RelevanceException extends CodedError<RelevanceErrorCode> {}
