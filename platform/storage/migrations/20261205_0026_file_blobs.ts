import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Files' bytes move out of the database into a blob store (a directory or an S3-compatible
  // object store): a row keeps the key. Rows from before keep their bytes in `data`; new rows
  // leave it empty.
  await db.schema.alterTable('files').addColumn('blob_key', 'varchar(80)').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('files').dropColumn('blob_key').execute();
}
