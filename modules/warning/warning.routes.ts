/** HTTP routes of early warning: rules, backtest, alerts and their actions, maintenance windows, calculators. */
import { getDepartment } from '../identity/index.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { type Principal, inScope } from '../../platform/auth/scope.js';
import { AppError, type FieldError, hiddenNotFound, notFound } from '../../platform/http/errors.js';
import { join } from '../../platform/i18n/index.js';
import { engineSummary } from './timeline.js';
import { EpochMs, PageQuery } from '../../platform/http/limits.js';
import { newId } from '../../platform/ids.js';
import { ctxOf, fieldErrorsFor, principalOf } from '../../platform/http/http.js';
import { json, transaction } from '../../platform/storage/db.js';
import type { Platform } from '../../platform/context.js';
import { deviceRefs, listTypes, type Sensing } from '../sensing/index.js';
import { type AqiStandard, computeAqi } from './aqi.js';
import type { AlertRow, AlertStatus } from './alerts.js';
import { backtest } from './backtest.js';
import { DERIVED } from './derived.js';
import type { Warning } from './warning.types.js';
import { endpointView } from '../../platform/notify/index.js';
import { LEVELS, type Rule, type RuleDefinition, validateRule } from './rules.js';
import * as rules from './rules.service.js';
import { blackOdorousGrade, surfaceWaterClass } from './water.js';
import { AlertDetailSchema, type AlertEvidence, AlertSchema, type AlertView } from './warning.schemas.js';

const R = (summary: string, tag = 'warning') => ({ tags: [tag], summary });
const P = { $ref: 'Problem#' };

const Condition = Type.Unsafe<RuleDefinition['levels'][number]['condition']>({
  type: 'object',
  required: ['kind'],
  additionalProperties: true,
  properties: { kind: { type: 'string', enum: ['threshold', 'rate', 'absence', 'stuck', 'baseline', 'predict', 'all', 'any', 'geofence', 'count'] } },
  description:
    'threshold {attr, op, value, clear?, forSeconds?}; rate {attr, change, withinSeconds}; absence {attr?, seconds}; stuck {attr, seconds, minReadings?}; ' +
    'baseline {attr, weeks, sigmas?|ratio?}; predict {attr, op, value, horizonSeconds, fitSeconds, minConfidence?}; all|any {of: [...]}; ' +
    'geofence {polygon: [[lon, lat], ...], inside}; count {k, by: district|scope, of}. value/clear: a number or {"property": "<device property>"}. ' +
    'attr: an attribute key or a derived value ($aqi, $aqiLevel, $waterClass, $blackOdorous, $load). Checked field by field on save.',
});
/** A rule's name as people read it in lists, alerts and messages: short enough for a feed row. */
const RuleName = Type.Object(
  { zh: Type.String({ minLength: 1, maxLength: 60 }), en: Type.String({ minLength: 1, maxLength: 120 }) },
  { additionalProperties: false },
);
const DefinitionFields = {
  name: RuleName,
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  source: Type.String({ maxLength: 1000, description: 'The standard, plan or regulation the thresholds come from' }),
  owner: Type.String({ description: 'Owner department code' }),
  task: Type.String({ description: 'Plan task id from the responsibility matrix' }),
  scope: Type.Object(
    {
      types: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
      districts: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
      tags: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
      devices: Type.Optional(Type.Array(Type.String(), { maxItems: 5000 })),
    },
    { additionalProperties: false },
  ),
  levels: Type.Array(
    Type.Object(
      { level: Type.Integer({ minimum: 1, maximum: 4, description: '4 Ⅳ blue, 3 Ⅲ yellow, 2 Ⅱ orange, 1 Ⅰ red' }), condition: Condition },
      { additionalProperties: false },
    ),
    { maxItems: 4 },
  ),
  notify: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  routing: Type.Optional(Type.Union([Type.Literal('matrix'), Type.Literal('device')])),
  clearAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
  public: Type.Optional(
    Type.Object(
      { advice: Type.Object({ zh: Type.String({ maxLength: 500 }), en: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }) },
      { additionalProperties: false, description: 'Told to the public (公众预警) in the super app, with what to do' },
    ),
  ),
};
const RuleSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  enabled: Type.Boolean(),
  status: Type.String({ description: 'active, suspended (a run-time fault; see suspendedReason) or disabled' }),
  suspendedReason: Type.Union([Type.String(), Type.Null()]),
  ...DefinitionFields,
  faults: Type.Optional(Type.Array(Type.Object({ subject: Type.String(), fault: Type.String() }))),
});
export function alertView(a: AlertRow, withEvidence = false): AlertView {
  const lvl = LEVELS[a.level as 1 | 2 | 3 | 4];
  return {
    id: a.id,
    ruleId: a.rule_id,
    ruleVersion: a.rule_version,
    subject: a.subject,
    subjectKind: a.subject_kind,
    deviceId: a.device_id,
    level: a.level,
    levelLabel: { zh: lvl.zh, en: lvl.en },
    colour: lvl.hex,
    predicted: a.predicted === 1,
    status: a.status,
    title: { zh: a.title_zh, en: a.title_en },
    department: a.department_code,
    task: a.task,
    district: a.district_adcode,
    location: a.lon !== null && a.lat !== null ? { lon: a.lon, lat: a.lat } : null,
    recipients: json.parse<{ department: string; role: string }[]>(a.recipients, []),
    simulated: a.simulated === 1,
    raisedAt: a.raised_at,
    updatedAt: a.updated_at,
    acknowledgedAt: a.acknowledged_at,
    acknowledgedBy: a.acknowledged_by,
    resolvedAt: a.resolved_at,
    resolvedBy: a.resolved_by,
    closeReason: a.close_reason,
    reopenCount: a.reopen_count,
    flapping: a.flapping === 1,
    rev: a.rev,
    ...(withEvidence ? { evidence: json.parse<AlertEvidence | null>(a.evidence, null) } : {}),
  };
}

