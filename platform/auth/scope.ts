/**
 * Data scope: the departments and districts whose data a caller may see. Every user and API
 * key has one; every query returning city data goes through `whereInScope` or
 * `assertInScope` here, so modules cannot each invent (or forget) their own rule.
 */
import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import { AppError, hiddenNotFound } from '../http/errors.js';
import { CITY_WIDE_ROLES, PUBLIC_ROLES, type Permission, type Role, permissionsOf } from './roles.js';

export const ALL = '*' as const;
export type ScopeSet = typeof ALL | readonly string[];

export interface Scope {
  departments: ScopeSet;
  districts: ScopeSet;
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
  scope: Scope;
}

export function makePrincipal(p: Omit<Principal, 'permissions' | 'scope'>): Principal {
  return { ...p, permissions: permissionsOf(p.roles), scope: scopeFor(p.roles, p.department, p.districts) };
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
  const deptOk = contains(scope.departments, item.department);
  const districtOk = scope.districts === ALL || item.district === null || item.district === undefined || contains(scope.districts, item.district);
  return deptOk && districtOk;
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

export function assertPermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) {
    throw new AppError('WD_ERR_FORBIDDEN', `Your role does not grant ${permission}`);
  }
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
  if (scope.districts !== ALL && columns.district) {
    const districts = scope.districts;
    const col = columns.district;
    q = q.where((eb: ExpressionBuilder<DB, TB>) =>
      eb.or([eb(eb.ref(col as never), 'is', null), ...(districts.length > 0 ? [eb(eb.ref(col as never), 'in', districts as never)] : [])]),
    );
  }
  return q;
}
