/**
 * HTTP routes of urban management (智慧城管) under /api/urban: the classification, grids and
 * components; reporting from every source (inspectors and citizens, the 12345 hotline's work
 * orders, video analytics, early-warning alerts); the loop's actions for the centre, the units and
 * the inspectors; the evaluation (JSON, XLSX, PDF); and the operations screen's figures.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { PageQuery } from '../../platform/http/limits.js';
import { toGcj02 } from '../../platform/profile/datum.js';
import { negotiateLanguage } from '../../platform/i18n/index.js';
import { htmlToPdf } from '../../platform/reports/pdf.js';
import { xlsx } from '../../platform/reports/xlsx.js';
import { GRID_CODE } from './grids.js';
import { type EvaluationPeriod, SOURCES, type UrbanService, evaluate } from './urban.service.js';
import { evaluationHtml, evaluationSheets } from './report.js';
import type { CaseRow } from './urban.store.js';
import { STATES } from './workflow.js';

const R = (summary: string) => ({ tags: ['urban'], summary });
const P = { $ref: 'Problem#' };
const Id = Type.Object({ id: Type.String({ maxLength: 40 }) });
const Rev = Type.Optional(Type.Integer({ minimum: 1, description: 'The revision you read (409 if the case changed since)' }));
const Comment = (required: boolean) => (required ? Type.String({ minLength: 1, maxLength: 2000 }) : Type.Optional(Type.String({ maxLength: 2000 })));
const Photos = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 9, description: 'Ids of photos uploaded with POST /api/files' });
const Location = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    datum: Type.Optional(
      Type.Union([Type.Literal('GCJ-02'), Type.Literal('WGS-84')], { description: 'WGS-84 from a phone’s GPS; GCJ-02 (the platform’s) by default' }),
    ),
  },
  { additionalProperties: false },
);
const Subcategory = Type.String({ maxLength: 8, pattern: '^[CE][0-9]{4}$', description: 'Subcategory code, e.g. E0101 暴露垃圾' });
const Spec = Type.Union([
  Type.Object({ workingDays: Type.Integer({ minimum: 1, maximum: 60 }) }, { additionalProperties: false }),
  Type.Object({ workingHours: Type.Number({ exclusiveMinimum: 0, maximum: 480 }) }, { additionalProperties: false }),
]);
const Text = Type.Object(
  { zh: Type.String({ minLength: 1, maxLength: 500 }), en: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
const SubcategoryBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('component'), Type.Literal('event')]),
    major: Type.Object(
      { code: Type.String({ maxLength: 3 }), zh: Type.String({ maxLength: 50 }), en: Type.String({ maxLength: 100 }) },
      { additionalProperties: false },
    ),
    name: Text,
    unit: Type.String({ maxLength: 64 }),
    districtUnits: Type.Optional(Type.Record(Type.String({ maxLength: 16 }), Type.String({ maxLength: 64 }))),
    alsoUnits: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 })),
    limits: Type.Object({ normal: Spec, urgent: Type.Optional(Spec) }, { additionalProperties: false }),
    filing: Text,
    closing: Text,
    source: Type.String({ minLength: 1, maxLength: 500 }),
    fromAlerts: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 })),
    retired: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
const ReportBody = {
  subcategory: Subcategory,
  urgent: Type.Optional(Type.Boolean()),
  location: Location,
  address: Type.Optional(Type.String({ maxLength: 200 })),
  description: Type.String({ minLength: 1, maxLength: 2000 }),
  photos: Type.Optional(Photos),
  componentId: Type.Optional(Type.String({ pattern: '^[0-9]{18}$' })),
};

export interface UrbanRouteDeps {
  platform: Platform;
  urban: UrbanService;
  chromiumPath: string;
}

function pctx(req: FastifyRequest) {
  return { ...ctxOf(req), principal: principalOf(req) };
}

/** A month (YYYY-MM) or a span of dates, in the city's calendar. */
export function periodOf(q: { period?: string; from?: string; to?: string }, now: number, offsetMinutes: number): EvaluationPeriod {
  if (q.from || q.to) {
    if (!q.from || !q.to || q.from > q.to)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '请给出起止日期，起始不晚于截止', en: 'give from and to, from not after to' },
        {
          errors: [{ pointer: '/querystring/from', detail: { zh: '起止日期不完整或颠倒', en: 'missing or reversed' } }],
        },
      );
    return { from: q.from, to: q.to };
  }
  const month = q.period ?? new Date(now + offsetMinutes * 60_000).toISOString().slice(0, 7);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

