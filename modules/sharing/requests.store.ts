/** SQL for sharing requests and approvals. */
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { SharingApprovalTable, SharingRequestTable } from './sharing.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type RequestRow = Selectable<SharingRequestTable>;
export type ApprovalRow = Selectable<SharingApprovalTable>;

export async function insertRequest(db: Q, row: RequestRow): Promise<void> {
  await db.insertInto('sharing_requests').values(row).execute();
}

export async function updateRequest(db: Q, id: string, set: Updateable<SharingRequestTable>): Promise<void> {
  await db.updateTable('sharing_requests').set(set).where('id', '=', id).execute();
}

export function getRequest(db: Q, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('sharing_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

const OPEN_STATES = ['compliance_review', 'provider_review', 'provider_refused', 'negotiation', 'arbitration'];

/**
 * Requests of a box. `department` null: every request (administrators). The data authority's inbox
 * also holds every request in compliance review or arbitration.
 */
export async function listRequests(
  db: Q,
  q: {
    box: 'inbox' | 'outbox' | 'all';
    department: string | null;
    authority: boolean;
    state?: string | undefined;
    open?: boolean | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: RequestRow[]; total: number }> {
  let sel = db.selectFrom('sharing_requests');
  const d = q.department;
  if (q.box === 'outbox') sel = d === null ? sel : sel.where('consumer', '=', d);
  else if (q.box === 'inbox' && d !== null)
    sel = sel.where((eb) => (q.authority ? eb.or([eb('provider', '=', d), eb('state', 'in', ['compliance_review', 'arbitration'])]) : eb('provider', '=', d)));
  else if (d !== null && !q.authority) sel = sel.where((eb) => eb.or([eb('consumer', '=', d), eb('provider', '=', d)]));
  if (q.state) sel = sel.where('state', '=', q.state);
  if (q.open !== undefined) sel = q.open ? sel.where('state', 'in', OPEN_STATES) : sel.where('state', 'not in', OPEN_STATES);
  const total = await sel.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const items = await sel.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { items, total: Number(total.n) };
}

export async function insertApproval(db: Q, row: ApprovalRow): Promise<void> {
  await db.insertInto('sharing_approvals').values(row).execute();
}

export async function updateApproval(db: Q, id: string, set: Updateable<SharingApprovalTable>): Promise<void> {
  await db.updateTable('sharing_approvals').set(set).where('id', '=', id).execute();
}

export function getApproval(db: Q, id: string): Promise<ApprovalRow | undefined> {
  return db.selectFrom('sharing_approvals').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A consumer's approvals for a resource, newest first. */
export function approvalsFor(db: Q, consumer: string, resource: string): Promise<ApprovalRow[]> {
  return db
    .selectFrom('sharing_approvals')
    .selectAll()
    .where('consumer', '=', consumer)
    .where('resource_code', '=', resource)
    .orderBy('granted_at', 'desc')
    .execute();
}

export async function listApprovals(
  db: Q,
  q: { department: string | null; role: 'consumer' | 'provider' | 'all'; limit: number; offset: number },
): Promise<{ items: ApprovalRow[]; total: number }> {
  let sel = db.selectFrom('sharing_approvals');
  const d = q.department;
  if (d !== null) {
    if (q.role === 'consumer') sel = sel.where('consumer', '=', d);
    else if (q.role === 'provider') sel = sel.where('provider', '=', d);
    else sel = sel.where((eb) => eb.or([eb('consumer', '=', d), eb('provider', '=', d)]));
  }
  const total = await sel.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const items = await sel.selectAll().orderBy('granted_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { items, total: Number(total.n) };
}
