import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AUDIT_ACTION_LABELS, AUDIT_OUTCOME_LABELS, AUDIT_TARGET_LABELS } from '../../platform/audit/labels.js';
import { DISTRICT_KIND_LABELS, PERMISSION_LABELS, ROLES, ROLE_LABELS, ROLE_PERMISSIONS } from '../../platform/auth/roles.js';
import { expandResponsible } from '../../platform/profile/profile.js';
import { PASSWORD_POLICY, generatePassword } from '../../platform/auth/password.js';
import { ALL, type Principal, type ScopeSet } from '../../platform/auth/scope.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { maskPhone } from '../../platform/privacy/mask.js';
import type { UserRow } from './identity.tables.js';
import type { Platform } from '../../platform/context.js';
import * as S from './identity.schemas.js';
import * as svc from './identity.service.js';
import * as store from './identity.store.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const list = (s: ScopeSet) => (s === ALL ? ['*'] : [...s]);

function userView(u: UserRow, viewer: Principal, now: number) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    roles: store.parseList(u.roles),
    department: u.department_code,
    districts: store.parseList(u.districts),
    status: u.status,
    locked: u.locked_until !== null && u.locked_until > now,
    mustChangePassword: u.must_change_password === 1,
    phone: viewer.permissions.has('users.manage') || viewer.id === u.id ? u.phone : maskPhone(u.phone),
    createdAt: iso(u.created_at)!,
    updatedAt: iso(u.updated_at)!,
  };
}

const R = (description: string, tag: string) => ({ tags: [tag], summary: description });
const problems = { 400: { $ref: 'Problem#' }, 401: { $ref: 'Problem#' }, 403: { $ref: 'Problem#' }, 404: { $ref: 'Problem#' } };

