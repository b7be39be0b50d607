import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Service halls (政务服务大厅) and hospitals, with their windows and opening plans.
  await db.schema
    .createTable('gs_halls')
    .addColumn('code', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull()) // service_hall | hospital
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('district', 'varchar(16)')
    .addColumn('body', 'text', (c) => c.notNull()) // JSON: names, address, windows with their items, slot length and places
    .addColumn('synthetic', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // A window's slot on a day: made by its first booking; never more booked than places.
  await db.schema
    .createTable('gs_appt_slots')
    .addColumn('hall', 'varchar(40)', (c) => c.notNull())
    .addColumn('window', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('start', 'varchar(5)', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('booked', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('gs_appt_slots_pk', ['hall', 'window', 'day', 'start'])
    .execute();
  await db.schema
    .createTable('gs_appointments')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('phone', 'varchar(20)')
    .addColumn('hall', 'varchar(40)', (c) => c.notNull())
    .addColumn('window', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('start', 'varchar(5)', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('item_code', 'varchar(40)')
    .addColumn('application_id', 'varchar(40)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // booked | cancelled | attended | no_show
    .addColumn('reminded_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // One person, one booking at a time: the same day and time cannot be booked twice.
  await db.schema
    .createIndex('gs_appointments_person_time_uq')
    .on('gs_appointments')
    .columns(['user_id', 'day', 'start'])
    .unique()
    .where(sql.ref('status'), '=', 'booked')
    .execute();
  await db.schema.createIndex('gs_appointments_user_idx').on('gs_appointments').columns(['user_id', 'day']).execute();
  await db.schema.createIndex('gs_appointments_due_idx').on('gs_appointments').columns(['status', 'starts_at']).execute();
  await db.schema.createIndex('gs_appointments_hall_idx').on('gs_appointments').columns(['hall', 'day', 'window']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['gs_appointments', 'gs_appt_slots', 'gs_halls']) await db.schema.dropTable(t).ifExists().execute();
}
