import { type Kysely, type Migration, type MigrationResultSet, Migrator, PostgresAdapter, sql } from 'kysely';
import type { Dialect } from './db.js';

/** Migrations by name. Names begin with a date and a number, and run in the order of their names. */
export type MigrationSet = Record<string, Migration>;

/**
 * One set from the platform's and each module's migrations (every module keeps its own beside its
 * code). A name used twice is a programming error.
 */
export function mergeMigrations(...sets: MigrationSet[]): MigrationSet {
  const out: MigrationSet = {};
  for (const set of sets)
    for (const [name, m] of Object.entries(set)) {
      if (out[name]) throw new Error(`Migration ${name} is declared twice`);
      out[name] = m;
    }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// biome-ignore lint/suspicious/noExplicitAny: works for any schema
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`Migration ${migration ?? '(unknown)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

/** Brings the schema up to date; safe to run from several processes at once (Kysely takes a lock). */
// biome-ignore lint/suspicious/noExplicitAny: works for any schema
export async function migrateToLatest(db: Kysely<any>, migrations: MigrationSet): Promise<string[]> {
  // On PostgreSQL the migration tables live in the connection's current schema; naming it
  // keeps Kysely from mistaking another schema's tables for ours.
  const schema = dialectOf(db) === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db: schema ? scopedIntrospection(db, schema) : db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) throw new MigrationError(results?.find((r) => r.status === 'Error')?.migrationName, error);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Kysely's PostgreSQL introspector lists the tables of every schema in the database and calls
 * `has_schema_privilege` / `pg_get_serial_sequence` by name on each, which fails with
 * "schema … does not exist" when another schema is dropped at that moment (another tenant,
 * another test). The migrator only needs to know whether its own two tables exist, so it is
 * given a view of the database whose introspection looks in the one schema it migrates.
 */
// biome-ignore lint/suspicious/noExplicitAny: works for any schema
function scopedIntrospection(db: Kysely<any>, schema: string): Kysely<any> {
  const introspection = {
    getSchemas: async () => [{ name: schema }],
    getTables: async () => {
      const rows = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = ${schema}`.execute(db);
      return rows.rows.map((r) => ({ name: r.name, schema, isView: false, columns: [] }));
    },
    getMetadata: async () => ({ tables: [] }),
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
