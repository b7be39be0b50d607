/** SQL of 好差评: ratings (one per handling) and the follow-ups of bad ones; figures for the screen. */
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { GsFollowupTable, GsRatingTable } from './services.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export async function insertRating(db: Q, row: Insertable<GsRatingTable>): Promise<void> {
  await db.insertInto('gs_ratings').values(row).execute();
}

export function ratingOf(db: Q, type: string, id: string) {
  return db.selectFrom('gs_ratings').selectAll().where('target_type', '=', type).where('target_id', '=', id).executeTakeFirst();
}

export function ratingById(db: Q, id: string) {
  return db.selectFrom('gs_ratings').selectAll().where('id', '=', id).executeTakeFirst();
}

export function ratingsBetween(db: Q, from: number, to: number) {
  return db.selectFrom('gs_ratings').selectAll().where('created_at', '>=', from).where('created_at', '<', to).execute();
}

export async function insertFollowup(db: Q, row: Insertable<GsFollowupTable>): Promise<void> {
  await db.insertInto('gs_followups').values(row).execute();
}

export function followup(db: Q, id: string) {
  return db.selectFrom('gs_followups').selectAll().where('id', '=', id).executeTakeFirst();
}

export function followupOfRating(db: Q, ratingId: string) {
  return db.selectFrom('gs_followups').selectAll().where('rating_id', '=', ratingId).executeTakeFirst();
}

export function followupsOfRatings(db: Q, ratingIds: string[]) {
  if (ratingIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('gs_followups').selectAll().where('rating_id', 'in', ratingIds).execute();
}

export function followups(db: Q, department: string | null, q: { state?: string; limit: number }) {
  let s = db.selectFrom('gs_followups').selectAll();
  if (department !== null) s = s.where('department', '=', department);
  if (q.state) s = s.where('state', '=', q.state);
  return s.orderBy('due_at').limit(q.limit).execute();
}

/** Closes an open follow-up, once. */
export async function closeFollowup(db: Q, id: string, patch: { result: string; note: string; done_by: string; done_at: number }): Promise<boolean> {
  const r = await db
    .updateTable('gs_followups')
    .set({ ...patch, state: 'done' })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function openFollowupsByDepartment(db: Q) {
  return db
    .selectFrom('gs_followups')
    .select(['department', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', '=', 'open')
    .groupBy('department')
    .execute();
}

/** Applications not yet decided, and those past their limit, by department. */
export function openApplicationsByDepartment(db: Q, now: number) {
  return db
    .selectFrom('gs_applications')
    .select([
      'department',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when due_at is not null and due_at < ${now} then 1 else 0 end)`.as('overdue'),
    ])
    .where('decided_at', 'is', null)
    .where('state', '!=', 'supplement')
    .groupBy('department')
    .execute();
}
