/**
 * Transactional outbox. A change and the events that report it commit together; the events are
 * then published, at once by the caller (`flush`) and, for any left behind by a crash or an
 * unreachable broker, by a relay running in every process. Publishing is at least once: a
 * crash after publishing and before deleting the row republishes with the same event id (NATS
 * drops the repeat within its duplicate window; consumers are idempotent).
 */
import type { Transaction } from 'kysely';
import { type Db, json } from '../storage/db.js';
import { dialectOf } from '../storage/migrate.js';
import type { Database } from '../storage/schema.js';
import {
  type BusLogger,
  type DomainEvent,
  type EventBus,
  type EventMap,
  type EventType,
  type PublishOptions,
  type TypedEvent,
  consoleLogger,
  makeEvent,
} from './bus.js';

export class Outbox {
  private readonly postgres: boolean;
  private running: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly logger: BusLogger = consoleLogger,
  ) {
    this.postgres = dialectOf(db) === 'postgres';
  }

  /** Records an event in the caller's transaction. Call `flush()` after the commit. */
  async add<T extends EventType>(trx: Transaction<Database>, type: T, data: EventMap[T], opts?: PublishOptions): Promise<TypedEvent<T>> {
    const event = makeEvent(type, data, opts);
    await trx
      .insertInto('outbox')
      .values({ id: event.id, type: event.type, key: event.key ?? null, data: JSON.stringify(event.data), at: event.at, attempts: 0 })
      .execute();
    return event;
  }

  /**
   * Publishes pending events in the order they were recorded. Calls in one process run one
   * after another; on PostgreSQL, rows another process is publishing are skipped.
   */
  flush(limit = 500): Promise<number> {
    const next = this.running.then(() => this.publishPending(limit));
    this.running = next.catch(() => 0);
    return next;
  }

  private async publishPending(limit: number): Promise<number> {
    let published = 0;
    await this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('outbox').selectAll().orderBy('seq').limit(limit);
      if (this.postgres) q = q.forUpdate().skipLocked();
      const rows = await q.execute();
      for (const row of rows) {
        const event: DomainEvent = { id: row.id, type: row.type, at: row.at, ...(row.key ? { key: row.key } : {}), data: json.parse(row.data, null) };
        try {
          await this.bus.publish(row.type as EventType, event.data as never, { id: row.id, ...(row.key ? { key: row.key } : {}) });
        } catch (err) {
          // Keep order: stop here and let the relay retry this row and those after it.
          await trx
            .updateTable('outbox')
            .set({ attempts: row.attempts + 1 })
            .where('seq', '=', row.seq)
            .execute();
          this.logger.warn({ err, eventId: row.id, type: row.type, attempts: row.attempts + 1 }, 'event not published yet; will retry');
          break;
        }
        await trx.deleteFrom('outbox').where('seq', '=', row.seq).execute();
        published++;
      }
    });
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
    this.timer = setInterval(() => {
      this.flush().catch((err: unknown) => this.logger.error({ err }, 'outbox relay failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
