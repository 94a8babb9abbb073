import { HttpException, type HttpStatus } from '@nestjs/common';

/** Machine-readable reasons the API refuses a request; the `code` of the error body. */
export enum ApiErrorCode {
  /** The body or the query string does not match its schema (wrong type, out of range, unknown field…). */
  INVALID_INPUT = 'INVALID_INPUT',
  /** A path id that is not a plain decimal integer from 1 to 2147483647. */
  INVALID_ID = 'INVALID_ID',
  /** The body is not JSON. */
  INVALID_JSON = 'INVALID_JSON',
  /** JSON nested deeper than the API ever needs; refused before it is parsed. */
  JSON_TOO_DEEP = 'JSON_TOO_DEEP',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHORIZED = 'UNAUTHORIZED',
  /** A viewer's token on a route that changes something. */
  FORBIDDEN = 'FORBIDDEN',
  /** A bug: the answer's `errorId` finds its stack in the log. */
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

export class ApiException extends HttpException {
  constructor(
    readonly code: ApiErrorCode,
    status: HttpStatus,
    message: string,
  ) {
    super({ code, message }, status);
    this.name = 'ApiException';
  }
}
