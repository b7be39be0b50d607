/** SQL for notification endpoints and the development outbox (what the dev SMS gateway and mailer "sent"). */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { NotificationEndpointTable } from './warning.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type EndpointRow = Selectable<NotificationEndpointTable>;

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

/** The newest messages of the development outbox. */
export function listDevOutbox(db: Q, limit: number) {
  return db.selectFrom('dev_outbox').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}
