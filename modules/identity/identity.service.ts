/**
 * Identity and access: the city's structure from the profile, users, login sessions with
 * expiring access tokens and rotating refresh tokens, lockout, API keys for systems.
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import {
  checkPasswordPolicy,
  dummyPasswordHash,
  passwordProblem,
  generatePassword,
  hashPassword,
  hashToken,
  verifyPassword,
} from '../../platform/auth/password.js';
import { type Role, isRole } from '../../platform/auth/roles.js';
import { ALL, type Principal, type ScopeSet, assertVisible, makePrincipal } from '../../platform/auth/scope.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId, newSecret } from '../../platform/ids.js';
import { transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { Transaction } from 'kysely';
import type { UserRow } from './identity.tables.js';
import type { ModuleContext, Platform, RequestContext } from '../../platform/context.js';
import * as store from './identity.store.js';

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'user.created': { userId: string; username: string; roles: string[]; department: string | null };
    'user.updated': { userId: string; changes: string[] };
    'user.locked': { userId: string; until: number };
    'apikey.created': { keyId: string; name: string };
    'apikey.revoked': { keyId: string };
    'session.revoked': { sessionId?: string; userId?: string };
    'department.updated': { code: string; district: string | null };
  }
}

/**
 * Resolved tokens are cached for a few seconds so an authenticated request costs no database
 * round trip. Every change that ends access (logout, refresh, password, permissions, disabled
 * user, revoked key) drops the entries here at once and, through session.revoked /
 * user.updated / apikey.revoked events, in every other process.
 */
class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();
  constructor(
    private readonly ttlMs = 10_000,
    private readonly max = 50_000,
  ) {}
  get(tokenHash: string, now: number): Principal | undefined {
    const e = this.entries.get(tokenHash);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return e.principal;
  }
  set(tokenHash: string, principal: Principal, now: number, expiresAt: number | null): void {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(tokenHash, { principal, until: Math.min(now + this.ttlMs, expiresAt ?? Number.POSITIVE_INFINITY) });
  }
  drop(match: (p: Principal) => boolean): void {
    for (const [k, e] of this.entries) if (match(e.principal)) this.entries.delete(k);
  }
}

/** The identity module's own settings (from the configuration; durations in seconds). */
export interface IdentityOptions {
  /** The first administrator's password; generated and printed once when absent. */
  adminPassword?: string;
  /** Create the profile's demo accounts on first start. */
  demoAccounts: boolean;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  loginMaxFailures: number;
  lockoutDuration: number;
  /** Login attempts per minute and address. */
  loginRateLimit: number;
}

/** The platform as the identity module sees it: the ports and its own options. */
export type IdentityContext = ModuleContext<IdentityOptions>;

const caches = new WeakMap<object, PrincipalCache>();
function cacheOf(p: Pick<Platform, 'db'>): PrincipalCache {
  let c = caches.get(p);
  if (!c) {
    c = new PrincipalCache();
    caches.set(p, c);
  }
  return c;
}

function dropSessions(p: Pick<Platform, 'db'>, match: { sessionId?: string; userId?: string; keyId?: string }): void {
  cacheOf(p).drop(
    (x) =>
      (match.sessionId !== undefined && x.sessionId === match.sessionId) ||
      (match.userId !== undefined && x.kind === 'user' && x.id === match.userId) ||
      (match.keyId !== undefined && x.kind === 'api_key' && x.id === match.keyId),
  );
}

/** Follows changes from other processes that end access. */
export async function watchAccessChanges(p: Platform): Promise<void> {
  const opts = { group: 'auth-cache', broadcast: true };
  await p.bus.subscribe('session.revoked', (e) => dropSessions(p, e.data), opts);
  await p.bus.subscribe('user.updated', (e) => dropSessions(p, { userId: e.data.userId }), opts);
  await p.bus.subscribe('apikey.revoked', (e) => dropSessions(p, { keyId: e.data.keyId }), opts);
  // A department that starts or stops governing a district changes what its people may read.
  await p.bus.subscribe('department.updated', (e) => cacheOf(p).drop((x) => x.department === e.data.code), opts);
}

async function revoked(p: Pick<Platform, 'db'> & { bus?: Platform['bus'] }, what: { sessionId?: string; userId?: string }): Promise<void> {
  dropSessions(p, what);
  await p.bus?.publish('session.revoked', what, { key: what.userId ?? what.sessionId ?? '' });
}

export const DEMO_PASSWORD = 'Wudang@2026';

function districtsScope(text: string): ScopeSet {
  const list = store.parseList(text);
  return list.includes('*') ? ALL : list;
}

