import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Outbox rows are claimed for a while by the process publishing them, instead of being held
  // in an open transaction while the broker is called (which, on SQLite, would block every
  // other write while the broker is slow or away).
  await db.schema.alterTable('outbox').addColumn('claimed_until', 'bigint').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('claimed_until').execute();
}
