import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // A fee's payment order (缴款单) at the payment provider.
  await db.schema
    .createTable('gs_payments')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('application_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('payer_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('refunded_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // unpaid | paid | refunded | closed
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('provider_ref', 'varchar(80)')
    .addColumn('pay_code', 'varchar(40)') // 缴款码
    .addColumn('paid_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gs_payments_application_idx').on('gs_payments').column('application_id').execute();
  await db.schema.createIndex('gs_payments_paid_idx').on('gs_payments').columns(['provider', 'paid_at']).execute();
  // Every notice the provider sent, once: a notice delivered twice is recognised by its id.
  await db.schema
    .createTable('gs_payment_notices')
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('notice_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('payment_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull()) // paid | refunded
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('refund_id', 'varchar(40)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull()) // applied | mismatch
    .addColumn('at', 'bigint', (c) => c.notNull()) // the provider's time
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('gs_payment_notices_pk', ['provider', 'notice_id'])
    .execute();
  await db.schema.createIndex('gs_payment_notices_at_idx').on('gs_payment_notices').columns(['provider', 'at']).execute();
  // Refunds (退款): never more than was paid, to the paying account.
  await db.schema
    .createTable('gs_refunds')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('payment_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // requested | refunded
    .addColumn('provider_ref', 'varchar(80)')
    .addColumn('requested_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gs_refunds_payment_idx').on('gs_refunds').column('payment_id').execute();
  // The daily reconciliation (对账) with the provider's statement.
  await db.schema
    .createTable('gs_reconciliations')
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('mismatches', 'text', (c) => c.notNull()) // JSON
    .addColumn('ran_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('gs_reconciliations_pk', ['provider', 'day'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['gs_reconciliations', 'gs_refunds', 'gs_payment_notices', 'gs_payments']) await db.schema.dropTable(t).ifExists().execute();
}
