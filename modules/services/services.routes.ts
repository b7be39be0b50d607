/**
 * HTTP routes of government services (智慧政务): the item catalogue and 一件事 bundles, open to
 * anyone; keeping items for the government services authority and each department's own.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/http/errors.js';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { CHANNELS, FIELD_TYPES, ITEM_KINDS, MATERIAL_FORMS } from './catalogue.js';
import { DOCUMENT_KINDS } from './ocr.js';
import { REASONS } from './ratings.service.js';
import type { Services } from './services.types.js';

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

const Id = Type.Object({ id: Type.String({ maxLength: 40 }) });
const As = Type.Object(
  {
    as: Type.Optional(
      Type.String({ maxLength: 18, description: 'Apply for this enterprise (its credit code): its legal representative, or an agent it authorised' }),
    ),
  },
  { additionalProperties: false },
);
const PEOPLE = { auth: { audience: 'people' as const } };
const Page = (max: number) => ({ limit: Type.Integer({ minimum: 1, maximum: max, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) });
const MaterialsIn = Type.Record(
  Type.String({ maxLength: 40 }),
  Type.Union([
    Type.Object(
      { reuse: Type.Literal(true) },
      { additionalProperties: false, description: 'Let the department read the licence or record that stands in (免提交)' },
    ),
    Type.Object(
      { files: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 10 }) },
      { additionalProperties: false, description: 'Files uploaded to /api/files' },
    ),
  ]),
  { description: 'Material key → reuse or files' },
);
const FormIn = Type.Record(Type.String({ maxLength: 40 }), Type.Union([Type.String({ maxLength: 5000 }), Type.Number(), Type.Boolean(), Type.Null()]), {
  description: 'Field key → value, as the item’s fields define',
});

export async function servicesRoutes(scope: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { catalogue, applications, payments, sandbox, ocr, appointments, ratings } = services;

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

  // ---- applications: the applicant's side (the super app) ----

  app.get(
    '/people/services/items/:code/form',
    {
      schema: {
        ...R('The item’s form for me: my own data filled in from the base databases, and which materials a licence or record of mine stands in for'),
        params: Code,
        querystring: As,
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => applications.prefill(principalOf(req), req.query.as, req.params.code, ctxOf(req)),
  );

  app.post(
    '/people/services/applications',
    {
      schema: {
        ...R('Apply: the form, the materials (reused with consent, or uploaded), signed with my key; an 即办件 is approved at once when its rules pass'),
        querystring: As,
        body: Type.Object(
          {
            item: Type.String({ maxLength: 40 }),
            form: FormIn,
            materials: MaterialsIn,
            consent: Type.Boolean({ description: 'I let the department read the reused licences and records' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Unknown({ description: 'Created' }), ...problems, 422: P },
      },
      config: PEOPLE,
    },
    async (req, reply) => reply.status(201).send(await applications.submit(principalOf(req), req.query.as, req.body, ctxOf(req))),
  );

  app.post(
    '/people/services/bundles',
    {
      schema: {
        ...R('Apply for a 一件事 bundle: one form and one set of materials, checked as a whole, fanned out to each item’s department'),
        querystring: As,
        body: Type.Object(
          { event: Type.String({ maxLength: 40 }), form: FormIn, materials: MaterialsIn, consent: Type.Boolean() },
          { additionalProperties: false },
        ),
        response: { 201: Type.Unknown({ description: 'Created' }), ...problems, 422: P },
      },
      config: PEOPLE,
    },
    async (req, reply) => reply.status(201).send(await applications.submitBundle(principalOf(req), req.query.as, req.body, ctxOf(req))),
  );

  app.get(
    '/people/services/applications',
    {
      schema: {
        ...R('My applications (or, for an agent, those I made for the enterprise)'),
        querystring: Type.Intersect([As, Type.Object(Page(200))]),
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => applications.mine(principalOf(req), req.query.as, req.query),
  );

  app.post(
    '/people/services/applications/:id/supplement',
    {
      schema: {
        ...R('Send what the department asked for (补正): only those fields and materials; signed again'),
        params: Id,
        body: Type.Object(
          { form: Type.Optional(FormIn), materials: Type.Optional(MaterialsIn), consent: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => applications.resubmit(principalOf(req), req.params.id, req.body, ctxOf(req)),
  );

  app.post(
    '/people/services/applications/:id/withdraw',
    { schema: { ...R('Withdraw an application not yet accepted'), params: Id, response: problems }, config: PEOPLE },
    async (req) => applications.withdraw(principalOf(req), req.params.id, ctxOf(req)),
  );

  // ---- applications: both sides ----

  app.get(
    '/services/applications/:id',
    {
      schema: {
        ...R('An application with its form, materials, consents, signed document and timeline (the applicant, or the department)'),
        params: Id,
        response: problems,
      },
      config: { auth: { audience: 'everyone' as const } },
    },
    async (req) => applications.detail(req.params.id, principalOf(req)),
  );

  app.get(
    '/services/applications/:id/signature',
    {
      schema: {
        ...R('The signed submission checked: valid or not, the document and the signer’s public key (to verify it anywhere)'),
        params: Id,
        response: problems,
      },
      config: { auth: { audience: 'everyone' as const } },
    },
    async (req) => applications.verify(req.params.id, principalOf(req)),
  );

  // ---- applications: the department's side ----

  app.get(
    '/services/inbox',
    {
      schema: {
        ...R('My department’s applications (办件箱), oldest first, by state and item'),
        querystring: Type.Object(
          { state: Type.Optional(Type.String({ maxLength: 24 })), item: Type.Optional(Type.String({ maxLength: 40 })), ...Page(500) },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: { auth: { permission: 'services.read' } },
    },
    async (req) => applications.inbox(principalOf(req), req.query),
  );

  for (const [action, summary] of [
    ['accept', 'Accept (受理): the promised limit starts on the working-time calendar'],
    ['reject', 'Do not accept (不予受理), with the reason'],
    ['ask_supplement', 'Ask once for everything missing (补正告知, 一次性告知): the fields and materials, with a note'],
    ['review', 'Pass the current approval step to the next'],
    ['approve', 'Approve at the last step: the result is issued (a licence into the holder’s wallet)'],
    ['refuse', 'Refuse (不予批准), with the reason'],
  ] as const)
    app.post(
      `/services/applications/:id/${action.replace('_', '-')}`,
      {
        schema: {
          ...R(summary),
          params: Id,
          body: Type.Object(
            {
              rev: Type.Optional(Type.Integer({ minimum: 1 })),
              comment: Type.Optional(Type.String({ maxLength: 2000 })),
              ...(action === 'ask_supplement' ? { missing: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 50 }) } : {}),
            },
            { additionalProperties: false },
          ),
          response: problems,
        },
        config: { auth: { permission: 'services.read' } },
      },
      async (req) =>
        applications.decide(req.params.id, action, req.body as { rev?: number; comment?: string; missing?: string[] }, {
          ...ctxOf(req),
          principal: principalOf(req),
        }),
    );

  // ---- appointments ----

  const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
  const Start = Type.String({ pattern: '^\\d{2}:\\d{2}$' });
  app.get(
    '/services/halls',
    {
      schema: {
        ...R('Service halls and hospitals with their windows (or clinics) and opening plans'),
        querystring: Type.Object(
          { kind: Type.Optional(Lit(['service_hall', 'hospital'] as const)), item: Type.Optional(Type.String({ maxLength: 40 })) },
          { additionalProperties: false },
        ),
        security: [],
      },
      config: { auth: 'public' },
    },
    async (req) => appointments.halls(req.query),
  );

  app.get(
    '/services/halls/:code/windows/:window/slots',
    {
      schema: {
        ...R('A window’s slots on a day with the places left (14 days ahead; service halls close on the calendar’s holidays)'),
        params: Type.Object({ code: Type.String({ maxLength: 40 }), window: Type.String({ maxLength: 40 }) }),
        querystring: Type.Object({ day: Day }, { additionalProperties: false }),
        security: [],
        response: { 400: P, 404: P },
      },
      config: { auth: 'public' },
    },
    async (req) => appointments.slots(req.params.code, req.params.window, req.query.day),
  );

  app.post(
    '/people/services/appointments',
    {
      schema: {
        ...R('Book a window or a clinic: never beyond its places, even at once; one booking per person per time; suspended after three no-shows in 90 days'),
        body: Type.Object(
          {
            hall: Type.String({ maxLength: 40 }),
            window: Type.String({ maxLength: 40 }),
            day: Day,
            start: Start,
            item: Type.Optional(Type.String({ maxLength: 40 })),
            application: Type.Optional(Type.String({ maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Unknown({ description: 'Created' }), ...problems, 422: P },
      },
      config: PEOPLE,
    },
    async (req, reply) => reply.status(201).send(await appointments.book(principalOf(req), req.body, ctxOf(req))),
  );

  app.get('/people/services/appointments', { schema: { ...R('My appointments'), response: problems }, config: PEOPLE }, async (req) =>
    appointments.list(principalOf(req)),
  );

  app.post(
    '/people/services/appointments/:id/cancel',
    { schema: { ...R('Cancel an appointment still to come: the place goes back'), params: Id, response: problems }, config: PEOPLE },
    async (req) => appointments.cancel(principalOf(req), req.params.id, ctxOf(req)),
  );

  app.post(
    '/people/services/appointments/:id/reschedule',
    {
      schema: {
        ...R('Move an appointment to another slot (the new place taken first)'),
        params: Id,
        body: Type.Object({ day: Day, start: Start, window: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => appointments.reschedule(principalOf(req), req.params.id, req.body, ctxOf(req)),
  );

  app.post(
    '/services/appointments/:id/attend',
    {
      schema: { ...R('Mark an appointment attended (the hall’s or hospital’s staff)'), params: Id, response: problems },
      config: { auth: { permission: 'services.read' } },
    },
    async (req) => appointments.attend(principalOf(req), req.params.id, ctxOf(req)),
  );

  // ---- 好差评 ----

  const RatingBody = Type.Object(
    {
      level: Type.Integer({ minimum: 1, maximum: 5, description: '5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意' }),
      reasons: Type.Optional(Type.Array(Lit(Object.keys(REASONS) as [string, ...string[]]), { maxItems: 12 })),
      comment: Type.Optional(Type.String({ maxLength: 1000 })),
    },
    { additionalProperties: false },
  );
  app.post(
    '/people/services/applications/:id/rating',
    {
      schema: {
        ...R('Rate a decided application (好差评, 一事一评): once; a bad rating says why and opens a follow-up'),
        params: Id,
        body: RatingBody,
        response: problems,
      },
      config: PEOPLE,
    },
    async (req) => ratings.rateApplication(principalOf(req), req.params.id, req.body, ctxOf(req)),
  );
  app.post(
    '/people/services/appointments/:id/rating',
    {
      schema: { ...R('Rate a visit to a window (好差评, 一次一评), after it took place: once'), params: Id, body: RatingBody, response: problems },
      config: PEOPLE,
    },
    async (req) => ratings.rateAppointment(principalOf(req), req.params.id, req.body, ctxOf(req), (hall) => appointments.departmentOf(hall)),
  );
  app.get(
    '/services/applications/:id/rating',
    {
      schema: { ...R('An application’s rating and its follow-up (the applicant, or the department)'), params: Id, response: problems },
      config: { auth: { audience: 'everyone' as const } },
    },
    async (req) => {
      await applications.assertVisible(req.params.id, principalOf(req));
      return ratings.ofTarget('application', req.params.id);
    },
  );
  app.get(
    '/services/followups',
    {
      schema: {
        ...R('My department’s follow-ups of bad ratings (谁办理、谁负责), the oldest due first'),
        querystring: Type.Object(
          { state: Type.Optional(Lit(['open', 'done'] as const)), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: { auth: { permission: 'services.read' } },
    },
    async (req) => ratings.followups(principalOf(req), req.query),
  );
  app.post(
    '/services/followups/:id/close',
    {
      schema: {
        ...R('Report back on a bad rating: rectified, or explained, with what was found and done'),
        params: Id,
        body: Type.Object(
          { result: Lit(['rectified', 'explained'] as const), note: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: { auth: { permission: 'services.read' } },
    },
    async (req) => ratings.close(principalOf(req), req.params.id, req.body, ctxOf(req)),
  );
  app.get(
    '/services/ratings/stats',
    {
      schema: {
        ...R('好差评 statistics by item, department or window: ratings per level, satisfaction, follow-up and rectification rates'),
        querystring: Type.Object(
          { by: Lit(['item', 'department', 'window'] as const), from: Type.Optional(Type.Integer()), to: Type.Optional(Type.Integer()) },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: { auth: { permission: 'services.read' } },
    },
    async (req) => ratings.stats(req.query),
  );

  // ---- OCR intake ----

  app.post(
    '/services/ocr',
    {
      schema: {
        ...R(
          'Read a photographed ID card, business licence or household register page into fields, on the server (Tesseract, offline); confirm each before use',
        ),
        body: Type.Object(
          { kind: Lit(DOCUMENT_KINDS), file: Type.String({ maxLength: 64, description: 'A photo uploaded to /api/files' }) },
          { additionalProperties: false },
        ),
        response: { ...problems, 503: P },
      },
      config: { auth: { audience: 'everyone' as const }, rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (req) => ocr.read(principalOf(req), req.body, ctxOf(req)),
  );

  // ---- fees ----

  app.post(
    '/people/services/applications/:id/payment',
    {
      schema: {
        ...R('Open the payment order for my application’s fee: the provider’s payment code and where to pay'),
        params: Id,
        response: { ...problems, 422: P },
      },
      config: PEOPLE,
    },
    async (req) => payments.order(principalOf(req), req.params.id, ctxOf(req)),
  );

  app.get(
    '/services/applications/:id/payments',
    {
      schema: { ...R('An application’s payments and refunds (the applicant, or the department)'), params: Id, response: problems },
      config: { auth: { audience: 'everyone' as const } },
    },
    async (req) => payments.ofApplication(principalOf(req), req.params.id),
  );

  app.post(
    '/services/applications/:id/refund',
    {
      schema: {
        ...R('Refund part or all of a paid fee to the paying account (the department); never more than was paid'),
        params: Id,
        body: Type.Object(
          { amount: Type.Number({ exclusiveMinimum: 0, description: 'yuan' }), reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: problems,
      },
      config: { auth: { permission: 'services.read' } },
    },
    async (req) => payments.refund(req.params.id, req.body, { ...ctxOf(req), principal: principalOf(req) }),
  );

  app.post(
    '/services/payments/reconciliation',
    {
      schema: {
        ...R('Reconcile a day’s payments with the provider’s statement (对账); done every day by itself'),
        body: Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }, { additionalProperties: false }),
        response: problems,
      },
      config: { auth: { permission: 'services.manage' } },
    },
    async (req) => {
      if (!catalogue.canKeep(principalOf(req), ''))
        throw new AppError('WD_ERR_FORBIDDEN', { zh: '对账由政务服务主管部门办理', en: 'Reconciliation is the government services authority’s' });
      return payments.reconcile(req.body.day, ctxOf(req));
    },
  );

  app.get(
    '/services/payments/reconciliation',
    {
      schema: {
        ...R('A day’s reconciliation report: matched, and every mismatch'),
        querystring: Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }, { additionalProperties: false }),
        response: problems,
      },
      config: { auth: { permission: 'services.manage' } },
    },
    async (req) => {
      if (!catalogue.canKeep(principalOf(req), ''))
        throw new AppError('WD_ERR_FORBIDDEN', { zh: '对账由政务服务主管部门办理', en: 'Reconciliation is the government services authority’s' });
      return payments.reconciliation(req.query.day);
    },
  );

  // The provider's notices, as they arrive: the raw body is what its signature covers.
  await app.register(async (child) => {
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    child.post(
      '/payments/notify/:provider',
      {
        schema: {
          ...R('A payment provider’s notice (paid, refunded), signed by the provider; applied once however often it comes'),
          params: Type.Object({ provider: Type.String({ maxLength: 32 }) }),
          security: [],
          response: { 400: P, 404: P },
        },
        config: { auth: 'public', rateLimit: { max: 600, timeWindow: '1 minute' } },
      },
      async (req) => payments.notify((req.params as { provider: string }).provider, String(req.body ?? ''), req.headers, ctxOf(req)),
    );
  });

  if (sandbox)
    app.post(
      '/sandbox/payments/:id/pay',
      {
        schema: {
          ...R('Development payment provider (sandbox): pay an order as its payer; no money moves, the signed notice follows'),
          params: Id,
          response: problems,
        },
        config: PEOPLE,
      },
      async (req) => {
        const mine = await payments.payerOf(req.params.id);
        if (mine !== principalOf(req).id) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个缴款单', en: 'No such payment order' });
        const notice = await sandbox.pay(req.params.id);
        return { paid: true, notice: notice.noticeId };
      },
    );
}
