/** HTTP routes of emergency command: the plan library (this part), and what the kinds and levels are. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/http/http.js';
import type { Platform } from '../../server/context.js';
import { INCIDENT_KINDS, PLAN_KINDS, type PlanDefinition, RESPONSE_LEVELS, SUBKINDS, validatePlan } from './plans.js';
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

export async function commandRoutes(scope: FastifyInstance, p: Platform): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/command/catalog',
    {
      schema: R('Incident kinds and subkinds, plan kinds and response levels, with their Chinese and English names'),
      config: { auth: { permission: 'command.read' } },
    },
    async () => ({ incidentKinds: INCIDENT_KINDS, subkinds: SUBKINDS, planKinds: PLAN_KINDS, responseLevels: RESPONSE_LEVELS }),
  );
  app.get(
    '/api/command/plans',
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
    '/api/command/plans/:id',
    {
      schema: { ...R('One plan'), params: Type.Object({ id: Type.String() }), response: { 200: PlanSchema, 404: P } },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => plans.getPlan(p, req.params.id),
  );
  app.get(
    '/api/command/plans/:id/versions',
    {
      schema: { ...R('Every saved version of a plan, newest first, with what changed'), params: Type.Object({ id: Type.String() }), response: { 404: P } },
      config: { auth: { permission: 'command.read' } },
    },
    async (req) => plans.planVersions(p, req.params.id),
  );
  app.post(
    '/api/command/plans',
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
    '/api/command/plans/:id',
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
    '/api/command/plans/validate',
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
      return { valid: errors.length === 0, errors };
    },
  );
}
