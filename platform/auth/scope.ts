/**
 * Data scope: the departments and districts whose data a caller may see. Every user and API
 * key has one; every query returning city data goes through `whereInScope` or
 * `assertInScope` here, so modules cannot each invent (or forget) their own rule.
 */
import type { Expression, ExpressionBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import { AppError, hiddenNotFound } from '../http/errors.js';
import { CITY_WIDE_ROLES, PUBLIC_ROLES, type Permission, type Role, permissionsOf } from './roles.js';

export const ALL = '*' as const;
export type ScopeSet = typeof ALL | readonly string[];

export interface Scope {
  departments: ScopeSet;
  districts: ScopeSet;
  /**
   * Whether records without a district (city-level) are inside, for whoever sees their
   * department; true unless set. A district government's view leaves them out: it reads what lies
   * in its district, not the city's records.
   */
  cityLevel?: boolean;
}

export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  /** A person's display name, or the key's name. */
  displayName?: string;
  /** The user must change a temporary password. */
  mustChangePassword?: boolean;
  roles: readonly Role[];
  department: string | null;
  /** The districts assigned to the user or key; ALL for city-level. */
  districts: ScopeSet;
  sessionId?: string;
  permissions: ReadonlySet<Permission>;
  /** What the caller may act on (change, acknowledge, be given tasks for), and read. */
  scope: Scope;
  /**
   * What the caller may read: its scope, and for the staff of a district government (a department
   * that governs a district) everything that lies in that district, whichever department owns it
   * (属地管理), read-only. Devices, alerts and incidents are read through the view; acting on them
   * still needs the scope.
   */
  view: Scope;
}

export interface PrincipalInput extends Omit<Principal, 'permissions' | 'scope' | 'view'> {
  /** The district the caller's department governs (a district or special-zone government); none for other departments. */
  governs?: string | null;
}

export function makePrincipal(input: PrincipalInput): Principal {
  const { governs, ...p } = input;
  const scope = scopeFor(p.roles, p.department, p.districts);
  return { ...p, permissions: permissionsOf(p.roles), scope, view: viewFor(p.roles, scope, governs ?? null) };
}

/**
 * City-wide roles see every department and district. Department roles see their own
 * department's data in their districts. Members of the public see no department data;
 * their own records are matched by owner, not by scope.
 */
export function scopeFor(roles: readonly Role[], department: string | null, districts: ScopeSet): Scope {
  if (roles.some((r) => CITY_WIDE_ROLES.includes(r))) return { departments: ALL, districts: ALL };
  if (roles.every((r) => PUBLIC_ROLES.includes(r))) return { departments: [], districts: [] };
  return { departments: department ? [department] : [], districts };
}

/**
 * The district government's staff read all departments' records located in the district it
 * governs; nobody else's view is wider than their scope.
 */
export function viewFor(roles: readonly Role[], scope: Scope, governs: string | null): Scope {
  if (!governs || scope.departments === ALL || roles.every((r) => PUBLIC_ROLES.includes(r))) return scope;
  return { departments: ALL, districts: [governs], cityLevel: false };
}

/** Whether a record in `district` (null: city-level) lies in the scope's districts. */
export function districtInScope(scope: Scope, district: string | null | undefined): boolean {
  if (district === null || district === undefined) return scope.cityLevel !== false;
  return scope.districts === ALL || scope.districts.includes(district);
}

function contains(set: ScopeSet, value: string | null | undefined): boolean {
  if (set === ALL) return true;
  // Data without a district (city-level) is visible to whoever sees the department.
  return value === null || value === undefined ? false : set.includes(value);
}

export interface Scoped {
  department: string | null | undefined;
  district: string | null | undefined;
}

export function inScope(scope: Scope, item: Scoped): boolean {
  return contains(scope.departments, item.department) && districtInScope(scope, item.district);
}

/** Whether the caller may read the record (its view; see `Principal.view`). */
export function inView(principal: Principal, item: Scoped): boolean {
  return inScope(principal.view, item);
}

