/** HTTP routes of the sensing hub: device types, devices, readings, HTTP ingestion, live stream. */
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { inScope } from '../../platform/auth/scope.js';
import { AppError, type FieldError, notFound } from '../../platform/http/errors.js';
import { EpochMs, PageQuery } from '../../platform/http/limits.js';
import { ctxOf, principalOf, schemaErrors } from '../../platform/http/http.js';
import type { Platform } from '../../platform/context.js';
import { adaptorForContentType, jsonAdaptor, senmlAdaptor } from './adaptors.js';
import { parseCsv } from '../../platform/csv.js';
import { IngestError, type IngestOutcome } from './ingest.js';
import type { Sensing } from './sensing.types.js';
import { LIVE_KINDS, type LiveFilter, type LiveKind } from './live.js';
import * as svc from './sensing.service.js';
import * as store from './sensing.store.js';

const R = (summary: string) => ({ tags: ['sensing'], summary });
const P = { $ref: 'Problem#' };

const Names = Type.Object({ zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) });
const Attribute = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 64 }),
    name: Names,
    valueType: Type.Union([Type.Literal('number'), Type.Literal('integer'), Type.Literal('boolean'), Type.Literal('string')]),
    unitCode: Type.Optional(Type.String({ maxLength: 8, description: 'UN/CEFACT common code, e.g. GQ (µg/m³), MTR (m), CEL (°C)' })),
    unitText: Type.Optional(Type.String({ maxLength: 32 })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    stuckCheck: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Retention = Type.Object(
  {
    rawDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    minuteDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    hourDays: Type.Integer({ minimum: 1, maximum: 36500 }),
  },
  { additionalProperties: false },
);
const TypeFields = {
  name: Names,
  domain: Type.String({ minLength: 1, maxLength: 64 }),
  model: Type.Union([Type.Literal('sdm'), Type.Literal('city')]),
  ngsiType: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,99}$' }),
  defaultOwner: Type.Union([Type.String(), Type.Null()]),
  defaultIntervalSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  attributes: Type.Array(Attribute, { minItems: 1, maxItems: 200 }),
  retention: Retention,
};
const DeviceTypeSchema = Type.Object({ id: Type.String(), ...TypeFields, builtin: Type.Boolean(), version: Type.Integer() });

const Location = Type.Object(
  {
    lon: Type.Number(),
    lat: Type.Number(),
    datum: Type.Optional(Type.Union([Type.Literal('GCJ-02'), Type.Literal('WGS-84')], { description: 'Datum of the given coordinates; stored as GCJ-02' })),
  },
  { additionalProperties: false },
);
const DeviceBody = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'Device id (MQTT user name); generated when absent' })),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.String({ minLength: 1 }),
    department: Type.Optional(Type.String({ description: "Owner department; defaults to the caller's" })),
    location: Type.Optional(Location),
    district: Type.Optional(Type.String({ description: 'GB/T 2260 code; derived from the location when there is one' })),
    specialZone: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
    properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    simulated: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Health = Type.Object({
  status: Type.String({ description: 'online, offline or unknown (never reported)' }),
  statusSince: Type.Union([Type.Number(), Type.Null()]),
  lastSeen: Type.Union([Type.Number(), Type.Null()]),
  accepted: Type.Number({ description: 'Messages stored (wholly or partly)' }),
  rejected: Type.Number({ description: 'Messages refused (wholly or partly)' }),
  duplicates: Type.Number({ description: 'Values received again for a time already stored' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastErrorAt: Type.Union([Type.Number(), Type.Null()]),
  stuck: Type.Record(Type.String(), Type.Number(), { description: 'Attributes whose value has not changed, with since when' }),
});
const DeviceSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    department: Type.String(),
    district: Type.Union([Type.String(), Type.Null()]),
    specialZone: Type.Union([Type.String(), Type.Null()]),
    location: Type.Union([Type.Object({ lon: Type.Number(), lat: Type.Number(), datum: Type.Literal('GCJ-02'), givenIn: Type.String() }), Type.Null()]),
    tags: Type.Array(Type.String()),
    intervalSeconds: Type.Integer(),
    entityId: Type.String({ description: 'NGSI-LD id of the entity that holds the observations' }),
    simulated: Type.Boolean(),
    disabled: Type.Boolean(),
    properties: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    version: Type.Integer(),
  },
  { additionalProperties: true },
);
const Provisioned = Type.Object({
  device: DeviceSchema,
  token: Type.String({ description: 'The device secret; shown once' }),
  entityId: Type.String(),
  mqtt: Type.Object({ username: Type.String(), topics: Type.Object({ json: Type.String(), senml: Type.String(), errors: Type.String() }) }),
});
const Outcome = Type.Object({
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Array(Type.Object({ attr: Type.Union([Type.String(), Type.Null()]), reason: Type.String() })),
});

