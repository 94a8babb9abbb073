/**
 * Tracks batches written concurrently and yields the highest id below which
 * every batch is acknowledged: the only cursor that is safe to persist.
 */
export class ContiguousCursor {
  private readonly inFlight: { lastId: number; documents: number; acknowledged: boolean }[] = [];

  constructor(
    private cursor: number,
    private documents: number,
  ) {}

  /** Registers a batch in read order; returns the handle to acknowledge it with. */
  add(lastId: number, documents: number): object {
    const batch = { lastId, documents, acknowledged: false };
    this.inFlight.push(batch);
    return batch;
  }

  /** Acknowledges a batch; returns the new persisted position when it moved. */
  acknowledge(handle: object): { cursor: number; docsProcessed: number } | null {
    const batch = this.inFlight.find((candidate) => candidate === handle);
    if (!batch) throw new Error('unknown batch');
    batch.acknowledged = true;
    let moved = false;
    while (this.inFlight[0]?.acknowledged) {
      const done = this.inFlight.shift()!;
      this.cursor = done.lastId;
      this.documents += done.documents;
      moved = true;
    }
    return moved ? { cursor: this.cursor, docsProcessed: this.documents } : null;
  }
}
