/** SQL for departments, districts, the matrix, users, sessions and API keys. */
import type { Transaction } from 'kysely';
import { type Scope, whereInScope } from '../../platform/auth/scope.js';
import { type Db, json } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { SessionRow, UserRow } from './identity.tables.js';
import type { Selectable } from 'kysely';
import type { ApiKeyTable, DepartmentTable, DistrictTable, PlanTaskTable } from './identity.tables.js';

type Conn = Db | Transaction<Database>;

export type DepartmentRow = Selectable<DepartmentTable>;
export type DistrictRow = Selectable<DistrictTable>;
export type PlanTaskRow = Selectable<PlanTaskTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

// ---- city structure ----

export async function upsertDistrict(db: Conn, row: DistrictRow): Promise<void> {
  await db
    .insertInto('districts')
    .values(row)
    .onConflict((oc) =>
      oc.column('adcode').doUpdateSet({
        name_zh: row.name_zh,
        name_en: row.name_en,
        kind: row.kind,
        parent_adcode: row.parent_adcode,
        center_lon: row.center_lon,
        center_lat: row.center_lat,
        geometry: row.geometry,
      }),
    )
    .execute();
}

/** Adds a department the database does not have; one already there keeps an administrator's edits. */
export async function insertDepartmentIfMissing(db: Conn, row: DepartmentRow): Promise<void> {
  await db
    .insertInto('departments')
    .values(row)
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

export async function insertDepartment(db: Conn, row: DepartmentRow): Promise<void> {
  await db.insertInto('departments').values(row).execute();
}

export async function updateDepartment(db: Conn, code: string, patch: Partial<Pick<DepartmentRow, 'name_zh' | 'name_en' | 'district_adcode'>>): Promise<void> {
  await db.updateTable('departments').set(patch).where('code', '=', code).execute();
}

export async function upsertPlanTask(db: Conn, row: PlanTaskRow): Promise<void> {
  await db
    .insertInto('plan_tasks')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ name_zh: row.name_zh, lead: row.lead, responsible: row.responsible }))
    .execute();
}

export function listDistricts(db: Conn, withGeometry: boolean): Promise<DistrictRow[]> {
  const cols = ['adcode', 'name_zh', 'name_en', 'kind', 'parent_adcode', 'center_lon', 'center_lat'] as const;
  const q = withGeometry
    ? db.selectFrom('districts').selectAll()
    : db.selectFrom('districts').select([...cols, (eb) => eb.val<string | null>(null).as('geometry')]);
  return q.orderBy('adcode').execute() as Promise<DistrictRow[]>;
}

export function getDistrict(db: Conn, adcode: string): Promise<DistrictRow | undefined> {
  return db.selectFrom('districts').selectAll().where('adcode', '=', adcode).executeTakeFirst();
}

export function listDepartments(db: Conn): Promise<DepartmentRow[]> {
  return db.selectFrom('departments').selectAll().orderBy('district_adcode').orderBy('code').execute();
}

