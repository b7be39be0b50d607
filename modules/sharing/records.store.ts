/** SQL for the base databases' records, their history, load jobs and credit-code exceptions. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { DatasetSpec } from './datasets.js';
import type { Value } from './records.js';
import type { SharingLoadJobTable } from './sharing.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
// The base databases' tables differ by dataset; their columns come from the dataset's spec.
// biome-ignore lint/suspicious/noExplicitAny: dynamic columns, named by the spec
type Any = Kysely<any> | Transaction<any>;
const any = (db: Q) => db as unknown as Any;

export type LoadJobRow = Selectable<SharingLoadJobTable>;
export type RecordRow = Record<string, Value> & { synthetic: number; version: number; load_id: string | null; created_at: number; updated_at: number };

export const keyColumn = (spec: DatasetSpec) => spec.fields.find((f) => f.key === spec.keyField)!.column;

/** The records with these keys, by key. */
export async function existing(db: Q, spec: DatasetSpec, keys: readonly string[]): Promise<Map<string, RecordRow>> {
  const out = new Map<string, RecordRow>();
  const col = keyColumn(spec);
  for (let i = 0; i < keys.length; i += 900) {
    const rows = (await any(db)
      .selectFrom(spec.table)
      .selectAll()
      .where(col, 'in', keys.slice(i, i + 900))
      .execute()) as RecordRow[];
    for (const r of rows) out.set(r[col] as string, r);
  }
  return out;
}

/** New records, many to a statement. */
export async function insertMany(db: Q, spec: DatasetSpec, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  // SQLite allows 32,766 parameters a statement; about 16 columns a row.
  for (let i = 0; i < rows.length; i += 1000)
    await any(db)
      .insertInto(spec.table)
      .values(rows.slice(i, i + 1000))
      .execute();
}

export async function updateRecord(db: Q, spec: DatasetSpec, key: string, set: Record<string, unknown>): Promise<void> {
  await any(db).updateTable(spec.table).set(set).where(keyColumn(spec), '=', key).execute();
}

export async function insertHistory(db: Q, rows: readonly Omit<Selectable<Database['sharing_record_history']>, 'seq'>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('sharing_record_history')
      .values(rows.slice(i, i + 1000))
      .execute();
}

export async function getRecord(db: Q, spec: DatasetSpec, key: string): Promise<RecordRow | undefined> {
  return (await any(db).selectFrom(spec.table).selectAll().where(keyColumn(spec), '=', key).executeTakeFirst()) as RecordRow | undefined;
}

export function history(db: Q, dataset: string, key: string) {
  return db.selectFrom('sharing_record_history').selectAll().where('dataset', '=', dataset).where('record_key', '=', key).orderBy('seq', 'desc').execute();
}

export async function countRecords(db: Q, spec: DatasetSpec): Promise<number> {
  const r = await any(db)
    .selectFrom(spec.table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertJob(db: Q, row: LoadJobRow): Promise<void> {
  await db.insertInto('sharing_load_jobs').values(row).execute();
}

export async function updateJob(db: Q, id: string, set: Partial<Omit<LoadJobRow, 'id'>>): Promise<void> {
  await db.updateTable('sharing_load_jobs').set(set).where('id', '=', id).execute();
}

export function getJob(db: Q, id: string): Promise<LoadJobRow | undefined> {
  return db.selectFrom('sharing_load_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listJobs(db: Q, dataset: string, limit: number): Promise<LoadJobRow[]> {
  return db.selectFrom('sharing_load_jobs').selectAll().where('dataset', '=', dataset).orderBy('started_at', 'desc').limit(limit).execute();
}

export async function exceptionCodes(db: Q): Promise<Set<string>> {
  return new Set((await db.selectFrom('sharing_code_exceptions').select('code').execute()).map((r) => r.code));
}

export async function insertException(db: Q, row: Selectable<Database['sharing_code_exceptions']>): Promise<boolean> {
  const r = await db
    .insertInto('sharing_code_exceptions')
    .values(row)
    .onConflict((oc) => oc.column('code').doNothing())
    .returning('code')
    .executeTakeFirst();
  return r !== undefined;
}

/** A page of records in key order after `after`: the key, the named columns, and whether it is synthetic. */
export async function scanRecords(db: Q, spec: DatasetSpec, columns: readonly string[], after: string | null, limit: number): Promise<RecordRow[]> {
  const keyCol = keyColumn(spec);
  let q = any(db)
    .selectFrom(spec.table)
    .select([...new Set([keyCol, ...columns, 'synthetic'])]);
  if (after !== null) q = q.where(keyCol, '>', after);
  return (await q.orderBy(keyCol).limit(limit).execute()) as RecordRow[];
}

/** Record counts grouped by the named columns, largest first. */
export async function groupCounts(db: Q, spec: DatasetSpec, columns: readonly string[]): Promise<(Record<string, Value> & { n: number })[]> {
  let q = any(db)
    .selectFrom(spec.table)
    .select(columns as string[])
    .select((eb) => eb.fn.countAll<number>().as('n'));
  for (const c of columns) q = q.groupBy(c).orderBy(c);
  return (await q.execute()).map((r) => ({ ...r, n: Number(r.n) })) as (Record<string, Value> & { n: number })[];
}
