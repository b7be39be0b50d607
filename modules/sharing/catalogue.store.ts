/** SQL for the resource catalogue and its history. */
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
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

export interface ResourceQuery {
  /** Words that must all appear (names, abstract, keywords, items, provider). */
  words?: string[];
  provider?: string | undefined;
  kind?: string | undefined;
  /** A class code or its prefix (browse by class). */
  classPrefix?: string | undefined;
  sharingType?: string | undefined;
  dataset?: string | undefined;
  /** Statuses to include. */
  statuses?: string[];
  /** Entries that are not published are seen only by these providers (null: by every caller). */
  draftsOf?: readonly string[] | null;
  limit: number;
  offset: number;
}

/** Entries matching a query, in code order, with the total. */
export async function listResources(db: Q, q: ResourceQuery): Promise<{ rows: ResourceRow[]; total: number }> {
  let sel = db.selectFrom('sharing_resources');
  for (const w of q.words ?? []) {
    // Words are matched as text (LIKE), escaping the pattern characters a person might type.
    const pattern = `%${w.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    sel = sel.where(sql<boolean>`search_text like ${pattern} escape '\\'`);
  }
  if (q.provider) sel = sel.where('provider', '=', q.provider);
  if (q.kind) sel = sel.where('kind', '=', q.kind);
  if (q.classPrefix) sel = sel.where('class_code', 'like', `${q.classPrefix}%`);
  if (q.sharingType) sel = sel.where('sharing_type', '=', q.sharingType);
  if (q.dataset) sel = sel.where('dataset', '=', q.dataset);
  if (q.statuses?.length) sel = sel.where('status', 'in', q.statuses);
  if (q.draftsOf !== null && q.draftsOf !== undefined) {
    const own = [...q.draftsOf];
    sel = sel.where((eb) => eb.or([eb('status', '=', 'published'), ...(own.length ? [eb('provider', 'in', own)] : [])]));
  }
  const [rows, count] = await Promise.all([
    sel.selectAll().orderBy('code').limit(q.limit).offset(q.offset).execute(),
    sel.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Entries by provider and sharing type (the catalogue's figures). */
export function countsByProvider(db: Q): Promise<{ provider: string; sharing_type: string; n: number }[]> {
  return db
    .selectFrom('sharing_resources')
    .select(['provider', 'sharing_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .groupBy(['provider', 'sharing_type'])
    .execute();
}
