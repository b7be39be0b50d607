/** SQL of fees: payment orders, the provider's notices (each once), refunds, reconciliations. */
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { GsPaymentNoticeTable, GsPaymentTable, GsReconciliationTable, GsRefundTable } from './services.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type PaymentRow = Selectable<GsPaymentTable>;

export async function insertPayment(db: Q, row: Insertable<GsPaymentTable>): Promise<void> {
  await db.insertInto('gs_payments').values(row).execute();
}

export function payment(db: Q, id: string) {
  return db.selectFrom('gs_payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function paymentsOf(db: Q, applicationId: string) {
  return db.selectFrom('gs_payments').selectAll().where('application_id', '=', applicationId).orderBy('created_at').execute();
}

export async function updatePayment(db: Q, id: string, patch: Updateable<GsPaymentTable>): Promise<void> {
  await db.updateTable('gs_payments').set(patch).where('id', '=', id).execute();
}

/** The notice, once: a second one with the same id is a unique violation. */
export async function insertNotice(db: Q, row: Insertable<GsPaymentNoticeTable>): Promise<void> {
  await db.insertInto('gs_payment_notices').values(row).execute();
}

export function noticesBetween(db: Q, provider: string, from: number, to: number) {
  return db.selectFrom('gs_payment_notices').selectAll().where('provider', '=', provider).where('at', '>=', from).where('at', '<', to).execute();
}

/** Adds a refund to a paid payment only if the refunds stay within what was paid. */
export async function takeRefund(db: Q, paymentId: string, cents: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('gs_payments')
    .set((eb) => ({ refunded_cents: eb('refunded_cents', '+', cents), updated_at: now }))
    .where('id', '=', paymentId)
    .where('status', 'in', ['paid', 'refunded'])
    .where((eb) => eb(eb('refunded_cents', '+', cents), '<=', eb.ref('amount_cents')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertRefund(db: Q, row: Insertable<GsRefundTable>): Promise<void> {
  await db.insertInto('gs_refunds').values(row).execute();
}

export async function updateRefund(db: Q, id: string, patch: Updateable<GsRefundTable>): Promise<void> {
  await db.updateTable('gs_refunds').set(patch).where('id', '=', id).execute();
}

export async function markRefunded(db: Q, id: string, now: number): Promise<void> {
  await db.updateTable('gs_refunds').set({ status: 'refunded', updated_at: now }).where('id', '=', id).execute();
}

export function refundsOf(db: Q, paymentId: string) {
  return db.selectFrom('gs_refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').execute();
}

export async function saveReconciliation(db: Q, row: Selectable<GsReconciliationTable>): Promise<void> {
  await db
    .insertInto('gs_reconciliations')
    .values(row)
    .onConflict((oc) => oc.columns(['provider', 'day']).doUpdateSet({ matched: row.matched, mismatches: row.mismatches, ran_at: row.ran_at }))
    .execute();
}

export function reconciliation(db: Q, provider: string, day: string) {
  return db.selectFrom('gs_reconciliations').selectAll().where('provider', '=', provider).where('day', '=', day).executeTakeFirst();
}
