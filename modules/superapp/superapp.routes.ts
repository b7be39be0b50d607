/**
 * The super app's API: `/api/people/…` for residents and enterprises (their accounts only; staff
 * tokens are refused), `/api/open/citycode/keys` and `/api/open/shares` for anyone (offline scanners,
 * the receivers of a shared licence), and `/api/citycode/…` and `/api/licence-shares/…` for staff
 * (scan points and scans, licences shared with their department).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/http/errors.js';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { AGENT_SCOPES, type AgentScope, OTP_PURPOSES, type OtpPurpose } from './accounts.js';
import { CODE_VERDICTS, POINT_KINDS, type PointKind, REVEALS, type Reveal } from './citycode.js';
import { COMPLAINT_TOPICS } from './scenic.js';
import type { SuperApp } from './superapp.types.js';

const R = (summary: string, tag = 'people') => ({ tags: [tag], summary });
const P = { $ref: 'Problem#' };
const problems = { 400: P, 401: P, 403: P, 404: P, 409: P, 422: P, 429: P };
const created = { 201: Type.Unknown({ description: 'Created' }), ...problems };
const noContent = { 204: Type.Null(), ...problems };
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const As = Type.Object(
  {
    as: Type.Optional(
      Type.String({ maxLength: 18, description: 'Act for this enterprise (its credit code): its legal representative, or an agent it authorised' }),
    ),
  },
  { additionalProperties: false },
);
const Password = Type.String({ minLength: 1, maxLength: 200 });
const Phone = Type.String({ maxLength: 20, description: 'Mobile number, 11 digits' });
const Code = Type.String({ maxLength: 10, description: 'The six-digit code sent by SMS' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const TextBody = Type.Object({ zh: Type.String({ minLength: 1, maxLength: 100 }), en: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

const PEOPLE = { auth: { audience: 'people' as const } };
const OPEN = (max: number) => ({ auth: 'public' as const, rateLimit: { max, timeWindow: '1 minute' } });

function userAgent(req: FastifyRequest): string | null {
  const ua = req.headers['user-agent'];
  return typeof ua === 'string' ? ua.slice(0, 300) : null;
}

export async function superAppRoutes(fastify: FastifyInstance, opts: { app: SuperApp }): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, citycode, wallet, scenic, mycity } = opts.app;
  const session = (r: Awaited<ReturnType<typeof accounts.signIn>>) => ({
    token: r.token,
    refreshToken: r.refreshToken,
    expiresAt: r.expiresAt,
    refreshExpiresAt: r.refreshExpiresAt,
    account: r.account,
  });

  // ---- accounts ----

  app.post(
    '/people/codes',
    {
      schema: {
        ...R('Send a one-time code by SMS (register, sign in): at most one a minute and ten a day per number'),
        body: Type.Object({ phone: Phone, purpose: Type.Union(OTP_PURPOSES.map((p) => Type.Literal(p))) }, { additionalProperties: false }),
        response: { 202: Type.Object({ expiresAt: Type.Integer(), resendAfter: Type.Integer() }), ...problems },
        security: [],
      },
      config: OPEN(20),
    },
    async (req, reply) => reply.status(202).send(await accounts.sendCode(req.body.phone, req.body.purpose as OtpPurpose, ctxOf(req))),
  );

  app.post(
    '/people/register',
    {
      schema: {
        ...R('Register a resident: ID number (GB 11643), name (checked against the population database), phone with its code, password'),
        body: Type.Object(
          { idNumber: Type.String({ maxLength: 18 }), name: Type.String({ maxLength: 50 }), phone: Phone, code: Code, password: Password },
          { additionalProperties: false },
        ),
        security: [],
        response: created,
      },
      config: OPEN(10),
    },
    async (req, reply) => reply.status(201).send(session(await accounts.registerResident(req.body, ctxOf(req), userAgent(req)))),
  );

  app.post(
    '/people/register/enterprise',
    {
      schema: {
        ...R('Register an enterprise: credit code (GB 32100), name and legal representative (checked against the legal-entity database)'),
        body: Type.Object(
          {
            creditCode: Type.String({ maxLength: 18 }),
            name: Type.String({ maxLength: 200 }),
            legalRepresentative: Type.Object(
              { idNumber: Type.String({ maxLength: 18 }), name: Type.String({ maxLength: 50 }) },
              { additionalProperties: false },
            ),
            phone: Phone,
            code: Code,
            password: Password,
          },
          { additionalProperties: false },
        ),
        security: [],
        response: created,
      },
      config: OPEN(10),
    },
    async (req, reply) => reply.status(201).send(session(await accounts.registerEnterprise(req.body, ctxOf(req), userAgent(req)))),
  );

  app.post(
    '/people/login',
    {
      schema: {
        ...R('Sign in with ID number, mobile number or credit code and password'),
        body: Type.Object({ account: Type.String({ maxLength: 64 }), password: Password }, { additionalProperties: false }),
        security: [],
        response: problems,
      },
      config: OPEN(20),
    },
    async (req) => session(await accounts.signIn(req.body.account, req.body.password, ctxOf(req), userAgent(req))),
  );

  app.post(
    '/people/login/code',
    {
      schema: {
        ...R('Sign in with a code sent to the registered mobile number'),
        body: Type.Object({ phone: Phone, code: Code }, { additionalProperties: false }),
        security: [],
        response: problems,
      },
      config: OPEN(20),
    },
    async (req) => session(await accounts.signInWithCode(req.body.phone, req.body.code, ctxOf(req), userAgent(req))),
  );

  app.post(
    '/people/kiosk/citycode',
    {
      schema: {
        ...R('Sign in at a self-service kiosk by scanning the city code on one’s phone (the code is taken once)'),
        body: Type.Object({ code: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        security: [],
        response: problems,
      },
      config: OPEN(30),
    },
    async (req) => {
      const taken = await citycode.take(req.body.code);
      if (taken.verdict !== 'valid' || !taken.account)
        throw new AppError('WD_ERR_AUTH_INVALID_CREDENTIALS', CODE_VERDICTS[taken.verdict], { verdict: taken.verdict });
      return session(await accounts.sessionFor(taken.account.user_id, ctxOf(req), userAgent(req), 'citycode-kiosk'));
    },
  );

  app.post(
    '/people/kiosk/id-code',
    {
      schema: {
        ...R('At a self-service kiosk: send a sign-in code to the phone registered with an ID number (the same answer whether it is registered)'),
        body: Type.Object({ idNumber: Type.String({ maxLength: 18 }) }, { additionalProperties: false }),
        security: [],
        response: { 202: Type.Object({ expiresAt: Type.Integer() }), ...problems },
      },
      config: OPEN(10),
    },
    async (req, reply) => reply.status(202).send(await accounts.sendKioskCode(req.body.idNumber, ctxOf(req))),
  );

  app.post(
    '/people/kiosk/id-login',
    {
      schema: {
        ...R('At a self-service kiosk: sign in with the ID number and the code sent to its registered phone'),
        body: Type.Object({ idNumber: Type.String({ maxLength: 18 }), code: Code }, { additionalProperties: false }),
        security: [],
        response: problems,
      },
      config: OPEN(20),
    },
    async (req) => session(await accounts.signInAtKiosk(req.body.idNumber, req.body.code, ctxOf(req), userAgent(req))),
  );

  app.get(
    '/people/me',
    { schema: { ...R('My account: who I am (masked), settings, the enterprises I act for'), response: problems }, config: PEOPLE },
    async (req) => {
      const a = await accounts.account(principalOf(req));
      return accounts.view(a.user_id);
    },
  );

  app.patch(
    '/people/me',
    {
      schema: {
        ...R('My settings: elder-friendly mode (适老化), warnings pushed to my inbox'),
        body: Type.Object({ elderMode: Type.Optional(Type.Boolean()), pushWarnings: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => accounts.settings(principalOf(req), req.body, ctxOf(req)),
  );

  app.get('/people/agents', { schema: { ...R('Agents (经办人) my enterprise authorised'), response: problems }, config: PEOPLE }, async (req) =>
    accounts.agents(principalOf(req)),
  );

  app.post(
    '/people/agents',
    {
      schema: {
        ...R('Authorise a registered resident as my enterprise’s agent, with scopes and an expiry (the legal representative)'),
        body: Type.Object(
          {
            idNumber: Type.String({ maxLength: 18 }),
            name: Type.String({ maxLength: 50 }),
            scopes: Type.Array(Type.Union(AGENT_SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: AGENT_SCOPES.length }),
            expiresOn: Day,
          },
          { additionalProperties: false },
        ),
        response: created,
      },
      config: PEOPLE,
    },
    async (req, reply) =>
      reply.status(201).send(await accounts.authorise(principalOf(req), { ...req.body, scopes: req.body.scopes as AgentScope[] }, ctxOf(req))),
  );

  app.delete('/people/agents/:id', { schema: { ...R('Revoke an agent’s authorisation'), params: Id, response: problems }, config: PEOPLE }, async (req) =>
    accounts.revokeAgent(principalOf(req), req.params.id, ctxOf(req)),
  );

  // ---- the city code ----

  app.get(
    '/people/citycode',
    {
      schema: { ...R('My city code (城市码): a signed QR text valid for a minute; refresh at refreshAt'), querystring: As, response: problems },
      config: PEOPLE,
    },
    async (req) => citycode.issue(principalOf(req), req.query.as),
  );

  app.get('/people/scans', { schema: { ...R('Where my city code was scanned'), querystring: As, response: problems }, config: PEOPLE }, async (req) =>
    citycode.scansOf(principalOf(req), req.query.as),
  );

  app.get(
    '/open/citycode/keys',
    {
      schema: { ...R('The city code’s public keys, for scanners that verify offline', 'citycode'), security: [] },
      config: { auth: 'public' },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return { ttlSeconds: 60, keys: await citycode.publishedKeys() };
    },
  );

  app.get(
    '/citycode/points',
    { schema: { ...R('Scan points of my department', 'citycode'), response: problems }, config: { auth: { permission: 'citycode.scan' } } },
    async (req) => citycode.points(principalOf(req)),
  );

  app.post(
    '/citycode/points',
    {
      schema: {
        ...R('Set up a scan point: a counter, a bus line, a scenic-area gate or a hospital; what its scans reveal', 'citycode'),
        body: Type.Object(
          {
            name: TextBody,
            kind: Type.Union(POINT_KINDS.map((k) => Type.Literal(k))),
            reveals: Type.Union(
              REVEALS.map((k) => Type.Literal(k)),
              { description: 'identity; licence (target: the licence type); booking (target: the scenic area)' },
            ),
            target: Type.Optional(Type.String({ maxLength: 64 })),
            district: Type.Optional(Type.String({ maxLength: 16 })),
            department: Type.Optional(Type.String({ maxLength: 64, description: 'For the platform’s administrators: the point’s department' })),
          },
          { additionalProperties: false },
        ),
        response: created,
      },
      config: { auth: { permission: 'citycode.manage' } },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await citycode.createPoint(principalOf(req), { ...req.body, kind: req.body.kind as PointKind, reveals: req.body.reveals as Reveal }, ctxOf(req))),
  );

  app.post(
    '/citycode/scans',
    {
      schema: {
        ...R('Scan a city code at a scan point: taken once, what the point may see, recorded for the holder', 'citycode'),
        body: Type.Object(
          {
            point: Type.String({ maxLength: 64 }),
            code: Type.String({ maxLength: 2000 }),
            scannedAt: Type.Optional(Type.Integer({ minimum: 0, description: 'When an offline scanner read it (epoch ms), uploading later' })),
          },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: { auth: { permission: 'citycode.scan' } },
    },
    async (req) => citycode.scan(principalOf(req), req.body, ctxOf(req)),
  );

  app.post(
    '/citycode/keys/rotate',
    {
      schema: { ...R('Rotate the city code’s signing key (the old public key stays published)', 'citycode'), response: noContent },
      config: { auth: { permission: 'settings.manage' } },
    },
    async (req, reply) => {
      await citycode.rotate(ctxOf(req));
      return reply.status(204).send(null);
    },
  );

  // ---- the wallet ----

  app.get(
    '/people/wallet',
    { schema: { ...R('My licences (证照夹) with their signed documents'), querystring: As, response: problems }, config: PEOPLE },
    async (req) => wallet.list(principalOf(req), req.query.as, ctxOf(req)),
  );

  app.get(
    '/people/wallet/shares',
    { schema: { ...R('My licence shares, with who viewed them'), querystring: As, response: problems }, config: PEOPLE },
    async (req) => wallet.shares(principalOf(req), req.query.as),
  );

  app.post(
    '/people/wallet/shares',
    {
      schema: {
        ...R('Share licences with consent: with a department or a business, for a purpose, until a day'),
        querystring: As,
        body: Type.Object(
          {
            licences: Type.Array(Type.String({ maxLength: 80 }), { minItems: 1, maxItems: 20 }),
            grantee: Type.Union([
              Type.Object({ kind: Type.Literal('department'), code: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
              Type.Object(
                { kind: Type.Literal('business'), name: Type.String({ maxLength: 200 }), creditCode: Type.Optional(Type.String({ maxLength: 18 })) },
                { additionalProperties: false },
              ),
            ]),
            purpose: Type.String({ minLength: 1, maxLength: 500 }),
            validUntil: Day,
          },
          { additionalProperties: false },
        ),
        response: created,
      },
      config: PEOPLE,
    },
    async (req, reply) => reply.status(201).send(await wallet.share(principalOf(req), req.query.as, req.body, ctxOf(req))),
  );

  app.delete(
    '/people/wallet/shares/:id',
    { schema: { ...R('Revoke a share'), params: Id, querystring: As, response: problems }, config: PEOPLE },
    async (req) => wallet.revoke(principalOf(req), req.query.as, req.params.id, ctxOf(req)),
  );

  app.post(
    '/open/shares/open',
    {
      schema: {
        ...R('Open licences shared by their link (the token from the link’s #fragment); every view is logged for the holder', 'citycode'),
        body: Type.Object({ token: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
        security: [],
        response: problems,
      },
      config: OPEN(30),
    },
    async (req) => wallet.openByToken(req.body.token, req.principal ?? null, ctxOf(req)),
  );

  app.get(
    '/licence-shares',
    {
      schema: { ...R('Licences residents shared with my department, in force', 'citycode'), response: problems },
      config: { auth: { permission: 'licences.receive' } },
    },
    async (req) => wallet.received(principalOf(req)),
  );

  app.get(
    '/licence-shares/:id',
    {
      schema: { ...R('Open a share addressed to my department (logged for the holder)', 'citycode'), params: Id, response: problems },
      config: { auth: { permission: 'licences.receive' } },
    },
    async (req) => wallet.openForStaff(principalOf(req), req.params.id, ctxOf(req)),
  );

  // ---- visitors ----

  app.get(
    '/people/scenic',
    {
      schema: { ...R('Scenic areas with their live load (green, amber, red against capacity, LB/T 034) and today’s bookings'), security: [] },
      config: { auth: 'public' },
    },
    async () => scenic.areas(),
  );

  app.get(
    '/people/scenic/:id/slots',
    {
      schema: {
        ...R('A day’s time slots of a scenic area with the places left'),
        params: Id,
        querystring: Type.Object({ day: Day }, { additionalProperties: false }),
        security: [],
        response: problems,
      },
      config: { auth: 'public' },
    },
    async (req) => scenic.day(req.params.id, req.query.day),
  );

  app.post(
    '/people/scenic/:id/complaints',
    {
      schema: {
        ...R('Complain about a scenic area (旅游投诉): a case in the urban-management loop, at the tourism bureau, that the visitor follows to closure'),
        params: Id,
        body: Type.Object(
          {
            topic: Type.Union(Object.keys(COMPLAINT_TOPICS).map((k) => Type.Literal(k))),
            description: Type.String({ minLength: 1, maxLength: 2000 }),
            photos: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 6, description: 'Photos uploaded to /api/files' })),
          },
          { additionalProperties: false },
        ),
        response: created,
      },
      config: PEOPLE,
    },
    async (req, reply) => reply.status(201).send(await scenic.complain(principalOf(req), req.params.id, req.body, ctxOf(req))),
  );

  app.get('/people/reservations', { schema: { ...R('My scenic-area reservations'), querystring: As, response: problems }, config: PEOPLE }, async (req) =>
    scenic.mine(principalOf(req), req.query.as),
  );

  app.post(
    '/people/reservations',
    {
      schema: {
        ...R('Reserve a time slot (never beyond its capacity, even under concurrent requests)'),
        querystring: As,
        body: Type.Object(
          {
            area: Type.String({ maxLength: 32 }),
            day: Day,
            start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
            party: Type.Integer({ minimum: 1, maximum: 5 }),
          },
          { additionalProperties: false },
        ),
        response: created,
      },
      config: PEOPLE,
    },
    async (req, reply) => reply.status(201).send(await scenic.reserve(principalOf(req), req.query.as, req.body, ctxOf(req))),
  );

  app.post(
    '/people/reservations/:id/cancel',
    { schema: { ...R('Cancel a reservation (the places go back)'), params: Id, querystring: As, response: problems }, config: PEOPLE },
    async (req) => scenic.cancel(principalOf(req), req.query.as, req.params.id, ctxOf(req)),
  );

  // ---- my city ----

  app.get(
    '/people/warnings',
    {
      schema: {
        ...R('City warnings for my district (or another district’s)'),
        querystring: Type.Object({ district: Type.Optional(Type.String({ maxLength: 16 })) }, { additionalProperties: false }),
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => mycity.warnings(principalOf(req), req.query.district),
  );

  app.get(
    '/people/data-use',
    {
      schema: { ...R('Who used my data (数据使用记录): which departments read my records, when, for what'), querystring: As, response: problems },
      config: PEOPLE,
    },
    async (req) => mycity.dataUse(principalOf(req), req.query.as, ctxOf(req)),
  );

  app.get(
    '/people/timeline',
    { schema: { ...R('My timeline: reports, bookings, shares, scans, warnings'), querystring: As, response: problems }, config: PEOPLE },
    async (req) => mycity.timeline(principalOf(req), req.query.as),
  );

  app.get(
    '/people/notifications',
    {
      schema: {
        ...R('My inbox, newest first'),
        querystring: Type.Object({ before: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => mycity.notifications(principalOf(req), req.query.before),
  );

  app.post(
    '/people/notifications/read',
    {
      schema: {
        ...R('Mark notifications read (some, or all)'),
        body: Type.Object(
          { ids: Type.Union([Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }), Type.Literal('all')]) },
          { additionalProperties: false },
        ),
        response: noContent,
      },
      config: PEOPLE,
    },
    async (req, reply) => {
      await mycity.markRead(principalOf(req), req.body.ids);
      return reply.status(204).send(null);
    },
  );
}
