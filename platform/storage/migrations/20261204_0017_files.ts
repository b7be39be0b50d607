import type { Kysely } from 'kysely';
import { dialectOf } from '../migrate.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Uploaded files (photos with progress reports, later case photos), kept in the database so every
  // process of a scaled-out platform serves the same bytes.
  const postgres = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('subject_id', 'text')
    .execute();
  await db.schema.createIndex('files_subject_idx').on('files').columns(['subject', 'subject_id']).execute();
  await db.schema.createIndex('files_unattached_idx').on('files').columns(['created_by', 'created_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('files').ifExists().execute();
}
