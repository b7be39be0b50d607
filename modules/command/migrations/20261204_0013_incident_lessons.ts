import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../../../platform/storage/migrate.js';

/**
 * The review's lessons (复盘), fed into the plan's next revision. The column was first added by
 * editing migration 0008 after it had shipped; databases created before that edit lack it, the
 * ones created after have it. This migration brings both to the same schema.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  const present =
    dialectOf(db) === 'postgres'
      ? await sql`select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'em_incidents' and column_name = 'lessons'`.execute(
          db,
        )
      : await sql`select 1 from pragma_table_info('em_incidents') where name = 'lessons'`.execute(db);
  if (present.rows.length === 0) await db.schema.alterTable('em_incidents').addColumn('lessons', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('em_incidents').dropColumn('lessons').execute();
}