export function getDepartment(db: Conn, code: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listPlanTasks(db: Conn): Promise<PlanTaskRow[]> {
  return db.selectFrom('plan_tasks').selectAll().orderBy('id').execute();
}

// ---- users ----

export async function insertUser(db: Conn, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export function getUserById(db: Conn, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getUserByUsername(db: Conn, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** Display names and roles of users by id (for figures that name people, such as an evaluation's posts). */
export function userNames(db: Conn, ids: readonly string[]): Promise<{ id: string; display_name: string; roles: string; department_code: string | null }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'roles', 'department_code'])
    .where('id', 'in', [...ids])
    .execute();
}

export interface UserListQuery {
  q?: string;
  department?: string;
  role?: string;
  limit: number;
  offset: number;
}

/** Users visible in a scope: a department scope sees the users of its departments. */
export async function listUsers(db: Conn, scope: Scope, query: UserListQuery): Promise<{ rows: UserRow[]; total: number }> {
  let q = whereInScope(db.selectFrom('users'), scope, { department: 'users.department_code' });
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, '')}%`;
    q = q.where((eb) => eb.or([eb('username', 'like', like), eb('display_name', 'like', like)]));
  }
  if (query.department) q = q.where('department_code', '=', query.department);
  if (query.role) q = q.where('roles', 'like', `%"${query.role.replace(/[^a-z_]/g, '')}"%`);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('username').limit(query.limit).offset(query.offset).execute();
  return { rows, total: Number(total.n) };
}

export async function updateUser(db: Conn, id: string, patch: Partial<Omit<UserRow, 'id' | 'created_at'>>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function countUsers(db: Conn): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---- sessions ----

export async function insertSession(db: Conn, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export function getSessionByAccessHash(db: Conn, hash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('access_hash', '=', hash).executeTakeFirst();
}

export function getSessionByRefreshHash(db: Conn, hash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('refresh_hash', '=', hash).executeTakeFirst();
}

export function getSession(db: Conn, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateSession(db: Conn, id: string, patch: Partial<Omit<SessionRow, 'id' | 'user_id'>>): Promise<void> {
  await db.updateTable('sessions').set(patch).where('id', '=', id).execute();
}

/** Ends a user's sessions, all of them or all but one. */
export async function revokeUserSessions(db: Conn, userId: string, at: number, except?: string): Promise<void> {
  let q = db.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (except !== undefined) q = q.where('id', '!=', except);
  await q.execute();
}

// ---- failed logins per account and source ----

export function getLoginFailures(db: Conn, userId: string, source: string) {
  return db.selectFrom('login_failures').selectAll().where('user_id', '=', userId).where('source', '=', source).executeTakeFirst();
}

export async function putLoginFailures(db: Conn, row: { user_id: string; source: string; failures: number; locked_until: number | null; updated_at: number }) {
  await db
    .insertInto('login_failures')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'source']).doUpdateSet({ failures: row.failures, locked_until: row.locked_until, updated_at: row.updated_at }))
    .execute();
}

export async function clearLoginFailures(db: Conn, userId: string, source?: string): Promise<void> {
  let q = db.deleteFrom('login_failures').where('user_id', '=', userId);
  if (source !== undefined) q = q.where('source', '=', source);
  await q.execute();
}

/** Sources (addresses) from which an account is locked now. */
export async function lockedSources(db: Conn, userId: string, now: number): Promise<{ source: string; locked_until: number }[]> {
  const rows = await db.selectFrom('login_failures').select(['source', 'locked_until']).where('user_id', '=', userId).where('locked_until', '>', now).execute();
  return rows.map((r) => ({ source: r.source, locked_until: Number(r.locked_until) }));
}

// ---- refresh tokens already exchanged, WebSocket tickets ----

export async function rememberUsedRefresh(db: Conn, hash: string, sessionId: string, at: number): Promise<void> {
  await db
    .insertInto('session_refresh_used')
    .values({ hash, session_id: sessionId, used_at: at })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

export function usedRefresh(db: Conn, hash: string) {
  return db.selectFrom('session_refresh_used').selectAll().where('hash', '=', hash).executeTakeFirst();
}

export async function insertTicket(
  db: Conn,
  row: { hash: string; principal_kind: string; principal_id: string; session_id: string | null; expires_at: number },
  now: number,
): Promise<void> {
  // Expired tickets go as new ones come.
  await db.deleteFrom('auth_tickets').where('expires_at', '<=', now).execute();
  await db.insertInto('auth_tickets').values(row).execute();
}

/** Takes a ticket: it is deleted as it is read, so it works once. */
export async function takeTicket(db: Conn, hash: string) {
  return db.deleteFrom('auth_tickets').where('hash', '=', hash).returningAll().executeTakeFirst();
}

// ---- API keys ----

export async function insertApiKey(db: Conn, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export function getApiKeyByHash(db: Conn, hash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
}

export function getApiKey(db: Conn, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApiKeys(db: Conn): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute();
}

export async function updateApiKey(db: Conn, id: string, patch: Partial<Pick<ApiKeyRow, 'revoked_at' | 'last_used_at'>>): Promise<void> {
  await db.updateTable('api_keys').set(patch).where('id', '=', id).execute();
}

export const parseList = (text: string): string[] => json.parse<string[]>(text, []);

/** A user's sessions that can still be used (not revoked, refresh not expired), newest first. */
export function liveSessions(db: Conn, userId: string, now: number): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('refresh_expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .limit(100)
    .execute();
}

export function getUserByPhone(db: Conn, phone: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('phone', '=', phone).orderBy('created_at').executeTakeFirst();
}
