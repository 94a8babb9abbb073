/** Smallest read while paced: small steps leave searches room in between, but not so small that requests dominate. */
const MIN_PACED_BATCH = 100;

/**
 * Paces a backfill to at most `rate` documents a second (0 = unlimited), a rate an operator may
 * change while it runs. A new rate counts from the moment it is set: what was sent before neither
 * owes time (a slower rate does not stall to make up for a fast past) nor earns it (a faster one
 * does not burst). Pure: the caller passes the clock.
 */
export class Pacer {
  private fromMs: number;
  private fromSent: number;

  constructor(
    private rate: number,
    nowMs: number,
    sent: number,
  ) {
    this.fromMs = nowMs;
    this.fromSent = sent;
  }

  get maxDocsPerSecond(): number {
    return this.rate;
  }

  setRate(rate: number, sent: number, nowMs: number): void {
    if (rate === this.rate) return;
    this.rate = rate;
    this.fromMs = nowMs;
    this.fromSent = sent;
  }

  /**
   * How long to wait before sending the `next` documents, `sent` having been sent in all; 0 = go on.
   * A batch waits for its own share of time before it goes, so that from the moment the rate was
   * set no stretch of time ever carries more than the rate allows (not one batch ahead of it).
   */
  delayMs(sent: number, next: number, nowMs: number): number {
    if (this.rate <= 0) return 0;
    return Math.max(0, this.fromMs + ((sent + next - this.fromSent) / this.rate) * 1000 - nowMs);
  }

  /** Rows per read: paced, at most a quarter second of the pace. */
  batchSize(maxBatch: number): number {
    return this.rate > 0 ? Math.min(maxBatch, Math.max(MIN_PACED_BATCH, Math.ceil(this.rate / 4))) : maxBatch;
  }
}
