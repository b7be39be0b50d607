import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Emergency plans (应急预案): the current version of each, and every version ever saved.
  await db.schema
    .createTable('em_plans')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull()) // general | special | department | site
    .addColumn('owner', 'varchar(64)', (c) => c.notNull())
    .addColumn('subkinds', 'text', (c) => c.notNull()) // JSON string[]
    .addColumn('review_by', 'varchar(10)', (c) => c.notNull()) // YYYY-MM-DD
    .addColumn('definition', 'text', (c) => c.notNull()) // JSON PlanDefinition
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // active | retired
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(64)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('em_plan_versions')
    .addColumn('plan_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('changed_by', 'varchar(64)')
    .addColumn('changed_at', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('em_plan_versions_pk', ['plan_id', 'version'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('em_plan_versions').execute();
  await db.schema.dropTable('em_plans').execute();
}