/** Identity's routes: a Fastify plugin, registered under /api with the identity module's view of the platform. */
export async function identityRoutes(root: FastifyInstance, { identity: p }: { identity: svc.IdentityContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  // ---- authentication ----
  app.post(
    '/auth/login',
    {
      schema: {
        ...R('Log in with username and password', 'auth'),
        security: [],
        body: S.LoginBody,
        response: {
          200: Type.Intersect([S.TokenPair, Type.Object({ user: S.MeSchema })]),
          401: { $ref: 'Problem#' },
          423: { $ref: 'Problem#' },
          429: { $ref: 'Problem#' },
        },
      },
      config: { auth: 'public', rateLimit: { max: p.options.loginRateLimit, timeWindow: '1 minute' } },
    },
    async (req) => {
      const r = await svc.login(p, ctxOf(req), req.body.username, req.body.password, req.headers['user-agent'] ?? null);
      const principal = await svc.principalFor(p, r.user);
      return { ...pairView(r), user: meView(principal) };
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        ...R('Exchange a refresh token for a new token pair (the old refresh token stops working)', 'auth'),
        security: [],
        body: S.RefreshBody,
        response: { 200: S.TokenPair, 401: { $ref: 'Problem#' } },
      },
      config: { auth: 'public', rateLimit: { max: p.options.loginRateLimit * 5, timeWindow: '1 minute' } },
    },
    async (req) => pairView(await svc.refresh(p, ctxOf(req), req.body.refreshToken)),
  );

  app.post(
    '/auth/logout',
    {
      schema: { ...R('End this login session', 'auth'), response: { 204: Type.Null(), 401: { $ref: 'Problem#' } } },
      config: { auth: { audience: 'everyone' }, passwordChange: true },
    },
    async (req, reply) => {
      await svc.logout(p, ctxOf(req), principalOf(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      schema: { ...R('Who am I: roles, permissions and data scope', 'auth'), response: { 200: S.MeSchema, 401: { $ref: 'Problem#' } } },
      config: { auth: { audience: 'everyone' }, passwordChange: true },
    },
    async (req) => meView(principalOf(req)),
  );

  app.get(
    '/auth/sessions',
    {
      schema: {
        ...R('My sessions and devices: where I am signed in (the current one marked)', 'auth'),
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              current: Type.Boolean(),
              createdAt: Type.Integer(),
              lastSeenAt: Type.Integer(),
              ip: Type.Union([Type.String(), Type.Null()]),
              userAgent: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
          401: { $ref: 'Problem#' },
        },
      },
      config: { auth: { audience: 'everyone' } },
    },
    async (req) => svc.mySessions(p, principalOf(req)),
  );

  app.delete(
    '/auth/sessions/:id',
    {
      schema: {
        ...R('End one of my sessions (a lost phone, a kiosk left signed in)', 'auth'),
        params: S.IdParams,
        response: { 204: Type.Null(), ...problems },
      },
      config: { auth: { audience: 'everyone' } },
    },
    async (req, reply) => {
      await svc.endMySession(p, ctxOf(req), principalOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/ticket',
    {
      schema: {
        ...R('A one-time ticket for a WebSocket connection (GET /api/live?ticket=…): works once, within 30 seconds', 'auth'),
        description:
          'Browsers cannot send an Authorization header on a WebSocket, and an access token in a URL ends up in logs and proxy records. A ticket stands for the caller once and briefly, so nothing reusable travels in the URL.',
        response: { 200: Type.Object({ ticket: Type.String(), expiresAt: Type.Integer() }), 401: { $ref: 'Problem#' } },
      },
      config: { auth: { audience: 'everyone' } },
    },
    async (req) => svc.issueTicket(p, principalOf(req)),
  );

  app.post(
    '/auth/password',
    {
      schema: { ...R('Change my password', 'auth'), body: S.ChangePasswordBody, response: { 204: Type.Null(), ...problems } },
      config: { auth: { audience: 'everyone' }, passwordChange: true },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      if (principal.kind !== 'user') throw new AppError('WD_ERR_FORBIDDEN', 'API keys have no password');
      await svc.changeOwnPassword(p, ctxOf(req), principal, req.body.currentPassword, req.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.get('/auth/password-policy', { schema: { ...R('The password policy', 'auth'), security: [] }, config: { auth: 'public' } }, async () => PASSWORD_POLICY);

  // ---- city structure ----
  app.get(
    '/city',
    {
      schema: { ...R('The city profile: name, code, districts and departments counts', 'city') },
      config: { auth: { permission: 'city.read', audience: 'everyone' } },
    },
    async () => ({
      id: p.profile.id,
      name: p.profile.name,
      adcode: p.profile.adcode,
      datum: p.profile.datum,
      center: p.profile.center,
      bbox: p.profile.bbox,
      population: p.profile.population,
      districts: p.profile.districts.length,
      departments: p.profile.departments.length,
      tasks: p.profile.tasks.length,
    }),
  );

  app.get(
    '/districts',
    {
      schema: {
        ...R('Districts with GB/T 2260 codes; geometry=true adds GCJ-02 boundaries', 'city'),
        querystring: Type.Object({ geometry: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 200: Type.Array(S.DistrictSchema) },
      },
      config: { auth: { permission: 'city.read', audience: 'everyone' } },
    },
    async (req) =>
      (await store.listDistricts(p.db, req.query.geometry)).map((d) => ({
        adcode: d.adcode,
        name: { zh: d.name_zh, en: d.name_en },
        kind: d.kind,
        parent: d.parent_adcode,
        center: d.center_lon !== null && d.center_lat !== null ? ([d.center_lon, d.center_lat] as [number, number]) : null,
        ...(req.query.geometry ? { geometry: d.geometry ? JSON.parse(d.geometry) : null } : {}),
      })),
  );

  app.get(
    '/districts/lookup',
    {
      schema: {
        ...R('The district containing a point (lon, lat in GCJ-02)', 'city'),
        querystring: S.LookupQuery,
        response: {
          200: Type.Object({
            adcode: Type.Union([Type.String(), Type.Null()]),
            name: Type.Union([Type.Object({ zh: Type.String(), en: Type.String() }), Type.Null()]),
          }),
        },
      },
      config: { auth: { permission: 'city.read', audience: 'everyone' } },
    },
    async (req) => {
      const adcode = p.profile.districtAt(req.query.lon, req.query.lat) ?? null;
      const d = adcode ? p.profile.districts.find((x) => x.adcode === adcode) : undefined;
      return { adcode, name: d?.name ?? null };
    },
  );

  app.get(
    '/departments',
    {
      schema: { ...R('Departments with the plan tasks each leads or is responsible for', 'city'), response: { 200: Type.Array(S.DepartmentSchema) } },
      config: { auth: { permission: 'city.read', audience: 'everyone' } },
    },
    async () => {
      const depts = await store.listDepartments(p.db);
      const m = await matrixOf(p);
      return depts.map((d) => departmentView(m, d));
    },
  );

  app.get(
    '/departments/:code',
    {
      schema: { ...R('One department', 'city'), params: S.CodeParams, response: { 200: S.DepartmentSchema, 404: { $ref: 'Problem#' } } },
      config: { auth: { permission: 'city.read', audience: 'everyone' } },
    },
    async (req) => {
      const d = await store.getDepartment(p.db, req.params.code);
      if (!d) throw notFound('Department', req.params.code);
      return departmentView(await matrixOf(p), d);
    },
  );

  app.post(
    '/departments',
    {
      schema: { ...R('Add a department', 'city'), body: S.CreateDepartmentBody, response: { 201: S.DepartmentSchema, ...problems, 409: { $ref: 'Problem#' } } },
      config: { auth: { permission: 'city.manage' } },
    },
    async (req, reply) => {
      const d = await svc.createDepartment(p, ctxOf(req), req.body.code, { name: req.body.name, district: req.body.district });
      return reply.status(201).send(departmentView(await matrixOf(p), d));
    },
  );

  app.patch(
    '/departments/:code',
    {
      schema: {
        ...R('Rename a department or change its district', 'city'),
        params: S.CodeParams,
        body: S.PatchDepartmentBody,
        response: { 200: S.DepartmentSchema, ...problems },
      },
      config: { auth: { permission: 'city.manage' } },
    },
    async (req) => {
      const d = await svc.updateDepartment(p, ctxOf(req), req.params.code, req.body);
      return departmentView(await matrixOf(p), d);
    },
  );

  app.get(
    '/plan-tasks',
    {
      schema: {
        ...R('The responsibility matrix: lead (牵头) and responsible (责任) units of each plan task', 'city'),
        response: { 200: Type.Array(S.PlanTaskSchema) },
      },
      config: { auth: { permission: 'city.read' } },
    },
    async () => {
      const { tasks, depts } = await matrixOf(p);
      const en = new Map(p.profile.tasks.map((x) => [x.id, x.en]));
      return tasks.map((t) => ({
        id: t.id,
        name: t.name,
        names: { zh: t.name, en: en.get(t.id) ?? t.name },
        lead: t.lead,
        responsible: t.responsible,
        responsibleUnits: expandResponsible(t, depts),
      }));
    },
  );

  app.get('/roles', { schema: { ...R('Roles and the permissions each grants', 'users') }, config: { auth: { permission: 'roles.read' } } }, async () =>
    ROLES.map((r) => ({ role: r, label: ROLE_LABELS[r], permissions: [...ROLE_PERMISSIONS[r]] })),
  );
  // The names of the platform's codes, so screens show words, never codes (cacheable per version).
  app.get(
    '/vocabulary',
    {
      schema: {
        ...R('Names of roles, permissions and district kinds in Chinese and English (for screens) · 角色、权限、区划类型的中英文名称', 'auth'),
        response: {
          200: Type.Object({
            roles: Type.Record(Type.String(), S.Names),
            permissions: Type.Record(Type.String(), S.Names),
            districtKinds: Type.Record(Type.String(), S.Names),
            auditActions: Type.Record(Type.String(), S.Names),
            auditTargets: Type.Record(Type.String(), S.Names),
            auditOutcomes: Type.Record(Type.String(), S.Names),
          }),
        },
      },
      config: { auth: { audience: 'everyone' }, passwordChange: true },
    },
    async () => ({
      roles: ROLE_LABELS,
      permissions: PERMISSION_LABELS,
      districtKinds: DISTRICT_KIND_LABELS,
      auditActions: AUDIT_ACTION_LABELS,
      auditTargets: AUDIT_TARGET_LABELS,
      auditOutcomes: AUDIT_OUTCOME_LABELS,
    }),
  );

  // ---- users ----
  app.get(
    '/users',
    {
      schema: {
        ...R('Users in your scope', 'users'),
        querystring: S.UserListQuery,
        response: { 200: Type.Object({ items: Type.Array(S.UserSchema), total: Type.Integer() }) },
      },
      config: { auth: { permission: 'users.read' } },
    },
    async (req) => {
      const principal = principalOf(req);
      const { rows, total } = await store.listUsers(p.db, principal.scope, req.query);
      return { items: rows.map((u) => userView(u, principal, p.now())), total };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        ...R('Create a user (the password must change at first login)', 'users'),
        body: S.CreateUserBody,
        response: { 201: S.UserSchema, ...problems, 409: { $ref: 'Problem#' } },
      },
      config: { auth: { permission: 'users.manage' } },
    },
    async (req, reply) => {
      const b = req.body;
      const u = await svc.createUser(p, ctxOf(req), {
        username: b.username,
        displayName: b.displayName,
        password: b.password,
        roles: b.roles,
        department: b.department,
        districts: b.districts,
        phone: b.phone ?? null,
      });
      return reply.status(201).send(userView(u, principalOf(req), p.now()));
    },
  );

  app.get(
    '/users/:id',
    { schema: { ...R('One user', 'users'), params: S.IdParams, response: { 200: S.UserSchema, ...problems } }, config: { auth: { permission: 'users.read' } } },
    async (req) => userView(await svc.getUser(p, principalOf(req), req.params.id), principalOf(req), p.now()),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        ...R('Change a user: roles, department, districts, status (ends their sessions when permissions change)', 'users'),
        params: S.IdParams,
        body: S.PatchUserBody,
        response: { 200: S.UserSchema, ...problems, 409: { $ref: 'Problem#' } },
      },
      config: { auth: { permission: 'users.manage' } },
    },
    async (req) => userView(await svc.updateUser(p, ctxOf(req), req.params.id, req.body), principalOf(req), p.now()),
  );

  app.post(
    '/users/:id/reset-password',
    {
      schema: {
        ...R('Set a temporary password (generated when not given); the user must change it', 'users'),
        params: S.IdParams,
        body: S.ResetPasswordBody,
        response: { 200: Type.Object({ temporaryPassword: Type.String() }), ...problems },
      },
      config: { auth: { permission: 'users.manage' } },
    },
    async (req) => {
      const password = req.body.password ?? generatePassword();
      await svc.setPassword(p, ctxOf(req), req.params.id, password, { mustChange: true });
      return { temporaryPassword: password };
    },
  );

  app.post(
    '/users/:id/unlock',
    {
      schema: { ...R('Clear a lockout', 'users'), params: S.IdParams, response: { 204: Type.Null(), ...problems } },
      config: { auth: { permission: 'users.manage' } },
    },
    async (req, reply) => {
      await svc.unlockUser(p, ctxOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- API keys ----
  app.get(
    '/api-keys',
    { schema: { ...R('API keys for systems', 'users'), response: { 200: Type.Array(S.ApiKeySchema) } }, config: { auth: { permission: 'apikeys.manage' } } },
    async () => (await store.listApiKeys(p.db)).map(apiKeyView),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        ...R('Create an API key; the secret is shown once', 'users'),
        body: S.CreateApiKeyBody,
        response: { 201: Type.Intersect([S.ApiKeySchema, Type.Object({ key: Type.String() })]), ...problems },
      },
      config: { auth: { permission: 'apikeys.manage' } },
    },
    async (req, reply) => {
      const b = req.body;
      const { key, row } = await svc.createApiKey(p, ctxOf(req), {
        name: b.name,
        roles: b.roles,
        department: b.department,
        districts: b.districts,
        expiresAt: b.expiresAt ? Date.parse(b.expiresAt) : null,
      });
      return reply.status(201).send({ ...apiKeyView(row), key });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: { ...R('Revoke an API key', 'users'), params: S.IdParams, response: { 204: Type.Null(), ...problems } },
      config: { auth: { permission: 'apikeys.manage' } },
    },
    async (req, reply) => {
      await svc.revokeApiKey(p, ctxOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}

function pairView(r: svc.TokenPair) {
  return {
    token: r.token,
    refreshToken: r.refreshToken,
    expiresAt: iso(r.expiresAt)!,
    refreshExpiresAt: iso(r.refreshExpiresAt)!,
    tokenType: 'Bearer' as const,
  };
}

function meView(principal: Principal) {
  return {
    kind: principal.kind,
    id: principal.id,
    name: principal.name,
    ...(principal.displayName !== undefined ? { displayName: principal.displayName } : {}),
    ...(principal.mustChangePassword !== undefined ? { mustChangePassword: principal.mustChangePassword } : {}),
    roles: [...principal.roles],
    permissions: [...principal.permissions],
    department: principal.department,
    districts: list(principal.districts),
    scope: { departments: list(principal.scope.departments), districts: list(principal.scope.districts) },
    view: {
      departments: list(principal.view.departments),
      districts: list(principal.view.districts),
      cityLevel: principal.view.cityLevel !== false,
    },
  };
}

interface Matrix {
  tasks: { id: string; name: string; lead: string[]; responsible: string[] }[];
  depts: { code: string; district: string | null }[];
}

/** The responsibility matrix and departments as the database holds them now. */
async function matrixOf(p: Platform): Promise<Matrix> {
  const [tasks, depts] = await Promise.all([store.listPlanTasks(p.db), store.listDepartments(p.db)]);
  return {
    tasks: tasks.map((t) => ({ id: t.id, name: t.name_zh, lead: store.parseList(t.lead), responsible: store.parseList(t.responsible) })),
    depts: depts.map((d) => ({ code: d.code, district: d.district_adcode })),
  };
}

function departmentView(m: Matrix, d: store.DepartmentRow) {
  return {
    code: d.code,
    name: { zh: d.name_zh, en: d.name_en },
    district: d.district_adcode,
    tasks: {
      lead: m.tasks.filter((t) => t.lead.includes(d.code)).map((t) => t.id),
      responsible: m.tasks.filter((t) => expandResponsible(t, m.depts).includes(d.code)).map((t) => t.id),
    },
  };
}

function apiKeyView(k: store.ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    department: k.department_code,
    districts: store.parseList(k.districts),
    roles: store.parseList(k.roles),
    createdBy: k.created_by,
    createdAt: iso(k.created_at)!,
    expiresAt: iso(k.expires_at),
    revokedAt: iso(k.revoked_at),
    lastUsedAt: iso(k.last_used_at),
  };
}
