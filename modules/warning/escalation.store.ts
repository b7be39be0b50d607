/** SQL of the escalation timers of unacknowledged alerts (`alert_timers`). */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { AlertTimerTable } from './warning.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Closes an alert's escalation timers still pending. */
export async function closeTimers(db: Q, alertId: string, at: number): Promise<void> {
  await db.updateTable('alert_timers').set({ done_at: at }).where('alert_id', '=', alertId).where('done_at', 'is', null).execute();
}

export async function insertTimers(db: Q, rows: Selectable<AlertTimerTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('alert_timers').values(rows).execute();
}

/** Takes a claimed timer: marks it done and returns it. */
export async function takeTimer(db: Q, id: string, at: number): Promise<Selectable<AlertTimerTable>> {
  const timer = await db.selectFrom('alert_timers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await db.updateTable('alert_timers').set({ done_at: at }).where('id', '=', id).execute();
  return timer;
}