function rolesOf(text: string): Role[] {
  return store.parseList(text).filter(isRole);
}

/** The district a department governs (a district or special-zone government), if any. */
async function governedBy(p: Pick<Platform, 'db'>, department: string | null): Promise<string | null> {
  if (!department) return null;
  return (await store.getDepartment(p.db, department))?.district_adcode ?? null;
}

/** The principal a user acts as, with the district their department governs (see `Principal.view`). */
export async function principalFor(p: Pick<Platform, 'db'>, u: UserRow, sessionId?: string): Promise<Principal> {
  return principalOfUser(u, sessionId, await governedBy(p, u.department_code));
}

export function principalOfUser(u: UserRow, sessionId?: string, governs: string | null = null): Principal {
  return makePrincipal({
    governs,
    kind: 'user',
    id: u.id,
    name: u.username,
    displayName: u.display_name,
    mustChangePassword: u.must_change_password === 1,
    roles: rolesOf(u.roles),
    department: u.department_code,
    districts: districtsScope(u.districts),
    ...(sessionId ? { sessionId } : {}),
  });
}

const audit = (p: Pick<Platform, 'db'>, ctx: RequestContext, entry: Parameters<typeof appendAudit>[1]) =>
  appendAudit(p.db, {
    ...actorOf(ctx),
    ...entry,
  });

// ---- the city from the profile ----

/** Loads districts, departments and the responsibility matrix from the profile (idempotent). */
export async function seedCity(p: Platform): Promise<void> {
  const now = p.now();
  await transaction(p.db, async (trx) => {
    // Parents first, so special zones can point at districts.
    const ordered = [...p.profile.districts].sort((a, b) => Number(a.kind === 'special_zone') - Number(b.kind === 'special_zone'));
    for (const d of ordered) {
      await store.upsertDistrict(trx, {
        adcode: d.adcode,
        name_zh: d.name.zh,
        name_en: d.name.en,
        kind: d.kind,
        parent_adcode: d.parent,
        center_lon: d.center?.[0] ?? null,
        center_lat: d.center?.[1] ?? null,
        geometry: d.geometry ? JSON.stringify(d.geometry) : null,
      });
    }
    for (const d of p.profile.departments) {
      await store.insertDepartmentIfMissing(trx, { code: d.code, name_zh: d.name.zh, name_en: d.name.en, district_adcode: d.district, created_at: now });
    }
    for (const t of p.profile.tasks) {
      await store.upsertPlanTask(trx, { id: t.id, name_zh: t.zh, lead: JSON.stringify(t.lead), responsible: JSON.stringify(t.responsible) });
    }
  });
}

/**
 * On first start (no users): creates `admin` with WUDANG_ADMIN_PASSWORD or a generated
 * password (returned so the caller prints it once), and the demo accounts of the profile.
 */
export async function ensureInitialAccounts(p: IdentityContext): Promise<{ generatedAdminPassword?: string; created: string[] }> {
  if ((await store.countUsers(p.db)) > 0) return { created: [] };
  const generated = p.options.adminPassword ? undefined : generatePassword();
  const adminPassword = p.options.adminPassword ?? generated!;
  const created: string[] = [];
  await createUserRow(p, {
    username: 'admin',
    displayName: '平台管理员 Administrator',
    password: adminPassword,
    roles: ['platform_admin'],
    department: p.profile.platformDepartment,
    districts: ['*'],
    enforcePolicy: false,
  });
  created.push('admin');
  if (p.options.demoAccounts) {
    for (const a of p.profile.demoAccounts) {
      await createUserRow(p, {
        username: a.username,
        displayName: a.displayName,
        password: DEMO_PASSWORD,
        roles: a.roles.filter(isRole),
        department: a.department,
        districts: a.districts,
        enforcePolicy: false,
      });
      created.push(a.username);
    }
  }
  await audit(p, { principal: null, ip: null, requestId: null }, { action: 'system.initialized', details: { accounts: created } });
  return { ...(generated ? { generatedAdminPassword: generated } : {}), created };
}

// ---- departments ----

export interface DepartmentInput {
  name: { zh: string; en: string };
  district: string | null;
}

async function checkDistrict(p: Platform, district: string | null): Promise<void> {
  if (district && !(await store.getDistrict(p.db, district))) {
    throw new AppError('WD_ERR_VALIDATION', `unknown district ${district}`, {
      errors: [{ pointer: '/body/district', detail: `unknown district ${district}` }],
    });
  }
}

