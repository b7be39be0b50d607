/** SQL of the notification service: endpoints, messages, and the development outbox. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, DevOutboxTable, NotificationEndpointTable, NotificationTable } from '../storage/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export type EndpointRow = Selectable<NotificationEndpointTable>;
export type NotificationRow = Selectable<NotificationTable>;
export type DevOutboxRow = Selectable<DevOutboxTable>;

// ---- endpoints ----

/** The endpoints of these departments ('*': all), by department and age. */
export function listEndpoints(db: Q, departments: '*' | readonly string[]): Promise<EndpointRow[]> {
  if (departments !== '*' && departments.length === 0) return Promise.resolve([]);
  let q = db.selectFrom('notification_endpoints').selectAll();
  if (departments !== '*') q = q.where('department_code', 'in', [...departments]);
  return q.orderBy('department_code').orderBy('created_at').execute();
}

export function getEndpoint(db: Q, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('notification_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertEndpoint(db: Q, row: EndpointRow): Promise<void> {
  await db.insertInto('notification_endpoints').values(row).execute();
}

export async function deleteEndpoint(db: Q, id: string): Promise<void> {
  await db.deleteFrom('notification_endpoints').where('id', '=', id).execute();
}

/** Enabled endpoints of these departments that take messages of this level or a more severe one. */
export function endpointsFor(db: Q, departments: readonly string[], level: number): Promise<EndpointRow[]> {
  if (departments.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('notification_endpoints')
    .selectAll()
    .where('department_code', 'in', [...departments])
    .where('enabled', '=', 1)
    .where('min_level', '>=', level)
    .execute();
}

// ---- messages ----

export async function insertNotifications(db: Q, rows: NotificationRow[]): Promise<void> {
  if (rows.length) await db.insertInto('notifications').values(rows).execute();
}

/** Records the outcome of a delivery attempt and releases the claim. */
export async function settleNotification(
  db: Q,
  id: string,
  set: Partial<Pick<NotificationRow, 'status' | 'attempts' | 'next_at' | 'sent_at' | 'last_error'>>,
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ ...set, claimed_until: null })
    .where('id', '=', id)
    .execute();
}

/** Cancels what is still queued for an endpoint; returns how many. */
export async function cancelForEndpoint(db: Q, endpointId: string): Promise<number> {
  const r = await db
    .updateTable('notifications')
    .set({ status: 'cancelled', claimed_until: null })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The messages about one subject (an alert, an incident, …), oldest first. */
export function notificationsFor(db: Q, subject: string, id: string): Promise<NotificationRow[]> {
  return db.selectFrom('notifications').selectAll().where('subject', '=', subject).where('subject_id', '=', id).orderBy('created_at').execute();
}

// ---- the development gateway ----

export async function writeDevOutbox(
  db: Q,
  m: { id: string; channel: 'sms' | 'email'; address: string; subject: string | null; body: string; at: number },
): Promise<void> {
  await db.insertInto('dev_outbox').values({ id: m.id, channel: m.channel, address: m.address, subject: m.subject, body: m.body, created_at: m.at }).execute();
}

/** The newest messages of the development outbox. */
export function listDevOutbox(db: Q, limit: number): Promise<DevOutboxRow[]> {
  return db.selectFrom('dev_outbox').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}
