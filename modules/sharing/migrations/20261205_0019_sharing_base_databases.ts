import type { Kysely } from 'kysely';
import { dialectOf } from '../../../platform/storage/migrate.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const kept = (t: ReturnType<Kysely<any>['schema']['createTable']>) =>
    t
      .addColumn('synthetic', 'integer', (c) => c.notNull().defaultTo(0)) // 1: generated demo data, shown as such
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('load_id', 'varchar(40)') // the load that wrote it last (who and when, through the job)
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull());
  // 人口基础库: one row per person, by citizen ID number (GB 11643).
  await kept(
    db.schema
      .createTable('sharing_people')
      .addColumn('id_number', 'varchar(18)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(50)', (c) => c.notNull())
      .addColumn('gender', 'varchar(1)', (c) => c.notNull())
      .addColumn('birth_date', 'varchar(10)', (c) => c.notNull())
      .addColumn('ethnicity', 'varchar(2)')
      .addColumn('household_address', 'varchar(200)')
      .addColumn('residence_address', 'varchar(200)')
      .addColumn('phone', 'varchar(20)')
      .addColumn('district', 'varchar(12)', (c) => c.notNull()),
  ).execute();
  await db.schema.createIndex('sharing_people_district_idx').on('sharing_people').column('district').execute();
  // 法人基础库: one row per legal entity, by unified social credit code (GB 32100).
  await kept(
    db.schema
      .createTable('sharing_entities')
      .addColumn('credit_code', 'varchar(18)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('entity_type', 'varchar(4)', (c) => c.notNull())
      .addColumn('legal_representative', 'varchar(50)')
      .addColumn('legal_representative_id', 'varchar(18)')
      .addColumn('registered_capital', 'double precision')
      .addColumn('founded_on', 'varchar(10)', (c) => c.notNull())
      .addColumn('address', 'varchar(200)')
      .addColumn('business_scope', 'text')
      .addColumn('status', 'varchar(2)', (c) => c.notNull())
      .addColumn('district', 'varchar(12)', (c) => c.notNull())
      .addColumn('code_exception', 'integer', (c) => c.notNull().defaultTo(0)), // accepted by an audited exception
  ).execute();
  await db.schema.createIndex('sharing_entities_district_idx').on('sharing_entities').column('district').execute();
  // Every change of a record: before and after, by whom (a load job or a person), when.
  await db.schema
    .createTable('sharing_record_history')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('dataset', 'varchar(32)', (c) => c.notNull())
    .addColumn('record_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('op', 'varchar(8)', (c) => c.notNull()) // insert, update
    .addColumn('before', 'text') // JSON, null for an insert
    .addColumn('after', 'text', (c) => c.notNull()) // JSON
    .addColumn('load_id', 'varchar(40)')
    .addColumn('actor_id', 'varchar(64)')
    .addColumn('actor_name', 'varchar(200)')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sharing_record_history_key_idx').on('sharing_record_history').columns(['dataset', 'record_key', 'seq']).execute();
  // Load jobs: what was loaded, by whom, how it went, and the rows that were refused.
  await db.schema
    .createTable('sharing_load_jobs')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('dataset', 'varchar(32)', (c) => c.notNull())
    .addColumn('source', 'varchar(200)', (c) => c.notNull()) // file name
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // running, done, failed
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('inserted', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addColumn('refused', 'integer', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull()) // JSON: the first refused rows, with line and field
    .addColumn('actor_id', 'varchar(64)')
    .addColumn('actor_name', 'varchar(200)')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('sharing_load_jobs_dataset_idx').on('sharing_load_jobs').columns(['dataset', 'started_at']).execute();
  // Early credit codes whose only fault is their check character, accepted by the data authority.
  await db.schema
    .createTable('sharing_code_exceptions')
    .addColumn('code', 'varchar(18)', (c) => c.primaryKey())
    .addColumn('reason', 'varchar(500)', (c) => c.notNull())
    .addColumn('granted_by', 'varchar(64)')
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sharing_code_exceptions', 'sharing_load_jobs', 'sharing_record_history', 'sharing_entities', 'sharing_people'])
    await db.schema.dropTable(t).ifExists().execute();
}
