import { CodedError } from '../common/index.js';

/** Why a message went to the dead-letter queue; the value is its `x-reason` header. */
export enum LiveUpdatesErrorCode {
  NOT_JSON = 'not-json',
  INVALID_MESSAGE = 'invalid-message',
  UNKNOWN_ENTITY = 'unknown-entity',
  UNPROCESSABLE_CHANGE = 'unprocessable-change',
  ATTEMPTS_EXHAUSTED = 'attempts-exhausted',
}

export class LiveUpdatesException extends CodedError<LiveUpdatesErrorCode> {}
