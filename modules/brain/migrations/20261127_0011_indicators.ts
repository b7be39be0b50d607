import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // City indicators (城市运行指标) as data: what to measure, from which source, how to colour it.
  await db.schema
    .createTable('brain_indicators')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(64)', (c) => c.notNull())
    .addColumn('domain', 'varchar(32)', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull()) // JSON
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'varchar(64)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Snapshots of every indicator's value, for trends, history and the 24-hour replay.
  await db.schema
    .createTable('brain_indicator_values')
    .addColumn('indicator_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('breakdown', 'text') // JSON {key: value}
    .addPrimaryKeyConstraint('brain_indicator_values_pk', ['indicator_id', 'at'])
    .execute();
  await db.schema.createIndex('brain_indicator_values_at_idx').on('brain_indicator_values').column('at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['brain_indicator_values', 'brain_indicators']) await db.schema.dropTable(t).ifExists().execute();
}
