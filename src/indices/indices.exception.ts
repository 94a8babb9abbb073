export enum IndicesExceptionCode {
  UNKNOWN_INDEX = 'UNKNOWN_INDEX',
  DUPLICATE_INDEX = 'DUPLICATE_INDEX',
}

export class IndicesException extends Error {
  constructor(
    readonly code: IndicesExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'IndicesException';
  }
}
