/**
 * Group commit for audit entries written on a hot path (a public verification endpoint, say).
 * Every entry is on record before its caller goes on: `append` resolves once the transaction
 * holding it has committed. Entries that arrive while a batch is being written wait for the next
 * one, which chains them all in one transaction; at rest each entry is written at once, under
 * load batches grow and the cost of an entry falls.
 */
import type { Db } from '../storage/db.js';
import { type AuditEntry, appendAuditMany } from './audit.js';

const MAX_BATCH = 500;

interface Pending {
  entry: AuditEntry;
  resolve(): void;
  reject(e: unknown): void;
}

export class AuditBatcher {
  private queue: Pending[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  append(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
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
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await appendAuditMany(
            this.db,
            batch.map((p) => p.entry),
          );
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
