/**
 * Group commit: items that must be on record before their callers go on, written together.
 * `submit` resolves once the batch holding the item is written. Items that arrive while a batch
 * is being written wait for the next one; at rest each item is written at once, under load
 * batches grow (up to `max`) and the cost of an item falls. A failed write rejects its batch only.
 */
interface Pending<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private running = false;

  /** `write` records a batch (in one transaction) and answers one result per item, in order. */
  constructor(
    private readonly write: (batch: I[]) => Promise<O[]>,
    private readonly max = 500,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        // A batch starts on the next turn of the event loop, so that requests in flight join it.
        await new Promise<void>((r) => setImmediate(r));
        const batch = this.queue.splice(0, this.max);
        try {
          const out = await this.write(batch.map((p) => p.item));
          for (const [i, p] of batch.entries()) p.resolve(out[i]!);
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
