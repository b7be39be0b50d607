/** SQL of the urban-management module: classification versions, grids, components, cases, requests, notices, counters. */
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { type Scope, districtCondition } from '../../platform/auth/scope.js';
import type { Database } from '../../platform/storage/schema.js';
import type { UmAreaTable, UmCaseRequestTable, UmCaseTable, UmComponentTable, UmGridTable, UmNoticeTable } from './urban.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type CaseRow = Selectable<UmCaseTable>;
export type GridRow = Selectable<UmGridTable>;
export type AreaRow = Selectable<UmAreaTable>;
export type RequestRow = Selectable<UmCaseRequestTable>;
export type NoticeRow = Selectable<UmNoticeTable>;
export type ComponentRow = Selectable<UmComponentTable>;

// ---- classification ----

export function latestClassVersion(db: Q) {
  return db.selectFrom('um_class_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export function classVersion(db: Q, version: number) {
  return db.selectFrom('um_class_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

export function classVersions(db: Q) {
  return db.selectFrom('um_class_versions').select(['version', 'note', 'created_by', 'created_at']).orderBy('version', 'desc').execute();
}

export async function insertClassVersion(db: Q, row: { version: number; body: string; note: string | null; created_by: string | null; created_at: number }) {
  await db.insertInto('um_class_versions').values(row).execute();
}

// ---- grids and areas ----

export function allGrids(db: Q) {
  return db.selectFrom('um_grids').selectAll().execute();
}

export function gridCount(db: Q) {
  return db
    .selectFrom('um_grids')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
}

export async function replaceGrids(trx: Transaction<Database>, districts: string[], grids: Insertable<UmGridTable>[], areas: Insertable<UmAreaTable>[]) {
  if (districts.length) {
    await trx.deleteFrom('um_grids').where('district', 'in', districts).execute();
    await trx.deleteFrom('um_areas').where('district', 'in', districts).execute();
  }
  for (let i = 0; i < grids.length; i += 500)
    await trx
      .insertInto('um_grids')
      .values(grids.slice(i, i + 500))
      .execute();
  for (let i = 0; i < areas.length; i += 500)
    await trx
      .insertInto('um_areas')
      .values(areas.slice(i, i + 500))
      .execute();
}

export function areas(db: Q, district: string | null, kind: 'street' | 'community' | null) {
  let q = db.selectFrom('um_areas').selectAll();
  if (district) q = q.where('district', '=', district);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('district').orderBy('code').execute();
}

export function gridsIn(db: Q, district: string, community: string | null, limit: number) {
  let q = db.selectFrom('um_grids').selectAll().where('district', '=', district);
  if (community) q = q.where('community', '=', community);
  return q.orderBy('code').limit(limit).execute();
}

export function inspectorsOf(db: Q, grids: readonly string[]) {
  if (grids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('um_grid_inspectors')
    .selectAll()
    .where('grid_code', 'in', [...grids])
    .execute();
}

export function gridsOfInspector(db: Q, userId: string) {
  return db.selectFrom('um_grid_inspectors').select('grid_code').where('user_id', '=', userId).orderBy('grid_code').execute();
}

export async function setInspectors(trx: Transaction<Database>, gridCodes: readonly string[], userIds: readonly string[]) {
  await trx
    .deleteFrom('um_grid_inspectors')
    .where('grid_code', 'in', [...gridCodes])
    .execute();
  const rows = gridCodes.flatMap((g) => userIds.map((u) => ({ grid_code: g, user_id: u })));
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('um_grid_inspectors')
      .values(rows.slice(i, i + 500))
      .execute();
}

// ---- components ----

export async function insertComponent(db: Q, row: Insertable<UmComponentTable>) {
  await db.insertInto('um_components').values(row).execute();
}

export function getComponent(db: Q, id: string) {
  return db.selectFrom('um_components').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lastComponentSeq(db: Q, prefix: string): Promise<number> {
  const r = await db
    .selectFrom('um_components')
    .select((eb) => eb.fn.max('id').as('m'))
    .where('id', 'like', `${prefix}%`)
    .executeTakeFirst();
  return r?.m ? Number(String(r.m).slice(prefix.length)) : 0;
}

export function componentsIn(db: Q, q: { district?: string; grid?: string; subcategory?: string; limit: number; offset: number }) {
  let s = db.selectFrom('um_components').selectAll();
  if (q.district) s = s.where('district', '=', q.district);
  if (q.grid) s = s.where('grid_code', '=', q.grid);
  if (q.subcategory) s = s.where('subcategory', '=', q.subcategory);
  return s.orderBy('id').limit(q.limit).offset(q.offset).execute();
}

// ---- cases ----

export async function insertCase(db: Q, row: Insertable<UmCaseTable>) {
  await db.insertInto('um_cases').values(row).execute();
}

export function getCase(db: Q, id: string) {
  return db.selectFrom('um_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export function caseByRef(db: Q, source: string, ref: string) {
  return db.selectFrom('um_cases').selectAll().where('source', '=', source).where('external_ref', '=', ref).executeTakeFirst();
}

export async function updateCase(db: Q, id: string, set: Updateable<UmCaseTable>) {
  await db.updateTable('um_cases').set(set).where('id', '=', id).execute();
}

/** Marks a case overdue once; true when this call did. */
export async function markOverdue(db: Q, instanceId: string, now: number): Promise<CaseRow | undefined> {
  const r = await db
    .updateTable('um_cases')
    .set({ overdue: 1, updated_at: now })
    .where('instance_id', '=', instanceId)
    .where('overdue', '=', 0)
    .where('state', '=', 'handling')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  return db.selectFrom('um_cases').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
}

/** Open cases of the same subcategory reported since `since` within a box: duplicate candidates. */
export function nearbyOpen(db: Q, subcategory: string, since: number, box: [number, number, number, number]) {
  return db
    .selectFrom('um_cases')
    .selectAll()
    .where('subcategory', '=', subcategory)
    .where('closed_at', 'is', null)
    .where('reported_at', '>=', since)
    .where('lon', '>=', box[0])
    .where('lat', '>=', box[1])
    .where('lon', '<=', box[2])
    .where('lat', '<=', box[3])
    .limit(20)
    .execute();
}

export interface CaseQuery {
  state?: string[];
  open?: boolean;
  unit?: string;
  district?: string;
  reporter?: string;
  verifier?: string;
  overdue?: boolean;
  duplicates?: boolean;
  source?: string;
  since?: number;
  until?: number;
  limit: number;
  offset: number;
}

/** Cases in a district scope (the caller's view) with filters; a unit's list uses the open-by-unit index. */
export function listCases(db: Q, scope: Scope | null, q: CaseQuery) {
  let s = db.selectFrom('um_cases').selectAll();
  if (scope) s = s.where((eb) => districtCondition(eb, 'district', { departments: '*', districts: scope.districts, cityLevel: false }));
  if (q.open !== undefined) s = q.open ? s.where('closed_at', 'is', null) : s.where('closed_at', 'is not', null);
  if (q.state?.length) s = s.where('state', 'in', q.state);
  if (q.unit) s = s.where('unit', '=', q.unit);
  if (q.district) s = s.where('district', '=', q.district);
  if (q.reporter) s = s.where('reporter_id', '=', q.reporter);
  if (q.verifier) s = s.where('verifier_id', '=', q.verifier);
  if (q.overdue) s = s.where('overdue', '=', 1);
  if (q.duplicates) s = s.where('duplicate_of', 'is not', null).where('state', '=', 'reported');
  if (q.source) s = s.where('source', '=', q.source);
  if (q.since !== undefined) s = s.where('reported_at', '>=', q.since);
  if (q.until !== undefined) s = s.where('reported_at', '<', q.until);
  // A unit's queue reads by deadline (the index on open cases by unit and due time); others newest first.
  s = q.unit && q.open ? s.orderBy('due_at').orderBy('id') : s.orderBy('reported_at', 'desc').orderBy('id', 'desc');
  return s.limit(q.limit).offset(q.offset).execute();
}

/** Open cases by district and state, and today's handling figures (the operations screen). */
export function openByDistrict(db: Q) {
  return db
    .selectFrom('um_cases')
    .select(['district', 'state', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('overdue').as('overdue')])
    .where('closed_at', 'is', null)
    .groupBy(['district', 'state'])
    .execute();
}

export function mergedInto(db: Q, id: string) {
  return db.selectFrom('um_cases').selectAll().where('merged_into', '=', id).execute();
}

// ---- requests ----

export async function insertRequest(db: Q, row: Insertable<UmCaseRequestTable>) {
  await db.insertInto('um_case_requests').values(row).execute();
}

export function requestsOf(db: Q, caseId: string) {
  return db.selectFrom('um_case_requests').selectAll().where('case_id', '=', caseId).orderBy('requested_at').execute();
}

export function getRequest(db: Q, id: string) {
  return db.selectFrom('um_case_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export function pendingRequests(db: Q, limit: number) {
  return db.selectFrom('um_case_requests').selectAll().where('status', '=', 'pending').orderBy('requested_at').limit(limit).execute();
}

export async function decideRequest(db: Q, id: string, set: Updateable<UmCaseRequestTable>): Promise<boolean> {
  const r = await db.updateTable('um_case_requests').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- notices ----

export async function insertNotices(db: Q, rows: Insertable<UmNoticeTable>[]) {
  if (rows.length) await db.insertInto('um_notices').values(rows).execute();
}

export function noticesOf(db: Q, caseId: string) {
  return db.selectFrom('um_notices').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
}

// ---- counters ----

export interface StatKey {
  day: string;
  district: string;
  unit: string;
  actor: string;
  metric: string;
}

/** Adds to daily counters inside the caller's transaction (an upsert per key). */
export async function addStats(db: Q, keys: readonly StatKey[]) {
  const merged = new Map<string, StatKey & { n: number }>();
  for (const k of keys) {
    const id = `${k.day}|${k.district}|${k.unit}|${k.actor}|${k.metric}`;
    const hit = merged.get(id);
    if (hit) hit.n++;
    else merged.set(id, { ...k, n: 1 });
  }
  for (const row of merged.values())
    await db
      .insertInto('um_stats')
      .values(row)
      .onConflict((oc) => oc.columns(['day', 'district', 'unit', 'actor', 'metric']).doUpdateSet((eb) => ({ n: eb('um_stats.n', '+', eb.ref('excluded.n')) })))
      .execute();
}

/** Counters summed over a period by one dimension. */
export function sumStats(db: Q, from: string, to: string, by: 'district' | 'unit' | 'actor', district: string | null) {
  let q = db
    .selectFrom('um_stats')
    .select([by, 'metric', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('day', '>=', from)
    .where('day', '<=', to);
  if (by !== 'district') q = q.where(by, '!=', '');
  if (district) q = q.where('district', '=', district);
  return q.groupBy([by, 'metric']).execute();
}

/** Cases for Open311's GET requests: the public channels' cases, and the caller's own. */
export function open311Requests(
  db: Q,
  q: {
    ids?: string[];
    codes?: string[];
    from?: number;
    to?: number;
    status?: ('open' | 'closed')[];
    publicSources: string[];
    reporter: string | null;
    limit: number;
  },
) {
  let s = db.selectFrom('um_cases').selectAll();
  s = s.where((eb) => {
    const visible = [eb('source', 'in', q.publicSources)];
    if (q.reporter) visible.push(eb('reporter_id', '=', q.reporter));
    return eb.or(visible);
  });
  if (q.ids?.length) s = s.where('id', 'in', q.ids);
  if (q.codes?.length) s = s.where('subcategory', 'in', q.codes);
  if (q.from !== undefined) s = s.where('reported_at', '>=', q.from);
  if (q.to !== undefined) s = s.where('reported_at', '<=', q.to);
  if (q.status?.length === 1) s = q.status[0] === 'open' ? s.where('closed_at', 'is', null) : s.where('closed_at', 'is not', null);
  return s.orderBy('reported_at', 'desc').limit(q.limit).execute();
}
