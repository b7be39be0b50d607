import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const kept = (t: ReturnType<Kysely<any>['schema']['createTable']>) =>
    t
      .addColumn('synthetic', 'integer', (c) => c.notNull().defaultTo(0)) // 1: generated demo data, shown as such
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('load_id', 'varchar(40)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull());
  const changed = (table: string, key: string) => db.schema.createIndex(`${table}_updated_idx`).on(table).columns(['updated_at', key]).execute();

  // 自然资源与空间地理基础库: standard addresses with their coordinates and grid.
  await kept(
    db.schema
      .createTable('sharing_addresses')
      .addColumn('address_code', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('district', 'varchar(12)', (c) => c.notNull())
      .addColumn('street', 'varchar(100)', (c) => c.notNull())
      .addColumn('full_address', 'varchar(200)', (c) => c.notNull())
      .addColumn('lon', 'double precision', (c) => c.notNull())
      .addColumn('lat', 'double precision', (c) => c.notNull())
      .addColumn('grid_code', 'varchar(32)'),
  ).execute();
  await db.schema.createIndex('sharing_addresses_district_idx').on('sharing_addresses').column('district').execute();
  await changed('sharing_addresses', 'address_code');

  // 电子证照基础库: every licence, by number, with its holder (ID number or credit code).
  await kept(
    db.schema
      .createTable('sharing_licences')
      .addColumn('licence_number', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('licence_type', 'varchar(64)', (c) => c.notNull())
      .addColumn('holder_name', 'varchar(200)', (c) => c.notNull())
      .addColumn('holder_id', 'varchar(18)', (c) => c.notNull())
      .addColumn('issuer', 'varchar(100)', (c) => c.notNull())
      .addColumn('issued_on', 'varchar(10)', (c) => c.notNull())
      .addColumn('expires_on', 'varchar(10)')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('signature', 'text'),
  ).execute();
  await db.schema.createIndex('sharing_licences_holder_idx').on('sharing_licences').column('holder_id').execute();
  await changed('sharing_licences', 'licence_number');

  // 社会信用基础库: licensing and penalty decisions (双公示) with the subject's rating and lists.
  await kept(
    db.schema
      .createTable('sharing_credit_records')
      .addColumn('decision_number', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('subject_code', 'varchar(18)', (c) => c.notNull())
      .addColumn('subject_name', 'varchar(200)', (c) => c.notNull())
      .addColumn('rating', 'varchar(2)')
      .addColumn('list_kind', 'varchar(8)')
      .addColumn('record_kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('decided_on', 'varchar(10)', (c) => c.notNull())
      .addColumn('authority', 'varchar(100)', (c) => c.notNull()),
  ).execute();
  await db.schema.createIndex('sharing_credit_records_subject_idx').on('sharing_credit_records').column('subject_code').execute();
  await changed('sharing_credit_records', 'decision_number');

  // 公共资源交易基础库: projects, their parties, awards and amounts.
  await kept(
    db.schema
      .createTable('sharing_trading_projects')
      .addColumn('project_code', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('project_name', 'varchar(200)', (c) => c.notNull())
      .addColumn('category', 'varchar(16)', (c) => c.notNull())
      .addColumn('tenderer', 'varchar(200)', (c) => c.notNull())
      .addColumn('winner', 'varchar(200)')
      .addColumn('winner_code', 'varchar(18)')
      .addColumn('amount', 'double precision')
      .addColumn('awarded_on', 'varchar(10)'),
  ).execute();
  await changed('sharing_trading_projects', 'project_code');

  // 宏观经济基础库: indicator values by area and period (key: indicator|area|period).
  await kept(
    db.schema
      .createTable('sharing_macro_indicators')
      .addColumn('record_key', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('indicator_code', 'varchar(32)', (c) => c.notNull())
      .addColumn('indicator_name', 'varchar(100)', (c) => c.notNull())
      .addColumn('area', 'varchar(12)', (c) => c.notNull())
      .addColumn('period', 'varchar(10)', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('unit', 'varchar(20)', (c) => c.notNull()),
  ).execute();
  await db.schema.createIndex('sharing_macro_indicators_series_idx').on('sharing_macro_indicators').columns(['indicator_code', 'area', 'period']).execute();
  await changed('sharing_macro_indicators', 'record_key');
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sharing_macro_indicators', 'sharing_trading_projects', 'sharing_credit_records', 'sharing_licences', 'sharing_addresses'])
    await db.schema.dropTable(t).ifExists().execute();
}
