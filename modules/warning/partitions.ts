/**
 * Partition leases of the rule engine. Devices fall in partitions (device seq mod P); a process
 * evaluates a partition only while it holds the partition's lease in the database. Every process
 * renews what it holds every third of the lease, gives back what is above its fair share
 * (partitions ÷ live processes) and takes free or lapsed partitions up to it, so processes share
 * the work fairly and take over the partitions of one that stops renewing. Loading and handing
 * back a partition's state is the engine's (`PartitionHolder`).
 */
import type { Db } from '../../platform/storage/db.js';
import * as store from './engine.store.js';

export interface PartitionHolder {
  /** Loads the partitions' state and starts evaluating them (after the work already queued). */
  acquire(parts: number[]): Promise<void>;
  /** Writes the partitions' state and hands them back (after the work already queued). */
  release(parts: number[]): Promise<void>;
  /** Forgets partitions another process holds now (this one's lease ran out). */
  drop(parts: number[]): void;
}

export interface LeaseSettings {
  partitions: number;
  leaseMs: number;
  workerId: string;
}

export class PartitionLeases {
  /** Partition → lease until (epoch ms). */
  private readonly owned = new Map<number, number>();
  private leasing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly s: LeaseSettings,
    private readonly holder: PartitionHolder,
  ) {}

  get partitions(): number {
    return this.s.partitions;
  }

  ensureRows(): Promise<void> {
    return store.ensurePartitions(this.db, this.s.partitions);
  }

  /** Renews held leases, gives back partitions above the fair share, and takes free ones up to it. */
  lease(): Promise<void> {
    if (this.leasing) return this.leasing;
    this.leasing = this.leaseOnce().finally(() => {
      this.leasing = undefined;
    });
    return this.leasing;
  }

  private async leaseOnce(): Promise<void> {
    if (this.closed) return;
    const { leaseMs, workerId, partitions } = this.s;
    const now = this.now();
    const until = now + leaseMs;
    const workers = await store.heartbeat(this.db, workerId, now, leaseMs);
    const fair = Math.ceil(partitions / workers);

    // Renew. A partition someone else holds now (our lease ran out) is dropped at once.
    const renewed = new Set(await store.renewLeases(this.db, workerId, until));
    for (const part of [...this.owned.keys()]) {
      if (renewed.has(part)) this.owned.set(part, until);
      else this.forget([part]);
    }
    for (const part of renewed) if (!this.owned.has(part)) this.owned.set(part, until); // held from before a restart of this worker id

    // Give back above the fair share (highest first), after writing their state.
    if (this.owned.size > fair) await this.holder.release(this.ownedPartitions().slice(fair));
    // Take free or expired partitions up to the fair share.
    const want = fair - this.owned.size;
    if (want > 0) {
      const got: number[] = [];
      for (const part of await store.freePartitions(this.db, now, want)) if (await store.takePartition(this.db, part, workerId, now, until)) got.push(part);
      if (got.length) await this.holder.acquire(got);
    }
  }

  /** Marks partitions as held from now (the engine calls it once their state is loading). */
  adopt(parts: readonly number[]): void {
    const until = this.now() + this.s.leaseMs;
    for (const part of parts) this.owned.set(part, until);
  }

  /** Hands partitions back in the database and forgets them. */
  async giveBack(parts: readonly number[]): Promise<void> {
    await store.releasePartitions(this.db, parts, this.s.workerId);
    this.forget(parts);
  }

  private forget(parts: readonly number[]): void {
    for (const part of parts) this.owned.delete(part);
    this.holder.drop([...parts]);
  }

  /** Whether this process may evaluate a partition now (a margin before its lease runs out). */
  holds(part: number): boolean {
    const until = this.owned.get(part);
    return until !== undefined && until - Math.min(2_000, this.s.leaseMs / 5) > this.now();
  }

  /** Whether this process holds a partition's lease (the lease may be about to run out; see `holds`). */
  has(part: number): boolean {
    return this.owned.has(part);
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** Stops leasing; hands every held partition back and leaves the worker list. */
  async close(): Promise<void> {
    this.closed = true;
    await this.leasing;
    const parts = [...this.owned.keys()];
    await store.releasePartitions(this.db, parts, this.s.workerId).catch(() => undefined);
    this.owned.clear();
    await store.removeWorker(this.db, this.s.workerId).catch(() => undefined);
  }

  /** Waits for a lease round under way (closing). */
  settled(): Promise<void> {
    return this.leasing ?? Promise.resolve();
  }
}
