/** SQL for emergency plans and their versions. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { EmPlanTable, EmPlanVersionTable } from './command.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type PlanRow = Selectable<EmPlanTable>;
export type PlanVersionRow = Selectable<EmPlanVersionTable>;

export function listPlanRows(db: Q, status?: string): Promise<PlanRow[]> {
  let q = db.selectFrom('em_plans').selectAll().orderBy('id');
  if (status) q = q.where('status', '=', status);
  return q.execute();
}

export function getPlanRow(db: Q, id: string): Promise<PlanRow | undefined> {
  return db.selectFrom('em_plans').selectAll().where('id', '=', id).executeTakeFirst();
}

export function planExists(db: Q, id: string): Promise<boolean> {
  return db
    .selectFrom('em_plans')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst()
    .then((r) => !!r);
}

export function listPlanVersions(db: Q, id: string): Promise<PlanVersionRow[]> {
  return db.selectFrom('em_plan_versions').selectAll().where('plan_id', '=', id).orderBy('version', 'desc').execute();
}

export async function insertPlanRow(db: Q, row: PlanRow): Promise<void> {
  await db.insertInto('em_plans').values(row).execute();
}

export async function insertPlanVersion(db: Q, row: PlanVersionRow): Promise<void> {
  await db.insertInto('em_plan_versions').values(row).execute();
}

/** A revision at the version the editor loaded; false when someone saved since. */
export async function updatePlanRow(db: Q, id: string, expectVersion: number, set: Omit<PlanRow, 'id' | 'created_by' | 'created_at'>): Promise<boolean> {
  const r = await db.updateTable('em_plans').set(set).where('id', '=', id).where('version', '=', expectVersion).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
