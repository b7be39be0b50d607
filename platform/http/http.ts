/**
 * The HTTP platform: request ids, problem-details errors, security headers, OpenAPI,
 * metrics, and authentication with one place that enforces each route's declared access.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from 'typebox';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { appendAudit } from '../audit/audit.js';
import type { Permission } from '../auth/roles.js';
import { isMemberOfPublic, type Principal } from '../auth/scope.js';
import type { Db } from '../storage/db.js';
import { type Lang, join, negotiateLanguage, pick, type Text } from '../i18n/index.js';
import { describeSchemaErrors, type SchemaError } from './reasons.js';
import { AppError, ERROR_CODES, OutOfScopeNotFound, type ErrorCode, type FieldError, PROBLEM_TYPE_BASE, problem, problemSlug } from './errors.js';

/**
 * 'public': anyone (a token is read if sent); 'device': the route authenticates a device by its own
 * token (telemetry ingestion); 'own': the route authenticates its caller by credentials of its own
 * (the data-sharing gateway's consumer systems); otherwise a user or API key, optionally with a
 * permission.
 */
export type AuthRequirement = 'public' | 'device' | 'own' | { permission?: Permission; audience?: Audience };

/**
 * Who of the signed-in may call a route. Staff routes (the default) refuse members of the public
 * (citizens, enterprises and their agents), whatever permission they hold; 'people' routes are the
 * super app's and refuse staff (they hold no person's account); 'everyone' is both (who am I,
 * reporting a problem, a photo of one's own record).
 */
export type Audience = 'staff' | 'people' | 'everyone';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every /api route declares who may call it; routes without it stop start-up. */
    auth?: AuthRequirement;
    /** Not counted in metrics by route (health checks). */
    quiet?: boolean;
    /**
     * WebSockets cannot send headers: accept a one-time `?ticket=` (POST /api/auth/ticket), or,
     * deprecated, the access token as `?access_token=` (RFC 6750 §2.3; redacted from logs).
     */
    tokenInQuery?: boolean;
    /** Reachable with a temporary password that must be changed first (who am I, change password, log out). */
    passwordChange?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

/** Error codes whose occurrences are security-relevant and audited. */
const AUDITED: ReadonlySet<ErrorCode> = new Set(['WD_ERR_AUTH_TOKEN_INVALID', 'WD_ERR_FORBIDDEN', 'WD_ERR_OUT_OF_SCOPE', 'WD_ERR_READ_ONLY']);

/**
 * Security headers, computed once. API responses get the two that matter for JSON (OWASP REST
 * guidance: no sniffing, nothing may frame or run it); authenticated ones also get
 * Cache-Control: no-store. HTML pages get the full set with their content security policy.
 * HSTS is for the TLS-terminating proxy in front to send; pages carry it too. Swagger UI at
 * /docs sets its own CSP.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...API_SECURITY_HEADERS,
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; '),
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};

/** Query parameters that carry secrets: never logged, never audited. */
const SECRET_PARAMS = /^(access_token|refresh_token|token|ticket|password|secret|api_key|apikey|key|code|signature)$/i;

/** A GB 11643 ID number anywhere in a URL (a path segment or a query value). */
const ID_NUMBER_IN_URL = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g;

/**
 * The URL with the values of secret query parameters replaced by `[redacted]` (RFC 6750 §5.3:
 * tokens in URLs end up in logs; these never do), and citizen ID numbers masked as the gateway
 * masks them (420303********2021): logs and audit records never hold one whole.
 */
export function redactUrl(raw: string): string {
  const url = raw.replace(ID_NUMBER_IN_URL, (_m, area: string, tail: string) => `${area}********${tail}`);
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const eq = kv.indexOf('=');
      const name = eq < 0 ? kv : kv.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        /* keep the raw name */
      }
      return eq >= 0 && SECRET_PARAMS.test(decoded) ? `${name}=[redacted]` : kv;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

let reqCounter = 0;
const reqPrefix = `req_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** Request ids: the caller's X-Request-Id when it is sane, else a cheap unique one. */
export function requestId(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && incoming.length <= 64 && /^[A-Za-z0-9._-]+$/.test(incoming)) return incoming;
  reqCounter = (reqCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${reqPrefix}_${reqCounter.toString(36)}`;
}

export interface HttpPlatformOptions {
  db: Db;
  loginRateLimit: number;
  version: string;
  /** The city this deployment serves, named in the API description. */
  city: { zh: string; en: string };
  authenticate(token: string): Promise<Principal | null>;
  /** Resolves a one-time WebSocket ticket (it is used up). */
  authenticateTicket?(ticket: string): Promise<Principal | null>;
  /** Bearer token for /metrics; without one, /metrics answers only direct requests from this host. */
  metricsToken?: string | undefined;
}

