/** SQL of the super app: accounts, agents, one-time codes, the city code's keys and uses, scan points and scans, shares, scenic areas, the inbox. */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type {
  AccountRow,
  AgentRow,
  NotificationRow,
  ReservationRow,
  SaAccountTable,
  SaNotificationTable,
  SaScanTable,
  ScanPointRow,
  ScanRow,
  ScenicAreaRow,
  ShareRow,
} from './superapp.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

// ---- accounts ----

export async function insertAccount(db: Q, row: Insertable<SaAccountTable>): Promise<void> {
  await db.insertInto('sa_accounts').values(row).execute();
}

export function accountOf(db: Q, userId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('sa_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function accountBySubject(db: Q, subject: string): Promise<AccountRow | undefined> {
  return db.selectFrom('sa_accounts').selectAll().where('subject', '=', subject).executeTakeFirst();
}

export function accountByHolderRef(db: Q, ref: string): Promise<AccountRow | undefined> {
  return db.selectFrom('sa_accounts').selectAll().where('holder_ref', '=', ref).executeTakeFirst();
}

export function residentByPhone(db: Q, phone: string): Promise<AccountRow | undefined> {
  return db.selectFrom('sa_accounts').selectAll().where('phone', '=', phone).where('kind', '=', 'resident').orderBy('created_at').executeTakeFirst();
}

export async function updateAccount(
  db: Q,
  userId: string,
  set: Partial<Pick<AccountRow, 'elder_mode' | 'push_warnings' | 'phone' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('sa_accounts').set(set).where('user_id', '=', userId).execute();
}

/** Residents of a district who asked for warnings (push). */
export function warnedIn(db: Q, district: string): Promise<{ user_id: string }[]> {
  return db.selectFrom('sa_accounts').select('user_id').where('district', '=', district).where('push_warnings', '=', 1).execute();
}

// ---- agents ----

export async function insertAgent(db: Q, row: AgentRow): Promise<void> {
  await db.insertInto('sa_agents').values(row).execute();
}

export function agentsOfEnterprise(db: Q, enterpriseUserId: string): Promise<AgentRow[]> {
  return db.selectFrom('sa_agents').selectAll().where('enterprise_user_id', '=', enterpriseUserId).orderBy('created_at', 'desc').execute();
}

export function agencies(db: Q, agentUserId: string): Promise<AgentRow[]> {
  return db.selectFrom('sa_agents').selectAll().where('agent_user_id', '=', agentUserId).where('revoked_at', 'is', null).execute();
}

export function getAgent(db: Q, id: string): Promise<AgentRow | undefined> {
  return db.selectFrom('sa_agents').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function revokeAgent(db: Q, id: string, at: number): Promise<void> {
  await db.updateTable('sa_agents').set({ revoked_at: at }).where('id', '=', id).execute();
}

// ---- one-time codes ----

export async function insertOtp(db: Q, row: { id: string; phone: string; purpose: string; code_hash: string; created_at: number; expires_at: number }) {
  await db
    .insertInto('sa_otps')
    .values({ ...row, attempts: 0, used_at: null })
    .execute();
}

export async function otpsSince(db: Q, phone: string, since: number): Promise<{ created_at: number; purpose: string }[]> {
  return db.selectFrom('sa_otps').select(['created_at', 'purpose']).where('phone', '=', phone).where('created_at', '>=', since).execute();
}

export function latestOtp(db: Q, phone: string, purpose: string, now: number) {
  return db
    .selectFrom('sa_otps')
    .selectAll()
    .where('phone', '=', phone)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Counts an attempt; true when the code still had attempts left. */
export async function countOtpAttempt(db: Q, id: string, max: number): Promise<boolean> {
  const r = await db
    .updateTable('sa_otps')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('attempts', '<', max)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Marks a code used; false when another request used it first. */
export async function consumeOtp(db: Q, id: string, at: number): Promise<boolean> {
  const r = await db.updateTable('sa_otps').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function pruneOtps(db: Q, before: number): Promise<void> {
  await db.deleteFrom('sa_otps').where('expires_at', '<', before).execute();
}

// ---- the city code ----

export function codeKeys(db: Q) {
  return db.selectFrom('sa_code_keys').selectAll().orderBy('created_at', 'desc').execute();
}

export async function insertCodeKey(db: Q, row: { kid: string; alg: string; public_key: string; sealed_private: string; status: string; created_at: number }) {
  await db
    .insertInto('sa_code_keys')
    .values({ ...row, retired_at: null })
    .execute();
}

export async function retireCodeKeys(db: Q, at: number): Promise<void> {
  await db.updateTable('sa_code_keys').set({ status: 'retired', retired_at: at }).where('status', '=', 'active').execute();
}

/** Takes a code's nonce; false when it was taken before (a replay). */
export async function takeCode(db: Q, row: { jti: string; holder_user_id: string; expires_at: number; used_at: number }): Promise<boolean> {
  const r = await db
    .insertInto('sa_code_uses')
    .values(row)
    .onConflict((oc) => oc.column('jti').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function pruneCodeUses(db: Q, before: number): Promise<void> {
  await db.deleteFrom('sa_code_uses').where('expires_at', '<', before).execute();
}

export async function insertScanPoint(db: Q, row: ScanPointRow): Promise<void> {
  await db.insertInto('sa_scan_points').values(row).execute();
}

export function getScanPoint(db: Q, id: string): Promise<ScanPointRow | undefined> {
  return db.selectFrom('sa_scan_points').selectAll().where('id', '=', id).executeTakeFirst();
}

export function scanPoints(db: Q, department: string | null): Promise<ScanPointRow[]> {
  let q = db.selectFrom('sa_scan_points').selectAll().where('status', '=', 'active');
  if (department !== null) q = q.where('department', '=', department);
  return q.orderBy('created_at').execute();
}

export async function insertScan(db: Q, row: Insertable<SaScanTable>): Promise<void> {
  await db.insertInto('sa_scans').values(row).execute();
}

export function scansOf(
  db: Q,
  holderUserId: string,
  limit: number,
): Promise<(ScanRow & { point_name_zh: string | null; point_name_en: string | null; point_kind: string | null })[]> {
  return db
    .selectFrom('sa_scans as s')
    .leftJoin('sa_scan_points as p', 'p.id', 's.point_id')
    .selectAll('s')
    .select(['p.name_zh as point_name_zh', 'p.name_en as point_name_en', 'p.kind as point_kind'])
    .where('s.holder_user_id', '=', holderUserId)
    .orderBy('s.at', 'desc')
    .limit(limit)
    .execute();
}

export function scansAt(db: Q, pointId: string, limit: number): Promise<ScanRow[]> {
  return db.selectFrom('sa_scans').selectAll().where('point_id', '=', pointId).orderBy('at', 'desc').limit(limit).execute();
}

// ---- shares ----

export async function insertShare(db: Q, row: ShareRow): Promise<void> {
  await db.insertInto('sa_shares').values(row).execute();
}

export function getShare(db: Q, id: string): Promise<ShareRow | undefined> {
  return db.selectFrom('sa_shares').selectAll().where('id', '=', id).executeTakeFirst();
}

export function shareByToken(db: Q, tokenHash: string): Promise<ShareRow | undefined> {
  return db.selectFrom('sa_shares').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function sharesOf(db: Q, holderUserId: string): Promise<ShareRow[]> {
  return db.selectFrom('sa_shares').selectAll().where('holder_user_id', '=', holderUserId).orderBy('created_at', 'desc').limit(200).execute();
}

export function sharesTo(db: Q, department: string, now: number): Promise<ShareRow[]> {
  return db
    .selectFrom('sa_shares')
    .selectAll()
    .where('grantee_kind', '=', 'department')
    .where('grantee_code', '=', department)
    .where('revoked_at', 'is', null)
    .where('valid_until', '>', now)
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
}

export async function revokeShare(db: Q, id: string, at: number): Promise<void> {
  await db.updateTable('sa_shares').set({ revoked_at: at }).where('id', '=', id).execute();
}

export async function insertShareView(
  db: Q,
  row: { id: string; share_id: string; viewer_kind: string; viewer_id: string | null; viewer_name: string | null; ip: string | null; at: number },
) {
  await db.insertInto('sa_share_views').values(row).execute();
}

export function shareViews(db: Q, shareIds: readonly string[]) {
  if (!shareIds.length) return Promise.resolve([]);
  return db.selectFrom('sa_share_views').selectAll().where('share_id', 'in', shareIds).orderBy('at', 'desc').limit(2000).execute();
}

// ---- scenic areas and reservations ----

/** Adds an area from the profile once: one its department revised is never overwritten on a later start. */
export async function insertScenicAreaIfAbsent(db: Q, row: ScenicAreaRow): Promise<void> {
  await db
    .insertInto('sa_scenic_areas')
    .values(row)
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

export function scenicAreas(db: Q): Promise<ScenicAreaRow[]> {
  return db.selectFrom('sa_scenic_areas').selectAll().orderBy('code').execute();
}

export function scenicArea(db: Q, code: string): Promise<ScenicAreaRow | undefined> {
  return db.selectFrom('sa_scenic_areas').selectAll().where('code', '=', code).executeTakeFirst();
}

export function slotsOn(db: Q, area: string, day: string) {
  return db.selectFrom('sa_slots').selectAll().where('area', '=', area).where('day', '=', day).orderBy('start').execute();
}

/** Opens the day's slots (idempotent: one row per slot). */
export async function openSlots(db: Q, rows: { area: string; day: string; start: string; capacity: number }[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('sa_slots')
    .values(rows.map((r) => ({ ...r, booked: 0 })))
    .onConflict((oc) => oc.columns(['area', 'day', 'start']).doNothing())
    .execute();
}

/** Takes places in a slot, in one statement: false when fewer are left than asked (never overbooks). */
export async function takePlaces(db: Q, area: string, day: string, start: string, n: number): Promise<boolean> {
  const r = await db
    .updateTable('sa_slots')
    .set((eb) => ({ booked: eb('booked', '+', n) }))
    .where('area', '=', area)
    .where('day', '=', day)
    .where('start', '=', start)
    .where((eb) => eb(eb('booked', '+', n), '<=', eb.ref('capacity')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function givePlaces(db: Q, area: string, day: string, start: string, n: number): Promise<void> {
  await db
    .updateTable('sa_slots')
    .set((eb) => ({ booked: eb('booked', '-', n) }))
    .where('area', '=', area)
    .where('day', '=', day)
    .where('start', '=', start)
    .execute();
}

export async function insertReservation(db: Q, row: ReservationRow): Promise<void> {
  await db.insertInto('sa_reservations').values(row).execute();
}

export function getReservation(db: Q, id: string): Promise<ReservationRow | undefined> {
  return db.selectFrom('sa_reservations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function reservationsOf(db: Q, userId: string, limit = 200): Promise<ReservationRow[]> {
  return db.selectFrom('sa_reservations').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute();
}

export function bookedFor(db: Q, userId: string, area: string, day: string): Promise<ReservationRow[]> {
  return db
    .selectFrom('sa_reservations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('area', '=', area)
    .where('day', '=', day)
    .where('status', '=', 'booked')
    .orderBy('start')
    .execute();
}

/** Changes a reservation's state from one it is in; false when it was not in it (a race). */
export async function moveReservation(db: Q, id: string, from: string, to: string, at: number): Promise<boolean> {
  const r = await db.updateTable('sa_reservations').set({ status: to, updated_at: at }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- the inbox ----

/** Adds a notification once per user, kind and reference. */
export async function notify(db: Q, row: Insertable<SaNotificationTable>): Promise<void> {
  await db
    .insertInto('sa_notifications')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'kind', 'ref']).doNothing())
    .execute();
}

export function notificationsOf(db: Q, userId: string, limit: number, before?: number): Promise<NotificationRow[]> {
  let q = db.selectFrom('sa_notifications').selectAll().where('user_id', '=', userId);
  if (before !== undefined) q = q.where('at', '<', before);
  return q.orderBy('at', 'desc').limit(limit).execute();
}

export async function markRead(db: Q, userId: string, ids: readonly string[] | 'all', at: number): Promise<void> {
  let q = db.updateTable('sa_notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== 'all') {
    if (!ids.length) return;
    q = q.where('id', 'in', ids);
  }
  await q.execute();
}
