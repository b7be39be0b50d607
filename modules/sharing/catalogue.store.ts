/** SQL for the resource catalogue and its history. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { SharingResourceTable, SharingResourceVersionTable } from './sharing.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type ResourceRow = Selectable<SharingResourceTable>;
export type ResourceVersionRow = Selectable<SharingResourceVersionTable>;

export function getResource(db: Q, code: string): Promise<ResourceRow | undefined> {
  return db.selectFrom('sharing_resources').selectAll().where('code', '=', code).executeTakeFirst();
}

/** The highest sequence used under a class code (codes are `<class>/<sequence>`). */
export async function lastSequence(db: Q, classCode: string): Promise<number> {
  const r = await db.selectFrom('sharing_resources').select('code').where('class_code', '=', classCode).orderBy('code', 'desc').limit(1).executeTakeFirst();
  return r ? Number(r.code.split('/')[1]) : 0;
}

export async function insertResource(db: Q, row: ResourceRow): Promise<void> {
  await db.insertInto('sharing_resources').values(row).execute();
}

/** A revision at the version the writer loaded; false when someone saved since. */
export async function updateResource(db: Q, code: string, version: number, set: Omit<ResourceRow, 'code' | 'version' | 'created_at'>): Promise<boolean> {
  const r = await db
    .updateTable('sharing_resources')
    .set({ ...set, version: version + 1 })
    .where('code', '=', code)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertVersion(db: Q, row: ResourceVersionRow): Promise<void> {
  await db.insertInto('sharing_resource_versions').values(row).execute();
}

export function versions(db: Q, code: string): Promise<ResourceVersionRow[]> {
  return db.selectFrom('sharing_resource_versions').selectAll().where('code', '=', code).orderBy('version', 'desc').execute();
}

/** What the search index holds of every entry (the definitions stay in the database). */
export function indexRows(db: Q) {
  return db
    .selectFrom('sharing_resources')
    .select(['code', 'search_text', 'provider', 'kind', 'class_code', 'status', 'sharing_type', 'dataset'])
    .orderBy('code')
    .execute();
}

export function resourcesByCode(db: Q, codes: readonly string[]): Promise<ResourceRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('sharing_resources')
    .selectAll()
    .where('code', 'in', [...codes])
    .execute();
}
