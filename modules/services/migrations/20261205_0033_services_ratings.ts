import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // 好差评: one rating per handling (一事一评 online, 一次一评 at a window).
  await db.schema
    .createTable('gs_ratings')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull()) // application | appointment
    .addColumn('target_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('item_code', 'varchar(40)')
    .addColumn('hall', 'varchar(40)')
    .addColumn('window', 'varchar(40)')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull()) // 5 非常满意 … 1 非常不满意
    .addColumn('reasons', 'text', (c) => c.notNull()) // JSON codes
    .addColumn('comment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gs_ratings_target_uq').on('gs_ratings').columns(['target_type', 'target_id']).unique().execute();
  await db.schema.createIndex('gs_ratings_department_idx').on('gs_ratings').columns(['department', 'created_at']).execute();
  await db.schema.createIndex('gs_ratings_item_idx').on('gs_ratings').columns(['item_code', 'created_at']).execute();
  // The follow-up of a bad rating (谁办理、谁负责): contact, verify, rectify or explain, report back.
  await db.schema
    .createTable('gs_followups')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('rating_id', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull()) // open | done
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('result', 'varchar(16)') // rectified | explained
    .addColumn('note', 'text')
    .addColumn('done_by', 'varchar(64)')
    .addColumn('done_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gs_followups_department_idx').on('gs_followups').columns(['department', 'state', 'due_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['gs_followups', 'gs_ratings']) await db.schema.dropTable(t).ifExists().execute();
}
