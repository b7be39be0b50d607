import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Emergency resources: rescue teams, experts, supplies in stores, shelters (避难场所), vehicles.
  await db.schema
    .createTable('em_resources')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull()) // team | expert | supply | shelter | vehicle
    .addColumn('type', 'varchar(40)', (c) => c.notNull()) // pump_truck, rescue_team, sandbags, shelter …
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('district_adcode', 'varchar(12)')
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull()) // units held (a shelter: people it takes)
    .addColumn('unit', 'varchar(20)')
    .addColumn('contact', 'varchar(200)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // available | out_of_service
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('rev', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('em_resources_type_idx').on('em_resources').columns(['type', 'status']).execute();
  // Allocations to incidents, tracked until returned.
  await db.schema
    .createTable('em_allocations')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('incident_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // allocated | returned
    .addColumn('allocated_by', 'varchar(64)')
    .addColumn('allocated_at', 'bigint', (c) => c.notNull())
    .addColumn('returned_by', 'varchar(64)')
    .addColumn('returned_at', 'bigint')
    .execute();
  await db.schema.createIndex('em_allocations_resource_idx').on('em_allocations').columns(['resource_id', 'status']).execute();
  await db.schema.createIndex('em_allocations_incident_idx').on('em_allocations').column('incident_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('em_allocations').execute();
  await db.schema.dropTable('em_resources').execute();
}
