import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Datasets published on the open data portal, each from a catalogue entry whose open attribute allows it.
  await db.schema
    .createTable('open_datasets')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('resource_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('open_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('update_cycle', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('row_count', 'integer')
    .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published_by', 'varchar(64)')
    .addColumn('published_by_name', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('data_at', 'bigint')
    .execute();
  await db.schema.createIndex('open_datasets_resource_idx').on('open_datasets').column('resource_code').execute();
  // Rows a publisher uploaded for a dataset whose data is not kept in a base database here.
  await db.schema
    .createTable('open_dataset_rows')
    .addColumn('dataset_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('open_dataset_rows_pk', ['dataset_id', 'seq'])
    .execute();
  // Applications to use a conditionally open dataset (有条件开放), decided by its provider.
  await db.schema
    .createTable('open_applications')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('dataset_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('applicant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('applicant_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('organisation', 'varchar(200)', (c) => c.notNull())
    .addColumn('purpose', 'varchar(2000)', (c) => c.notNull())
    .addColumn('contact', 'varchar(100)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'varchar(2000)')
    .addColumn('decided_by', 'varchar(64)')
    .addColumn('decided_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('open_applications_dataset_idx').on('open_applications').columns(['dataset_id', 'status']).execute();
  await db.schema.createIndex('open_applications_applicant_idx').on('open_applications').columns(['applicant_id', 'dataset_id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('open_applications').execute();
  await db.schema.dropTable('open_dataset_rows').execute();
  await db.schema.dropTable('open_datasets').execute();
}
