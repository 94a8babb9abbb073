import { CodedError } from '../common/index.js';

export enum IndexingErrorCode {
  /** A bulk write came back with documents the index refused. */
  BULK_REJECTED = 'BULK_REJECTED',
  /** This replica's definition of the alias is not the one deployed last (a rolling deploy is under way). */
  DEFINITION_NOT_CURRENT = 'DEFINITION_NOT_CURRENT',
}

export class IndexingException extends CodedError<IndexingErrorCode> {}
