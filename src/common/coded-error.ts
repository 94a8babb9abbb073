/** An error carrying a machine-readable code from its part's enum: the API and the logs go by the code, never the message. */
export abstract class CodedError<TCode extends string> extends Error {
  constructor(
    readonly code: TCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
