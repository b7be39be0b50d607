import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // How many of a request's steps passed their deadline (kept, unlike overdue_at, which a step's
  // answer clears): the share of requests handled on time reads it.
  await db.schema
    .alterTable('sharing_requests')
    .addColumn('late_steps', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('sharing_requests_created_idx').on('sharing_requests').column('created_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sharing_requests_created_idx').ifExists().execute();
  await db.schema.alterTable('sharing_requests').dropColumn('late_steps').execute();
}
