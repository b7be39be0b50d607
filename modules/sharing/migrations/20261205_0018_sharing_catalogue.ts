import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // The government data resource catalogue (政务数据资源目录): one row per entry, its definition as JSON.
  await db.schema
    .createTable('sharing_resources')
    .addColumn('code', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('class_code', 'varchar(16)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('sharing_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('dataset', 'varchar(32)')
    .addColumn('name_zh', 'varchar(200)', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(64)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sharing_resources_provider_idx').on('sharing_resources').columns(['provider', 'code']).execute();
  await db.schema.createIndex('sharing_resources_class_idx').on('sharing_resources').column('class_code').execute();
  await db.schema
    .createTable('sharing_resource_versions')
    .addColumn('code', 'varchar(32)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'varchar(64)')
    .addColumn('changed_by_name', 'varchar(200)')
    .addColumn('changed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sharing_resource_versions_pk', ['code', 'version'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sharing_resource_versions', 'sharing_resources']) await db.schema.dropTable(t).ifExists().execute();
}
