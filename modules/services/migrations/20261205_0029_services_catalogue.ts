import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // The service item catalogue (事项清单): the item now in force, searchable by its columns.
  await db.schema
    .createTable('gs_items')
    .addColumn('code', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(24)', (c) => c.notNull())
    .addColumn('applicant', 'varchar(16)', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('search', 'text', (c) => c.notNull()) // name, keywords, department: lower-cased
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // JSON ServiceItem
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gs_items_department_idx').on('gs_items').columns(['department', 'retired']).execute();
  // Every version of every item: an application keeps the one it was made under.
  await db.schema
    .createTable('gs_item_versions')
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('gs_item_versions_pk', ['code', 'version'])
    .execute();
  // 一件事: items one life or business event needs, applied for together.
  await db.schema
    .createTable('gs_events')
    .addColumn('code', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull()) // JSON ServiceEvent
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['gs_events', 'gs_item_versions', 'gs_items']) await db.schema.dropTable(t).ifExists().execute();
}