/** Compares secrets in constant time. */
function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Loopback addresses: the host itself. */
function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.');
}

/** The language the caller reads: `Accept-Language`, Chinese by default. */
export function langOf(req: FastifyRequest): Lang {
  return negotiateLanguage(req.headers['accept-language']);
}

function sendProblem(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail?: string | Text, extra?: Record<string, unknown>) {
  const body = problem(code, { ...(detail ? { detail } : {}), instance: req.url.split('?')[0]!, extra: { ...extra, requestId: req.id }, lang: langOf(req) });
  reply.header('content-language', langOf(req) === 'zh' ? 'zh-CN' : 'en');
  return reply.status(body.status).type('application/problem+json').send(body);
}

function validationErrors(err: FastifyError): FieldError[] {
  return schemaErrors(err.validation ?? [], `/${err.validationContext ?? 'body'}`);
}

/**
 * JSON Schema (Ajv) errors as field errors, each pointer under `prefix` (e.g. `/body`, `/rows/3`),
 * each detail naming the field and the reason in words (see reasons.ts).
 */
export function schemaErrors(errors: readonly SchemaError[], prefix: string): FieldError[] {
  return describeSchemaErrors(errors, prefix);
}

export function ctxOf(req: FastifyRequest) {
  return { principal: req.principal, ip: req.ip, requestId: req.id };
}