export async function createDepartment(p: Platform, ctx: RequestContext, code: string, d: DepartmentInput): Promise<store.DepartmentRow> {
  if (await store.getDepartment(p.db, code)) throw new AppError('WD_ERR_CONFLICT', `Department ${code} exists`);
  await checkDistrict(p, d.district);
  const row: store.DepartmentRow = { code, name_zh: d.name.zh, name_en: d.name.en, district_adcode: d.district, created_at: p.now() };
  await transaction(p.db, async (trx) => {
    await store.insertDepartment(trx, row);
    await appendAudit(trx, {
      action: 'department.created',
      ...actorOf(ctx),
      targetType: 'department',
      targetId: code,
      details: { ...d },
    });
  });
  return row;
}

export async function updateDepartment(p: Platform, ctx: RequestContext, code: string, patch: Partial<DepartmentInput>): Promise<store.DepartmentRow> {
  const before = await store.getDepartment(p.db, code);
  if (!before) throw notFound('Department', code);
  if (patch.district !== undefined) await checkDistrict(p, patch.district);
  await transaction(p.db, async (trx) => {
    await store.updateDepartment(trx, code, {
      ...(patch.name ? { name_zh: patch.name.zh, name_en: patch.name.en } : {}),
      ...(patch.district !== undefined ? { district_adcode: patch.district } : {}),
    });
    await appendAudit(trx, {
      action: 'department.updated',
      ...actorOf(ctx),
      targetType: 'department',
      targetId: code,
      details: { before: { name: { zh: before.name_zh, en: before.name_en }, district: before.district_adcode }, patch },
    });
  });
  const after = (await store.getDepartment(p.db, code))!;
  if (after.district_adcode !== before.district_adcode) {
    cacheOf(p).drop((x) => x.department === code);
    await p.bus.publish('department.updated', { code, district: after.district_adcode }, { key: code });
  }
  return after;
}

// ---- users ----

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  department: string | null;
  districts: string[];
  phone?: string | null;
  enforcePolicy?: boolean;
  mustChangePassword?: boolean;
}

async function validateAssignment(p: Platform, department: string | null, districts: string[], roles: Role[]): Promise<void> {
  const errors: { pointer: string; detail: string }[] = [];
  if (department && !(await store.getDepartment(p.db, department))) errors.push({ pointer: '/body/department', detail: `unknown department ${department}` });
  const known = new Set((await store.listDistricts(p.db, false)).map((d) => d.adcode));
  for (const d of districts) if (d !== '*' && !known.has(d)) errors.push({ pointer: '/body/districts', detail: `unknown district ${d}` });
  if (roles.length === 0) errors.push({ pointer: '/body/roles', detail: 'at least one role is needed' });
  const staffRoles: Role[] = ['dept_leader', 'dept_staff', 'grid_inspector', 'api_client'];
  if (!department && roles.some((r) => staffRoles.includes(r))) errors.push({ pointer: '/body/department', detail: 'department roles need a department' });
  if (errors.length) throw new AppError('WD_ERR_VALIDATION', errors.map((e) => e.detail).join('; '), { errors });
}

async function createUserRow(p: Platform, u: NewUser): Promise<UserRow> {
  const now = p.now();
  const row: UserRow = {
    id: newId('usr'),
    username: u.username,
    display_name: u.displayName,
    password_hash: await hashPassword(u.password),
    department_code: u.department,
    districts: JSON.stringify(u.districts),
    roles: JSON.stringify(u.roles),
    status: 'active',
    failed_logins: 0,
    locked_until: null,
    must_change_password: u.mustChangePassword ? 1 : 0,
    password_changed_at: now,
    phone: u.phone ?? null,
    created_at: now,
    updated_at: now,
  };
  await store.insertUser(p.db, row);
  await p.bus.publish('user.created', { userId: row.id, username: row.username, roles: u.roles, department: u.department }, { key: row.id });
  return row;
}

export async function createUser(p: Platform, ctx: RequestContext, u: NewUser): Promise<UserRow> {
  if (await store.getUserByUsername(p.db, u.username)) throw new AppError('WD_ERR_CONFLICT', `Username ${u.username} is taken`);
  const reasons = checkPasswordPolicy(u.password, u.username, p.profile.passwordWords);
  if (reasons.length)
    throw new AppError('WD_ERR_AUTH_PASSWORD_POLICY', passwordProblem(reasons), {
      errors: reasons.map((r) => ({ pointer: '/body/password', detail: r })),
    });
  await validateAssignment(p, u.department, u.districts, u.roles);
  const row = await createUserRow(p, { ...u, mustChangePassword: u.mustChangePassword ?? true });
  await audit(p, ctx, {
    action: 'user.created',
    targetType: 'user',
    targetId: row.id,
    details: { username: row.username, roles: u.roles, department: u.department, districts: u.districts },
  });
  return row;
}

