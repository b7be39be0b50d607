/**
 * Transactional outbox. A change and the events that report it commit together; the events are
 * then published, at once by the caller (`flush`) and, for any left behind by a crash or an
 * unreachable broker, by a relay running in every process. Publishing is at least once: a
 * crash after publishing and before deleting the row republishes with the same event id (NATS
 * drops the repeat within its duplicate window; consumers are idempotent).
 */
import { type Job, every } from '../jobs.js';
import type { Selectable, Transaction } from 'kysely';
import { type Db, json } from '../storage/db.js';
import type { Database, OutboxTable } from '../storage/schema.js';
import { type BusLogger, type EventBus, type EventMap, type EventType, type PublishOptions, type TypedEvent, consoleLogger, makeEvent } from './bus.js';
import { claimDue } from '../storage/claims.js';

/** How long a publishing process holds its claim on a batch. */
const CLAIM_MS = 60_000;
/** How long one publish may take before the event is left for the relay. */
const PUBLISH_TIMEOUT_MS = 2_000;

export class Outbox {
  private running: Promise<number> = Promise.resolve(0);
  private timer: Job | undefined;
  /** Set while publishing fails; writers then leave their events to the relay. */
  private failingSince: number | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly logger: BusLogger = consoleLogger,
  ) {}

  /** Records an event in the caller's transaction. Call `flush()` after the commit. */
  async add<T extends EventType>(trx: Transaction<Database>, type: T, data: EventMap[T], opts?: PublishOptions): Promise<TypedEvent<T>> {
    const event = makeEvent(type, data, opts);
    await trx
      .insertInto('outbox')
      .values({ id: event.id, type: event.type, key: event.key ?? null, data: JSON.stringify(event.data), at: event.at, attempts: 0 })
      .execute();
    return event;
  }

  /** Records several events in the caller's transaction, in one statement, in order. */
  async addMany<T extends EventType>(trx: Transaction<Database>, events: { type: T; data: EventMap[T]; opts?: PublishOptions }[]): Promise<TypedEvent<T>[]> {
    const made = events.map((e) => makeEvent(e.type, e.data, e.opts));
    if (made.length === 0) return made;
    await trx
      .insertInto('outbox')
      .values(made.map((event) => ({ id: event.id, type: event.type, key: event.key ?? null, data: JSON.stringify(event.data), at: event.at, attempts: 0 })))
      .execute();
    return made;
  }

  /**
   * Publishes pending events in the order they were recorded; called by writers right after their
   * commit. Calls in one process run one after another; on PostgreSQL, rows another process has
   * claimed are skipped. While the broker is failing, writers do not wait for it: their events
   * stay in the table and the relay publishes them when it is back.
   */
  flush(limit = 500): Promise<number> {
    if (this.failingSince !== undefined) return Promise.resolve(0);
    return this.run(limit);
  }

  private run(limit: number): Promise<number> {
    const next = this.running.then(() => this.publishPending(limit));
    this.running = next.catch(() => 0);
    return next;
  }

  /**
   * Claims a batch (a short UPDATE … RETURNING, so no transaction stays open while the broker is
   * called), publishes it in order, and deletes each row once the broker has stored its event. A
   * failure releases the rest of the batch for a later attempt; a claim left by a crashed process
   * lapses after CLAIM_MS, and the event id makes the republish a duplicate the broker drops.
   */
  private async publishPending(limit: number): Promise<number> {
    const now = Date.now();
    const rows = await claimDue<Selectable<OutboxTable>>(this.db, { table: 'outbox', key: 'seq', now, leaseMs: CLAIM_MS, limit });
    let published = 0;
    for (const [i, row] of rows.entries()) {
      try {
        await this.bus.publish(row.type as EventType, json.parse(row.data, null) as never, {
          id: row.id,
          ...(row.key ? { key: row.key } : {}),
          timeoutMs: PUBLISH_TIMEOUT_MS,
        });
      } catch (err) {
        // Keep order: release this row and those after it for the relay.
        await this.db
          .updateTable('outbox')
          .set({ claimed_until: null })
          .where(
            'seq',
            'in',
            rows.slice(i).map((r) => r.seq),
          )
          .execute();
        await this.db
          .updateTable('outbox')
          .set({ attempts: row.attempts + 1 })
          .where('seq', '=', row.seq)
          .execute();
        if (this.failingSince === undefined) {
          this.failingSince = Date.now();
          this.logger.warn({ err, eventId: row.id, type: row.type }, 'event bus unreachable; events wait in the outbox');
        }
        return published;
      }
      await this.db.deleteFrom('outbox').where('seq', '=', row.seq).execute();
      published++;
    }
    if (this.failingSince !== undefined) {
      this.logger.warn({ outageMs: Date.now() - this.failingSince }, 'event bus reachable again; outbox draining');
      this.failingSince = undefined;
    }
    return published;
  }

  /** Number of events waiting to be published. */
  async pending(): Promise<number> {
    const r = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Publishes leftovers every intervalMs (events recorded before a crash, or while the broker was away). */
  startRelay(intervalMs: number): void {
    if (this.timer) return;
    this.timer = every(intervalMs, 'outbox relay', () => this.run(500), this.logger);
  }

  async stop(): Promise<void> {
    await this.timer?.stop();
    this.timer = undefined;
    await this.running;
  }
}
