/** SQL of appointments: halls, slots (made by their first booking), bookings. */
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { GsAppointmentTable, GsApptSlotTable, GsHallTable } from './services.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type AppointmentRow = Selectable<GsAppointmentTable>;

export async function insertHallIfMissing(db: Q, row: Insertable<GsHallTable>): Promise<void> {
  await db
    .insertInto('gs_halls')
    .values(row)
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

export function hall(db: Q, code: string) {
  return db.selectFrom('gs_halls').selectAll().where('code', '=', code).executeTakeFirst();
}

export function halls(db: Q, kind?: string) {
  let s = db.selectFrom('gs_halls').selectAll();
  if (kind) s = s.where('kind', '=', kind);
  return s.orderBy('code').execute();
}

export function slotsOn(db: Q, hallCode: string, window: string, day: string) {
  return db.selectFrom('gs_appt_slots').selectAll().where('hall', '=', hallCode).where('window', '=', window).where('day', '=', day).execute();
}

export async function openSlot(db: Q, row: Omit<Insertable<GsApptSlotTable>, 'booked'>): Promise<void> {
  await db
    .insertInto('gs_appt_slots')
    .values({ ...row, booked: 0 })
    .onConflict((oc) => oc.columns(['hall', 'window', 'day', 'start']).doNothing())
    .execute();
}

/** Takes a place in one statement: false when none is left (never overbooks). */
export async function takePlace(db: Q, hallCode: string, window: string, day: string, start: string): Promise<boolean> {
  const r = await db
    .updateTable('gs_appt_slots')
    .set((eb) => ({ booked: eb('booked', '+', 1) }))
    .where('hall', '=', hallCode)
    .where('window', '=', window)
    .where('day', '=', day)
    .where('start', '=', start)
    .where((eb) => eb('booked', '<', eb.ref('capacity')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function givePlace(db: Q, hallCode: string, window: string, day: string, start: string): Promise<void> {
  await db
    .updateTable('gs_appt_slots')
    .set((eb) => ({ booked: eb('booked', '-', 1) }))
    .where('hall', '=', hallCode)
    .where('window', '=', window)
    .where('day', '=', day)
    .where('start', '=', start)
    .where('booked', '>', 0)
    .execute();
}

export async function insertAppointment(db: Q, row: Insertable<GsAppointmentTable>): Promise<void> {
  await db.insertInto('gs_appointments').values(row).execute();
}

export function appointment(db: Q, id: string) {
  return db.selectFrom('gs_appointments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function appointmentsOf(db: Q, userId: string) {
  return db.selectFrom('gs_appointments').selectAll().where('user_id', '=', userId).orderBy('starts_at', 'desc').limit(100).execute();
}

export async function moveStatus(db: Q, id: string, from: string, to: string, now: number): Promise<boolean> {
  const r = await db.updateTable('gs_appointments').set({ status: to, updated_at: now }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function noShowsSince(db: Q, userId: string, since: number) {
  return db
    .selectFrom('gs_appointments')
    .select(['id', 'starts_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'no_show')
    .where('starts_at', '>=', since)
    .orderBy('starts_at')
    .execute();
}

export function toRemind(db: Q, from: number, to: number) {
  return db
    .selectFrom('gs_appointments')
    .selectAll()
    .where('status', '=', 'booked')
    .where('reminded_at', 'is', null)
    .where('starts_at', '>', from)
    .where('starts_at', '<=', to)
    .execute();
}

/** Marks a reminder sent, once (two processes sweeping at once send it once). */
export async function markReminded(db: Q, id: string, now: number): Promise<boolean> {
  const r = await db.updateTable('gs_appointments').set({ reminded_at: now }).where('id', '=', id).where('reminded_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function unattendedBefore(db: Q, before: number) {
  return db.selectFrom('gs_appointments').select('id').where('status', '=', 'booked').where('starts_at', '<', before).execute();
}