export async function getUser(p: Platform, principal: Principal, id: string): Promise<UserRow> {
  const u = await store.getUserById(p.db, id);
  if (!u) throw notFound('User', id);
  if (u.id !== principal.id) assertVisible(principal, { department: u.department_code, district: null }, 'User', id);
  return u;
}

export interface UserPatch {
  displayName?: string;
  roles?: Role[];
  department?: string | null;
  districts?: string[];
  status?: 'active' | 'disabled';
  phone?: string | null;
}

export async function updateUser(p: Platform, ctx: RequestContext, id: string, patch: UserPatch): Promise<UserRow> {
  const u = await store.getUserById(p.db, id);
  if (!u) throw notFound('User', id);
  const roles = patch.roles ?? rolesOf(u.roles);
  const department = patch.department !== undefined ? patch.department : u.department_code;
  const districts = patch.districts ?? store.parseList(u.districts);
  await validateAssignment(p, department, districts, roles);
  if (u.username === 'admin' && (patch.status === 'disabled' || (patch.roles && !patch.roles.includes('platform_admin')))) {
    throw new AppError('WD_ERR_CONFLICT', 'The built-in admin cannot be disabled or lose platform_admin');
  }
  const changes = Object.keys(patch);
  await transaction(p.db, async (trx) => {
    await store.updateUser(trx, id, {
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
      ...(patch.roles ? { roles: JSON.stringify(patch.roles) } : {}),
      ...(patch.department !== undefined ? { department_code: patch.department } : {}),
      ...(patch.districts ? { districts: JSON.stringify(patch.districts) } : {}),
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
      updated_at: p.now(),
    });
    // A change of permissions or a disabled account ends existing sessions.
    if (patch.roles || patch.department !== undefined || patch.districts || patch.status === 'disabled') await store.revokeUserSessions(trx, id, p.now());
    await appendAudit(trx, {
      action: patch.roles || patch.department !== undefined || patch.districts ? 'user.permissions_changed' : 'user.updated',
      ...actorOf(ctx),
      targetType: 'user',
      targetId: id,
      details: { before: { roles: rolesOf(u.roles), department: u.department_code, districts: store.parseList(u.districts), status: u.status }, patch },
    });
  });
  dropSessions(p, { userId: id });
  await p.bus.publish('user.updated', { userId: id, changes }, { key: id });
  return (await store.getUserById(p.db, id))!;
}

/** Sets a new password (admin reset or CLI); ends the user's sessions and clears lockout. */
export async function setPassword(
  p: Pick<Platform, 'db' | 'now' | 'profile'>,
  ctx: RequestContext,
  id: string,
  password: string,
  opts: { mustChange: boolean; enforcePolicy?: boolean },
): Promise<void> {
  const u = await store.getUserById(p.db, id);
  if (!u) throw notFound('User', id);
  if (opts.enforcePolicy !== false) {
    const reasons = checkPasswordPolicy(password, u.username, p.profile.passwordWords);
    if (reasons.length)
      throw new AppError('WD_ERR_AUTH_PASSWORD_POLICY', passwordProblem(reasons), {
        errors: reasons.map((r) => ({ pointer: '/body/password', detail: r })),
      });
  }
  const hash = await hashPassword(password);
  await transaction(p.db, async (trx) => {
    await store.updateUser(trx, id, {
      password_hash: hash,
      password_changed_at: p.now(),
      must_change_password: opts.mustChange ? 1 : 0,
      failed_logins: 0,
      locked_until: null,
      updated_at: p.now(),
    });
    await store.revokeUserSessions(trx, id, p.now());
    await appendAudit(trx, {
      action: 'user.password_reset',
      actorId: ctx.principal?.id ?? null,
      actorName: ctx.principal?.name ?? 'cli',
      ip: ctx.ip,
      requestId: ctx.requestId,
      targetType: 'user',
      targetId: id,
    });
  });
  await revoked(p, { userId: id });
}