/** The authenticated caller; the route's declared auth guarantees one exists. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('WD_ERR_AUTH_REQUIRED');
  return req.principal;
}

export async function registerHttpPlatform(app: FastifyInstance, opts: HttpPlatformOptions): Promise<{ registry: Registry }> {
  app.decorateRequest('principal', null);
  // The API speaks JSON; other bodies get 415 rather than a confusing validation error.
  app.removeContentTypeParser('text/plain');

  // ---- metrics ----
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'wudang_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'wudang_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const observe = (req: FastifyRequest, reply: FastifyReply, route: string) => {
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  };

  const authenticateRequest = async (
    req: FastifyRequest,
    reply: FastifyReply,
    auth: AuthRequirement,
    header: string | undefined,
    ticket: string | undefined,
    passwordChange: boolean,
  ): Promise<void> => {
    if (!header && !ticket) throw new AppError('WD_ERR_AUTH_REQUIRED', 'Send Authorization: Bearer <token>');
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const principal = ticket !== undefined ? ((await opts.authenticateTicket?.(ticket)) ?? null) : m ? await opts.authenticate(m[1]!) : null;
    if (!principal) {
      if (auth === 'public' || auth === 'device' || auth === 'own') return;
      throw new AppError('WD_ERR_AUTH_TOKEN_INVALID');
    }
    // A temporary password opens nothing but changing it.
    if (principal.mustChangePassword && !passwordChange && auth !== 'public')
      throw new AppError('WD_ERR_PASSWORD_CHANGE_REQUIRED', 'Change your temporary password first (POST /api/auth/password)');
    req.principal = principal;
    // Responses for an authenticated caller are theirs alone: never cached on the way.
    reply.header('cache-control', 'no-store');
    if (typeof auth === 'object') {
      const audience = auth.audience ?? 'staff';
      const person = isMemberOfPublic(principal);
      if (audience === 'staff' && person)
        throw new AppError('WD_ERR_FORBIDDEN', { zh: '此功能仅供工作人员使用', en: 'This route is for staff; public accounts cannot use it' });
      if (audience === 'people' && !person)
        throw new AppError('WD_ERR_FORBIDDEN', { zh: '此功能仅供市民和企业账号使用', en: 'This route is for residents’ and enterprises’ accounts' });
    }
    if (typeof auth === 'object' && auth.permission && !principal.permissions.has(auth.permission)) {
      throw new AppError('WD_ERR_FORBIDDEN', `Your role does not grant ${auth.permission}`);
    }
  };

  app.addHook('onRoute', (route) => {
    // Every /api route must declare its access; forgetting is a start-up error, not a hole.
    if (route.url.startsWith('/api/') && route.config?.auth === undefined) {
      throw new Error(`Route ${route.method} ${route.url} declares no auth requirement`);
    }
    // Authentication is attached to each route by what it declares: protected routes require a
    // valid token with the declared permission; public ones read a token only when one is sent.
    const auth = route.config?.auth;
    const tokenInQuery = route.config?.tokenInQuery === true;
    const passwordChange = route.config?.passwordChange === true;
    if (auth !== undefined && auth !== 'device' && auth !== 'own') {
      const authHook = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
        let header = req.headers.authorization;
        let ticket: string | undefined;
        if (!header && tokenInQuery) {
          const q = req.query as Record<string, unknown> | undefined;
          if (typeof q?.ticket === 'string' && q.ticket !== '') ticket = q.ticket;
          else if (typeof q?.access_token === 'string' && q.access_token !== '') header = `Bearer ${q.access_token}`;
        }
        if (auth === 'public' && !header && !ticket) {
          done();
          return;
        }
        authenticateRequest(req, reply, auth, header, ticket, passwordChange).then(() => done(), done);
      };
      route.onRequest = route.onRequest ? [authHook, ...(Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest])] : [authHook];
    }
    // Metrics per route, attached only where wanted: health checks and probes cost nothing.
    if (!route.config?.quiet) {
      const url = route.url;
      const hook = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
        observe(req, reply, url);
        done();
      };
      route.onResponse = route.onResponse ? [...(Array.isArray(route.onResponse) ? route.onResponse : [route.onResponse]), hook] : [hook];
    }
  });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) =>
      Object.assign(
        new AppError('WD_ERR_RATE_LIMITED', `Rate limit of ${context.max} per ${context.after} exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`, {
          retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)),
        }),
        { statusCode: 429 },
      ),
  });

  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    // Shared schemas appear in components under their $id (Problem), not def-0.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Wudang city platform API',
        version: opts.version,
        description:
          `The platform API of Wudang (武当), the open-source city platform, for ${opts.city.en} (${opts.city.zh}).` +
          ' Errors are RFC 9457 problem details with stable `code` values (WD_ERR_*). Authenticate with `POST /api/auth/login` and send `Authorization: Bearer <token>`; systems use API keys the same way.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Access token (wda_…) or API key (wdk_…)' },
          gatewayKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A consumer system’s secret (wdg_…) at the data-sharing gateway' },
          gatewayToken: {
            type: 'oauth2',
            description: 'OAuth 2 client credentials for the data-sharing gateway (token wdgt_…)',
            flows: { clientCredentials: { tokenUrl: '/api/sharing/gateway/token', scopes: {} } },
          },
        },
      },
      // Each group of routes says what it is for, in English and Chinese.
      tags: [
        { name: 'auth', description: "Logging in, tokens, one's own account and the names of codes · 登录、令牌、本人账号与代码名称" },
        { name: 'users', description: "Users, roles and API keys of the city's departments · 用户、角色与接口密钥" },
        { name: 'city', description: 'The city: districts (GB/T 2260), departments and the responsibility matrix · 行政区划、部门与责任分工' },
        { name: 'calendar', description: 'Public holidays and make-up working days; working-day deadlines · 节假日、调休与工作日时限' },
        { name: 'calculators', description: 'Standard calculations (AQI per HJ 633) · 标准计算（空气质量指数）' },
        { name: 'audit', description: 'The hash-chained audit log: who saw and changed what · 审计日志（哈希链）' },
        { name: 'workflow', description: 'Workflow definitions and instances (the kernel every approval runs on) · 流程定义与办理' },
        { name: 'sensing', description: 'Device types, devices, readings and health (NGSI-LD, SenML, MQTT) · 感知设备、数据与健康状态' },
        { name: 'warning', description: 'Warning rules, maintenance windows, notification addresses, escalation · 预警规则、维护时段、通知与升级' },
        { name: 'alerts', description: "Alerts routed to one's department and district, and acting on them · 预警的查看与处置" },
        { name: 'command', description: 'Emergency plans, incidents, tasks to units, resources and reviews · 应急预案、事件、任务、资源与复盘' },
        { name: 'brain', description: "City indicators for the operations centre (the wall, the leaders' view) · 城市运行指标" },
        {
          name: 'sharing',
          description: 'The government data sharing centre: the resource catalogue, base databases, requests, the exchange gateway · 政务数据共享交换',
        },
        { name: 'licences', description: 'Electronic licences: types, issuing, the lifecycle, offline verification · 电子证照' },
        {
          name: 'people',
          description:
            'The city super app for residents and enterprises: accounts verified against the base databases, agents, the city code, the licence wallet, reservations, my city · 城市超级APP',
        },
        { name: 'citycode', description: 'The city code’s keys, scan points and scans; licences residents shared with a department · 城市码与授权证照' },
        { name: 'services', description: 'Government services online: the service item catalogue and 一件事 bundles · 智慧政务（一网通办）' },
        {
          name: 'urban',
          description:
            'Urban management: the classification, unit grids, the case loop from report to closing, 12345 and video intake, evaluation (Open311 GeoReport v2 at /open311/v2) · 智慧城管',
        },
        { name: 'open data', description: 'The open data portal: datasets, downloads, applications; DCAT-AP and a CKAN-compatible API under /open · 开放数据' },
        {
          name: 'sharing-gateway',
          description:
            'The exchange gateway for consumer systems (their own credentials): lookups, queries, extracts and the change feed, answered as approved · 共享交换网关',
        },
        { name: 'health', description: 'Liveness and readiness of this process · 运行状态检查' },
        { name: 'files', description: 'Photos and other files people attach to their records · 附件与照片' },
        { name: 'development', description: 'Development aids (the outbox of the development SMS and e-mail channels) · 开发辅助' },
      ],
      security: [{ bearer: [] }],
    },
  });
  // Swagger UI sets inline styles as it renders: styles may be inline, scripts may not. Nothing is
  // fetched from elsewhere (no validator badge, no outside stylesheets).
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: () =>
      "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'",
    uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null },
  });
  // Each problem type URI resolves to a description of that error.
  app.get<{ Params: { slug: string } }>('/problems/:slug', { schema: { hide: true }, config: { auth: 'public', quiet: true } }, async (req, reply) => {
    const code = (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => problemSlug(c) === req.params.slug);
    if (!code) return sendProblem(req, reply, 'WD_ERR_NOT_FOUND', `No problem type ${req.params.slug}`);
    return { type: `${PROBLEM_TYPE_BASE}${problemSlug(code)}`, code, status: ERROR_CODES[code].status, title: ERROR_CODES[code].title };
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'public', quiet: true } }, async () => app.swagger());

  // Metrics tell a lot about the platform (routes, volumes, the process): with METRICS_TOKEN they
  // need that bearer token; without, only direct requests from this host (no proxy in between).
  app.get('/metrics', { schema: { hide: true }, config: { auth: 'public', quiet: true } }, async (req, reply) => {
    const allowed = opts.metricsToken
      ? safeEqual(req.headers.authorization ?? '', `Bearer ${opts.metricsToken}`)
      : isLoopback(req.socket.remoteAddress ?? '') && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
    if (!allowed) return sendProblem(req, reply, 'WD_ERR_FORBIDDEN', 'Metrics need METRICS_TOKEN as a bearer token, or a request from this host');
    reply.type(registry.contentType);
    return registry.metrics();
  });

  // ---- security headers, request id, authentication and route access: one hook ----
  // Security headers and the request id: a callback hook, so a request pays no promise for it.
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(API_SECURITY_HEADERS);
    reply.header('x-request-id', req.id);
    done();
  });

  app.setNotFoundHandler((req, reply) =>
    sendProblem(req, reply, 'WD_ERR_ROUTE_NOT_FOUND', `${req.method} ${req.url.split('?')[0]} is not a route of this server`),
  );

  app.setErrorHandler(async (err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      const hidden = err instanceof OutOfScopeNotFound;
      if (AUDITED.has(err.code) || hidden) {
        await appendAudit(opts.db, {
          action: 'access.denied',
          outcome: 'denied',
          actorId: req.principal?.id ?? null,
          actorName: req.principal?.name ?? null,
          ip: req.ip,
          requestId: req.id,
          targetType: 'route',
          targetId: `${req.method} ${req.routeOptions.url ?? req.url}`,
          details: { code: hidden ? 'WD_ERR_OUT_OF_SCOPE' : err.code, detail: err.detail ?? null, url: redactUrl(req.url).slice(0, 500) },
        }).catch((e: unknown) => req.log.error({ err: e }, 'audit append failed'));
      }
      // Retry-After says when a retry can pass: the limiter's own window when it knows it.
      if (err.code === 'WD_ERR_RATE_LIMITED') reply.header('retry-after', String(typeof err.extra.retryAfter === 'number' ? err.extra.retryAfter : 60));
      return sendProblem(req, reply, err.code, err.detail, err.extra);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const errors = validationErrors(fe);
      return sendProblem(req, reply, 'WD_ERR_VALIDATION', join(errors.map((e) => e.detail)), { errors });
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(req, reply, 'WD_ERR_BODY_TOO_LARGE', `Bodies are limited to ${req.routeOptions.bodyLimit ?? 'the configured'} bytes`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(
          req,
          reply,
          'WD_ERR_UNSUPPORTED_MEDIA_TYPE',
          `Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted here; send application/json`,
        );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(req, reply, 'WD_ERR_BAD_JSON', fe.message);
    }
    if (fe.statusCode === 400 && fe instanceof SyntaxError) return sendProblem(req, reply, 'WD_ERR_BAD_JSON', fe.message);
    if (fe.statusCode === 429) return sendProblem(req, reply, 'WD_ERR_RATE_LIMITED');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return sendProblem(req, reply, 'WD_ERR_VALIDATION', fe.message);
    req.log.error({ err }, 'unhandled error');
    return sendProblem(req, reply, 'WD_ERR_INTERNAL', 'An internal error occurred; quote the request id when reporting it');
  });

  return { registry };
}

/** Field errors in the caller's language, for answers that list them without failing (live checks). */
export function fieldErrorsFor(req: FastifyRequest, errors: readonly FieldError[]): { pointer: string; detail: string }[] {
  const lang = langOf(req);
  return errors.map((e) => ({ pointer: e.pointer, detail: pick(e.detail, lang) }));
}
