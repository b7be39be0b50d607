import type { Transaction } from 'kysely';
import { type Db, isUniqueViolation, transaction } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import type { DomainEvent, Handler } from './bus.js';

class AlreadyProcessed extends Error {}

/**
 * Wraps a handler so a redelivered event has no second effect: the handler's database work
 * and the "processed" mark commit in one transaction, and a repeat finds the mark.
 */
export function idempotent(db: Db, consumer: string, handler: (event: DomainEvent, trx: Transaction<Database>) => Promise<void>): Handler {
  return async (event) => {
    try {
      await transaction(db, async (trx) => {
        try {
          await trx.insertInto('processed_events').values({ consumer, event_id: event.id, at: Date.now() }).execute();
        } catch (err) {
          if (isUniqueViolation(err)) throw new AlreadyProcessed();
          throw err;
        }
        await handler(event, trx);
      });
    } catch (err) {
      if (err instanceof AlreadyProcessed) return;
      throw err;
    }
  };
}
