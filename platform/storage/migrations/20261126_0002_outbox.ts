import type { Kysely } from 'kysely';
import { dialectOf } from '../migrate.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // Domain events written in the same transaction as the change they report, published after
  // commit by a relay (transactional outbox): a crash between commit and publish loses nothing.
  await db.schema
    .createTable('outbox')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('type', 'varchar(100)', (c) => c.notNull())
    .addColumn('key', 'varchar(100)')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox').ifExists().execute();
}