const csv = (s: string | undefined) =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Early warning's routes: a Fastify plugin, registered under /api with what it needs. */
export async function warningRoutes(
  root: FastifyInstance,
  { platform: p, sensing, warning }: { platform: Platform; sensing: Sensing; warning: Warning },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const withFaults = (r: Rule) => ({ ...r, faults: warning.engine?.faults(r.id) ?? [] });

  // ---- rules ----
  app.get(
    '/warning/rules',
    { schema: { ...R('Warning rules'), response: { 200: Type.Array(RuleSchema) } }, config: { auth: { permission: 'warning.read' } } },
    async (req) => (await rules.listRules(p, principalOf(req).scope)).map(withFaults),
  );
  app.get(
    '/warning/rules/:id',
    {
      schema: { ...R('One rule, with its faults'), params: Type.Object({ id: Type.String() }), response: { 200: RuleSchema, 404: P } },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => withFaults(await rules.getRule(p, req.params.id, principalOf(req))),
  );
  app.get(
    '/warning/rules/:id/versions',
    {
      schema: { ...R('Every saved version of a rule, newest first'), params: Type.Object({ id: Type.String() }), response: { 404: P } },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => rules.ruleVersions(p, req.params.id, principalOf(req)),
  );
  app.post(
    '/warning/rules',
    {
      schema: {
        ...R('Create a rule (validated field by field)'),
        body: Type.Object(
          { id: Type.String({ description: 'lower-case letters, digits and -' }), enabled: Type.Optional(Type.Boolean()), ...DefinitionFields },
          { additionalProperties: false },
        ),
        response: { 201: RuleSchema, 400: P, 403: P, 409: P },
      },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req, reply) => {
      const { id, enabled = true, ...def } = req.body;
      return reply.status(201).send(withFaults(await rules.createRule(p, id, def as RuleDefinition, enabled, ctxOf(req))));
    },
  );
  app.put(
    '/warning/rules/:id',
    {
      schema: {
        ...R('Save a new version of a rule (send the version you loaded)'),
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ version: Type.Integer(), enabled: Type.Boolean(), ...DefinitionFields }, { additionalProperties: false }),
        response: { 200: RuleSchema, 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req) => {
      const { version, enabled, ...def } = req.body;
      return withFaults(await rules.updateRule(p, req.params.id, def as RuleDefinition, enabled, version, ctxOf(req)));
    },
  );
  app.post(
    '/warning/rules/:id/resume',
    {
      schema: { ...R('Resume a suspended rule'), params: Type.Object({ id: Type.String() }), response: { 200: RuleSchema, 404: P, 409: P } },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req) => withFaults(await rules.resumeRule(p, req.params.id, ctxOf(req))),
  );
  app.delete(
    '/warning/rules/:id',
    {
      schema: { ...R('Delete a rule (its alerts stay)'), params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), 404: P } },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req, reply) => {
      await rules.deleteRule(p, req.params.id, ctxOf(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/warning/rules/validate',
    {
      schema: {
        ...R("Check a draft rule without saving it (the editor's live preview)"),
        body: Type.Object(
          {
            id: Type.Optional(Type.String({ maxLength: 200, description: "A new rule's id, checked as saving would" })),
            ...DefinitionFields,
            // A draft's empty name is one of its problems (listed with the others), not a refusal.
            name: Type.Object({ zh: Type.String({ maxLength: 60 }), en: Type.String({ maxLength: 120 }) }, { additionalProperties: false }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ valid: Type.Boolean(), errors: Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() })) }) },
      },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => {
      const { id, ...def } = req.body as RuleDefinition & { id?: string };
      const errors = [
        ...(id === undefined ? [] : rules.ruleIdErrors(id)),
        ...validateRule(def, await rules.catalog(p)),
        ...(await rules.foreignDevices(p, def)),
      ];
      return { valid: errors.length === 0, errors: fieldErrorsFor(req, errors) };
    },
  );
  app.post(
    '/warning/backtest',
    {
      schema: {
        ...R('Run a saved rule (ruleId) or a draft (rule) over stored history: when would it have fired?'),
        body: Type.Object(
          {
            ruleId: Type.Optional(Type.String()),
            rule: Type.Optional(Type.Object(DefinitionFields, { additionalProperties: false })),
            from: EpochMs('Start of the history to run over'),
            to: EpochMs('End of the history'),
            devices: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
            maxDevices: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 400: P, 404: P },
      },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => {
      const b = req.body;
      if (!(b.to > b.from) || b.to - b.from > 31 * 86_400_000)
        throw new AppError('WD_ERR_VALIDATION', 'The range must run forwards and span at most 31 days', {
          errors: [{ pointer: '/body/to', detail: 'after from, within 31 days' }],
        });
      let rule: Rule;
      if (b.ruleId) rule = await rules.getRule(p, b.ruleId, principalOf(req));
      else if (b.rule) {
        await rules.checkRule(p, b.rule as RuleDefinition, '/body/rule');
        rule = {
          ...(b.rule as RuleDefinition),
          id: 'draft',
          version: 0,
          enabled: true,
          status: 'active',
          suspendedReason: null,
          createdBy: null,
          updatedAt: p.now(),
        };
      } else
        throw new AppError('WD_ERR_VALIDATION', 'Give ruleId or rule', {
          errors: [{ pointer: '/body/ruleId', detail: 'a saved rule id, or a draft in rule' }],
        });
      return backtest(p, sensing.telemetry, rule, {
        from: b.from,
        to: b.to,
        scope: principalOf(req).scope,
        ...(b.devices ? { devices: b.devices } : {}),
        ...(b.maxDevices ? { maxDevices: b.maxDevices } : {}),
      });
    },
  );

  // ---- alerts ----
  /** Marks an alert the caller reads but may not act on. */
  const withAccess = <T extends AlertView>(v: T, a: AlertRow, principal: Principal): T =>
    principal.view !== principal.scope && !warning.alerts.visible(principal.scope, a) ? { ...v, readOnly: true } : v;
  const AlertQuery = Type.Object({
    status: Type.Optional(Type.String({ description: 'comma-separated: raised, acknowledged, resolved, closed' })),
    open: Type.Optional(Type.Boolean()),
    level: Type.Optional(Type.String({ description: 'comma-separated levels 1–4' })),
    rule: Type.Optional(Type.String()),
    device: Type.Optional(Type.String()),
    department: Type.Optional(Type.String({ description: 'alerts routed to this department' })),
    inbox: Type.Optional(
      Type.Boolean({
        description: 'only the alerts routed to you, which you may act on (a district government otherwise also reads the rest in its district)',
      }),
    ),
    district: Type.Optional(Type.String()),
    task: Type.Optional(Type.String()),
    predicted: Type.Optional(Type.Boolean()),
    from: Type.Optional(EpochMs('Raised at or after')),
    to: Type.Optional(EpochMs('Raised before')),
    openAt: Type.Optional(EpochMs('The alerts that were open then (the wall’s replay); each with its latest level')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(PageQuery(50, 500).offset),
  });
  app.get(
    '/alerts',
    {
      schema: {
        ...R('Alerts routed to your department and district (the inbox), most severe first', 'alerts'),
        querystring: AlertQuery,
        response: { 200: Type.Object({ items: Type.Array(AlertSchema), total: Type.Integer() }) },
      },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => {
      const q = req.query;
      const principal = principalOf(req);
      const { items, total } = await warning.alerts.list(q.inbox ? principal.scope : principal.view, {
        ...(q.status ? { status: csv(q.status) as AlertStatus[] } : {}),
        ...(q.open !== undefined ? { open: q.open } : {}),
        ...(q.level
          ? {
              level: csv(q.level)!
                .map(Number)
                .filter((n) => n >= 1 && n <= 4),
            }
          : {}),
        ...(q.rule ? { ruleId: q.rule } : {}),
        ...(q.device ? { deviceId: q.device } : {}),
        ...(q.department ? { department: q.department } : {}),
        ...(q.district ? { district: q.district } : {}),
        ...(q.task ? { task: q.task } : {}),
        ...(q.predicted !== undefined ? { predicted: q.predicted } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.openAt !== undefined ? { openAt: q.openAt } : {}),
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      return { items: items.map((a) => withAccess(alertView(a), a, principal)), total };
    },
  );
  app.get(
    '/alerts/:id',
    {
      schema: {
        ...R('One alert with its evidence and timeline', 'alerts'),
        params: Type.Object({ id: Type.String() }),
        response: { 200: AlertDetailSchema, 403: P, 404: P },
      },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => {
      const principal = principalOf(req);
      const a = await warning.alerts.get(req.params.id, principal);
      const timeline = await warning.alerts.timeline(a.id);
      const view = withAccess(alertView(a, true), a, principal);
      const attrs = new Map((await listTypes(p.db)).flatMap((ty) => ty.attributes.map((x) => [x.key, { name: x.name, unit: x.unitText }] as const)));
      return {
        ...view,
        evidence: view.evidence ?? null,
        notifications: await warning.escalation.forAlert(a.id),
        timeline: timeline.map((e) => ({
          at: e.at,
          actor: e.actor_id ? { id: e.actor_id, name: e.actor_name } : { id: null, name: e.actor_name },
          action: e.action,
          level: e.level,
          comment: e.comment,
          ...(() => {
            const data = json.parse<unknown>(e.data, null);
            const summary = e.actor_id ? null : engineSummary(e.level, data, attrs);
            return { ...(summary ? { summary } : {}), data };
          })(),
        })),
      };
    },
  );
  for (const action of ['acknowledge', 'comment', 'resolve', 'close'] as const) {
    const summaries = {
      acknowledge: 'Acknowledge an alert (确认): your unit has it in hand',
      comment: 'Add a comment to the timeline',
      resolve: 'Resolve an alert (处置完毕)',
      close: 'Close an alert with a reason (e.g. a false alarm)',
    };
    app.post(
      `/alerts/:id/${action}`,
      {
        schema: {
          ...R(summaries[action], 'alerts'),
          params: Type.Object({ id: Type.String() }),
          body: Type.Object(
            {
              comment: Type.Optional(Type.String({ maxLength: 4000 })),
              rev: Type.Optional(Type.Integer({ description: 'the revision you saw (409 if it moved on)' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: AlertSchema, 400: P, 403: P, 404: P, 409: P },
        },
        config: { auth: { permission: 'warning.act' } },
      },
      async (req) => {
        const ctx = ctxOf(req);
        const a = await warning.alerts.act(req.params.id, action, { ...ctx, principal: principalOf(req) }, req.body ?? {});
        return alertView(a);
      },
    );
  }

  // ---- maintenance windows ----
  const Window = Type.Object({
    id: Type.String(),
    deviceId: Type.Union([Type.String(), Type.Null()]),
    district: Type.Union([Type.String(), Type.Null()]),
    polygon: Type.Union([Type.Array(Type.Tuple([Type.Number(), Type.Number()])), Type.Null()]),
    department: Type.String(),
    startsAt: Type.Integer(),
    endsAt: Type.Integer(),
    reason: Type.String(),
    createdBy: Type.Union([Type.String(), Type.Null()]),
  });
  app.get(
    '/warning/maintenance',
    {
      schema: {
        ...R('Maintenance windows (current and future unless all=true)'),
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(Window) },
      },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => warning.alerts.listMaintenance(!req.query.all, principalOf(req).scope),
  );
  app.post(
    '/warning/maintenance',
    {
      schema: {
        ...R('Silence a device, a district or an area for a while (no new alerts are raised there)'),
        body: Type.Object(
          {
            deviceId: Type.Optional(Type.String()),
            district: Type.Optional(Type.String()),
            polygon: Type.Optional(Type.Array(Type.Tuple([Type.Number(), Type.Number()]), { minItems: 3, maxItems: 500 })),
            startsAt: Type.Optional(EpochMs('When the window starts; default now')),
            endsAt: EpochMs('When the window ends'),
            reason: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Window, 400: P, 403: P },
      },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req, reply) => {
      const b = req.body;
      const principal = principalOf(req);
      const startsAt = b.startsAt ?? p.now();
      const errors: FieldError[] = [];
      if (!b.deviceId && !b.district && !b.polygon)
        errors.push({ pointer: '/body', detail: { zh: '请选择设备、区县或区域', en: 'give a deviceId, a district or a polygon' } });
      if (!(b.endsAt > startsAt)) errors.push({ pointer: '/body/endsAt', detail: { zh: '结束时间须晚于开始时间', en: 'must be after startsAt' } });
      // A window wholly in the past silences nothing: a slip in the date, refused.
      else if (!(b.endsAt > p.now()))
        errors.push({
          pointer: '/body/endsAt',
          detail: { zh: '结束时间已经过去，维护时段不会生效', en: 'the window ends in the past and would silence nothing' },
        });
      if (b.endsAt - startsAt > 30 * 86_400_000)
        errors.push({ pointer: '/body/endsAt', detail: { zh: '维护时段最长 30 天', en: 'a window lasts at most 30 days' } });
      if (b.district && !p.profile.districts.some((d) => d.adcode === b.district))
        errors.push({ pointer: '/body/district', detail: { zh: `没有区县 ${b.district}`, en: `unknown district ${b.district}` } });
      let department = principal.department ?? p.profile.operationsCentre;
      if (b.deviceId) {
        const [d] = await deviceRefs(p.db, { ids: [b.deviceId] });
        // Another department's device is reported like an unknown one: ids cannot be probed.
        if (!d || !inScope(principal.scope, { department: d.department_code, district: d.district_adcode }))
          errors.push({ pointer: '/body/deviceId', detail: { zh: `没有设备 ${b.deviceId}`, en: `unknown device ${b.deviceId}` } });
        else department = d.department_code;
      } else if (principal.scope.departments !== '*') {
        // Silencing a district or an area for everyone is for the operations centre.
        throw new AppError('WD_ERR_FORBIDDEN', {
          zh: '只有全市范围的角色可以屏蔽整个区县或区域；部门只能屏蔽本部门的设备',
          en: 'Only city-wide roles silence a district or an area; a department silences its own devices',
        });
      }
      if (errors.length) throw new AppError('WD_ERR_VALIDATION', join(errors.map((e) => e.detail)), { errors });
      const w = await warning.alerts.addMaintenance(
        {
          deviceId: b.deviceId ?? null,
          district: b.district ?? null,
          polygon: b.polygon ?? null,
          department,
          startsAt,
          endsAt: b.endsAt,
          reason: b.reason,
        },
        ctxOf(req),
      );
      return reply.status(201).send(w);
    },
  );
  app.delete(
    '/warning/maintenance/:id',
    {
      schema: { ...R('End a maintenance window now'), params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), 404: P } },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req, reply) => {
      await warning.alerts.endMaintenance(req.params.id, ctxOf(req));
      return reply.status(204).send(null);
    },
  );

  // ---- notification endpoints, escalation, development outbox ----
  const Endpoint = Type.Object({
    id: Type.String(),
    department: Type.String(),
    channel: Type.String(),
    address: Type.String({ description: 'masked: phone numbers and e-mail addresses are personal information' }),
    minLevel: Type.Integer(),
    roles: Type.Union([Type.Array(Type.String()), Type.Null()]),
    enabled: Type.Boolean(),
    hasSecret: Type.Boolean(),
  });
  app.get(
    '/warning/endpoints',
    {
      schema: { ...R("Where departments receive alerts (your department's, or all for city-wide roles)"), response: { 200: Type.Array(Endpoint) } },
      config: { auth: { permission: 'warning.read' } },
    },
    async (req) => (await p.notifier.listEndpoints(principalOf(req).scope.departments)).map(endpointView),
  );
  app.post(
    '/warning/endpoints',
    {
      schema: {
        ...R('Add a webhook, SMS number or e-mail address that receives a department’s alerts'),
        body: Type.Object(
          {
            department: Type.String(),
            channel: Type.Union([Type.Literal('webhook'), Type.Literal('sms'), Type.Literal('email')]),
            address: Type.String({ minLength: 3, maxLength: 1000 }),
            secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200, description: 'webhook: HMAC-SHA256 key for X-Wudang-Signature' })),
            minLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, default: 4, description: '4: every level; 2: only Ⅱ and Ⅰ' })),
            roles: Type.Optional(Type.Array(Type.String(), { description: 'only escalations to these roles (e.g. dept_leader)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Endpoint, 400: P, 403: P },
      },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req, reply) => {
      const b = req.body;
      const principal = principalOf(req);
      if (principal.scope.departments !== '*' && !principal.scope.departments.includes(b.department))
        throw new AppError('WD_ERR_OUT_OF_SCOPE', { zh: '部门只能设置本部门的通知地址', en: 'A department sets up its own endpoints' });
      const errors: FieldError[] = [];
      if (!(await getDepartment(p.db, b.department)))
        errors.push({ pointer: '/body/department', detail: { zh: `没有部门 ${b.department}`, en: `unknown department ${b.department}` } });
      const problem = p.notifier.addressProblem(b.channel, b.address);
      if (problem) errors.push({ pointer: '/body/address', detail: problem });
      for (const [i, r] of (b.roles ?? []).entries())
        if (!['dept_leader', 'duty_officer', 'dept_staff'].includes(r))
          errors.push({ pointer: `/body/roles/${i}`, detail: { zh: '须为部门领导、值班员或部门工作人员', en: 'dept_leader, duty_officer or dept_staff' } });
      if (errors.length) throw new AppError('WD_ERR_VALIDATION', join(errors.map((e) => e.detail)), { errors });
      const row = {
        id: newId('nep', p.now()),
        department_code: b.department,
        channel: b.channel,
        address: b.address,
        secret: b.secret ?? null,
        min_level: b.minLevel ?? 4,
        roles: b.roles ? JSON.stringify(b.roles) : null,
        enabled: 1,
        created_by: principal.id,
        created_at: p.now(),
      };
      await transaction(p.db, async (trx) => {
        await p.notifier.addEndpoint(trx, row);
        await appendAudit(trx, {
          ...actorOf(ctxOf(req)),
          action: 'notification_endpoint.created',
          targetType: 'notification_endpoint',
          targetId: row.id,
          details: { department: b.department, channel: b.channel },
          at: p.now(),
        });
      });
      return reply.status(201).send(endpointView(row));
    },
  );
  app.delete(
    '/warning/endpoints/:id',
    {
      schema: { ...R('Remove an endpoint'), params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), 403: P, 404: P } },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req, reply) => {
      const e = await p.notifier.getEndpoint(req.params.id);
      if (!e) throw notFound('Endpoint', req.params.id);
      const principal = principalOf(req);
      if (!inScope(principal.scope, { department: e.department_code, district: null })) throw hiddenNotFound('Endpoint', req.params.id);
      await transaction(p.db, async (trx) => {
        // Deliveries still queued for it go nowhere.
        const cancelled = await p.notifier.removeEndpoint(trx, e.id);
        await appendAudit(trx, {
          ...actorOf(ctxOf(req)),
          action: 'notification_endpoint.deleted',
          targetType: 'notification_endpoint',
          targetId: e.id,
          details: { cancelled },
          at: p.now(),
        });
      });
      return reply.status(204).send(null);
    },
  );
  const Policy = Type.Object(
    {
      afterMinutes: Type.Object(
        {
          '1': Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]),
          '2': Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]),
          '3': Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]),
          '4': Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]),
        },
        { additionalProperties: false, description: 'per level: minutes after raising to stage 1 and stage 2' },
      ),
      roles: Type.Tuple([Type.String(), Type.String()], { description: 'whom stage 1 and stage 2 reach' }),
    },
    { additionalProperties: false },
  );
  app.get(
    '/warning/escalation',
    { schema: { ...R('Escalation of unacknowledged alerts, per level'), response: { 200: Policy } }, config: { auth: { permission: 'warning.read' } } },
    async () => warning.escalation.escalationPolicy(),
  );
  app.put(
    '/warning/escalation',
    {
      schema: { ...R('Change the escalation policy (city-wide roles)'), body: Policy, response: { 200: Policy, 400: P, 403: P } },
      config: { auth: { permission: 'warning.manage' } },
    },
    async (req) => {
      const principal = principalOf(req);
      if (principal.scope.departments !== '*')
        throw new AppError('WD_ERR_FORBIDDEN', { zh: '升级策略由运行指挥中心设置', en: 'The escalation policy is set by the operations centre' });
      const b = req.body;
      const errors: FieldError[] = [];
      for (const l of ['1', '2', '3', '4'] as const)
        if (b.afterMinutes[l][1] <= b.afterMinutes[l][0])
          errors.push({
            pointer: `/body/afterMinutes/${l}/1`,
            detail: { zh: '通知值班员须晚于通知部门领导', en: 'stage 2 comes after stage 1' },
          });
      if (errors.length) throw new AppError('WD_ERR_VALIDATION', join(errors.map((e) => e.detail)), { errors });
      await warning.escalation.setEscalationPolicy(b, principal.id);
      await appendAudit(p.db, {
        ...actorOf(ctxOf(req)),
        action: 'escalation.updated',
        targetType: 'setting',
        targetId: 'warning.escalation',
        details: b,
        at: p.now(),
      });
      return warning.escalation.escalationPolicy();
    },
  );
  // ---- calculators (shared with screens) ----
  app.get(
    '/warning/derived',
    { schema: { ...R('Derived values rules can use ($aqi, $waterClass, …)') }, config: { auth: { permission: 'warning.read' } } },
    async () => Object.entries(DERIVED).map(([key, d]) => ({ key, label: d.label, inputs: d.inputs })),
  );
  app.post(
    '/calc/aqi',
    {
      schema: {
        ...R('AQI by HJ 633 (2026 by default, or 2012): IAQI per pollutant, level, colour, primary and non-attainment pollutants', 'calculators'),
        body: Type.Object(
          {
            standard: Type.Optional(Type.Union([Type.Literal('HJ633-2026'), Type.Literal('HJ633-2012')])),
            concentrations: Type.Record(Type.String(), Type.Number(), {
              description: 'µg/m³ (CO mg/m³) keyed SO2_24h, SO2_1h, NO2_24h, NO2_1h, CO_24h, CO_1h, O3_1h, O3_8h, PM10_24h, PM25_24h',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 400: P },
      },
      config: { auth: 'public' },
    },
    async (req) => {
      try {
        return computeAqi(req.body.concentrations, (req.body.standard ?? 'HJ633-2026') as AqiStandard);
      } catch (err) {
        if (err instanceof RangeError)
          throw new AppError('WD_ERR_VALIDATION', err.message, { errors: [{ pointer: '/body/concentrations', detail: err.message }] });
        throw err;
      }
    },
  );
  app.post(
    '/calc/water-class',
    {
      schema: {
        ...R('Surface-water class by GB 3838-2002 (DO, CODMn, COD, BOD5, NH3N, TP, TN in mg/L)', 'calculators'),
        body: Type.Object(
          { sample: Type.Record(Type.String(), Type.Number()), lakeOrReservoir: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 400: P },
      },
      config: { auth: 'public' },
    },
    async (req) => {
      try {
        return surfaceWaterClass(req.body.sample, { lakeOrReservoir: req.body.lakeOrReservoir === true });
      } catch (err) {
        if (err instanceof RangeError) throw new AppError('WD_ERR_VALIDATION', err.message, { errors: [{ pointer: '/body/sample', detail: err.message }] });
        throw err;
      }
    },
  );
  app.post(
    '/calc/black-odorous',
    {
      schema: {
        ...R('Black-odorous grade by the 2015 guideline (transparencyCm, depthCm, DO, ORP, NH3N)', 'calculators'),
        body: Type.Object(
          {
            transparencyCm: Type.Optional(Type.Number({ minimum: 0 })),
            depthCm: Type.Optional(Type.Number({ minimum: 0 })),
            DO: Type.Optional(Type.Number({ minimum: 0 })),
            ORP: Type.Optional(Type.Number()),
            NH3N: Type.Optional(Type.Number({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
      },
      config: { auth: 'public' },
    },
    async (req) => {
      try {
        return blackOdorousGrade(req.body);
      } catch (err) {
        // No indicator given: the caller's mistake, said in words (it was a 500).
        if (err instanceof RangeError)
          throw new AppError(
            'WD_ERR_VALIDATION',
            { zh: '请至少提供一项黑臭指标（透明度、溶解氧、氧化还原电位、氨氮）', en: 'Give at least one indicator: transparencyCm, DO, ORP or NH3N' },
            {
              errors: [{ pointer: '/body', detail: err.message }],
            },
          );
        throw err;
      }
    },
  );
}
