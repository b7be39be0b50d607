/** SQL of the government services module: the item catalogue and its versions, 一件事 bundles. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { GsEventTable, GsItemTable } from './services.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type ItemRow = Selectable<GsItemTable>;
export type EventRow = Selectable<GsEventTable>;

export function itemCodes(db: Q) {
  return db.selectFrom('gs_items').select('code').execute();
}

export function item(db: Q, code: string) {
  return db.selectFrom('gs_items').selectAll().where('code', '=', code).executeTakeFirst();
}

export function itemVersion(db: Q, code: string, version: number) {
  return db.selectFrom('gs_item_versions').selectAll().where('code', '=', code).where('version', '=', version).executeTakeFirst();
}

export function itemVersions(db: Q, code: string) {
  return db
    .selectFrom('gs_item_versions')
    .select(['version', 'note', 'created_by', 'created_at'])
    .where('code', '=', code)
    .orderBy('version', 'desc')
    .execute();
}

/** Items by department, kind, applicant and words (every word in the name, keywords or department). */
export function items(
  db: Q,
  q: { department?: string; kind?: string; applicant?: string; words?: string[]; retired?: boolean; limit: number; offset: number },
) {
  let s = db.selectFrom('gs_items').selectAll();
  if (q.department) s = s.where('department', '=', q.department);
  if (q.kind) s = s.where('kind', '=', q.kind);
  if (q.applicant) s = s.where('applicant', 'in', [q.applicant, 'any']);
  if (!q.retired) s = s.where('retired', '=', 0);
  for (const w of q.words ?? []) s = s.where('search', 'like', `%${w.replace(/[%_\\]/g, '')}%`);
  return s.orderBy('department').orderBy('code').limit(q.limit).offset(q.offset).execute();
}

export async function insertItem(db: Q, row: ItemRow, note: string | null, createdBy: string | null): Promise<void> {
  await db.insertInto('gs_items').values(row).execute();
  await db
    .insertInto('gs_item_versions')
    .values({ code: row.code, version: row.version, body: row.body, note, created_by: createdBy, created_at: row.updated_at })
    .execute();
}

/** The next version of an item, only if the one the editor read is still current (no lost update). */
export async function updateItem(db: Q, row: ItemRow, expected: number, note: string | null, createdBy: string | null): Promise<boolean> {
  const { code, ...rest } = row;
  const r = await db.updateTable('gs_items').set(rest).where('code', '=', code).where('version', '=', expected).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await db
    .insertInto('gs_item_versions')
    .values({ code, version: row.version, body: row.body, note, created_by: createdBy, created_at: row.updated_at })
    .execute();
  return true;
}

export function events(db: Q) {
  return db.selectFrom('gs_events').selectAll().where('retired', '=', 0).orderBy('code').execute();
}

export function event(db: Q, code: string) {
  return db.selectFrom('gs_events').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertEvent(db: Q, row: EventRow): Promise<void> {
  await db
    .insertInto('gs_events')
    .values(row)
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}
