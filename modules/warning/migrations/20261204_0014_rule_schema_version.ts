import type { Kysely } from 'kysely';

/** The schema version of each stored rule definition (1: every definition saved so far). */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('warning_rules')
    .addColumn('schema_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('warning_rule_versions')
    .addColumn('schema_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('warning_rule_versions').dropColumn('schema_version').execute();
  await db.schema.alterTable('warning_rules').dropColumn('schema_version').execute();
}