export async function changeOwnPassword(p: Platform, ctx: RequestContext, principal: Principal, current: string, next: string): Promise<void> {
  const u = await store.getUserById(p.db, principal.id);
  if (!u) throw notFound('User', principal.id);
  if (!(await verifyPassword(current, u.password_hash))) {
    await audit(p, ctx, {
      action: 'user.password_change',
      outcome: 'failure',
      targetType: 'user',
      targetId: u.id,
      details: { reason: 'wrong current password' },
    });
    throw new AppError('WD_ERR_AUTH_INVALID_CREDENTIALS', { zh: '当前密码错误', en: 'Current password is wrong' });
  }
  if (current === next)
    throw new AppError('WD_ERR_AUTH_PASSWORD_POLICY', { zh: '新密码不能与当前密码相同', en: 'The new password must differ from the current one' });
  const reasons = checkPasswordPolicy(next, u.username, p.profile.passwordWords);
  if (reasons.length)
    throw new AppError('WD_ERR_AUTH_PASSWORD_POLICY', passwordProblem(reasons), {
      errors: reasons.map((r) => ({ pointer: '/body/newPassword', detail: r })),
    });
  const hash = await hashPassword(next);
  await transaction(p.db, async (trx) => {
    await store.updateUser(trx, u.id, { password_hash: hash, password_changed_at: p.now(), must_change_password: 0, updated_at: p.now() });
    // Other sessions end; this one stays.
    await store.revokeUserSessions(trx, u.id, p.now(), principal.sessionId ?? '');
    await appendAudit(trx, {
      action: 'user.password_changed',
      actorId: u.id,
      actorName: u.username,
      ip: ctx.ip,
      requestId: ctx.requestId,
      targetType: 'user',
      targetId: u.id,
    });
  });
  await revoked(p, { userId: u.id });
}

export async function unlockUser(p: Pick<Platform, 'db' | 'now'>, ctx: RequestContext, id: string): Promise<void> {
  const u = await store.getUserById(p.db, id);
  if (!u) throw notFound('User', id);
  // Every source's lock and count go.
  await transaction(p.db, async (trx) => {
    await store.clearLoginFailures(trx, id);
    await store.updateUser(trx, id, { failed_logins: 0, locked_until: null, updated_at: p.now() });
  });
  await audit(p, ctx, { action: 'user.unlocked', targetType: 'user', targetId: id });
}

// ---- login sessions ----

export interface TokenPair {
  token: string;
  refreshToken: string;
  expiresAt: number;
  refreshExpiresAt: number;
}

async function issueSession(p: IdentityContext, ctx: RequestContext, u: UserRow, userAgent: string | null): Promise<TokenPair> {
  const now = p.now();
  const token = `wda_${newSecret()}`;
  const refreshToken = `wdr_${newSecret()}`;
  const pair = { token, refreshToken, expiresAt: now + p.options.accessTokenTtl * 1000, refreshExpiresAt: now + p.options.refreshTokenTtl * 1000 };
  await store.insertSession(p.db, {
    id: newId('ses'),
    user_id: u.id,
    access_hash: hashToken(token),
    refresh_hash: hashToken(refreshToken),
    access_expires_at: pair.expiresAt,
    refresh_expires_at: pair.refreshExpiresAt,
    created_at: now,
    last_seen_at: now,
    revoked_at: null,
    ip: ctx.ip,
    user_agent: userAgent,
  });
  return pair;
}

/** One answer for every failed login: unknown user, wrong password, or locked at this source. */
const LOGIN_FAILED = {
  zh: '用户名或密码错误。多次失败后，账号将在该地址暂时锁定，可请管理员解锁。',
  en: 'Invalid username or password. After repeated failures an account is locked at the address they came from for a while; an administrator can unlock it.',
};

/**
 * Logs in. Every failure answers the same (401, the same text) after the same work (one scrypt
 * check), whether the user exists, the password is wrong or the account is locked: the answer
 * reveals nothing about the account. Failures count per account and source address, so a
 * stranger's guesses lock the account for that address only, never for its owner elsewhere.
 */