/**
 * Throws WD_ERR_OUT_OF_SCOPE (403) unless the item is inside the caller's scope. For acting in the
 * name of a department the caller named (writing another department's rule); a record looked up
 * by id uses assertVisible instead, so its existence is not revealed.
 */
export function assertInScope(principal: Principal, item: Scoped): void {
  if (!inScope(principal.scope, item)) {
    throw new AppError('WD_ERR_OUT_OF_SCOPE', 'This record belongs to a department or district outside your data scope');
  }
}

/**
 * Throws the same 404 as an unknown id (`<what> <id> does not exist`) unless the record is
 * inside the caller's scope; audited as a denied access.
 */
export function assertVisible(principal: Principal, item: Scoped, what: string, id: string): void {
  if (!inScope(principal.scope, item)) throw hiddenNotFound(what, id);
}

/**
 * For a record read through the view (devices, alerts, incidents): the same 404 as an unknown id
 * unless the caller may read it.
 */
export function assertReadable(principal: Principal, item: Scoped, what: string, id: string): void {
  if (!inView(principal, item)) throw hiddenNotFound(what, id);
}

/**
 * Before changing a record read through the view: 404 as unknown unless the caller may read it,
 * then 403 `WD_ERR_READ_ONLY` unless it is also inside the caller's scope (a district government
 * sees the devices in its district but changes only its own).
 */
export function assertMayChange(principal: Principal, item: Scoped, what: string, id: string): void {
  assertReadable(principal, item, what, id);
  if (!inScope(principal.scope, item)) throw readOnly();
}

export function readOnly(): AppError {
  return new AppError('WD_ERR_READ_ONLY', {
    zh: '此记录属于其他部门，您只能查看，不能修改或处置',
    en: 'This record belongs to another department: you may read it but not change or act on it',
  });
}

export function assertPermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) {
    throw new AppError('WD_ERR_FORBIDDEN', `Your role does not grant ${permission}`);
  }
}

/** Whether a scope leaves out any district's records (or the city-level ones). */
export function restrictsDistricts(scope: Scope): boolean {
  return scope.districts !== ALL || scope.cityLevel === false;
}

/**
 * The SQL condition "the district column lies in the scope": one of its districts, or null when
 * city-level records are included. The counterpart of `districtInScope` for queries.
 */
export function districtCondition<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, column: string, scope: Scope): Expression<SqlBool> {
  const col = eb.ref(column as never);
  const parts: Expression<SqlBool>[] = [];
  if (scope.cityLevel !== false) parts.push(eb(col, 'is', null));
  if (scope.districts === ALL) parts.push(eb(col, 'is not', null));
  else if (scope.districts.length > 0) parts.push(eb(col, 'in', scope.districts as never));
  return parts.length === 0 ? eb.lit(false) : eb.or(parts);
}

/**
 * Restricts a select to the caller's scope, given the columns that hold the owning
 * department and district. Rows with a null district are city-level and visible to
 * whoever sees their department.
 */
export function whereInScope<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  scope: Scope,
  columns: { department: string; district?: string },
): SelectQueryBuilder<DB, TB, O> {
  let q = qb;
  if (scope.departments !== ALL) {
    const depts = scope.departments;
    // An empty scope must match nothing, not everything.
    q = q.where((eb: ExpressionBuilder<DB, TB>) => (depts.length === 0 ? eb.lit(false) : eb(eb.ref(columns.department as never), 'in', depts as never)));
  }
  if (columns.district) {
    const col = columns.district;
    if (restrictsDistricts(scope)) q = q.where((eb: ExpressionBuilder<DB, TB>) => districtCondition(eb, col, scope));
  }
  return q;
}

/** A member of the public: a resident's or an enterprise's account (the super app's), not staff. */
export function isMemberOfPublic(p: Pick<Principal, 'kind' | 'roles'>): boolean {
  return p.kind === 'user' && p.roles.length > 0 && p.roles.every((r) => PUBLIC_ROLES.includes(r));
}
