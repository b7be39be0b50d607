import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // A resident's or an enterprise's account (the user row is identity's): who it is, verified how.
  await db.schema
    .createTable('sa_accounts')
    .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull()) // resident | enterprise
    .addColumn('subject', 'varchar(32)', (c) => c.notNull().unique()) // ID number or credit code
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'varchar(20)', (c) => c.notNull())
    .addColumn('district', 'varchar(16)')
    .addColumn('legal_rep_id', 'varchar(32)')
    .addColumn('legal_rep_name', 'text')
    .addColumn('holder_ref', 'varchar(40)', (c) => c.notNull().unique()) // opaque, in the city code
    .addColumn('verified_at', 'bigint', (c) => c.notNull())
    .addColumn('elder_mode', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('push_warnings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('synthetic', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sa_accounts_phone_idx').on('sa_accounts').column('phone').execute();
  await db.schema.createIndex('sa_accounts_district_idx').on('sa_accounts').columns(['district', 'push_warnings']).execute();
  // 经办人: a resident acting for an enterprise, within scopes, until a date.
  await db.schema
    .createTable('sa_agents')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('enterprise_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('agent_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('sa_agents_agent_idx').on('sa_agents').column('agent_user_id').execute();
  await db.schema.createIndex('sa_agents_enterprise_idx').on('sa_agents').column('enterprise_user_id').execute();
  // One-time codes sent by SMS (only their hash is kept).
  await db.schema
    .createTable('sa_otps')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('phone', 'varchar(20)', (c) => c.notNull())
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('sa_otps_phone_idx').on('sa_otps').columns(['phone', 'purpose', 'created_at']).execute();
  // The city code's signing keys (the private half sealed at rest).
  await db.schema
    .createTable('sa_code_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sealed_private', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  // A code is taken once: its nonce, kept past its window.
  await db.schema
    .createTable('sa_code_uses')
    .addColumn('jti', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('holder_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint', (c) => c.notNull())
    .execute();
  // Where codes are scanned (扫码点): a counter, a bus line, a scenic-area gate, a hospital.
  await db.schema
    .createTable('sa_scan_points')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('district', 'varchar(16)')
    .addColumn('reveals', 'varchar(16)', (c) => c.notNull()) // identity | licence | booking
    .addColumn('target', 'varchar(64)') // the licence type, or the scenic area
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sa_scans')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('holder_user_id', 'varchar(64)')
    .addColumn('point_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('scanner_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('scanner_name', 'text', (c) => c.notNull())
    .addColumn('jti', 'varchar(32)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('offline', 'integer', (c) => c.notNull())
    .addColumn('revealed', 'text', (c) => c.notNull())
    .addColumn('scanned_at', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sa_scans_holder_idx').on('sa_scans').columns(['holder_user_id', 'at']).execute();
  await db.schema.createIndex('sa_scans_point_idx').on('sa_scans').columns(['point_id', 'at']).execute();
  // Licences shared from the wallet, with the holder's consent: to whom, for what, until when.
  await db.schema
    .createTable('sa_shares')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('holder_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('acting_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('licences', 'text', (c) => c.notNull())
    .addColumn('grantee_kind', 'varchar(16)', (c) => c.notNull()) // department | business
    .addColumn('grantee_code', 'varchar(64)')
    .addColumn('grantee_name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_until', 'bigint', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('sa_shares_holder_idx').on('sa_shares').columns(['holder_user_id', 'created_at']).execute();
  await db.schema.createIndex('sa_shares_grantee_idx').on('sa_shares').columns(['grantee_kind', 'grantee_code']).execute();
  await db.schema
    .createTable('sa_share_views')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('share_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('viewer_kind', 'varchar(16)', (c) => c.notNull()) // staff | link
    .addColumn('viewer_id', 'varchar(64)')
    .addColumn('viewer_name', 'text')
    .addColumn('ip', 'varchar(64)')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sa_share_views_share_idx').on('sa_share_views').columns(['share_id', 'at']).execute();
  // 全域旅游: scenic areas, their time slots and reservations.
  await db.schema
    .createTable('sa_scenic_areas')
    .addColumn('code', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('district', 'varchar(16)', (c) => c.notNull())
    .addColumn('grade', 'varchar(8)')
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('capacity_instant', 'integer', (c) => c.notNull())
    .addColumn('capacity_daily', 'integer', (c) => c.notNull())
    .addColumn('device_id', 'varchar(128)')
    .addColumn('slots', 'text', (c) => c.notNull()) // JSON [{start, end, capacity}]
    .addColumn('synthetic', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sa_slots')
    .addColumn('area', 'varchar(32)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('start', 'varchar(5)', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('booked', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sa_slots_pk', ['area', 'day', 'start'])
    .execute();
  await db.schema
    .createTable('sa_reservations')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('area', 'varchar(32)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('start', 'varchar(5)', (c) => c.notNull())
    .addColumn('party', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // booked | cancelled | used
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sa_reservations_user_idx').on('sa_reservations').columns(['user_id', 'day']).execute();
  await db.schema.createIndex('sa_reservations_area_idx').on('sa_reservations').columns(['area', 'day', 'start']).execute();
  // The person's inbox: warnings for their district, case progress, shares, bookings.
  await db.schema
    .createTable('sa_notifications')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('ref', 'varchar(128)', (c) => c.notNull())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('body_zh', 'text')
    .addColumn('body_en', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema.createIndex('sa_notifications_user_idx').on('sa_notifications').columns(['user_id', 'at']).execute();
  await db.schema.createIndex('sa_notifications_ref_uq').on('sa_notifications').columns(['user_id', 'kind', 'ref']).unique().execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'sa_notifications',
    'sa_reservations',
    'sa_slots',
    'sa_scenic_areas',
    'sa_share_views',
    'sa_shares',
    'sa_scans',
    'sa_scan_points',
    'sa_code_uses',
    'sa_code_keys',
    'sa_otps',
    'sa_agents',
    'sa_accounts',
  ])
    await db.schema.dropTable(t).ifExists().execute();
}
