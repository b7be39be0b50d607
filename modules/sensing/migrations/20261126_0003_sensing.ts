import type { Kysely } from 'kysely';
import { dialectOf } from '../../../platform/storage/migrate.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // Device types declare attributes (value type, UN/CEFACT unit, plausible range) and retention.
  await db.schema
    .createTable('device_types')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name_zh', 'varchar(200)', (c) => c.notNull())
    .addColumn('name_en', 'varchar(200)', (c) => c.notNull())
    .addColumn('domain', 'varchar(64)', (c) => c.notNull())
    .addColumn('model', 'varchar(16)', (c) => c.notNull()) // sdm | city
    .addColumn('ngsi_type', 'varchar(100)', (c) => c.notNull())
    .addColumn('default_owner', 'varchar(64)')
    .addColumn('default_interval_s', 'integer', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('retention', 'text', (c) => c.notNull())
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // seq is the compact key telemetry rows carry; id is the device's public id (MQTT client id).
  await db.schema
    .createTable('devices')
    .addColumn('seq', postgres ? 'serial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('type_id', 'varchar(64)', (c) => c.notNull().references('device_types.id'))
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('district_adcode', 'varchar(16)')
    .addColumn('special_zone', 'varchar(32)')
    .addColumn('lon', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('datum', 'varchar(16)', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('interval_s', 'integer', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('entity_id', 'varchar(300)', (c) => c.notNull().unique())
    .addColumn('simulated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('properties', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('devices_type_idx').on('devices').column('type_id').execute();
  await db.schema.createIndex('devices_dept_idx').on('devices').columns(['department_code', 'district_adcode']).execute();
  await db.schema.createIndex('devices_district_idx').on('devices').column('district_adcode').execute();
  // Health: counters flushed by ingest processes as deltas, status kept by the health sweep.
  await db.schema
    .createTable('device_health')
    .addColumn('dev', 'integer', (c) => c.primaryKey())
    .addColumn('accepted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seen', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('status_since', 'bigint')
    .addColumn('stuck', 'text')
    .execute();
  await db.schema.createIndex('device_health_status_idx').on('device_health').column('status').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('device_health').ifExists().execute();
  await db.schema.dropTable('devices').ifExists().execute();
  await db.schema.dropTable('device_types').ifExists().execute();
}
