import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // A source's reference (a 12345 work order, a video event, an alert, an Open311 token) makes one
  // case only, even when the source sends it twice at once.
  await db.schema.dropIndex('um_cases_ref_idx').execute();
  await db.schema
    .createIndex('um_cases_ref_uq')
    .on('um_cases')
    .columns(['source', 'external_ref'])
    .unique()
    .where(sql.ref('external_ref'), 'is not', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('um_cases_ref_uq').execute();
  await db.schema.createIndex('um_cases_ref_idx').on('um_cases').columns(['source', 'external_ref']).execute();
}
