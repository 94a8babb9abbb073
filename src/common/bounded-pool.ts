/**
 * Runs async tasks with at most `limit` in flight. `run` waits for a free place;
 * the first failure stops new work and is thrown by `run` or `drain`.
 */
export class BoundedPool {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | undefined;

  constructor(private readonly limit: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    const running = task().then(
      () => void this.inFlight.delete(running),
      (error: Error) => {
        this.inFlight.delete(running);
        this.failure ??= error;
      },
    );
    this.inFlight.add(running);
    if (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  /** Waits for every task started; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