export async function login(
  p: IdentityContext,
  ctx: RequestContext,
  username: string,
  password: string,
  userAgent: string | null,
): Promise<TokenPair & { user: UserRow }> {
  const u = await store.getUserByUsername(p.db, username);
  const now = p.now();
  const source = ctx.ip ?? 'unknown';
  const ok = await verifyPassword(password, u ? u.password_hash : await dummyPasswordHash());
  if (!u) {
    await audit(p, ctx, { action: 'auth.login', outcome: 'failure', targetType: 'user', details: { username, reason: 'unknown user' } });
    throw new AppError('WD_ERR_AUTH_INVALID_CREDENTIALS', LOGIN_FAILED);
  }
  const failures = await store.getLoginFailures(p.db, u.id, source);
  const locked = failures?.locked_until != null && failures.locked_until > now;
  if (locked) {
    await audit(p, ctx, { action: 'auth.login', outcome: 'denied', targetType: 'user', targetId: u.id, details: { username, reason: 'locked', source } });
    throw new AppError('WD_ERR_AUTH_INVALID_CREDENTIALS', LOGIN_FAILED);
  }
  if (!ok) {
    // A lock that has run out starts the count again.
    const count = (failures && failures.locked_until == null ? failures.failures : 0) + 1;
    const lock = count >= p.options.loginMaxFailures;
    const until = now + p.options.lockoutDuration * 1000;
    await store.putLoginFailures(p.db, { user_id: u.id, source, failures: lock ? 0 : count, locked_until: lock ? until : null, updated_at: now });
    await audit(p, ctx, {
      action: 'auth.login',
      outcome: 'failure',
      targetType: 'user',
      targetId: u.id,
      details: { username, reason: 'wrong password', failures: count, source },
    });
    if (lock) {
      await store.updateUser(p.db, u.id, { locked_until: until });
      await audit(p, ctx, { action: 'user.locked', outcome: 'success', targetType: 'user', targetId: u.id, details: { until, failures: count, source } });
      await p.bus.publish('user.locked', { userId: u.id, until }, { key: u.id });
    }
    throw new AppError('WD_ERR_AUTH_INVALID_CREDENTIALS', LOGIN_FAILED);
  }
  if (u.status !== 'active') {
    await audit(p, ctx, { action: 'auth.login', outcome: 'denied', targetType: 'user', targetId: u.id, details: { username, reason: 'disabled' } });
    throw new AppError('WD_ERR_AUTH_DISABLED');
  }
  if (failures) await store.clearLoginFailures(p.db, u.id, source);
  const pair = await issueSession(p, ctx, u, userAgent);
  await audit(p, { ...ctx, principal: await principalFor(p, u) }, { action: 'auth.login', targetType: 'user', targetId: u.id });
  return { ...pair, user: u };
}

/**
 * Exchanges a refresh token for a new pair; the old refresh token stops working. A refresh token
 * presented again after it was exchanged has been copied: the whole session (every token that
 * descends from the login) is revoked at once, and the reuse audited.
 */
export async function refresh(p: IdentityContext, ctx: RequestContext, refreshToken: string): Promise<TokenPair> {
  const now = p.now();
  const hash = hashToken(refreshToken);
  const s = await store.getSessionByRefreshHash(p.db, hash);
  if (!s) {
    const used = await store.usedRefresh(p.db, hash);
    if (used) {
      await store.updateSession(p.db, used.session_id, { revoked_at: now });
      await revoked(p, { sessionId: used.session_id });
      await audit(p, ctx, {
        action: 'auth.refresh_reused',
        outcome: 'denied',
        targetType: 'session',
        targetId: used.session_id,
        details: { reason: 'a refresh token was used again after it was exchanged; the session is revoked' },
      });
    } else await audit(p, ctx, { action: 'auth.refresh', outcome: 'failure', details: { reason: 'unknown token' } });
    throw new AppError('WD_ERR_AUTH_TOKEN_INVALID', { zh: '登录已失效，请重新登录', en: 'Refresh token is invalid or has expired' });
  }
  if (s.revoked_at || s.refresh_expires_at <= now) {
    await audit(p, ctx, { action: 'auth.refresh', outcome: 'failure', targetType: 'session', targetId: s.id, details: { reason: 'expired or revoked' } });
    throw new AppError('WD_ERR_AUTH_TOKEN_INVALID', { zh: '登录已失效，请重新登录', en: 'Refresh token is invalid or has expired' });
  }
  const u = await store.getUserById(p.db, s.user_id);
  if (u?.status !== 'active') throw new AppError('WD_ERR_AUTH_TOKEN_INVALID', { zh: '登录已失效，请重新登录', en: 'Refresh token is invalid or has expired' });
  const token = `wda_${newSecret()}`;
  const nextRefresh = `wdr_${newSecret()}`;
  const expiresAt = now + p.options.accessTokenTtl * 1000;
  await transaction(p.db, async (trx) => {
    await store.rememberUsedRefresh(trx, hash, s.id, now);
    await store.updateSession(trx, s.id, {
      access_hash: hashToken(token),
      refresh_hash: hashToken(nextRefresh),
      access_expires_at: expiresAt,
      last_seen_at: now,
    });
  });
  // The old access token stops working now, here and in every other process.
  await revoked(p, { sessionId: s.id });
  return { token, refreshToken: nextRefresh, expiresAt, refreshExpiresAt: s.refresh_expires_at };
}

export async function logout(p: Platform, ctx: RequestContext, principal: Principal): Promise<void> {
  if (principal.sessionId) {
    await store.updateSession(p.db, principal.sessionId, { revoked_at: p.now() });
    await revoked(p, { sessionId: principal.sessionId });
  }
  await audit(p, ctx, { action: 'auth.logout', targetType: 'user', targetId: principal.id });
}

