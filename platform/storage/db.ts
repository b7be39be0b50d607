/**
 * The one query layer: Kysely over better-sqlite3 (WAL, embedded default) or PostgreSQL.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface Storage {
  db: Db;
  dialect: Dialect;
  /** The SQLite file (":memory:" in tests); telemetry keeps its own file beside it. */
  sqliteFile?: string;
  /** The PostgreSQL pool, for the stores that speak SQL directly (bulk telemetry). */
  pool?: pg.Pool;
  /** Cheap round trip used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 (bigint) and numeric come back as strings from pg by default; our bigints are epoch
// milliseconds and counters, well inside Number's safe range.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface StorageOptions {
  /** PostgreSQL URL; SQLite in dataDir when absent. */
  databaseUrl?: string;
  dataDir?: string;
  /** SQLite file path, overriding dataDir (":memory:" for tests). */
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests give each run its own). */
  pgSchema?: string;
  poolSize?: number;
}

export function openStorage(opts: StorageOptions): Storage {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.pgSchema, opts.poolSize ?? 10);
  const file = opts.sqliteFile ?? join(resolve(opts.dataDir ?? './data'), 'wudang.db');
  if (file !== ':memory:') mkdirSync(resolve(file, '..'), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode keeps every committed transaction across a process crash;
  // only an OS crash or power loss can lose the last ones.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    sqliteFile: file,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * Kysely prepares every query anew; preparing costs as much as running a small query. Queries
 * are built from a fixed set of shapes, so prepared statements are kept by SQL text (bounded).
 * A statement still iterating (a streamed query) is busy, so a fresh one is prepared for it.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 500): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (source: string) => {
          const hit = cache.get(source);
          if (hit && !hit.busy) return hit;
          const stmt = target.prepare(source);
          if (!hit) {
            if (cache.size >= max) cache.delete(cache.keys().next().value!);
            cache.set(source, stmt);
          }
          return stmt;
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function openPostgres(url: string, schema: string | undefined, max: number): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    pool,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

let savepointCounter = 0;

/**
 * Runs fn in a transaction. Called inside another transaction it opens a savepoint, so
 * transactions nest: an inner failure rolls back only the inner work if the caller catches it.
 */
export async function transaction<T>(db: Db | Transaction<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute(fn);
  const trx = db as Transaction<Database>;
  const name = sql.id(`wd_sp_${++savepointCounter}`);
  await sql`savepoint ${name}`.execute(trx);
  try {
    const result = await fn(trx);
    await sql`release savepoint ${name}`.execute(trx);
    return result;
  } catch (err) {
    await sql`rollback to savepoint ${name}`.execute(trx);
    await sql`release savepoint ${name}`.execute(trx);
    throw err;
  }
}

/** Whether a database error is a unique-constraint violation, on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export const json = {
  parse<T>(text: string | null | undefined, fallback: T): T {
    if (text === null || text === undefined || text === '') return fallback;
    return JSON.parse(text) as T;
  },
  stringify(value: unknown): string {
    return JSON.stringify(value ?? null);
  },
};

/** A platform setting (the `settings` table, JSON values), or `fallback` when unset. */
export async function getSetting<T>(db: Db | Transaction<Database>, key: string, fallback: T): Promise<T> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return json.parse<T>(row?.value, fallback);
}

/** Stores a platform setting, replacing any earlier value. */
export async function putSetting(db: Db | Transaction<Database>, key: string, value: unknown, at: number, by: string | null = null): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: text, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: at, updated_by: by }))
    .execute();
}
