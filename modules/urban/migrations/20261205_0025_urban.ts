import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // The classification (部件、事件分类), every edit a new version; a case keeps the version it was filed under.
  await db.schema
    .createTable('um_class_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Streets (街道) and communities (社区) of the unit grids.
  await db.schema
    .createTable('um_areas')
    .addColumn('district', 'varchar(16)', (c) => c.notNull())
    .addColumn('code', 'varchar(16)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('parent', 'varchar(16)')
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('geometry', 'text', (c) => c.notNull())
    .addColumn('generated', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('um_areas_pk', ['district', 'code'])
    .execute();
  // Unit grids (万米单元网格) with their 20-digit CJ/T 349 codes and boundaries.
  await db.schema
    .createTable('um_grids')
    .addColumn('code', 'varchar(20)', (c) => c.primaryKey())
    .addColumn('district', 'varchar(16)', (c) => c.notNull())
    .addColumn('street', 'varchar(16)', (c) => c.notNull())
    .addColumn('community', 'varchar(16)', (c) => c.notNull())
    .addColumn('geometry', 'text', (c) => c.notNull())
    .addColumn('min_lon', 'double precision', (c) => c.notNull())
    .addColumn('min_lat', 'double precision', (c) => c.notNull())
    .addColumn('max_lon', 'double precision', (c) => c.notNull())
    .addColumn('max_lat', 'double precision', (c) => c.notNull())
    .addColumn('area_m2', 'double precision', (c) => c.notNull())
    .addColumn('generated', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('um_grids_district_idx').on('um_grids').columns(['district', 'street', 'community']).execute();
  await db.schema
    .createTable('um_grid_inspectors')
    .addColumn('grid_code', 'varchar(20)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('um_grid_inspectors_pk', ['grid_code', 'user_id'])
    .execute();
  await db.schema.createIndex('um_grid_inspectors_user_idx').on('um_grid_inspectors').column('user_id').execute();
  // Components (部件) with their 18-digit IDs.
  await db.schema
    .createTable('um_components')
    .addColumn('id', 'varchar(18)', (c) => c.primaryKey())
    .addColumn('subcategory', 'varchar(8)', (c) => c.notNull())
    .addColumn('district', 'varchar(16)', (c) => c.notNull())
    .addColumn('grid_code', 'varchar(20)')
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('unit', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('um_components_grid_idx').on('um_components').columns(['grid_code', 'subcategory']).execute();
  // Cases: one row per report, from collection to closing, with what the evaluation counts.
  await db.schema
    .createTable('um_cases')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('instance_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('state', 'varchar(24)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('class_version', 'integer', (c) => c.notNull())
    .addColumn('subcategory', 'varchar(8)', (c) => c.notNull())
    .addColumn('urgent', 'integer', (c) => c.notNull())
    .addColumn('district', 'varchar(16)', (c) => c.notNull())
    .addColumn('street', 'varchar(16)')
    .addColumn('community', 'varchar(16)')
    .addColumn('grid_code', 'varchar(20)', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('component_id', 'varchar(18)')
    .addColumn('photos', 'text', (c) => c.notNull()) // JSON: the report's photos
    .addColumn('media_url', 'text') // a photo elsewhere (Open311 media_url)
    .addColumn('result_photos', 'text') // JSON: the unit's photos of the result
    .addColumn('reporter_id', 'varchar(64)')
    .addColumn('reporter_name', 'text')
    .addColumn('reporter_phone', 'varchar(20)')
    .addColumn('external_ref', 'varchar(80)')
    .addColumn('unit', 'varchar(64)')
    .addColumn('operator_id', 'varchar(64)')
    .addColumn('verifier_id', 'varchar(64)')
    .addColumn('duplicate_of', 'varchar(40)')
    .addColumn('merged_into', 'varchar(40)')
    .addColumn('reported_at', 'bigint', (c) => c.notNull())
    .addColumn('filed_at', 'bigint')
    .addColumn('dispatched_at', 'bigint')
    .addColumn('due_at', 'bigint')
    .addColumn('remaining_ms', 'bigint')
    .addColumn('handled_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('handled_on_time', 'integer')
    .addColumn('closed_on_time', 'integer')
    .addColumn('overdue', 'integer', (c) => c.notNull())
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('reworks', 'integer', (c) => c.notNull())
    .addColumn('extensions', 'integer', (c) => c.notNull())
    .addColumn('hangs', 'integer', (c) => c.notNull())
    .addColumn('rating', 'integer')
    .addColumn('rating_comment', 'text')
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Open cases by unit, by state for the centre's queues, by place and time for duplicates; all partial on open cases.
  await db.schema.createIndex('um_cases_unit_open_idx').on('um_cases').columns(['unit', 'due_at']).where(sql.ref('closed_at'), 'is', null).execute();
  await db.schema.createIndex('um_cases_state_open_idx').on('um_cases').columns(['state', 'reported_at']).where(sql.ref('closed_at'), 'is', null).execute();
  await db.schema.createIndex('um_cases_dup_idx').on('um_cases').columns(['subcategory', 'reported_at']).where(sql.ref('closed_at'), 'is', null).execute();
  await db.schema.createIndex('um_cases_reporter_idx').on('um_cases').columns(['reporter_id', 'reported_at']).execute();
  await db.schema.createIndex('um_cases_reported_idx').on('um_cases').columns(['reported_at']).execute();
  await db.schema.createIndex('um_cases_instance_idx').on('um_cases').column('instance_id').execute();
  await db.schema.createIndex('um_cases_ref_idx').on('um_cases').columns(['source', 'external_ref']).execute();
  // A unit's requests to the centre: extension (延期) and hang-up (挂账).
  await db.schema
    .createTable('um_case_requests')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('unit', 'varchar(64)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('hours', 'double precision')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(64)')
    .addColumn('decided_at', 'bigint')
    .addColumn('decision_note', 'text')
    .execute();
  await db.schema.createIndex('um_case_requests_case_idx').on('um_case_requests').columns(['case_id', 'status']).execute();
  await db.schema.createIndex('um_case_requests_pending_idx').on('um_case_requests').columns(['status', 'requested_at']).execute();
  // What the reporter (a citizen, a hotline caller) is told.
  await db.schema
    .createTable('um_notices')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)')
    .addColumn('phone', 'varchar(20)')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('text_zh', 'text', (c) => c.notNull())
    .addColumn('text_en', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('um_notices_case_idx').on('um_notices').columns(['case_id', 'created_at']).execute();
  await db.schema.createIndex('um_notices_user_idx').on('um_notices').columns(['user_id', 'created_at']).execute();
  // Daily counters per district, unit and person: the evaluation (CJ/T 292) sums them over its period.
  await db.schema
    .createTable('um_stats')
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('district', 'varchar(16)', (c) => c.notNull())
    .addColumn('unit', 'varchar(64)', (c) => c.notNull())
    .addColumn('actor', 'varchar(64)', (c) => c.notNull())
    .addColumn('metric', 'varchar(24)', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('um_stats_pk', ['day', 'district', 'unit', 'actor', 'metric'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'um_stats',
    'um_notices',
    'um_case_requests',
    'um_cases',
    'um_components',
    'um_grid_inspectors',
    'um_grids',
    'um_areas',
    'um_class_versions',
  ])
    await db.schema.dropTable(t).ifExists().execute();
}
