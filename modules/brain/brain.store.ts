/** SQL for indicator definitions and their kept values (snapshots). */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { BrainIndicatorTable, BrainIndicatorValueTable } from './brain.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type IndicatorRow = Selectable<BrainIndicatorTable>;
export type IndicatorValueRow = Selectable<BrainIndicatorValueTable>;

export async function indicatorExists(db: Q, id: string): Promise<boolean> {
  return !!(await db.selectFrom('brain_indicators').select('id').where('id', '=', id).executeTakeFirst());
}

export async function insertIndicator(db: Q, row: IndicatorRow): Promise<void> {
  await db.insertInto('brain_indicators').values(row).execute();
}

export function listIndicators(db: Q, q: { domain?: string | undefined; enabled?: boolean | undefined } = {}): Promise<IndicatorRow[]> {
  let query = db.selectFrom('brain_indicators').selectAll().orderBy('domain').orderBy('id');
  if (q.domain) query = query.where('domain', '=', q.domain);
  if (q.enabled !== undefined) query = query.where('enabled', '=', q.enabled ? 1 : 0);
  return query.execute();
}

/** A revision at the version the writer loaded; false when someone saved since. */
export async function updateIndicator(
  db: Q,
  id: string,
  version: number,
  set: Pick<IndicatorRow, 'owner' | 'domain' | 'definition' | 'updated_by' | 'updated_at'> & { enabled?: number },
): Promise<boolean> {
  const r = await db
    .updateTable('brain_indicators')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The time of the newest snapshot in (after, upTo], if any. */
export async function latestSnapshotAt(db: Q, after: number, upTo: number): Promise<number | null> {
  const last = await db
    .selectFrom('brain_indicator_values')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('at', '<=', upTo)
    .where('at', '>', after)
    .executeTakeFirst();
  return last?.at ? Number(last.at) : null;
}

export function snapshotValues(db: Q, at: number): Promise<IndicatorValueRow[]> {
  return db.selectFrom('brain_indicator_values').selectAll().where('at', '=', at).execute();
}

/** Keeps a slot's values (the first writer of a slot wins) and drops those older than `keepFrom`. */
export async function keepSnapshot(db: Q, rows: IndicatorValueRow[], keepFrom: number): Promise<void> {
  if (rows.length)
    await db
      .insertInto('brain_indicator_values')
      .values(rows)
      .onConflict((oc) => oc.columns(['indicator_id', 'at']).doNothing())
      .execute();
  await db.deleteFrom('brain_indicator_values').where('at', '<', keepFrom).execute();
}

export function indicatorHistory(db: Q, id: string, since: number): Promise<IndicatorValueRow[]> {
  return db.selectFrom('brain_indicator_values').selectAll().where('indicator_id', '=', id).where('at', '>=', since).orderBy('at').execute();
}
