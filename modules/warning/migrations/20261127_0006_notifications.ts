import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Where each department wants its alerts: a webhook (signed), SMS numbers, e-mail addresses.
  await db.schema
    .createTable('notification_endpoints')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull()) // webhook | sms | email
    .addColumn('address', 'varchar(1000)', (c) => c.notNull())
    .addColumn('secret', 'varchar(200)')
    .addColumn('min_level', 'integer', (c) => c.notNull()) // 4: every level; 1: only Ⅰ
    .addColumn('roles', 'text') // JSON: only for escalations to these roles (e.g. ["dept_leader"]); null: every alert
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notification_endpoints_dept_idx').on('notification_endpoints').column('department_code').execute();
  // One row per message to send; claimed with a lease by whichever process delivers it.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('alert_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('endpoint_id', 'varchar(40)')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('address', 'varchar(1000)', (c) => c.notNull())
    .addColumn('event', 'varchar(32)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // pending | sent | failed
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('notifications_due_idx').on('notifications').columns(['status', 'next_at']).execute();
  await db.schema.createIndex('notifications_alert_idx').on('notifications').column('alert_id').execute();
  // Escalation stages of unacknowledged alerts.
  await db.schema
    .createTable('alert_timers')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('alert_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .addColumn('claimed_until', 'bigint')
    .execute();
  await db.schema.createIndex('alert_timers_due_idx').on('alert_timers').columns(['done_at', 'due_at']).execute();
  await db.schema.createIndex('alert_timers_alert_idx').on('alert_timers').column('alert_id').execute();
  // What the development SMS and e-mail channels "send": kept here to be read, never sent.
  await db.schema
    .createTable('dev_outbox')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('address', 'varchar(1000)', (c) => c.notNull())
    .addColumn('subject', 'varchar(500)')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['dev_outbox', 'alert_timers', 'notifications', 'notification_endpoints']) await db.schema.dropTable(t).ifExists().execute();
}
