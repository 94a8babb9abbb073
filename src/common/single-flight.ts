export interface SingleFlightOptions {
  /** Reports a pass that failed; the next pass runs as usual. */
  readonly onError: (error: Error) => void;
  /**
   * A pass asked for while one runs: by default it joins the pass in flight; with `rerun`, one more
   * pass follows it (a wake-up that must not be lost, such as a slot freed during a claim).
   */
  readonly rerun?: boolean;
}

/**
 * A pass that runs at most once at a time on this replica, on a timer and whenever asked: the
 * recovery sweep, the claim loop, the drift check, the migrations' tick, the schedule check.
 * After `stop()` no pass starts, and `stop()` resolves once the one in flight has ended, so
 * nothing of it touches MySQL or OpenSearch after their pools close.
 */
export class SingleFlight<TArgs extends unknown[] = []> {
  private current: Promise<void> | null = null;
  private again: TArgs | null = null;
  private timer: NodeJS.Timeout | null = null;
  private halted = false;

  constructor(
    private readonly pass: (...args: TArgs) => Promise<void>,
    private readonly options: SingleFlightOptions,
  ) {}

  /** True once `stop()` was called. */
  get stopped(): boolean {
    return this.halted;
  }

  /** A pass every `intervalMs`, the safety net behind the passes asked for. */
  every(intervalMs: number, ...args: TArgs): void {
    if (this.halted) return;
    this.timer = setInterval(() => void this.run(...args), intervalMs);
  }

  /** Runs a pass now, or joins (or, with `rerun`, queues) the one in flight. Resolves when that pass ends; never rejects. */
  run(...args: TArgs): Promise<void> {
    if (this.halted) return Promise.resolve();
    if (this.current) {
      if (this.options.rerun) this.again = args;
      return this.current;
    }
    this.current = this.pass(...args)
      .catch((error: Error) => this.options.onError(error))
      .finally(() => {
        this.current = null;
        const again = this.again;
        this.again = null;
        if (again) void this.run(...again);
      });
    return this.current;
  }

  async stop(): Promise<void> {
    this.halted = true;
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }
}
