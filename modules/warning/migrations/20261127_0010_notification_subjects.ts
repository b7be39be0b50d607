import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Messages are about an alert or, since emergency command, an incident's tasks: `subject` says
  // which, and `alert_id` holds that subject's id (the column keeps its first name).
  await db.schema
    .alterTable('notifications')
    .addColumn('subject', 'varchar(16)', (c) => c.notNull().defaultTo('alert'))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('subject').execute();
}