/** Resolves a bearer token (access token or API key) to its principal; null when invalid. */
export async function authenticate(p: Platform, token: string): Promise<Principal | null> {
  const now = p.now();
  const hash = hashToken(token);
  const cache = cacheOf(p);
  const hit = cache.get(hash, now);
  if (hit) return hit;
  if (token.startsWith('wda_')) {
    const s = await store.getSessionByAccessHash(p.db, hash);
    if (!s || s.revoked_at || s.access_expires_at <= now) return null;
    const u = await store.getUserById(p.db, s.user_id);
    if (u?.status !== 'active') return null;
    const principal = await principalFor(p, u, s.id);
    cache.set(hash, principal, now, s.access_expires_at);
    return principal;
  }
  if (token.startsWith('wdk_')) {
    const k = await store.getApiKeyByHash(p.db, hash);
    if (!k || k.revoked_at || (k.expires_at && k.expires_at <= now)) return null;
    // Coarse last-used stamp: at most one write a minute per key.
    if (!k.last_used_at || now - k.last_used_at > 60_000) await store.updateApiKey(p.db, k.id, { last_used_at: now });
    const principal = makePrincipal({
      kind: 'api_key',
      id: k.id,
      name: k.name,
      roles: rolesOf(k.roles),
      department: k.department_code,
      districts: districtsScope(k.districts),
      governs: await governedBy(p, k.department_code),
    });
    cache.set(hash, principal, now, k.expires_at);
    return principal;
  }
  return null;
}

// ---- one-time tickets for WebSocket connections ----

/** How long a ticket may wait before it is used. */
export const TICKET_TTL_MS = 30_000;

/**
 * A one-time ticket standing for the caller, for a WebSocket connection (browsers cannot send an
 * Authorization header there, and an access token in a URL ends up in logs and proxies). It works
 * once, for 30 seconds, and only where a route accepts tickets.
 */
export async function issueTicket(p: Platform, principal: Principal): Promise<{ ticket: string; expiresAt: number }> {
  const now = p.now();
  const ticket = `wdt_${newSecret()}`;
  const expiresAt = now + TICKET_TTL_MS;
  await store.insertTicket(
    p.db,
    { hash: hashToken(ticket), principal_kind: principal.kind, principal_id: principal.id, session_id: principal.sessionId ?? null, expires_at: expiresAt },
    now,
  );
  return { ticket, expiresAt };
}

/** The principal a ticket stands for, once; null when unknown, used or expired, or its session or key has ended. */
export async function authenticateTicket(p: Platform, ticket: string): Promise<Principal | null> {
  if (!ticket.startsWith('wdt_')) return null;
  const t = await store.takeTicket(p.db, hashToken(ticket));
  const now = p.now();
  if (!t || t.expires_at <= now) return null;
  if (t.principal_kind === 'user') {
    const u = await store.getUserById(p.db, t.principal_id);
    if (u?.status !== 'active') return null;
    if (t.session_id) {
      const s = await store.getSession(p.db, t.session_id);
      if (!s || s.revoked_at || s.refresh_expires_at <= now) return null;
    }
    return principalFor(p, u, t.session_id ?? undefined);
  }
  const k = await store.getApiKey(p.db, t.principal_id);
  if (!k || k.revoked_at || (k.expires_at && k.expires_at <= now)) return null;
  return makePrincipal({
    kind: 'api_key',
    id: k.id,
    name: k.name,
    roles: rolesOf(k.roles),
    department: k.department_code,
    districts: districtsScope(k.districts),
    governs: await governedBy(p, k.department_code),
  });
}

// ---- API keys ----

export interface NewApiKey {
  name: string;
  department: string | null;
  districts: string[];
  roles: Role[];
  expiresAt: number | null;
}

export async function createApiKey(p: Platform, ctx: RequestContext, k: NewApiKey): Promise<{ key: string; row: store.ApiKeyRow }> {
  await validateAssignment(p, k.department, k.districts, k.roles);
  if (k.roles.includes('platform_admin'))
    throw new AppError('WD_ERR_VALIDATION', 'API keys cannot hold platform_admin', {
      errors: [{ pointer: '/body/roles', detail: 'platform_admin is for people only' }],
    });
  const secret = `wdk_${newSecret()}`;
  const row: store.ApiKeyRow = {
    id: newId('key'),
    name: k.name,
    key_hash: hashToken(secret),
    prefix: secret.slice(0, 10),
    department_code: k.department,
    districts: JSON.stringify(k.districts),
    roles: JSON.stringify(k.roles),
    created_by: ctx.principal?.id ?? 'system',
    created_at: p.now(),
    expires_at: k.expiresAt,
    revoked_at: null,
    last_used_at: null,
  };
  await store.insertApiKey(p.db, row);
  await audit(p, ctx, {
    action: 'apikey.created',
    targetType: 'api_key',
    targetId: row.id,
    details: { name: k.name, roles: k.roles, department: k.department, districts: k.districts },
  });
  await p.bus.publish('apikey.created', { keyId: row.id, name: row.name }, { key: row.id });
  return { key: secret, row };
}

