import { type Kysely, type Migration, type MigrationResultSet, Migrator, PostgresAdapter, sql } from 'kysely';
import type { Dialect } from './db.js';
import * as m0001 from './migrations/20261126_0001_foundation.js';
import * as m0002 from './migrations/20261126_0002_outbox.js';
import * as m0003 from './migrations/20261126_0003_sensing.js';
import * as m0004 from './migrations/20261126_0004_outbox_claims.js';
import * as m0005 from './migrations/20261127_0005_warning.js';
import * as m0006 from './migrations/20261127_0006_notifications.js';
import * as m0007 from './migrations/20261127_0007_command_plans.js';
import * as m0008 from './migrations/20261127_0008_incidents.js';
import * as m0009 from './migrations/20261127_0009_resources.js';
import * as m0010 from './migrations/20261127_0010_notification_subjects.js';
import * as m0011 from './migrations/20261127_0011_indicators.js';
import * as m0012 from './migrations/20261204_0012_hardening.js';

/**
 * Migrations in order. Names are timestamped; one set of Kysely schema-builder code serves
 * both dialects, with the few dialect-specific statements switched inside a migration.
 */
const MIGRATIONS: Record<string, Migration> = {
  '20261126_0001_foundation': m0001,
  '20261126_0002_outbox': m0002,
  '20261126_0003_sensing': m0003,
  '20261126_0004_outbox_claims': m0004,
  '20261127_0005_warning': m0005,
  '20261127_0006_notifications': m0006,
  '20261127_0007_command_plans': m0007,
  '20261127_0008_incidents': m0008,
  '20261127_0009_resources': m0009,
  '20261127_0010_notification_subjects': m0010,
  '20261127_0011_indicators': m0011,
  '20261204_0012_hardening': m0012,
};

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
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // On PostgreSQL the migration tables live in the connection's current schema; naming it
  // keeps Kysely from mistaking another schema's tables for ours.
  const schema = dialectOf(db) === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db: schema ? scopedIntrospection(db, schema) : db,
    provider: { getMigrations: async () => MIGRATIONS },
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

export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS);
}
