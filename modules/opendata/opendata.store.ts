/** SQL for open datasets, their uploaded rows and applications. */
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { OpenApplicationTable, OpenDatasetTable } from './opendata.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type DatasetRow = Selectable<OpenDatasetTable>;
export type ApplicationRow = Selectable<OpenApplicationTable>;

export async function insertDataset(db: Q, row: DatasetRow): Promise<void> {
  await db.insertInto('open_datasets').values(row).execute();
}

export async function updateDataset(db: Q, id: string, set: Updateable<OpenDatasetTable>): Promise<void> {
  await db.updateTable('open_datasets').set(set).where('id', '=', id).execute();
}

export function datasetByName(db: Q, name: string) {
  return db.selectFrom('open_datasets').selectAll().where('name', '=', name).executeTakeFirst();
}

export function datasetById(db: Q, id: string) {
  return db.selectFrom('open_datasets').selectAll().where('id', '=', id).executeTakeFirst();
}

export function allDatasets(db: Q) {
  return db.selectFrom('open_datasets').selectAll().orderBy('name').execute();
}

export async function downloadsOf(db: Q, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('open_datasets').select(['id', 'downloads']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, Number(r.downloads)]));
}

export async function countDownload(db: Q, id: string): Promise<void> {
  await db
    .updateTable('open_datasets')
    .set((eb) => ({ downloads: eb('downloads', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function replaceRows(db: Q, id: string, rows: readonly string[]): Promise<void> {
  await db.deleteFrom('open_dataset_rows').where('dataset_id', '=', id).execute();
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('open_dataset_rows')
      .values(rows.slice(i, i + 500).map((data, j) => ({ dataset_id: id, seq: i + j + 1, data })))
      .execute();
}

export function rowsAfter(db: Q, id: string, after: number, limit: number) {
  return db.selectFrom('open_dataset_rows').select(['seq', 'data']).where('dataset_id', '=', id).where('seq', '>', after).orderBy('seq').limit(limit).execute();
}

export async function insertApplication(db: Q, row: ApplicationRow): Promise<void> {
  await db.insertInto('open_applications').values(row).execute();
}

export function getApplication(db: Q, id: string) {
  return db.selectFrom('open_applications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function decideApplication(db: Q, id: string, set: Updateable<OpenApplicationTable>): Promise<boolean> {
  const r = await db.updateTable('open_applications').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Applications for datasets of these providers (all when null; never an empty list), or of one applicant; newest first. */
export function listApplications(db: Q, q: { providers: readonly string[] | null; applicant: string | null; limit: number }) {
  let s = db
    .selectFrom('open_applications as a')
    .innerJoin('open_datasets as d', 'd.id', 'a.dataset_id')
    .selectAll('a')
    .select(['d.name as dataset_name', 'd.provider as provider', 'd.definition as definition']);
  if (q.providers) s = s.where('d.provider', 'in', q.providers);
  if (q.applicant) s = s.where('a.applicant_id', '=', q.applicant);
  return s.orderBy('a.created_at', 'desc').limit(q.limit).execute();
}

/** Whether this user holds an approved application for the dataset that has not expired. */
export async function holdsApproval(db: Q, datasetId: string, userId: string, now: number): Promise<boolean> {
  const r = await db
    .selectFrom('open_applications')
    .select('id')
    .where('dataset_id', '=', datasetId)
    .where('applicant_id', '=', userId)
    .where('status', '=', 'approved')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return !!r;
}

export function pendingOf(db: Q, datasetId: string, userId: string) {
  return db
    .selectFrom('open_applications')
    .select(['id', 'status'])
    .where('dataset_id', '=', datasetId)
    .where('applicant_id', '=', userId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}
