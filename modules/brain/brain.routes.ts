/** HTTP routes of the operations centre's indicators (城市运行指标). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EpochMs } from '../../platform/http/limits.js';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ctxOf, fieldErrorsFor, principalOf } from '../../platform/http/http.js';
import type { Platform } from '../../platform/context.js';
import type { TelemetryStore } from '../sensing/index.js';
import { deviceCells } from './layers.js';
import type { IndicatorService } from './brain.service.js';
import { AGGREGATES, DOMAINS, type IndicatorDefinition, statusOf, validateIndicator } from './indicators.js';

const R = (summary: string) => ({ tags: ['brain'], summary });
const P = { $ref: 'Problem#' };
const Label = Type.Object({ zh: Type.String({ maxLength: 200 }), en: Type.String({ maxLength: 200 }) });
const Source = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('reading'),
      types: Type.Array(Type.String(), { maxItems: 20, description: 'Device types read' }),
      attr: Type.String({ description: 'An attribute, or a derived value: $aqi, $aqiLevel, $waterClass, $blackOdorous, $load' }),
      agg: Type.String({ enum: [...AGGREGATES], description: 'count_over and share_over (%) need a threshold' }),
      threshold: Type.Optional(Type.Union([Type.Number(), Type.Object({ property: Type.String() }, { additionalProperties: false })])),
      freshMinutes: Type.Optional(Type.Integer({ description: 'Readings older than this do not count (default 60)' })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('devices'), measure: Type.String({ enum: ['online_share', 'offline'] }) }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('alerts'),
      measure: Type.String({ enum: ['open', 'median_ack_minutes'] }),
      levels: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 4 }), { maxItems: 4 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('incidents'), measure: Type.String({ enum: ['current', 'overdue_tasks'] }) }, { additionalProperties: false }),
]);
const Definition = {
  name: Label,
  domain: Type.String({ enum: Object.keys(DOMAINS) }),
  owner: Type.String({ description: 'Owner department code' }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  unit: Type.Optional(Type.String({ maxLength: 20 })),
  decimals: Type.Optional(Type.Integer()),
  scale: Type.Optional(Type.Number({ description: 'Multiplies the value (100: a share as a percentage)' })),
  source: Source,
  breakdown: Type.Optional(Type.String({ enum: ['district', 'department'] })),
  status: Type.Optional(
    Type.Object(
      { direction: Type.String({ enum: ['up', 'down'], description: 'up: higher is worse' }), warn: Type.Number(), alarm: Type.Number() },
      { additionalProperties: false },
    ),
  ),
};

/** The indicators' routes: a Fastify plugin, registered under /api with what it needs. */
export async function brainRoutes(
  scope: FastifyInstance,
  { platform: p, indicators, telemetry }: { platform: Platform; indicators: IndicatorService; telemetry: TelemetryStore },
): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/brain/indicators',
    {
      schema: {
        ...R('Every indicator (a definition, editable data) with its value now, status colour, breakdown and the value an hour ago'),
        querystring: Type.Object({
          domain: Type.Optional(Type.String()),
          at: Type.Optional(EpochMs('The values kept then (the replay), instead of now')),
        }),
      },
      config: { auth: { permission: 'brain.read' } },
    },
    async (req) => {
      const defs = (await indicators.list({ enabled: true })).filter((d) => !req.query.domain || d.domain === req.query.domain);
      if (req.query.at !== undefined) {
        const frame = await indicators.frameAt(req.query.at);
        return {
          domains: DOMAINS,
          at: frame.at,
          items: defs.map((d) => {
            const v = frame.values.get(d.id);
            return {
              ...d,
              current: v ? { id: d.id, value: v.value, breakdown: v.breakdown, status: statusOf(d, v.value), previous: null, basis: null, at: frame.at } : null,
            };
          }),
        };
      }
      const values = await indicators.values();
      const byId = new Map(values.map((v) => [v.id, v]));
      return { domains: DOMAINS, at: null, items: defs.map((d) => ({ ...d, current: byId.get(d.id) ?? null })) };
    },
  );
  app.get(
    '/brain/indicators/:id/history',
    {
      schema: {
        ...R('An indicator’s kept values (every 5 minutes) over the last hours, with breakdowns: the history and the replay'),
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }) }),
        response: { 404: P },
      },
      config: { auth: { permission: 'brain.read' } },
    },
    async (req) => indicators.history(req.params.id, req.query.hours),
  );
  app.get(
    '/brain/layers/devices',
    {
      schema: {
        ...R('Devices in your scope gathered into grid cells for the map: count, health and types per cell (50,000 devices draw as a few hundred marks)'),
        querystring: Type.Object({
          grid: Type.Number({ minimum: 0.001, maximum: 1, default: 0.02, description: 'Cell size in degrees (about 2 km at 0.02)' }),
          type: Type.Optional(Type.String()),
          district: Type.Optional(Type.String()),
          attr: Type.Optional(
            Type.String({ description: 'With type: colour by this attribute or derived value ($aqi, $waterClass, $load): mean and worst per cell' }),
          ),
        }),
      },
      config: { auth: { permission: 'brain.read' } },
    },
    async (req) =>
      deviceCells(p, telemetry, principalOf(req).view, {
        grid: req.query.grid,
        ...(req.query.type ? { type: req.query.type } : {}),
        ...(req.query.district ? { district: req.query.district } : {}),
        ...(req.query.attr ? { attr: req.query.attr } : {}),
      }),
  );
  app.get(
    '/brain/definitions',
    {
      schema: { ...R('Indicator definitions, including disabled ones') },
      config: { auth: { permission: 'brain.read' } },
    },
    async () => indicators.list(),
  );
  app.post(
    '/brain/indicators/validate',
    {
      schema: { ...R('Check a draft indicator without saving it'), body: Type.Object(Definition, { additionalProperties: false }) },
      config: { auth: { permission: 'brain.read' } },
    },
    async (req) => {
      const errors = validateIndicator(req.body as IndicatorDefinition, await indicators.catalog());
      return { valid: errors.length === 0, errors: fieldErrorsFor(req, errors) };
    },
  );
  app.post(
    '/brain/indicators',
    {
      schema: {
        ...R('Add an indicator (a department its own): validated field by field'),
        body: Type.Object({ id: Type.String(), ...Definition }, { additionalProperties: false }),
        response: { 201: Type.Unknown(), 400: P, 403: P, 409: P },
      },
      config: { auth: { permission: 'brain.manage' } },
    },
    async (req, reply) => {
      const { id, ...def } = req.body;
      return reply.status(201).send(await indicators.create(id, def as IndicatorDefinition, ctxOf(req)));
    },
  );
  app.put(
    '/brain/indicators/:id',
    {
      schema: {
        ...R('Revise an indicator (send the version you loaded; 409 if someone saved since)'),
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ version: Type.Integer(), enabled: Type.Optional(Type.Boolean()), ...Definition }, { additionalProperties: false }),
        response: { 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'brain.manage' } },
    },
    async (req) => {
      const { version, enabled, ...def } = req.body;
      return indicators.update(req.params.id, def as IndicatorDefinition, version, enabled, ctxOf(req));
    },
  );
}
