import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Licence types (证照类型) as data: the issuing department, the holder kind, the fields, validity.
  await db.schema
    .createTable('licence_types')
    .addColumn('code', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull()) // JSON
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(64)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Each issuing department's signing keys: the public key published, the private key sealed.
  await db.schema
    .createTable('licence_keys')
    .addColumn('kid', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sealed_private', 'text', (c) => c.notNull()) // AES-256-GCM under the configured key
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // active, retired
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema.createIndex('licence_keys_department_idx').on('licence_keys').columns(['department', 'status']).execute();
  // Licences as issued: the signed document, its state, and the facts to find it by.
  await db.schema
    .createTable('licences')
    .addColumn('number', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('holder_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('holder_id', 'varchar(18)', (c) => c.notNull())
    .addColumn('holder_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull()) // WD1.<payload>.<signature>
    .addColumn('kid', 'varchar(40)', (c) => c.notNull())
    .addColumn('issued_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('valid_until', 'varchar(10)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // valid, suspended, revoked
    .addColumn('status_reason', 'varchar(2000)')
    .addColumn('status_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('licences_holder_idx').on('licences').column('holder_id').execute();
  await db.schema.createIndex('licences_status_idx').on('licences').columns(['status', 'status_at']).execute();
  // Every version of every licence: issued, suspended, resumed, revoked, renewed.
  await db.schema
    .createTable('licence_versions')
    .addColumn('number', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('event', 'varchar(16)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'varchar(2000)')
    .addColumn('actor_id', 'varchar(64)')
    .addColumn('actor_name', 'varchar(200)')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('licence_versions_pk', ['number', 'version'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['licence_versions', 'licences', 'licence_keys', 'licence_types']) await db.schema.dropTable(t).ifExists().execute();
}
