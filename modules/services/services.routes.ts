/**
 * HTTP routes of government services (智慧政务): the item catalogue and 一件事 bundles, open to
 * anyone; keeping items for the government services authority and each department's own.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { CHANNELS, FIELD_TYPES, ITEM_KINDS, MATERIAL_FORMS } from './catalogue.js';
import type { CatalogueService } from './catalogue.service.js';

const R = (summary: string) => ({ tags: ['services'], summary });
const P = { $ref: 'Problem#' };
const problems = { 400: P, 401: P, 403: P, 404: P, 409: P };
const Code = Type.Object({ code: Type.String({ maxLength: 40 }) });
const Text = Type.Object({ zh: Type.String({ maxLength: 2000 }), en: Type.String({ maxLength: 2000 }) }, { additionalProperties: false });
const Lit = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));

const FieldSchema = Type.Object(
  {
    key: Type.String({ maxLength: 40 }),
    name: Text,
    type: Lit(FIELD_TYPES),
    required: Type.Optional(Type.Boolean()),
    options: Type.Optional(Type.Array(Type.Object({ value: Type.String({ maxLength: 100 }), name: Text }, { additionalProperties: false }), { maxItems: 100 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    prefill: Type.Optional(
      Type.Object({ from: Lit(['population', 'legal-entities', 'account'] as const), field: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
    ),
    ocr: Type.Optional(Type.String({ maxLength: 60 })),
    help: Type.Optional(Text),
  },
  { additionalProperties: false },
);
const MaterialSchema = Type.Object(
  {
    key: Type.String({ maxLength: 40 }),
    name: Text,
    required: Type.Boolean(),
    form: Lit(MATERIAL_FORMS),
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    replacedBy: Type.Optional(
      Type.Object(
        {
          licence: Type.Optional(Type.String({ maxLength: 32 })),
          record: Type.Optional(
            Type.Object(
              { dataset: Lit(['population', 'legal-entities'] as const), fields: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 40 }) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    accept: Type.Optional(Type.Array(Lit(['image', 'pdf'] as const), { maxItems: 2 })),
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);
const Rule = Type.Union([
  Type.Object({ kind: Type.Literal('resident') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('record'),
      dataset: Lit(['population', 'legal-entities'] as const),
      field: Type.String({ maxLength: 40 }),
      equals: Type.Union([Type.String({ maxLength: 200 }), Type.Number()]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('field'),
      field: Type.String({ maxLength: 40 }),
      op: Lit(['eq', 'in', 'gte', 'lte'] as const),
      value: Type.Union([
        Type.String({ maxLength: 200 }),
        Type.Number(),
        Type.Array(Type.Union([Type.String({ maxLength: 200 }), Type.Number()]), { maxItems: 50 }),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('age'), min: Type.Optional(Type.Integer({ minimum: 0 })), max: Type.Optional(Type.Integer({ minimum: 0 })) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('no_open'), item: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
]);
export const ItemSchema = Type.Object(
  {
    code: Type.String({ maxLength: 40, description: 'The item’s code in this catalogue, e.g. SY-GAJ-001' }),
    nationalCode: Type.Optional(Type.String({ maxLength: 60 })),
    name: Text,
    department: Type.String({ maxLength: 64 }),
    kind: Lit(ITEM_KINDS),
    applicant: Lit(['person', 'enterprise', 'any'] as const),
    basis: Text,
    conditions: Text,
    materials: Type.Array(MaterialSchema, { maxItems: 50 }),
    fields: Type.Array(FieldSchema, { maxItems: 100 }),
    legalDays: Type.Integer({ minimum: 0, maximum: 365, description: '法定办结时限, working days' }),
    promisedDays: Type.Integer({ minimum: 0, maximum: 365, description: '承诺办结时限, working days' }),
    instant: Type.Optional(Type.Object({ rules: Type.Array(Rule, { maxItems: 20 }), explain: Text }, { additionalProperties: false })),
    fee: Type.Union([Type.Null(), Type.Object({ amount: Type.Number({ minimum: 0 }), basis: Text }, { additionalProperties: false })]),
    channels: Type.Array(Lit(CHANNELS), { minItems: 1, maxItems: 3 }),
    counters: Type.Optional(Type.Array(Type.Object({ name: Text, address: Text, hours: Text }, { additionalProperties: false }), { maxItems: 20 })),
    steps: Type.Array(
      Type.Object({ key: Type.String({ maxLength: 40 }), name: Text, role: Lit(['dept_staff', 'dept_leader'] as const) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 10 },
    ),
    result: Type.Object(
      {
        licence: Type.Optional(Type.String({ maxLength: 32 })),
        licenceFields: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 40 }))),
        document: Type.Optional(Text),
      },
      { additionalProperties: false },
    ),
    keywords: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 30 })),
    source: Type.String({ minLength: 1, maxLength: 1000 }),
    retired: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export async function servicesRoutes(scope: FastifyInstance, { catalogue }: { catalogue: CatalogueService }): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/services/items',
    {
      schema: {
        ...R('Search the service item catalogue (事项清单): by words, department, kind and who applies'),
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 100, description: 'Words in the name, keywords or department' })),
            department: Type.Optional(Type.String({ maxLength: 64 })),
            kind: Type.Optional(Lit(ITEM_KINDS)),
            applicant: Type.Optional(Lit(['person', 'enterprise'] as const)),
            retired: Type.Optional(Type.Boolean({ description: 'Include retired items' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        security: [],
        response: { 400: P },
      },
      config: { auth: 'public' },
    },
    async (req) => catalogue.list(req.query),
  );

  app.get(
    '/services/items/:code',
    {
      schema: {
        ...R('A service item: conditions, materials (and what can stand in for them), the form, time limits, fee, channels, steps and result'),
        params: Code,
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        security: [],
        response: { 404: P },
      },
      config: { auth: 'public' },
    },
    async (req) => catalogue.get(req.params.code, req.query.version),
  );

  app.get(
    '/services/items/:code/versions',
    {
      schema: { ...R('The versions of an item, with who made each and why'), params: Code, response: problems },
      config: { auth: { permission: 'services.read' } },
    },
    async (req) => catalogue.versions(req.params.code),
  );

  app.post(
    '/services/items',
    {
      schema: {
        ...R('Add an item to the catalogue (the government services authority, or the item’s own department)'),
        body: Type.Object({ item: ItemSchema, note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 201: Type.Unknown({ description: 'Created' }), ...problems },
      },
      config: { auth: { permission: 'services.manage' } },
    },
    async (req, reply) => reply.status(201).send(await catalogue.create(req.body.item as never, req.body.note, { ...ctxOf(req), principal: principalOf(req) })),
  );

  app.put(
    '/services/items/:code',
    {
      schema: {
        ...R('A new version of an item, from the version you read (a stale version is refused)'),
        params: Code,
        body: Type.Object(
          { item: ItemSchema, version: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: { auth: { permission: 'services.manage' } },
    },
    async (req) => catalogue.update(req.params.code, req.body as never, { ...ctxOf(req), principal: principalOf(req) }),
  );

  app.get(
    '/services/events',
    { schema: { ...R('一件事: the bundles of items one life or business event needs'), security: [] }, config: { auth: 'public' } },
    async () => catalogue.events(),
  );

  app.get(
    '/services/events/:code',
    {
      schema: { ...R('A 一件事 bundle with its items and the departments it reaches'), params: Code, security: [], response: { 404: P } },
      config: { auth: 'public' },
    },
    async (req) => catalogue.event(req.params.code),
  );
}
