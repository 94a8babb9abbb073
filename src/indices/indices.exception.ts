import { CodedError } from '../common/index.js';

export enum IndicesExceptionCode {
  UNKNOWN_INDEX = 'UNKNOWN_INDEX',
  DUPLICATE_INDEX = 'DUPLICATE_INDEX',
  INVALID_DEFINITIONS = 'INVALID_DEFINITIONS',
}

export class IndicesException extends CodedError<IndicesExceptionCode> {}
