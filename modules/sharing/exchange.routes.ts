/**
 * HTTP routes of sharing requests and approvals (共享申请与授权), consumer systems' credentials,
 * usage statistics and a person's data-use record, for staff; and the exchange gateway (共享交换
 * 网关) that consumer systems call with their own credentials.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { PageQuery } from '../../platform/http/limits.js';
import { toCsv } from '../../platform/csv.js';
import type { CatalogueService } from './catalogue.service.js';
import { RECORD_DATASETS } from './datasets.js';
import { type Caller, type GatewayService, MAX_EXTRACT, MAX_LOOKUP_KEYS, MAX_PAGE } from './gateway.service.js';
import { ACTION_LABELS, MAX_RATE, STATE_LABELS } from './requests.js';
import type { RequestService } from './requests.service.js';

const R = (summary: string) => ({ tags: ['sharing'], summary });
const GATEWAY_SECURITY: { [k: string]: string[] }[] = [{ gatewayKey: [] }, { gatewayToken: [] }];
const G = (summary: string) => ({ tags: ['sharing-gateway'], summary, security: GATEWAY_SECURITY });
const P = { $ref: 'Problem#' };
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Dataset = Type.Object({ dataset: Type.String({ enum: Object.keys(RECORD_DATASETS), description: 'A base database served by the gateway' }) });
const Items = Type.Optional(
  Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200, description: 'Only these items (each must be approved); default: every item of the resource' }),
);
const Filter = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), {
  description: 'Equality on items approved in clear, e.g. {"gender": "2"}',
});
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

const RequestBody = Type.Object(
  {
    resource: Type.String({ maxLength: 32, description: 'Resource code' }),
    items: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 200 }),
    purpose: Type.String({ minLength: 1, maxLength: 2000, description: '用途' }),
    legalBasis: Type.Optional(Type.String({ maxLength: 2000, description: '依据: required for conditional data; a cited law for data not shared' })),
    useScope: Type.String({ minLength: 1, maxLength: 2000, description: '使用范围' }),
    periodFrom: Day,
    periodTo: Day,
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RATE })),
    quotaPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'Records a day' })),
    systemName: Type.Optional(Type.String({ maxLength: 200, description: 'The system that will call the gateway' })),
  },
  { additionalProperties: false },
);

export async function exchangeRoutes(
  scope: FastifyInstance,
  { platform: p, catalogue, requests, gateway }: { platform: Platform; catalogue: CatalogueService; requests: RequestService; gateway: GatewayService },
): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  // OAuth 2 token requests are form-encoded (RFC 6749 §4.4.2); this plugin's routes read them.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // ---- requests ----

  app.get(
    '/sharing/requests',
    {
      schema: {
        ...R(
          'Sharing requests: the outbox (asked by your department), the inbox (waiting for your department as provider or data authority), todo (open, and your department’s turn in any part), or all you are a party to',
        ),
        querystring: Type.Object({
          box: Type.Optional(Type.String({ enum: ['inbox', 'outbox', 'all', 'todo'], default: 'all' })),
          state: Type.Optional(Type.String({ enum: Object.keys(STATE_LABELS) })),
          open: Type.Optional(Type.Boolean()),
          ...PageQuery(50, 500),
        }),
      },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) =>
      requests.list(
        {
          box: (req.query.box ?? 'all') as 'inbox' | 'outbox' | 'all' | 'todo',
          ...(req.query.state ? { state: req.query.state } : {}),
          ...(req.query.open !== undefined ? { open: req.query.open } : {}),
          limit: req.query.limit ?? 50,
          offset: req.query.offset ?? 0,
        },
        principalOf(req),
      ),
  );

  app.get(
    '/sharing/requests/vocabulary',
    { schema: R('The states and steps of a sharing request in both languages'), config: { auth: { permission: 'sharing.read' } } },
    async () => ({
      states: Object.entries(STATE_LABELS).map(([code, name]) => ({ code, name })),
      actions: Object.entries(ACTION_LABELS).map(([code, name]) => ({ code, name })),
    }),
  );

  app.post(
    '/sharing/requests',
    {
      schema: {
        ...R(
          'Apply for a resource’s items (共享申请): the data authority checks it within 2 working days, then the provider answers; unconditional data is granted at once',
        ),
        body: RequestBody,
        response: { 201: Type.Any(), 400: P, 403: P, 404: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req, reply) => reply.status(201).send(await requests.apply(req.body, ctxOf(req))),
  );

  app.get(
    '/sharing/requests/:id',
    {
      schema: { ...R('One request with its deadline, whose turn it is and what you may do'), params: Id, response: { 404: P } },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) => {
      const principal = principalOf(req);
      const r = await requests.get(req.params.id, principal);
      return { ...r, approval: await requests.approvalOf(r), timeline: await requests.timeline(req.params.id, principal) };
    },
  );

  app.post(
    '/sharing/requests/:id/actions',
    {
      schema: {
        ...R(
          'Answer a request as the party whose turn it is: pass or fail the compliance check, approve (optionally narrowed) or refuse, dispute, refer, decide, withdraw',
        ),
        params: Id,
        body: Type.Object(
          {
            action: Type.String({ enum: Object.keys(ACTION_LABELS).filter((a) => a !== 'grant_unconditional' && a !== 'close_refused') }),
            comment: Type.Optional(Type.String({ maxLength: 2000, description: 'Required to refuse, fail, dispute or decide' })),
            rev: Type.Optional(Type.Integer({ minimum: 1, description: 'The revision you saw (409 if it moved on)' })),
            scope: Type.Optional(
              Type.Object(
                {
                  items: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })),
                  periodTo: Type.Optional(Day),
                  ratePerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
                  quotaPerDay: Type.Optional(Type.Integer({ minimum: 1 })),
                },
                { additionalProperties: false, description: 'An approval narrower than asked' },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => {
      const { action, ...rest } = req.body;
      return requests.act(req.params.id, action, rest, ctxOf(req));
    },
  );

  // ---- approvals ----

  app.get(
    '/sharing/approvals',
    {
      schema: {
        ...R('Approvals your department holds (consumer) or gave (provider); the data authority sees all'),
        querystring: Type.Object({ role: Type.Optional(Type.String({ enum: ['consumer', 'provider', 'all'], default: 'all' })), ...PageQuery(50, 500) }),
      },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) =>
      requests.approvals(
        { role: (req.query.role ?? 'all') as 'consumer' | 'provider' | 'all', limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 },
        principalOf(req),
      ),
  );

  app.post(
    '/sharing/approvals/:id/revoke',
    {
      schema: {
        ...R('Revoke an approval (its provider or the data authority), with a reason: the gateway refuses it from now on'),
        params: Id,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => {
      const a = await requests.revoke(req.params.id, req.body.reason, ctxOf(req));
      gateway.forget(a.id);
      return a;
    },
  );

  // ---- consumer systems ----

  app.get(
    '/sharing/clients',
    { schema: R('Your department’s systems registered with the gateway (the data authority sees all)'), config: { auth: { permission: 'sharing.read' } } },
    async (req) => gateway.listClients(principalOf(req)),
  );

  app.post(
    '/sharing/clients',
    {
      schema: {
        ...R('Register a system with the gateway: its client ID and secret (shown once) serve as an API key or as OAuth 2 client credentials'),
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            consumer: Type.Optional(Type.String({ maxLength: 64, description: 'Default: your department' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 400: P, 403: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req, reply) => reply.status(201).send(await gateway.createClient(req.body, ctxOf(req))),
  );

  app.delete(
    '/sharing/clients/:id',
    {
      schema: { ...R('Revoke a system’s credentials (its key and tokens stop working at once)'), params: Id, response: { 404: P } },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => gateway.revokeClient(req.params.id, ctxOf(req)),
  );

  // ---- use ----

  app.get(
    '/sharing/usage',
    {
      schema: {
        ...R('Gateway calls per resource, consumer and provider over days (answered and refused, records returned): providers see the use of their data'),
        querystring: Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) }),
      },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) => {
      const today = (await p.calendar.get()).localDate(p.now());
      const from = req.query.from ?? `${today.slice(0, 8)}01`;
      const to = req.query.to ?? today;
      return { from, to, rows: await gateway.usage(principalOf(req), { from, to }) };
    },
  );

  app.get(
    '/sharing/data-use',
    {
      schema: {
        ...R(
          '数据使用记录: which departments read a person’s or an enterprise’s records, when, for what and which items (the data authority answers residents; audited)',
        ),
        querystring: Type.Object({ subject: Type.String({ minLength: 6, maxLength: 18, description: 'ID number or credit code' }) }),
        response: { 403: P },
      },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) => {
      const principal = principalOf(req);
      if (!catalogue.isAuthority(principal))
        throw new AppError('WD_ERR_FORBIDDEN', {
          zh: '数据使用记录由本人查询，或由数据主管部门代为查询',
          en: 'A data-use record is read by its subject, or by the data authority for them',
        });
      return { subject: req.query.subject.toUpperCase(), entries: await gateway.dataUse(req.query.subject, ctxOf(req)) };
    },
  );

  // ---- the gateway, for consumer systems ----

  const callerOf = async (req: FastifyRequest): Promise<Caller> => {
    const key = req.headers['x-api-key'];
    const client = await gateway.authenticate(req.headers.authorization, typeof key === 'string' ? key : undefined);
    const purpose = req.headers['x-purpose'];
    return {
      client,
      purpose: typeof purpose === 'string' && purpose.trim() ? decodeURIComponent(purpose).slice(0, 2000) : undefined,
      ip: req.ip,
      requestId: req.id,
    };
  };

  app.post(
    '/sharing/gateway/token',
    {
      schema: {
        ...G('OAuth 2 client credentials grant (RFC 6749 §4.4): client_id and client_secret in the body (form or JSON) or as HTTP Basic'),
        security: [] as { [k: string]: string[] }[],
        body: Type.Object({
          grant_type: Type.String({ maxLength: 64 }),
          client_id: Type.Optional(Type.String({ maxLength: 64 })),
          client_secret: Type.Optional(Type.String({ maxLength: 200 })),
          scope: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 400: P, 401: P },
      },
      config: { auth: 'own' },
    },
    async (req, reply) => {
      if (req.body.grant_type !== 'client_credentials')
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: '仅支持 client_credentials 授权方式', en: 'Only grant_type=client_credentials is supported' },
          { error: 'unsupported_grant_type' },
        );
      let id = req.body.client_id;
      let secret = req.body.client_secret;
      const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (basic) {
        const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
        const at = text.indexOf(':');
        if (at > 0) {
          id = decodeURIComponent(text.slice(0, at));
          secret = decodeURIComponent(text.slice(at + 1));
        }
      }
      if (!id || !secret)
        throw new AppError(
          'WD_ERR_AUTH_REQUIRED',
          { zh: '请提供 client_id 和 client_secret', en: 'Send client_id and client_secret' },
          { error: 'invalid_client' },
        );
      reply.header('cache-control', 'no-store');
      return gateway.token(id, secret);
    },
  );

  app.post(
    '/sharing/gateway/:dataset/lookup',
    {
      schema: {
        ...G('Records by key (ID number, credit code): approved items in clear, others masked or left out. Keys travel in the body, never in a URL'),
        params: Dataset,
        body: Type.Object(
          { keys: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: MAX_LOOKUP_KEYS }), items: Items },
          { additionalProperties: false },
        ),
        response: { 401: P, 403: P, 429: P },
      },
      config: { auth: 'own' },
    },
    async (req) => gateway.lookup(await callerOf(req), req.params.dataset, req.body.keys, req.body.items),
  );

  app.post(
    '/sharing/gateway/:dataset/query',
    {
      schema: {
        ...G('A page of records matching a filter on approved items, in key order; send `next` back as `after` for the next page'),
        params: Dataset,
        body: Type.Object(
          {
            filter: Type.Optional(Filter),
            items: Items,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
            after: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 400: P, 401: P, 403: P, 429: P },
      },
      config: { auth: 'own' },
    },
    async (req) =>
      gateway.query(await callerOf(req), req.params.dataset, {
        filter: req.body.filter ?? {},
        ...(req.body.items ? { items: req.body.items } : {}),
        limit: req.body.limit ?? 100,
        ...(req.body.after ? { after: req.body.after } : {}),
      }),
  );

  app.post(
    '/sharing/gateway/:dataset/extract',
    {
      schema: {
        ...G('A bulk extract as NDJSON or CSV (up to 100,000 records a call; the `x-next` header gives the cursor for the next)'),
        params: Dataset,
        body: Type.Object(
          {
            filter: Type.Optional(Filter),
            items: Items,
            format: Type.Optional(Type.String({ enum: ['ndjson', 'csv'], default: 'ndjson' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EXTRACT })),
            after: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 400: P, 401: P, 403: P, 429: P },
      },
      config: { auth: 'own' },
    },
    async (req, reply) => {
      const out = await gateway.extract(await callerOf(req), req.params.dataset, {
        filter: req.body.filter ?? {},
        ...(req.body.items ? { items: req.body.items } : {}),
        limit: req.body.limit ?? MAX_EXTRACT,
        ...(req.body.after ? { after: req.body.after } : {}),
      });
      reply.header('cache-control', 'no-store').header('x-items-clear', out.items.clear.join(',')).header('x-items-masked', out.items.masked.join(','));
      if (out.next) reply.header('x-next', out.next);
      if (req.body.format === 'csv')
        return reply.type('text/csv; charset=utf-8').send(
          toCsv(
            out.columns,
            out.records.map((r) => out.columns.map((c) => r[c] ?? '')),
          ),
        );
      return reply.type('application/x-ndjson').send(out.records.map((r) => JSON.stringify(r)).join('\n') + (out.records.length ? '\n' : ''));
    },
  );

  app.get(
    '/sharing/gateway/:dataset/changes',
    {
      schema: {
        ...G(
          'Records changed since a cursor (0 for all), in the order they changed, each as it is now and answered as approved; `next` is the cursor to send next',
        ),
        params: Dataset,
        querystring: Type.Object({
          since: Type.Optional(Type.String({ maxLength: 400, description: 'The `next` of the previous answer (opaque); 0 for all' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
        }),
        response: { 401: P, 403: P, 429: P },
      },
      config: { auth: 'own' },
    },
    async (req) => gateway.changes(await callerOf(req), req.params.dataset, req.query.since ?? '0', req.query.limit ?? 100),
  );
}