export async function revokeApiKey(p: Platform, ctx: RequestContext, id: string): Promise<void> {
  const k = await store.getApiKey(p.db, id);
  if (!k) throw notFound('API key', id);
  if (!k.revoked_at) await store.updateApiKey(p.db, id, { revoked_at: p.now() });
  dropSessions(p, { keyId: id });
  await audit(p, ctx, { action: 'apikey.revoked', targetType: 'api_key', targetId: id });
  await p.bus.publish('apikey.revoked', { keyId: id }, { key: id });
}

// ---- accounts of the public (the super app's) ----

export interface NewPublicUser {
  username: string;
  displayName: string;
  password: string;
  phone: string;
  role: 'citizen' | 'enterprise';
}

/**
 * Creates a resident's or an enterprise's login (the super app registers them after checking who
 * they are): the password policy applies, no department, no district scope, nothing to change first.
 * Runs in the caller's transaction when one is given, so the account and the login commit together.
 */
export async function createPublicUser(p: Platform, ctx: RequestContext, u: NewPublicUser, trx?: Transaction<Database>): Promise<UserRow> {
  const db = trx ?? p.db;
  if (await store.getUserByUsername(db, u.username)) throw new AppError('WD_ERR_CONFLICT', { zh: '该账号已注册', en: 'This account is already registered' });
  const reasons = checkPasswordPolicy(u.password, u.username, p.profile.passwordWords);
  if (reasons.length)
    throw new AppError('WD_ERR_AUTH_PASSWORD_POLICY', passwordProblem(reasons), { errors: reasons.map((r) => ({ pointer: '/body/password', detail: r })) });
  const now = p.now();
  const row: UserRow = {
    id: newId('usr'),
    username: u.username,
    display_name: u.displayName,
    password_hash: await hashPassword(u.password),
    department_code: null,
    districts: '[]',
    roles: JSON.stringify([u.role]),
    status: 'active',
    failed_logins: 0,
    locked_until: null,
    must_change_password: 0,
    password_changed_at: now,
    phone: u.phone,
    created_at: now,
    updated_at: now,
  };
  await store.insertUser(db, row);
  await appendAudit(db, {
    ...actorOf(ctx),
    at: now,
    action: 'user.registered',
    targetType: 'user',
    targetId: row.id,
    details: { role: u.role },
  });
  return row;
}

/**
 * Opens a session for a user who proved who they are another way than a password (a one-time
 * code sent to their phone, the city code at a kiosk). The caller has checked the proof.
 */
export async function openSession(
  p: IdentityContext,
  ctx: RequestContext,
  userId: string,
  userAgent: string | null,
  method: string,
): Promise<TokenPair & { user: UserRow }> {
  const u = await store.getUserById(p.db, userId);
  if (u?.status !== 'active') throw new AppError('WD_ERR_AUTH_DISABLED');
  const pair = await issueSession(p, ctx, u, userAgent);
  await audit(p, { ...ctx, principal: await principalFor(p, u) }, { action: 'auth.login', targetType: 'user', targetId: u.id, details: { method } });
  return { ...pair, user: u };
}

/** The caller's sessions and devices (用户可查看并结束的会话). */
export async function mySessions(p: Platform, principal: Principal) {
  if (principal.kind !== 'user') return [];
  const rows = await store.liveSessions(p.db, principal.id, p.now());
  return rows.map((s) => ({
    id: s.id,
    current: s.id === principal.sessionId,
    createdAt: Number(s.created_at),
    lastSeenAt: Number(s.last_seen_at),
    ip: s.ip,
    userAgent: s.user_agent,
  }));
}

/** Ends one of the caller's sessions (a lost phone, a kiosk left signed in). */
export async function endMySession(p: Platform, ctx: RequestContext, principal: Principal, sessionId: string): Promise<void> {
  const s = await store.getSession(p.db, sessionId);
  if (!s || principal.kind !== 'user' || s.user_id !== principal.id || s.revoked_at)
    throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个会话', en: 'No such session' });
  await store.updateSession(p.db, sessionId, { revoked_at: p.now() });
  await revoked(p, { sessionId });
  await audit(p, ctx, { action: 'auth.session_ended', targetType: 'session', targetId: sessionId });
}
