/** The job is no longer this attempt's to run; `handBack` says whether it should go back to PENDING for anyone. */
export class JobReleasedError extends Error {
  constructor(
    message: string,
    readonly handBack = false,
  ) {
    super(message);
    this.name = 'JobReleasedError';
  }
}
