/** HTTP routes of emergency command: the plan library (this part), and what the kinds and levels are. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ctxOf, fieldErrorsFor } from '../../platform/http/http.js';
import { type IncidentService, incidentView } from './incidents.service.js';
import { RESOURCE_KINDS, type ResourceInput, type ResourceService } from './resources.service.js';
import { htmlToPdf } from '../../platform/reports/pdf.js';
import { buildReview, recordLessons, reviewHtml } from './review.js';
import { surroundings } from './surroundings.js';
import type { TelemetryStore } from '../sensing/index.js';
import { principalOf } from '../../platform/http/http.js';
import { toGcj02 } from '../../platform/profile/datum.js';
import { AppError, hiddenNotFound } from '../../platform/http/errors.js';
import { EpochMs } from '../../platform/http/limits.js';
import type { Platform } from '../../platform/context.js';
import { INCIDENT_KINDS, PLAN_KINDS, type PlanDefinition, RESPONSE_LEVELS, type ResponseLevel, SUBKINDS, validatePlan } from './plans.js';
import * as plans from './plans.service.js';

const R = (summary: string) => ({ tags: ['command'], summary });
const P = { $ref: 'Problem#' };

const Label = Type.Object({ zh: Type.String({ maxLength: 500 }), en: Type.String({ maxLength: 500 }) });
const Minutes = (description: string) => Type.Integer({ minimum: 1, maximum: 43_200, description });
const TaskTemplate = Type.Object(
  {
    key: Type.String({ description: 'lower-case letters, digits and _' }),
    title: Label,
    acceptMinutes: Minutes('Time the unit has to accept the task once dispatched'),
    deadlineMinutes: Minutes('Time from dispatch to completion (later than acceptMinutes)'),
    reportEveryMinutes: Minutes('How often the unit reports progress (at most deadlineMinutes)'),
  },
  { additionalProperties: false },
);
const LevelPlan = Type.Object(
  {
    level: Type.Integer({ minimum: 1, maximum: 4, description: 'Response level: 1 Ⅰ (especially major) … 4 Ⅳ (general)' }),
    lead: Type.String({ description: 'Lead unit: a department code or $district; must be one of the units' }),
    units: Type.Array(
      Type.Object(
        {
          unit: Type.String({ description: 'Department code, or $district for the government of the incident’s district' }),
          tasks: Type.Array(TaskTemplate, { maxItems: 20 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 40 },
    ),
    resources: Type.Array(
      Type.Object({ type: Type.String(), quantity: Type.Integer(), unit: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false }),
      { maxItems: 40 },
    ),
    raiseWhen: Type.Optional(Label),
    lowerWhen: Type.Optional(Label),
    endWhen: Label,
  },
  { additionalProperties: false },
);
const DefinitionFields = {
  title: Label,
  kind: Type.String({ description: `${Object.keys(PLAN_KINDS).join(' | ')} (总体 / 专项 / 部门 / 现场处置)` }),
  subkinds: Type.Array(Type.String(), { maxItems: 20, description: `Incident subkinds covered: ${Object.keys(SUBKINDS).join(', ')}` }),
  owner: Type.String({ description: 'Owner department code' }),
  reviewBy: Type.String({ description: 'Next review date, YYYY-MM-DD' }),
  source: Type.String({ maxLength: 2000, description: 'The law, standard or municipal plan the plan implements' }),
  levels: Type.Array(LevelPlan, { maxItems: 4 }),
};
const PlanSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  status: Type.String({ description: 'active or retired' }),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Integer(),
  ...DefinitionFields,
});
const FieldErrors = Type.Object({ valid: Type.Boolean(), errors: Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() })) });

const Level = Type.Integer({ minimum: 1, maximum: 4, description: 'Response level: 1 Ⅰ … 4 Ⅳ' });
const Rev = Type.Optional(Type.Integer({ description: 'The incident revision you saw; 409 if it changed since' }));
const Id = Type.Object({ id: Type.String() });
const IncidentSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    kind: Type.String(),
    subkind: Type.String(),
    severity: Type.Integer(),
    status: Type.String({ description: 'open, responding or ended' }),
    level: Type.Union([Type.Integer(), Type.Null()]),
    planId: Type.Union([Type.String(), Type.Null()]),
    drill: Type.Boolean({ description: 'A drill (演练): marked everywhere, kept out of real statistics and external notifications' }),
    district: Type.Union([Type.String(), Type.Null()]),
    rev: Type.Integer(),
  },
  { additionalProperties: true },
);

const Point = Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) });
const ResourceBody = {
  kind: Type.String({ enum: Object.keys(RESOURCE_KINDS), description: 'team 救援队伍, expert 专家, supply 物资, shelter 避难场所, vehicle 车辆装备' }),
  type: Type.String({ description: 'e.g. pump_truck, rescue_team, sandbags, shelter (lower-case, _)' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  department: Type.String({ description: 'Owner department code' }),
  location: Point,
  quantity: Type.Integer({ minimum: 0, description: 'Units held; for a shelter, the people it takes' }),
  unit: Type.Optional(Type.String({ maxLength: 20 })),
  contact: Type.Optional(Type.String({ maxLength: 200, description: 'Shown in full to the owner and city-wide roles, masked to others' })),
  status: Type.Optional(Type.String({ enum: ['available', 'out_of_service'] })),
};

/** Emergency command's routes: a Fastify plugin, registered under /api with what it needs. */
export async function commandRoutes(
  scope: FastifyInstance,
  {
    platform: p,
    incidents,
    resources,
    telemetry,
    settings,
  }: { platform: Platform; incidents: IncidentService; resources: ResourceService; telemetry: TelemetryStore; settings: { chromiumPath: string } },
): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/command/catalog',
    {
      schema: R('Incident kinds and subkinds, plan kinds and response levels, with their Chinese and English names'),
      config: { auth: { permission: 'command.read' } },
    },
    async () => ({ incidentKinds: INCIDENT_KINDS, subkinds: SUBKINDS, planKinds: PLAN_KINDS, responseLevels: RESPONSE_LEVELS }),
  );
  app.get(
    '/command/plans',
    {
      schema: {
        ...R('The plan library'),
        querystring: Type.Object({ subkind: Type.Optional(Type.String()), status: Type.Optional(Type.String({ enum: ['active', 'retired'] })) }),
        response: { 200: Type.Array(PlanSchema) },
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => plans.listPlans(p, req.query),
  );
  app.get(
    '/command/plans/:id',
    {
      schema: { ...R('One plan'), params: Type.Object({ id: Type.String() }), response: { 200: PlanSchema, 404: P } },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => plans.getPlan(p, req.params.id),
  );
  app.get(
    '/command/plans/:id/versions',
    {
      schema: { ...R('Every saved version of a plan, newest first, with what changed'), params: Type.Object({ id: Type.String() }), response: { 404: P } },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => plans.planVersions(p, req.params.id),
  );
  app.post(
    '/command/plans',
    {
      schema: {
        ...R('Create a plan (validated field by field)'),
        body: Type.Object({ id: Type.String({ description: 'lower-case letters, digits and -' }), ...DefinitionFields }, { additionalProperties: false }),
        response: { 201: PlanSchema, 400: P, 403: P, 409: P },
      },
      config: { auth: { permission: 'command.manage' } },
    },
    async (req, reply) => {
      const { id, ...def } = req.body;
      return reply.status(201).send(await plans.createPlan(p, id, def as PlanDefinition, ctxOf(req)));
    },
  );
  app.put(
    '/command/plans/:id',
    {
      schema: {
        ...R('Save a revision of a plan (send the version you loaded; 409 if someone saved since)'),
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            version: Type.Integer(),
            status: Type.Optional(Type.String({ enum: ['active', 'retired'] })),
            note: Type.Optional(Type.String({ maxLength: 4000, description: 'What changed and why (a review’s lessons, a drill’s findings)' })),
            ...DefinitionFields,
          },
          { additionalProperties: false },
        ),
        response: { 200: PlanSchema, 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.manage' } },
    },
    async (req) => {
      const { version, status, note, ...def } = req.body;
      return plans.revisePlan(p, req.params.id, def as PlanDefinition, version, ctxOf(req), {
        ...(status ? { status: status as 'active' | 'retired' } : {}),
        ...(note ? { note } : {}),
      });
    },
  );
  app.post(
    '/command/plans/validate',
    {
      schema: {
        ...R("Check a draft plan without saving it (the editor's live check)"),
        body: Type.Object(DefinitionFields, { additionalProperties: false }),
        response: { 200: FieldErrors },
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => {
      const errors = validatePlan(req.body as PlanDefinition, await plans.planCatalog(p.db));
      return { valid: errors.length === 0, errors: fieldErrorsFor(req, errors) };
    },
  );

  // ---- incidents ----

  app.get(
    '/command/incidents',
    {
      schema: {
        ...R('Incidents, newest first'),
        querystring: Type.Object({
          status: Type.Optional(Type.String({ enum: ['open', 'responding', 'ended'] })),
          drill: Type.Optional(Type.Boolean()),
          activeAt: Type.Optional(EpochMs('The incidents under way then (reported, not yet ended)')),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: { 200: Type.Array(IncidentSchema) },
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => {
      const rows = await incidents.list(req.query, principalOf(req).view);
      const progress = await incidents.progress(rows.map((r) => r.id));
      return rows.map((r) => ({ ...incidentView(r), progress: progress.get(r.id) ?? { tasks: 0, accepted: 0, completed: 0, overdue: 0 } }));
    },
  );
  app.get(
    '/command/stats',
    {
      schema: {
        ...R('Incidents by status, level and kind, tasks in force and overdue, median minutes to accept: real incidents only, or drills only'),
        querystring: Type.Object({
          since: Type.Optional(EpochMs('Default the last 30 days. Current incidents always count')),
          drill: Type.Boolean({ default: false, description: 'true: drills only (drills never count in real figures)' }),
        }),
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => incidents.stats({ since: req.query.since ?? p.now() - 30 * 86_400_000, drill: req.query.drill }, principalOf(req).view),
  );
  app.post(
    '/command/incidents',
    {
      schema: {
        ...R('Report an incident (a duty officer from a phone call or report, or a system through the API), or create one from an alert'),
        body: Type.Object(
          {
            fromAlert: Type.Optional(Type.String({ description: 'An alert id: the incident takes its place, district, level and kind (one click)' })),
            title: Type.Optional(Type.String({ maxLength: 500 })),
            subkind: Type.Optional(Type.String({ description: `One of ${Object.keys(SUBKINDS).join(', ')}` })),
            description: Type.Optional(Type.String({ maxLength: 4000 })),
            severity: Type.Optional(Level),
            district: Type.Optional(Type.String()),
            location: Type.Optional(Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) })),
            outsideCity: Type.Optional(
              Type.Boolean({ description: "true: the location lies outside the city's districts on purpose (otherwise such a location is refused)" }),
            ),
            source: Type.Optional(Type.String({ enum: ['phone', 'report', 'api'] })),
            drill: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: IncidentSchema, 400: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.report' } },
    },
    async (req, reply) => {
      const b = req.body;
      const ctx = ctxOf(req);
      const row = b.fromAlert
        ? await incidents.fromAlert(b.fromAlert, ctx, b.drill ?? false)
        : await incidents.create(
            {
              title: b.title ?? '',
              subkind: b.subkind ?? '',
              severity: (b.severity ?? 4) as ResponseLevel,
              source: (b.source ?? 'report') as 'phone' | 'report' | 'api',
              drill: b.drill ?? false,
              ...(b.description !== undefined ? { description: b.description } : {}),
              ...(b.district !== undefined ? { district: b.district } : {}),
              ...(b.location !== undefined ? { location: b.location } : {}),
              ...(b.outsideCity ? { outsideCity: true } : {}),
            },
            ctx,
          );
      return reply.status(201).send(incidentView(row));
    },
  );
  app.get(
    '/command/incidents/:id',
    {
      schema: {
        ...R('The situation of one incident: tasks by unit, timeline, linked alerts, resources allocated, task messages sent (SMS, e-mail, webhook)'),
        params: Id,
        response: { 404: P },
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => ({
      ...(await incidents.board(req.params.id, principalOf(req))),
      allocations: await resources.allocationsOf(req.params.id),
      notifications: await incidents.messages(req.params.id),
    }),
  );
  app.get(
    '/command/incidents/:id/surroundings',
    {
      schema: {
        ...R('What is around an incident for the map: devices in your scope within the radius with their newest readings, resources and shelters'),
        params: Id,
        querystring: Type.Object({ radiusM: Type.Integer({ minimum: 100, maximum: 50_000, default: 3000 }) }),
        response: { 404: P },
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => surroundings(p, incidents, resources, telemetry, req.params.id, req.query.radiusM, principalOf(req)),
  );
  app.get(
    '/command/alerts/:id/proposal',
    {
      schema: {
        ...R('What an alert would become: its incident kind, the proposed plan and level, and the open incident it is already part of'),
        params: Id,
        response: { 404: P },
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => incidents.proposeForAlert(req.params.id, principalOf(req)),
  );
  app.get(
    '/command/incidents/:id/proposal',
    { schema: { ...R('The plan and response level the system proposes'), params: Id, response: { 404: P } }, config: { auth: { permission: 'command.read' } } },
    async (req) => {
      const r = await incidents.propose(req.params.id, principalOf(req));
      return { planId: r.plan?.id ?? null, planTitle: r.plan?.title ?? null, level: r.level, alternatives: r.alternatives };
    },
  );
  app.post(
    '/command/incidents/:id/activate',
    {
      schema: {
        ...R('Activate a plan at a level (one click): every unit’s tasks are dispatched with deadlines (duty officers and leaders)'),
        params: Id,
        body: Type.Object({ planId: Type.String(), level: Level, rev: Rev }, { additionalProperties: false }),
        response: { 200: IncidentSchema, 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.decide' } },
    },
    async (req) =>
      incidentView(
        await incidents.activate(
          req.params.id,
          { planId: req.body.planId, level: req.body.level as ResponseLevel, ...(req.body.rev !== undefined ? { expectedRev: req.body.rev } : {}) },
          ctxOf(req),
        ),
      ),
  );
  app.post(
    '/command/incidents/:id/level',
    {
      schema: {
        ...R('Raise or lower the response: new tasks dispatched, tasks the level no longer has cancelled'),
        params: Id,
        body: Type.Object({ level: Level, reason: Type.String({ minLength: 1, maxLength: 2000 }), rev: Rev }, { additionalProperties: false }),
        response: { 200: IncidentSchema, 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.decide' } },
    },
    async (req) =>
      incidentView(
        await incidents.changeLevel(
          req.params.id,
          { level: req.body.level as ResponseLevel, reason: req.body.reason, ...(req.body.rev !== undefined ? { expectedRev: req.body.rev } : {}) },
          ctxOf(req),
        ),
      ),
  );
  app.post(
    '/command/incidents/:id/end',
    {
      schema: {
        ...R('End the response: open tasks are cancelled with the reason'),
        params: Id,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }), rev: Rev }, { additionalProperties: false }),
        response: { 200: IncidentSchema, 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.decide' } },
    },
    async (req) =>
      incidentView(
        await incidents.end(req.params.id, { reason: req.body.reason, ...(req.body.rev !== undefined ? { expectedRev: req.body.rev } : {}) }, ctxOf(req)),
      ),
  );

  // ---- a unit's tasks ----

  for (const action of ['accept', 'complete'] as const) {
    app.post(
      `/command/tasks/:id/${action}`,
      {
        schema: {
          ...R(action === 'accept' ? 'Accept a task (the unit’s staff or leader)' : 'Complete a task, saying what was done'),
          params: Id,
          body: Type.Object(
            {
              comment: action === 'complete' ? Type.String({ minLength: 1, maxLength: 4000 }) : Type.Optional(Type.String({ maxLength: 4000 })),
              rev: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), 400: P, 403: P, 404: P, 409: P },
        },
        config: { auth: { permission: 'command.act' } },
      },
      async (req, reply) => {
        const b = req.body as { comment?: string; rev?: number };
        await incidents.act(
          req.params.id,
          action,
          { ...(b.comment !== undefined ? { comment: b.comment } : {}), ...(b.rev !== undefined ? { expectedRev: b.rev } : {}) },
          ctxOf(req),
        );
        return reply.status(204).send(null);
      },
    );
  }
  app.get(
    '/command/my-tasks',
    {
      schema: {
        ...R("The tasks in hand for the caller's unit, soonest deadline first, with the time left · 本单位待办任务"),
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => incidents.tasksInHand(principalOf(req)),
  );
  app.post(
    '/command/tasks/:id/reports',
    {
      schema: {
        ...R('Report progress on a task in hand: text, photos, location'),
        params: Id,
        body: Type.Object(
          {
            text: Type.String({ minLength: 1, maxLength: 4000 }),
            photos: Type.Optional(Type.Array(Type.Object({ name: Type.String({ maxLength: 200 }), url: Type.String({ maxLength: 2000 }) }), { maxItems: 20 })),
            location: Type.Optional(
              Type.Object({
                lon: Type.Number({ minimum: -180, maximum: 180 }),
                lat: Type.Number({ minimum: -90, maximum: 90 }),
                datum: Type.Optional(
                  Type.Union([Type.Literal('GCJ-02'), Type.Literal('WGS-84')], {
                    description: "GCJ-02 (the city's maps, the default) or WGS-84 (a phone's GPS): kept in GCJ-02",
                  }),
                ),
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), at: Type.Integer() }), 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.act' } },
    },
    async (req, reply) => {
      const { location, ...rest } = req.body;
      // Positions are kept in the city's datum (GCJ-02): a phone's GPS reading is converted.
      const at = location ? toGcj02(location.lon, location.lat, location.datum ?? 'GCJ-02') : null;
      const body = { ...rest, ...(at ? { location: { lon: Number(at[0].toFixed(6)), lat: Number(at[1].toFixed(6)) } } : {}) };
      return reply.status(201).send(await incidents.report(req.params.id, body, ctxOf(req)));
    },
  );

  // ---- resources ----

  app.get(
    '/command/resources',
    {
      schema: {
        ...R('The resource registry, with what is available now'),
        querystring: Type.Object({ kind: Type.Optional(Type.String()), type: Type.Optional(Type.String()), district: Type.Optional(Type.String()) }),
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => resources.list(req.query, ctxOf(req).principal),
  );
  app.get(
    '/command/resources/nearest',
    {
      schema: {
        ...R('The nearest resources of a type with something available, closest first'),
        querystring: Type.Object({
          type: Type.String(),
          lon: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          minAvailable: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
        }),
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => resources.nearest(req.query, ctxOf(req).principal),
  );
  app.post(
    '/command/resources',
    {
      schema: {
        ...R('Register a resource (its department’s staff)'),
        body: Type.Object(ResourceBody, { additionalProperties: false }),
        response: { 201: Type.Unknown(), 400: P, 403: P },
      },
      config: { auth: { permission: 'command.manage' } },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      return reply.status(201).send(resources.view(await resources.create(req.body as ResourceInput, ctx), req.body.quantity, ctx.principal));
    },
  );
  app.put(
    '/command/resources/:id',
    {
      schema: {
        ...R('Update a resource (send the revision you loaded)'),
        params: Id,
        body: Type.Object({ rev: Type.Integer(), ...ResourceBody }, { additionalProperties: false }),
        response: { 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.manage' } },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const { rev, ...input } = req.body;
      const r = await resources.update(req.params.id, input as ResourceInput, rev, ctx);
      return (await resources.list({ type: r.type }, ctx.principal)).find((x) => x.id === r.id);
    },
  );
  app.post(
    '/command/incidents/:id/allocations',
    {
      schema: {
        ...R('Allocate a resource to an incident (refused beyond what is available)'),
        params: Id,
        body: Type.Object({ resourceId: Type.String(), quantity: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 201: Type.Unknown(), 400: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'command.decide' } },
    },
    async (req, reply) => {
      await incidents.getFor(req.params.id, principalOf(req), 'act');
      return reply.status(201).send(await resources.allocate(req.params.id, req.body, ctxOf(req)));
    },
  );
  app.post(
    '/command/allocations/:id/return',
    { schema: { ...R('Return an allocation to stock'), params: Id, response: { 404: P, 409: P } }, config: { auth: { permission: 'command.decide' } } },
    async (req) => {
      // An allocation is seen through its incident: outside the caller's scope it is not found.
      const incident = await resources.incidentOfAllocation(req.params.id);
      if (incident)
        await incidents
          .getFor(incident, principalOf(req), 'act')
          .catch((e: unknown) => Promise.reject(e instanceof AppError && e.code === 'WD_ERR_READ_ONLY' ? e : hiddenNotFound('Allocation', req.params.id)));
      return resources.returnAllocation(req.params.id, ctxOf(req));
    },
  );

  // ---- review (复盘) ----

  app.put(
    '/command/incidents/:id/lessons',
    {
      schema: {
        ...R('Record the review’s lessons once the response has ended (they feed the plan’s next revision)'),
        params: Id,
        body: Type.Object({ lessons: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 404: P, 409: P },
      },
      config: { auth: { permission: 'command.decide' } },
    },
    async (req, reply) => {
      await incidents.getFor(req.params.id, principalOf(req), 'act');
      await recordLessons(p, req.params.id, req.body.lessons, ctxOf(req));
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/command/incidents/:id/review',
    {
      schema: {
        ...R('The review of an ended response: timeline, time to accept and complete per unit, overdue tasks, resources, lessons'),
        params: Id,
        querystring: Type.Object({ format: Type.Optional(Type.String({ enum: ['json', 'html', 'pdf'], default: 'json' })) }),
        response: { 404: P, 409: P, 503: P },
      },
      config: { auth: { permission: 'command.read' } },
    },
    async (req, reply) => {
      const review = await buildReview(p, incidents, resources, req.params.id, principalOf(req));
      const format = req.query.format ?? 'json';
      if (format === 'json') return review;
      const html = reviewHtml(review, p.profile.utcOffsetMinutes);
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(html);
      const pdf = await htmlToPdf(html, settings.chromiumPath);
      if (!pdf) throw new AppError('WD_ERR_UNAVAILABLE', `PDF export needs Chromium at ${settings.chromiumPath} (CHROMIUM_PATH); the HTML review is available`);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="review-${req.params.id}.pdf"`).send(pdf);
    },
  );
}
