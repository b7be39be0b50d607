import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Notifications became a platform service for any subject (alerts, incidents, cases,
  // applications): the subject's id column gets the name of what it holds, and the index serves
  // "the messages about this subject".
  await db.schema.alterTable('notifications').renameColumn('alert_id', 'subject_id').execute();
  await db.schema.dropIndex('notifications_alert_idx').ifExists().execute();
  await db.schema.createIndex('notifications_subject_idx').on('notifications').columns(['subject', 'subject_id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notifications_subject_idx').ifExists().execute();
  await db.schema.alterTable('notifications').renameColumn('subject_id', 'alert_id').execute();
  await db.schema.createIndex('notifications_alert_idx').on('notifications').column('alert_id').execute();
}