export async function urbanRoutes(scope: FastifyInstance, { platform, urban, chromiumPath }: UrbanRouteDeps): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  // ---- classification ----

  app.get(
    '/urban/classification',
    {
      schema: {
        ...R(
          'The classification of components (部件) and events (事件): units, filing and closing conditions, time limits; the current version or one by number',
        ),
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        response: { 404: P },
      },
      config: { auth: { audience: 'everyone' } },
    },
    async (req) => urban.classification(req.query.version),
  );

  app.get(
    '/urban/classification/versions',
    { schema: R('The classification’s versions: who changed it, when, why'), config: { auth: { permission: 'urban.read' } } },
    async () => (await urban.classVersions()).map((v) => ({ version: v.version, note: v.note, by: v.created_by, at: Number(v.created_at) })),
  );

  app.put(
    '/urban/classification/subcategories/:code',
    {
      schema: {
        ...R('Add or change a subcategory (the command centre): a new version of the classification; filed cases keep theirs'),
        params: Type.Object({ code: Subcategory }),
        body: SubcategoryBody,
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.manage' } },
    },
    async (req) => {
      const { note, ...s } = req.body;
      return urban.saveClassification({ subcategory: { ...s, code: req.params.code }, ...(note ? { note } : {}) }, pctx(req));
    },
  );

  app.put(
    '/urban/classification/settings',
    {
      schema: {
        ...R('The loop’s settings (the command centre): centre department, duplicate radius and window, verification limit, extensions, evaluation weights'),
        body: Type.Object(
          {
            centre: Type.String({ maxLength: 64 }),
            duplicateRadiusM: Type.Number(),
            duplicateHours: Type.Number(),
            verify: Spec,
            maxExtensions: Type.Integer(),
            weights: Type.Object(
              { onTimeClosing: Type.Number(), onTimeHandling: Type.Number(), noRework: Type.Number(), noReturn: Type.Number() },
              { additionalProperties: false },
            ),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.manage' } },
    },
    async (req) => {
      const { note, ...settings } = req.body;
      return urban.saveClassification({ settings, ...(note ? { note } : {}) }, pctx(req));
    },
  );

  // ---- grids and components ----

  app.get(
    '/urban/grids/at',
    {
      schema: {
        ...R('The unit grid (万米单元网格) at a point, with its street and community; 404 outside every grid'),
        querystring: Type.Object(
          {
            lon: Type.Number({ minimum: -180, maximum: 180 }),
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            datum: Type.Optional(Type.Union([Type.Literal('GCJ-02'), Type.Literal('WGS-84')])),
          },
          { additionalProperties: false },
        ),
        response: { 404: P },
      },
      config: { auth: { audience: 'everyone' } },
    },
    async (req) => {
      const [lon, lat] = toGcj02(req.query.lon, req.query.lat, req.query.datum ?? 'GCJ-02');
      const g = urban.gridAt(lon, lat);
      if (!g) throw new AppError('WD_ERR_NOT_FOUND', { zh: '该位置不在任何单元网格内', en: 'No unit grid at this point' });
      return { code: g.code, district: g.district, street: g.street, community: g.community, areaM2: g.areaM2, generated: g.generated, geometry: g.geometry };
    },
  );

  app.get(
    '/urban/grids',
    {
      schema: {
        ...R('Unit grids of a district (or one community) as GeoJSON; generated grids say so'),
        querystring: Type.Object(
          {
            district: Type.String({ maxLength: 16 }),
            community: Type.Optional(Type.String({ maxLength: 16 })),
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 2000 }),
          },
          { additionalProperties: false },
        ),
      },
      config: { auth: { permission: 'urban.read' } },
    },
    async (req) => {
      const rows = urban.grids
        .all()
        .filter((g) => g.district === req.query.district && (!req.query.community || g.community === req.query.community))
        .slice(0, req.query.limit);
      return {
        type: 'FeatureCollection',
        features: rows.map((g) => ({
          type: 'Feature',
          id: g.code,
          properties: { code: g.code, district: g.district, street: g.street, community: g.community, areaM2: g.areaM2, generated: g.generated },
          geometry: g.geometry,
        })),
      };
    },
  );

  app.get(
    '/urban/areas',
    {
      schema: {
        ...R('Streets (街道) and communities (社区) of the unit grids'),
        querystring: Type.Object(
          {
            district: Type.Optional(Type.String({ maxLength: 16 })),
            kind: Type.Optional(Type.Union([Type.Literal('street'), Type.Literal('community')])),
          },
          { additionalProperties: false },
        ),
      },
      config: { auth: { permission: 'urban.read' } },
    },
    async (req) => {
      return (await urban.areas(req.query.district ?? null, req.query.kind ?? null)).map((a) => ({
        district: a.district,
        code: a.code,
        kind: a.kind,
        parent: a.parent,
        name: { zh: a.name_zh, en: a.name_en },
        generated: a.generated === 1,
      }));
    },
  );

  app.post(
    '/urban/grids/import',
    {
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        ...R('Import surveyed unit grids from GeoJSON (the command centre): replaces the grids of the districts the file covers'),
        body: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Any(), { minItems: 1, maxItems: 100_000 }) }),
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.manage' } },
    },
    async (req) => urban.importGrids(req.body, pctx(req)),
  );

  app.put(
    '/urban/grids/inspectors',
    {
      schema: {
        ...R('Assign inspectors (监督员) to grids (the command centre)'),
        body: Type.Object(
          {
            grids: Type.Array(Type.String({ pattern: GRID_CODE.source }), { minItems: 1, maxItems: 5000 }),
            inspectors: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.manage' } },
    },
    async (req, reply) => {
      await urban.assignInspectors(req.body.grids, req.body.inspectors, pctx(req));
      return reply.status(204).send(null);
    },
  );

  app.get('/urban/my/grids', { schema: R('The grids I patrol (an inspector)'), config: { auth: { permission: 'urban.read' } } }, async (req) => {
    const codes = (await urban.inspectorGrids(principalOf(req).id)).map((r) => r.grid_code);
    return codes.map((code) => {
      const g = urban.grids.get(code);
      return { code, district: g?.district ?? null, community: g?.community ?? null, geometry: g?.geometry ?? null };
    });
  });

  app.post(
    '/urban/components',
    {
      schema: {
        ...R('Register a component (部件) with its 18-digit ID: county (6) + major class (2) + subcategory (2) + sequence (8)'),
        body: Type.Object(
          { subcategory: Subcategory, location: Location, name: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.manage' } },
    },
    async (req, reply) => reply.status(201).send(await urban.addComponent(req.body, pctx(req))),
  );

  app.get(
    '/urban/components',
    {
      schema: {
        ...R('Components by district, grid or subcategory'),
        querystring: Type.Object(
          {
            district: Type.Optional(Type.String({ maxLength: 16 })),
            grid: Type.Optional(Type.String({ maxLength: 20 })),
            subcategory: Type.Optional(Subcategory),
            ...PageQuery(100, 1000),
          },
          { additionalProperties: false },
        ),
      },
      config: { auth: { permission: 'urban.read' } },
    },
    async (req) => urban.components(req.query),
  );

  // ---- reporting ----

  app.post(
    '/urban/cases',
    {
      schema: {
        ...R('Report a problem (信息采集): an inspector’s or a citizen’s report with category, location and photos; it waits for filing'),
        body: Type.Object(ReportBody, { additionalProperties: false }),
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.report', audience: 'everyone' } },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const source = p.roles.includes('grid_inspector') ? 'inspector' : p.roles.every((r) => r === 'citizen' || r === 'enterprise') ? 'citizen' : 'staff';
      const c = await urban.report(req.body, source, pctx(req));
      return reply.status(201).send(urban.view(c, p));
    },
  );

  app.post(
    '/urban/hotline/orders',
    {
      schema: {
        ...R('A 12345 hotline work order (工单) for urban management: a case; sending the same order number again answers the same case'),
        body: Type.Object(
          {
            orderNo: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }),
            ...ReportBody,
            caller: Type.Object(
              { name: Type.Optional(Type.String({ maxLength: 50 })), phone: Type.String({ pattern: '^\\+?[0-9]{6,15}$' }) },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.report' } },
    },
    async (req, reply) => {
      const { orderNo, caller, ...rest } = req.body;
      const c = await urban.report({ ...rest, reporter: caller, externalRef: orderNo }, 'hotline', pctx(req));
      return reply.status(201).send(hotlineView(urban, c));
    },
  );

  app.get(
    '/urban/hotline/orders/:orderNo',
    {
      schema: {
        ...R('A 12345 work order’s progress and result, with what to tell the caller'),
        params: Type.Object({ orderNo: Type.String({ maxLength: 64 }) }),
        response: { 404: P },
      },
      config: { auth: { permission: 'urban.read' } },
    },
    async (req) => {
      const c = await urban.byRef('hotline', req.params.orderNo, principalOf(req));
      const d = await urban.detail(c.id, principalOf(req));
      return { ...hotlineView(urban, c), notices: d.notices, resultPhotos: d.resultPhotos };
    },
  );

  app.post(
    '/urban/video/events',
    {
      schema: {
        ...R('A video-analytics event (视频智能识别): a camera saw a problem of a subcategory; a case waiting for filing'),
        body: Type.Object(
          {
            eventId: Type.String({ minLength: 1, maxLength: 64 }),
            camera: Type.String({ minLength: 1, maxLength: 64 }),
            subcategory: Subcategory,
            location: Location,
            confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            snapshot: Type.Optional(Type.String({ maxLength: 64, description: 'A photo uploaded with POST /api/files' })),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 204: Type.Null(), 400: P, 403: P },
      },
      config: { auth: { permission: 'urban.report' } },
    },
    async (req, reply) => {
      const b = req.body;
      const description = b.description ?? `视频识别（摄像头 ${b.camera}${b.confidence !== undefined ? `，置信度 ${Math.round(b.confidence * 100)}%` : ''}）`;
      const c = await urban.report(
        { subcategory: b.subcategory, location: b.location, description, externalRef: b.eventId, ...(b.snapshot ? { photos: [b.snapshot] } : {}) },
        'video',
        pctx(req),
      );
      return reply.status(201).send(urban.view(c, principalOf(req)));
    },
  );

  app.post(
    '/urban/cases/from-alert',
    {
      schema: {
        ...R('Turn an early-warning alert of a kind urban management handles (waterlogging, air quality, drainage) into a case (the command centre)'),
        body: Type.Object({ alertId: Type.String({ maxLength: 40 }), subcategory: Type.Optional(Subcategory) }, { additionalProperties: false }),
        response: { 201: Type.Any(), 400: P, 403: P, 404: P },
      },
      config: { auth: { permission: 'urban.act' } },
    },
    async (req, reply) => reply.status(201).send(urban.view(await urban.fromAlert(req.body.alertId, req.body.subcategory, pctx(req)), principalOf(req))),
  );

  // ---- cases ----

  app.get(
    '/urban/cases',
    {
      schema: {
        ...R('Cases you may see: the centre and inspectors their districts, a unit its own, the public what it reported'),
        querystring: Type.Object(
          {
            state: Type.Optional(Type.String({ maxLength: 200, description: `Comma-separated: ${STATES.join(', ')}` })),
            open: Type.Optional(Type.Boolean()),
            overdue: Type.Optional(Type.Boolean()),
            duplicates: Type.Optional(Type.Boolean({ description: 'Reports proposed as duplicates of an open case' })),
            mine: Type.Optional(Type.Boolean({ description: 'An inspector: my verification tasks' })),
            district: Type.Optional(Type.String({ maxLength: 16 })),
            unit: Type.Optional(Type.String({ maxLength: 64 })),
            source: Type.Optional(Type.Union(SOURCES.map((s) => Type.Literal(s)))),
            ...PageQuery(50, 500),
          },
          { additionalProperties: false },
        ),
        response: { 400: P },
      },
      config: { auth: { permission: 'urban.read', audience: 'everyone' } },
    },
    async (req) => {
      const p = principalOf(req);
      const q = req.query;
      const states = q.state?.split(',').filter(Boolean);
      const bad = states?.find((s) => !STATES.includes(s));
      if (bad)
        throw new AppError('WD_ERR_VALIDATION', `No state ${bad}`, {
          errors: [{ pointer: '/querystring/state', detail: { zh: `没有状态 ${bad}`, en: `no state ${bad}` } }],
        });
      const rows = await urban.list(p, {
        ...(states ? { state: states } : {}),
        ...(q.open !== undefined ? { open: q.open } : {}),
        ...(q.overdue ? { overdue: true } : {}),
        ...(q.duplicates ? { duplicates: true } : {}),
        ...(q.mine ? { verifier: p.id } : {}),
        ...(q.district ? { district: q.district } : {}),
        ...(q.unit ? { unit: q.unit } : {}),
        ...(q.source ? { source: q.source } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return rows.map((c) => urban.view(c, p));
    },
  );

  app.get(
    '/urban/cases/:id',
    {
      schema: { ...R('A case with its timeline, requests, notices and what you may do now'), params: Id, response: { 404: P } },
      config: { auth: { permission: 'urban.read', audience: 'everyone' } },
    },
    async (req) => urban.detail(req.params.id, principalOf(req)),
  );

  const action = (
    path: string,
    summary: string,
    body: Record<string, import('typebox').TSchema>,
    run: (id: string, b: never, ctx: ReturnType<typeof pctx>) => Promise<unknown>,
    permission: 'urban.act' | 'urban.report' = 'urban.act',
  ) =>
    app.post(
      `/urban/cases/:id/${path}`,
      {
        schema: { ...R(summary), params: Id, body: Type.Object(body, { additionalProperties: false }), response: { 400: P, 403: P, 404: P, 409: P } },
        // The reporter rates their own case in the super app; every other step is staff's.
        config: { auth: { permission, audience: permission === 'urban.report' ? 'everyone' : 'staff' } },
      },
      async (req) => {
        const row = await run(req.params.id, req.body as never, pctx(req));
        // A unit that returned a case no longer sees it: it gets the case as it left it.
        return urban.detail(req.params.id, principalOf(req)).catch((err: unknown) => {
          if (err instanceof AppError && err.status === 404 && row && typeof row === 'object' && 'instance_id' in row)
            return { ...urban.view(row as CaseRow, principalOf(req)), timeline: [], requests: [], notices: [], actions: [] };
          throw err;
        });
      },
    );

  action(
    'file',
    'File the report as a case (立案, the centre) when it meets the filing condition',
    { rev: Rev, comment: Comment(false), urgent: Type.Optional(Type.Boolean()) },
    (id, b, c) => urban.file(id, b, c),
  );
  action('reject', 'Reject the report (不予立案, the centre), with the reason the reporter is told', { rev: Rev, comment: Comment(true) }, (id, b, c) =>
    urban.reject(id, b, c),
  );
  action(
    'merge',
    'Merge a duplicate report into the open case it repeats (the centre)',
    { rev: Rev, into: Type.Optional(Type.String({ maxLength: 40 })) },
    (id, b, c) => urban.merge(id, b, c),
  );
  action(
    'dispatch',
    'Dispatch (派遣, the centre): to the subcategory’s unit for the district, or another unit that owns it; the working-time clock starts',
    { rev: Rev, unit: Type.Optional(Type.String({ maxLength: 64 })), comment: Comment(false) },
    (id, b, c) => urban.dispatch(id, b, c),
  );
  action('return', 'Return a case outside your remit (退回, the unit), with the reason', { rev: Rev, comment: Comment(true) }, (id, b, c) =>
    urban.returnCase(id, b, c),
  );
  action(
    'report-back',
    'Report the result (处置反馈, the unit) with photos; an inspector is given the verification',
    { rev: Rev, comment: Comment(true), photos: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 9 }) },
    (id, b, c) => urban.reportBack(id, b, c),
  );
  action(
    'verify',
    'Verify on site (核查, the inspector): ok closes the case (结案), not ok sends it back for rework (返工)',
    { rev: Rev, ok: Type.Boolean(), comment: Comment(false), photos: Type.Optional(Photos) },
    (id, b, c) => urban.verify(id, b, c),
  );
  action('resume', 'Resume a hung case (the centre): the clock restarts with the working time it had left', { rev: Rev, comment: Comment(false) }, (id, b, c) =>
    urban.resume(id, b, c),
  );
  action(
    'requests',
    'Ask the centre for an extension (延期: days or hours within the subcategory’s limit) or to hang the case (挂账), with the reason (the unit)',
    {
      kind: Type.Union([Type.Literal('extension'), Type.Literal('hang')]),
      reason: Type.String({ minLength: 1, maxLength: 2000 }),
      days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
      hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 480 })),
    },
    (id, b, c) => urban.request(id, b, c),
  );
  action(
    'rating',
    'Rate the handling (满意度, the reporter): 1 very unsatisfied to 5 very satisfied',
    { score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Comment(false) },
    (id, b, c) => urban.rate(id, b, c),
    'urban.report',
  );

  app.get(
    '/urban/requests',
    {
      schema: {
        ...R('Extension and hang-up requests waiting for the centre'),
        querystring: Type.Object(PageQuery(100, 500), { additionalProperties: false }),
        response: { 403: P },
      },
      config: { auth: { permission: 'urban.act' } },
    },
    async (req) => urban.pendingRequests(principalOf(req), req.query.limit),
  );

  app.post(
    '/urban/requests/:id/decision',
    {
      schema: {
        ...R('Approve or refuse an extension or hang-up request (the centre)'),
        params: Id,
        body: Type.Object({ approve: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'urban.act' } },
    },
    async (req) => {
      const c = await urban.decide(req.params.id, req.body, pctx(req));
      return urban.detail(c.id, principalOf(req));
    },
  );

  // ---- evaluation and the operations screen ----

  const EvalQuery = Type.Object(
    {
      period: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'A month, YYYY-MM (this month by default)' })),
      from: Type.Optional(Type.String({ format: 'date' })),
      to: Type.Optional(Type.String({ format: 'date' })),
      district: Type.Optional(Type.String({ maxLength: 16 })),
      format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('xlsx'), Type.Literal('pdf')])),
    },
    { additionalProperties: false },
  );
  app.get(
    '/urban/evaluation',
    {
      schema: {
        ...R('The evaluation (综合评价, CJ/T 292) of a period: districts, units and posts with counts, rates, weighted score and rank; JSON, XLSX or PDF'),
        querystring: EvalQuery,
        response: { 400: P },
      },
      config: { auth: { permission: 'urban.read' } },
    },
    async (req, reply) => {
      urban.assertStaff(principalOf(req));
      const period = periodOf(req.query, platform.now(), platform.profile.utcOffsetMinutes);
      const result = await evaluate(urban, platform, period, req.query.district ?? null);
      const lang = negotiateLanguage(req.headers['accept-language']);
      const name = `evaluation-${period.from}-${period.to}`;
      if (req.query.format === 'xlsx')
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(xlsx(evaluationSheets(result, lang)));
      if (req.query.format === 'pdf') {
        const html = evaluationHtml(result, platform.profile.name, lang);
        const pdf = await htmlToPdf(html, chromiumPath);
        if (!pdf) return reply.type('text/html; charset=utf-8').send(html);
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(pdf);
      }
      return result;
    },
  );

  app.get(
    '/urban/evaluation/trend',
    {
      schema: {
        ...R('Scores month by month for the last months: the trend of each district and unit'),
        querystring: Type.Object({ months: Type.Integer({ minimum: 1, maximum: 24, default: 6 }) }, { additionalProperties: false }),
      },
      config: { auth: { permission: 'urban.read' } },
    },
    async (req) => {
      urban.assertStaff(principalOf(req));
      const now = new Date(platform.now() + platform.profile.utcOffsetMinutes * 60_000);
      const months: string[] = [];
      for (let i = req.query.months - 1; i >= 0; i--) {
        const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
        months.push(d.toISOString().slice(0, 7));
      }
      const out = [];
      for (const m of months) {
        const r = await evaluate(urban, platform, periodOf({ period: m }, 0, 0), null);
        out.push({
          period: m,
          districts: r.districts.map((x) => ({ key: x.key, score: x.score })),
          units: r.units.map((x) => ({ key: x.key, score: x.score })),
        });
      }
      return out;
    },
  );

  app.get(
    '/urban/figures',
    {
      schema: R('Open cases by district and state, and today’s on-time handling rate (the operations screen)'),
      config: { auth: { permission: 'urban.read' } },
    },
    async () => urban.figures(),
  );

  app.get(
    '/urban/layer',
    {
      schema: {
        ...R('Open cases as a map layer (the operations screen)'),
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 5000, default: 2000 }) }),
      },
      config: { auth: { permission: 'urban.read' } },
    },
    async (req) =>
      (await urban.layer(principalOf(req), req.query.limit)).map((c) => ({
        id: c.id,
        subcategory: c.subcategory,
        state: c.state,
        district: c.district,
        lon: Number(c.lon),
        lat: Number(c.lat),
        overdue: c.overdue === 1,
        urgent: c.urgent === 1,
        dueAt: c.due_at === null ? null : Number(c.due_at),
      })),
  );
}

function hotlineView(urban: UrbanService, c: CaseRow) {
  const v = urban.view(c, null);
  return {
    orderNo: c.external_ref,
    caseId: c.id,
    state: v.state,
    stateLabel: v.stateLabel,
    unit: v.unit,
    dueAt: v.dueAt,
    closedAt: v.closedAt,
    rev: v.rev,
  };
}