function csvList(v: string | undefined): string[] | undefined {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

const validDeviceRow = new Ajv({ allErrors: true, strict: false }).compile<svc.DeviceInput>(DeviceBody);

/** An import row checked against the POST /api/devices schema: the input, or its field errors. */
function checkDeviceRow(row: unknown, i: number): svc.DeviceInput | FieldError[] {
  return validDeviceRow(row) ? row : schemaErrors(validDeviceRow.errors ?? [], `/rows/${i}`);
}

/** A device import row from CSV columns. */
function csvRow(r: Record<string, string>): svc.DeviceInput {
  const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  const lon = num(r.lon);
  const lat = num(r.lat);
  return {
    ...(r.id ? { id: r.id } : {}),
    name: r.name ?? '',
    type: r.type ?? '',
    ...(r.department ? { department: r.department } : {}),
    ...(lon !== undefined && lat !== undefined ? { location: { lon, lat, ...(r.datum ? { datum: r.datum as 'GCJ-02' } : {}) } } : {}),
    ...(r.district ? { district: r.district } : {}),
    ...(r.specialZone ? { specialZone: r.specialZone } : {}),
    ...(r.tags
      ? {
          tags: r.tags
            .split(/[;|]/)
            .map((t) => t.trim())
            .filter(Boolean),
        }
      : {}),
    ...(num(r.intervalSeconds) !== undefined ? { intervalSeconds: num(r.intervalSeconds)! } : {}),
  };
}

function ingestProblem(err: IngestError): AppError {
  switch (err.reason) {
    case 'rate_limited':
      return new AppError('WD_ERR_RATE_LIMITED', err.message);
    case 'too_large':
      return new AppError('WD_ERR_BODY_TOO_LARGE', err.message);
    case 'unavailable':
      return new AppError('WD_ERR_UNAVAILABLE', err.message);
    case 'payload':
      return new AppError('WD_ERR_VALIDATION', err.message, { errors: [{ pointer: '/body', detail: err.message }] });
    default:
      return new AppError('WD_ERR_UNPROCESSABLE', 'No value in the message could be stored', {
        errors: err.rejections.map((r) => ({ pointer: `/body/${r.attr ?? ''}`, detail: r.reason })),
      });
  }
}

/** The sensing hub's routes (and its WebSocket and body parsers): a Fastify plugin, registered under /api. */
export async function sensingRoutes(root: FastifyInstance, { platform: p, sensing }: { platform: Platform; sensing: Sensing }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  await root.register(websocket, { options: { maxPayload: 64 * 1024 } });
  root.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  root.addContentTypeParser('application/senml+json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // ---- device types ----
  app.get(
    '/device-types',
    {
      schema: { ...R('Device types with their attributes, units and ranges'), response: { 200: Type.Array(DeviceTypeSchema) } },
      config: { auth: { permission: 'devices.read' } },
    },
    async () => store.listTypes(p.db),
  );
  app.get(
    '/device-types/:id',
    {
      schema: { ...R('One device type'), params: Type.Object({ id: Type.String() }), response: { 200: DeviceTypeSchema, 404: P } },
      config: { auth: { permission: 'devices.read' } },
    },
    async (req) => {
      const t = await store.getType(p.db, req.params.id);
      if (!t) throw notFound('Device type', req.params.id);
      return t;
    },
  );
  app.post(
    '/device-types',
    {
      schema: {
        ...R('Define a device type'),
        body: Type.Object({ id: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' }), ...TypeFields }, { additionalProperties: false }),
        response: { 201: DeviceTypeSchema, 400: P, 409: P },
      },
      config: { auth: { permission: 'devicetypes.manage' } },
    },
    async (req, reply) => reply.status(201).send(await svc.createType(p, ctxOf(req), req.body)),
  );
  app.put(
    '/device-types/:id',
    {
      schema: {
        ...R('Change a device type (send the version you read)'),
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ version: Type.Integer(), ...TypeFields }, { additionalProperties: false }),
        response: { 200: DeviceTypeSchema, 400: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'devicetypes.manage' } },
    },
    async (req) => {
      const { version, ...rest } = req.body;
      return svc.updateType(p, ctxOf(req), req.params.id, version, rest);
    },
  );
  app.delete(
    '/device-types/:id',
    {
      schema: { ...R('Delete a device type no device uses'), params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), 404: P, 409: P } },
      config: { auth: { permission: 'devicetypes.manage' } },
    },
    async (req, reply) => {
      await svc.deleteType(p, ctxOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- devices ----
  app.get(
    '/devices',
    {
      schema: {
        ...R('Devices in your data scope, with health'),
        querystring: Type.Object({
          type: Type.Optional(Type.String()),
          district: Type.Optional(Type.String()),
          department: Type.Optional(Type.String()),
          tag: Type.Optional(Type.String()),
          status: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('unknown')])),
          q: Type.Optional(Type.String({ description: 'Part of the id or name' })),
          simulated: Type.Optional(Type.Boolean()),
          bbox: Type.Optional(Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'west,south,east,north (GCJ-02)' })),
          limit: Type.Integer({ minimum: 1, maximum: 5000, default: 50 }),
          offset: PageQuery(50, 5000).offset,
        }),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Type.Intersect([DeviceSchema, Type.Object({ health: Health })])) }) },
      },
      config: { auth: { permission: 'devices.read' } },
    },
    async (req) => {
      const q = req.query;
      return svc.listDevices(p, principalOf(req), {
        ...(q.type ? { type: q.type } : {}),
        ...(q.district ? { district: q.district } : {}),
        ...(q.department ? { department: q.department } : {}),
        ...(q.tag ? { tag: q.tag } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.simulated !== undefined ? { simulated: q.simulated } : {}),
        ...(q.bbox ? { bbox: q.bbox.split(',').map(Number) as [number, number, number, number] } : {}),
        limit: q.limit,
        offset: q.offset,
      });
    },
  );
  app.get(
    '/devices/status',
    {
      schema: { ...R('Devices in your scope by health status'), response: { 200: Type.Record(Type.String(), Type.Integer()) } },
      config: { auth: { permission: 'devices.read' } },
    },
    async (req) => store.statusCounts(p.db, principalOf(req).view),
  );
  app.post(
    '/devices',
    {
      schema: {
        ...R('Provision a device: returns its token (once) and its NGSI-LD entity id'),
        body: DeviceBody,
        response: { 201: Provisioned, 400: P, 403: P, 409: P },
      },
      config: { auth: { permission: 'devices.manage' } },
    },
    async (req, reply) => reply.status(201).send(await svc.createDevice(p, ctxOf(req), principalOf(req), req.body)),
  );
  app.post(
    '/devices/import',
    {
      schema: {
        ...R('Provision many devices from JSON ({rows: [...]}) or CSV (text/csv with a header row); each row succeeds or fails on its own'),
        querystring: Type.Object({ dryRun: Type.Boolean({ default: false }) }),
        body: Type.Union([
          Type.Object(
            { rows: Type.Array(Type.Unknown({ description: 'A device as in POST /api/devices; checked row by row' }), { maxItems: 10000 }) },
            { additionalProperties: false },
          ),
          Type.String({ description: 'CSV: id,name,type,department,lon,lat,datum,district,specialZone,tags,intervalSeconds' }),
        ]),
        response: {
          200: Type.Object({
            created: Type.Integer(),
            failed: Type.Integer(),
            results: Type.Array(
              Type.Object({
                row: Type.Integer(),
                id: Type.Optional(Type.String()),
                token: Type.Optional(Type.String()),
                entityId: Type.Optional(Type.String()),
                errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
              }),
            ),
          }),
          400: P,
        },
      },
      config: { auth: { permission: 'devices.manage' } },
      bodyLimit: 16 * 1024 * 1024,
    },
    async (req) => {
      let raw: unknown[];
      if (typeof req.body === 'string') {
        const parsed = parseCsv(req.body);
        if (parsed.length > 10_000) throw new AppError('WD_ERR_VALIDATION', 'At most 10000 rows per import');
        raw = parsed.map(csvRow);
      } else raw = req.body.rows;
      const rows = raw.map((r, i) => checkDeviceRow(r, i));
      const results = await svc.importDevices(p, ctxOf(req), principalOf(req), rows, req.query.dryRun);
      for (const r of results) {
        const id = (raw[r.row] as { id?: unknown } | null)?.id;
        if (r.id === undefined && typeof id === 'string') r.id = id;
      }
      const failed = results.filter((r) => r.errors).length;
      return { created: req.query.dryRun ? 0 : results.length - failed, failed, results };
    },
  );
  app.get(
    '/devices/:id',
    {
      schema: {
        ...R('A device with its latest values, health and type'),
        params: Type.Object({ id: Type.String() }),
        response: { 404: P, 403: P },
      },
      config: { auth: { permission: 'devices.read' } },
    },
    async (req) => svc.getDevice(p, principalOf(req), sensing.telemetry, req.params.id),
  );
  app.patch(
    '/devices/:id',
    {
      schema: {
        ...R('Change a device (send the version you read)'),
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            version: Type.Integer(),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            department: Type.Optional(Type.String()),
            location: Type.Optional(Type.Union([Location, Type.Null()])),
            specialZone: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            tags: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
            intervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
            properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: DeviceSchema, 400: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'devices.manage' } },
    },
    async (req) => {
      const { version, ...patch } = req.body;
      return svc.updateDevice(p, ctxOf(req), principalOf(req), req.params.id, version, patch as svc.DevicePatch);
    },
  );
  app.post(
    '/devices/:id/token',
    {
      schema: {
        ...R('Issue a new device token (the old one stops working)'),
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ token: Type.String() }), 404: P },
      },
      config: { auth: { permission: 'devices.manage' } },
    },
    async (req) => svc.rotateToken(p, ctxOf(req), principalOf(req), req.params.id),
  );
  app.delete(
    '/devices/:id',
    {
      schema: {
        ...R('Retire a device (its history stays until retention removes it)'),
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), 404: P },
      },
      config: { auth: { permission: 'devices.manage' } },
    },
    async (req, reply) => {
      await svc.deleteDevice(p, ctxOf(req), principalOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/devices/:id/series',
    {
      schema: {
        ...R('Readings of one attribute over time: raw, or per-minute / per-hour rollups (min, max, avg, count, last)'),
        description:
          'The span is bounded per resolution (QUERY_MAX_SPAN_RAW, _MINUTE, _HOUR; by default 7 days raw, 93 days per minute, 3660 days per hour) and the answer to QUERY_MAX_POINTS points (`truncated` says when more exist). A range past a limit is a 400 problem naming it.',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({
          attr: Type.String(),
          from: Type.Optional(EpochMs('Start; default 24 h before `to`')),
          to: Type.Optional(EpochMs('End; default now')),
          resolution: Type.Union([Type.Literal('auto'), Type.Literal('raw'), Type.Literal('minute'), Type.Literal('hour')], { default: 'auto' }),
        }),
        response: { 400: P, 404: P },
      },
      config: { auth: { permission: 'devices.read' } },
    },
    async (req) => {
      const q = req.query;
      return svc.series(p, principalOf(req), sensing.telemetry, req.params.id, {
        attr: q.attr,
        resolution: q.resolution,
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
      });
    },
  );

  // ---- HTTP ingestion ----
  const deviceToken = (req: FastifyRequest): string => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new AppError('WD_ERR_AUTH_REQUIRED', "Send Authorization: Bearer <the device's token>");
    return m[1]!;
  };
  app.post(
    '/ingest',
    {
      schema: {
        ...R('A gateway posts messages for many devices (API key with telemetry.ingest, devices in its scope); each item succeeds or fails on its own'),
        body: Type.Object(
          {
            items: Type.Array(
              Type.Object(
                { device: Type.String(), format: Type.Union([Type.Literal('json'), Type.Literal('senml')], { default: 'json' }), payload: Type.Unknown() },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 5000 },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            results: Type.Array(
              Type.Object({ device: Type.String(), status: Type.Integer(), outcome: Type.Optional(Outcome), error: Type.Optional(Type.String()) }),
            ),
          }),
          400: P,
          403: P,
        },
      },
      config: { auth: { permission: 'telemetry.ingest' } },
      bodyLimit: 8 * 1024 * 1024,
    },
    async (req) => {
      const principal = principalOf(req);
      const results = await Promise.all(
        req.body.items.map(async (item) => {
          const device = await sensing.directory.get(item.device);
          // A device outside the gateway's scope is answered like an unknown one.
          if (!device || device.disabled || !inScope(principal.scope, device))
            return { device: item.device, status: 404, error: `unknown device ${item.device}` };
          try {
            const outcome: IngestOutcome = await sensing.pipeline.ingest(device, item.format === 'senml' ? senmlAdaptor : jsonAdaptor, item.payload, 'http');
            return { device: item.device, status: 202, outcome };
          } catch (err) {
            if (err instanceof IngestError) {
              const e = ingestProblem(err);
              return { device: item.device, status: e.status, error: err.message };
            }
            throw err;
          }
        }),
      );
      return { results };
    },
  );

  // The device's own route reads bodies as bytes, so even malformed JSON reaches the adaptor and
  // counts on the device's health.
  await root.register(async (raw) => {
    raw.removeContentTypeParser(['application/json', 'application/senml+json']);
    raw.addContentTypeParser(['application/json', 'application/senml+json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    raw.withTypeProvider<TypeBoxTypeProvider>().post(
      '/ingest/:deviceId',
      {
        schema: {
          ...R('A device posts one message (JSON telemetry or SenML) with its own token, the HTTP equivalent of MQTT QoS 1: 202 only after it is stored'),
          description:
            'Content-Type application/json: `{"ts"?: epoch-ms | ISO-8601, "<attr>": value, ...}` or an array of them; application/senml+json: a SenML pack (RFC 8428). Values that fail validation are listed in `rejected`; when none can be stored the answer is 422.',
          params: Type.Object({ deviceId: Type.String() }),
          security: [{ bearer: [] }],
          response: { 202: Outcome, 400: P, 401: P, 413: P, 415: P, 422: P, 429: P },
        },
        config: { auth: 'device' },
      },
      async (req, reply) => {
        const device = await sensing.directory.authenticate(req.params.deviceId, deviceToken(req));
        if (!device) {
          sensing.pipeline.refuse('http', 'unauthorized');
          throw new AppError('WD_ERR_AUTH_TOKEN_INVALID', 'Unknown device or wrong device token');
        }
        const adaptor = adaptorForContentType(req.headers['content-type']);
        if (!adaptor) throw new AppError('WD_ERR_UNSUPPORTED_MEDIA_TYPE', 'Send application/json or application/senml+json');
        try {
          const outcome = await sensing.pipeline.ingest(device, adaptor, req.body, 'http');
          return reply.status(202).send(outcome);
        } catch (err) {
          if (err instanceof IngestError) throw ingestProblem(err);
          throw err;
        }
      },
    );
  });

  // ---- live push ----
  app.get(
    '/live',
    {
      schema: {
        ...R(
          'WebSocket stream of observations, device status changes, alerts and incidents in your data scope (from browsers: a one-time ?ticket= from POST /api/auth/ticket)',
        ),
        querystring: Type.Object({
          types: Type.Optional(Type.String({ description: 'comma-separated device types' })),
          districts: Type.Optional(Type.String()),
          departments: Type.Optional(Type.String()),
          devices: Type.Optional(Type.String()),
          tags: Type.Optional(Type.String()),
          kinds: Type.Optional(
            Type.String({
              description: 'observations,status,alerts,incidents (default all the caller may see; alerts need warning.read, incidents command.read)',
            }),
          ),
          ticket: Type.Optional(Type.String({ description: 'A one-time ticket from POST /api/auth/ticket' })),
          access_token: Type.Optional(Type.String({ description: 'Deprecated: the access token in the URL (redacted from logs); use a ticket' })),
        }),
      },
      config: { auth: { permission: 'devices.read' }, tokenInQuery: true },
      websocket: true,
    },
    (socket, req) => {
      const q = req.query as Record<string, string | undefined>;
      const filter: LiveFilter = {};
      for (const k of ['types', 'districts', 'departments', 'devices', 'tags'] as const) {
        const v = csvList(q[k]);
        if (v) filter[k] = v;
      }
      const principal = principalOf(req);
      let kinds = csvList(q.kinds)?.filter((k): k is LiveKind => (LIVE_KINDS as readonly string[]).includes(k));
      // Alerts need warning.read, incidents command.read.
      const may = (k: LiveKind) =>
        (k !== 'alerts' || principal.permissions.has('warning.read')) && (k !== 'incidents' || principal.permissions.has('command.read'));
      if (!LIVE_KINDS.every(may)) kinds = (kinds ?? [...LIVE_KINDS]).filter(may);
      // An empty list (only kinds the caller may not see were asked for) means nothing, not everything.
      if (kinds) filter.kinds = kinds;
      const remove = sensing.live.add(socket, principal.view, filter);
      socket.on('close', remove);
      socket.on('error', remove);
      socket.send(JSON.stringify({ kind: 'hello', filter }));
    },
  );
}
