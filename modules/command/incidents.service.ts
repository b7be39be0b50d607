/**
 * Incidents and the response to them: an incident is created from an alert with one click, by a
 * duty officer from a phone call or report, or through the API; the system proposes a plan and a
 * level; activating it dispatches every unit's tasks (workflow `emergency.task`: deadlines to
 * accept and to finish, escalation to the unit's leader and then the duty officer, all durable in
 * the workflow kernel); units accept, report and complete; raising or lowering the level adjusts
 * the tasks; ending the response closes them with a record. Every step is on the incident's
 * timeline and audited. Concurrent decisions on one incident use its `rev`: a stale one is a 409.
 */
import { getDistrict, listDepartments } from '../identity/index.js';
import type { Transaction } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, type Scope, districtInScope, readOnly } from '../../platform/auth/scope.js';
import { AppError, type FieldError, hiddenNotFound, notFound } from '../../platform/http/errors.js';
import { join } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { EmTaskTable } from './command.tables.js';
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { DISTRICT_UNIT, type LevelPlan, type ResponseLevel, SUBKINDS, levelPlan } from './plans.js';
import { type Plan, getPlan, listPlans } from './plans.service.js';
import * as store from './incidents.store.js';
import { appendIncidentEvent } from './incidents.store.js';
import { type AlertReader, type CreateIncident, type IncidentRow, TASK_WORKFLOW, type TaskProgress, incidentView, subkindOfRule } from './incidents.model.js';
import { IncidentStatistics } from './statistics.js';
import { TaskService } from './tasks.service.js';
import { type TimelineNames, timelineText, timelineWords } from './timeline.js';

export { appendIncidentEvent } from './incidents.store.js';
export * from './incidents.model.js';

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'incident.changed': {
      id: string;
      title: string;
      subkind: string;
      action: string;
      status: string;
      level: number | null;
      drill: boolean;
      district: string | null;
      /** The departments involved (reporter, alert recipients, units with tasks): who may see the incident. */
      units: string[];
    };
    'incident.task_dispatched': {
      incidentId: string;
      taskId: string;
      unit: string;
      title: string;
      acceptBy: number;
      dueAt: number;
      drill: boolean;
      district: string | null;
    };
  }
}

/** Only duty officers, leaders and the administrator activate, change or end a response. */
function assertMayCommand(principal: Principal | null): void {
  if (!principal) return;
  if (!principal.roles.some((r) => r === 'duty_officer' || r === 'dept_leader' || r === 'platform_admin'))
    throw new AppError('WD_ERR_FORBIDDEN', 'Only duty officers and leaders activate, change or end a response');
}

export class IncidentService {
  constructor(
    private readonly p: Platform,
    private readonly workflow: WorkflowEngine,
    private readonly alerts?: AlertReader,
  ) {
    this.statistics = new IncidentStatistics(p);
    this.tasks = new TaskService(p, workflow, {
      get: (id) => this.get(id),
      visibleTo: (scope, inc) => this.visibleTo(scope, inc),
      event: (...args) => this.event(...args),
      announce: (inc, action) => this.announce(inc, action),
      involve: (...args) => this.involve(...args),
    });
  }

  /** The units' tasks: dispatch, accept, report, complete, cancel (tasks.service.ts). */
  readonly tasks: TaskService;

  private readonly statistics: IncidentStatistics;

  async start(): Promise<void> {
    await this.tasks.start();
  }

  private async event(
    trx: Transaction<Database>,
    incidentId: string,
    ctx: RequestContext | null,
    unit: string | null,
    kind: string,
    text: string | null,
    data?: Record<string, unknown>,
  ): Promise<void> {
    await appendIncidentEvent(trx, { incidentId, at: this.p.now(), ctx, unit, kind, text, ...(data ? { data } : {}) });
  }

  async get(id: string): Promise<IncidentRow> {
    const r = await store.getIncident(this.p.db, id);
    if (!r) throw notFound('Incident', id);
    return r;
  }

  /**
   * An incident as the caller may see it: inside their districts, and one of their departments is
   * involved (reported it, received its alerts, or has tasks in it); city-wide roles see all. Any
   * other caller gets the same 404 as for an unknown id. A district government also reads every
   * incident in its district (`Principal.view`); to act on one (`act`) its department must be
   * involved, or it gets a 403 read-only. A null principal is the system.
   */
  async getFor(id: string, principal: Principal | null, how: 'read' | 'act' = 'read'): Promise<IncidentRow> {
    const r = await this.get(id);
    if (!principal) return r;
    if (!(await this.visibleTo(principal.view, r))) throw hiddenNotFound('Incident', id);
    if (how === 'act' && principal.view !== principal.scope && !(await this.visibleTo(principal.scope, r))) throw readOnly();
    return r;
  }

  private async visibleTo(scope: Scope, inc: IncidentRow): Promise<boolean> {
    if (!districtInScope(scope, inc.district_adcode)) return false;
    if (scope.departments === ALL) return true;
    return store.involvesAny(this.p.db, inc.id, scope.departments);
  }

  /** Records departments as involved in an incident (idempotent). */
  private async involve(trx: Transaction<Database>, incidentId: string, departments: Iterable<string | null | undefined>, at: number): Promise<void> {
    const depts = [...new Set([...departments].filter((d): d is string => !!d))];
    await store.involve(trx, incidentId, depts, at);
  }

  async create(input: CreateIncident, ctx: RequestContext): Promise<IncidentRow> {
    const sub = SUBKINDS[input.subkind];
    const errors: FieldError[] = [];
    if (!sub)
      errors.push({
        pointer: '/body/subkind',
        detail: { zh: '请选择事件类型', en: `unknown incident type; known: ${Object.keys(SUBKINDS).join(', ')}` },
      });
    if (!input.title?.trim()) errors.push({ pointer: '/body/title', detail: { zh: '请填写事件标题', en: 'A title is required' } });
    if (input.district) {
      const d = await getDistrict(this.p.db, input.district);
      if (!d) errors.push({ pointer: '/body/district', detail: { zh: `没有区县 ${input.district}`, en: `unknown district ${input.district}` } });
    }
    // A place outside the city's districts is a typing slip unless the reporter says it lies outside.
    if (input.location && !input.outsideCity && !this.p.profile.districtAt(input.location.lon, input.location.lat)) {
      const city = this.p.profile.name;
      errors.push({
        pointer: '/body/location',
        detail: {
          zh: `位置（${input.location.lon}, ${input.location.lat}）不在${city.zh}范围内；如确在市外，请勾选“发生在市外”`,
          en: `The location (${input.location.lon}, ${input.location.lat}) is outside ${city.en}; if it truly is, mark it as outside the city`,
        },
      });
    }
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', join(errors.map((e) => e.detail)), { errors });
    const now = this.p.now();
    const district = input.district ?? (input.location ? (this.p.profile.districtAt(input.location.lon, input.location.lat) ?? null) : null);
    const row: IncidentRow = {
      id: newId('inc'),
      title: input.title.trim().slice(0, 500),
      kind: sub!.kind,
      subkind: input.subkind,
      description: input.description ?? null,
      severity: input.severity,
      status: 'open',
      level: null,
      plan_id: null,
      plan_version: null,
      drill: input.drill ? 1 : 0,
      source: input.source,
      district_adcode: district,
      lon: input.location?.lon ?? null,
      lat: input.location?.lat ?? null,
      created_by: ctx.principal?.id ?? null,
      created_at: now,
      updated_at: now,
      activated_at: null,
      ended_at: null,
      end_reason: null,
      lessons: null,
      rev: 1,
    };
    const alertUnits: string[] = [];
    for (const alertId of input.alertIds ?? []) alertUnits.push(...((await this.alerts?.recipientsOf(alertId)) ?? []));
    await transaction(this.p.db, async (trx) => {
      await store.insertIncident(trx, row, input.alertIds ?? [], now);
      // Who may see it: the reporter's department and the departments its alerts were routed to.
      await this.involve(trx, row.id, [ctx.principal?.department, ...alertUnits], now);
      await this.event(trx, row.id, ctx, null, 'reported', `${input.drill ? '[演练 drill] ' : ''}${row.title}`, {
        source: input.source,
        severity: input.severity,
        ...(input.alertIds?.length ? { alerts: input.alertIds } : {}),
      });
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'incident.created',
        targetType: 'incident',
        targetId: row.id,
        details: { subkind: input.subkind, drill: !!input.drill },
        at: now,
      });
    });
    await this.announce(row, 'created');
    return row;
  }

  /** One click from an alert: the incident takes the alert's place, district, level and subject. */
  async fromAlert(alertId: string, ctx: RequestContext, drill = false): Promise<IncidentRow> {
    // Making an incident of an alert acts on it: a district government reading another
    // department's alert reports the incident itself instead.
    const a = await this.alertFor(alertId, ctx.principal, 'act');
    const linked = await this.openIncidentOf(alertId, drill);
    if (linked) throw new AppError('WD_ERR_CONFLICT', `Alert ${alertId} is already part of incident ${linked.id}`, { incidentId: linked.id });
    const subkind = subkindOfRule(a.rule_id);
    if (!subkind)
      throw new AppError('WD_ERR_VALIDATION', `No incident kind is known for alerts of rule ${a.rule_id}; create the incident with its kind`, {
        errors: [{ pointer: '/body/subkind', detail: 'required for this alert' }],
      });
    return this.create(
      {
        title: a.title_zh,
        subkind,
        severity: a.level as ResponseLevel,
        district: a.district_adcode,
        location: a.lon !== null && a.lat !== null ? { lon: a.lon, lat: a.lat } : null,
        source: 'alert',
        drill,
        // No description: the title is the alert's, and the board shows the linked alert itself.
        alertIds: [alertId],
      },
      ctx,
    );
  }

  /** The plan and level the system proposes: an active plan for the subkind, at the assessed severity. */
  async propose(id: string, principal: Principal | null): Promise<{ plan: Plan | null; level: ResponseLevel; alternatives: string[] }> {
    const inc = await this.getFor(id, principal);
    return this.proposeFor(inc.subkind, (inc.level ?? inc.severity) as ResponseLevel);
  }

  /**
   * What an alert would become before anyone makes it an incident: its kind, the plan and level
   * the system proposes, and the open incident it is already part of, if any (the wall's one click).
   */
  async proposeForAlert(alertId: string, principal: Principal | null) {
    const a = await this.alertFor(alertId, principal);
    const subkind = subkindOfRule(a.rule_id) ?? null;
    const linked = await this.openIncidentOf(alertId, false);
    const p = subkind ? await this.proposeFor(subkind, a.level as ResponseLevel) : null;
    return {
      alertId,
      subkind,
      subkindLabel: subkind && SUBKINDS[subkind] ? { zh: SUBKINDS[subkind]!.zh, en: SUBKINDS[subkind]!.en } : null,
      planId: p?.plan?.id ?? null,
      planTitle: p?.plan?.title ?? null,
      level: p?.level ?? (a.level as ResponseLevel),
      alternatives: p?.alternatives ?? [],
      incidentId: linked?.id ?? null,
    };
  }

  /** An alert as the caller may see it (404 otherwise), through the warning module when it is wired. */
  private async alertFor(alertId: string, principal: Principal | null, how: 'read' | 'act' = 'read') {
    // Without the early-warning module there are no alerts.
    if (!this.alerts) throw notFound('Alert', alertId);
    return this.alerts.get(alertId, principal, how);
  }

  /** The open incident (real or drill) an alert is part of, if any: an alert belongs to at most one. */
  private openIncidentOf(alertId: string, drill: boolean): Promise<{ id: string } | undefined> {
    return store.openIncidentOfAlert(this.p.db, alertId, drill);
  }

  private async proposeFor(subkind: string, level: ResponseLevel): Promise<{ plan: Plan | null; level: ResponseLevel; alternatives: string[] }> {
    const plans = (await listPlans(this.p, { subkind, status: 'active' })).sort(
      (a, b) => (a.kind === 'special' ? 0 : 1) - (b.kind === 'special' ? 0 : 1) || a.id.localeCompare(b.id),
    );
    return { plan: plans[0] ?? null, level, alternatives: plans.slice(1).map((x) => x.id) };
  }

  /** The government department(s) of the incident's district, for `$district` units. */
  private async districtUnits(inc: IncidentRow): Promise<string[]> {
    if (!inc.district_adcode) return [];
    const rows = (await listDepartments(this.p.db))
      .filter((d) => d.district_adcode === inc.district_adcode)
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    return rows.map((r) => r.code);
  }

  private async resolveUnits(inc: IncidentRow, lp: LevelPlan): Promise<{ unit: string; tasks: LevelPlan['units'][number]['tasks'] }[]> {
    const out: { unit: string; tasks: LevelPlan['units'][number]['tasks'] }[] = [];
    for (const u of lp.units) {
      if (u.unit !== DISTRICT_UNIT) {
        out.push(u);
        continue;
      }
      const govs = await this.districtUnits(inc);
      if (govs.length === 0)
        throw new AppError('WD_ERR_VALIDATION', 'The plan gives tasks to the district government, but the incident has no district', {
          errors: [{ pointer: '/body/district', detail: 'set the incident’s district or location first' }],
        });
      for (const g of govs) out.push({ unit: g, tasks: u.tasks });
    }
    return out;
  }

  private async lockIncident(trx: Transaction<Database>, id: string, expectedRev: number | undefined): Promise<IncidentRow> {
    const inc = await store.getIncident(trx, id);
    if (!inc) throw notFound('Incident', id);
    if (expectedRev !== undefined && expectedRev !== inc.rev)
      throw new AppError('WD_ERR_VERSION_CONFLICT', `Incident is at revision ${inc.rev}, not ${expectedRev}; reload it`, {
        currentRev: inc.rev,
        incidentStatus: inc.status,
      });
    return inc;
  }

  private async bump(trx: Transaction<Database>, inc: IncidentRow, set: Partial<IncidentRow>): Promise<IncidentRow> {
    const now = this.p.now();
    if (!(await store.updateIncident(trx, inc.id, inc.rev, { ...set, updated_at: now })))
      throw new AppError('WD_ERR_VERSION_CONFLICT', 'The incident changed while you acted; reload it');
    return { ...inc, ...set, updated_at: now, rev: inc.rev + 1 };
  }

  /** One-click activation: the plan at a level; every unit's tasks dispatched in one transaction. */
  async activate(id: string, input: { planId: string; level: ResponseLevel; expectedRev?: number }, ctx: RequestContext): Promise<IncidentRow> {
    assertMayCommand(ctx.principal);
    const plan = await getPlan(this.p, input.planId);
    if (plan.status !== 'active') throw new AppError('WD_ERR_CONFLICT', `Plan ${plan.id} is retired`);
    const lp = levelPlan(plan, input.level);
    if (!lp)
      throw new AppError('WD_ERR_VALIDATION', `Plan ${plan.id} has no level ${input.level} or below`, {
        errors: [{ pointer: '/body/level', detail: `the plan has levels ${plan.levels.map((l) => l.level).join(', ')}` }],
      });
    const inc0 = await this.getFor(id, ctx.principal, 'act');
    if (inc0.status !== 'open')
      throw new AppError('WD_ERR_CONFLICT', `Incident is ${inc0.status}; activate only an open incident`, { incidentStatus: inc0.status });
    const units = await this.resolveUnits(inc0, lp);
    const dispatched: EmTaskTable[] = [];
    const start = await this.workflow.prepare(TASK_WORKFLOW);
    const inc = await transaction(this.p.db, async (trx) => {
      const cur = await this.lockIncident(trx, id, input.expectedRev);
      if (cur.status !== 'open') throw new AppError('WD_ERR_CONFLICT', `Incident is ${cur.status}`, { incidentStatus: cur.status });
      const now = this.p.now();
      const next = await this.bump(trx, cur, { status: 'responding', level: input.level, plan_id: plan.id, plan_version: plan.version, activated_at: now });
      await this.event(trx, id, ctx, lp.lead, 'activated', `${plan.title.zh} · ${['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][input.level]}级响应`, {
        planId: plan.id,
        planTitle: plan.title,
        planVersion: plan.version,
        level: input.level,
        lead: lp.lead,
      });
      dispatched.push(
        ...(await this.tasks.dispatch(
          start,
          trx,
          next,
          input.level,
          units.flatMap((u) => u.tasks.map((t) => ({ unit: u.unit, t }))),
          ctx,
        )),
      );
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'incident.activated',
        targetType: 'incident',
        targetId: id,
        details: { plan: plan.id, version: plan.version, level: input.level, tasks: dispatched.length },
        at: now,
      });
      return next;
    });
    await this.tasks.afterDispatch(inc, dispatched);
    await this.announce(inc, 'activated');
    return inc;
  }

  /**
   * Raises or lowers the response: tasks the new level's plan gives that are not yet out are
   * dispatched; open tasks the new level no longer has are cancelled; the others carry on.
   */
  async changeLevel(id: string, input: { level: ResponseLevel; reason: string; expectedRev?: number }, ctx: RequestContext): Promise<IncidentRow> {
    assertMayCommand(ctx.principal);
    const inc0 = await this.getFor(id, ctx.principal, 'act');
    if (inc0.status !== 'responding' || !inc0.plan_id)
      throw new AppError('WD_ERR_CONFLICT', `Incident is ${inc0.status}; change the level of a response under way`);
    if (inc0.level === input.level) throw new AppError('WD_ERR_CONFLICT', `The response is already at level ${input.level}`);
    const plan = await getPlan(this.p, inc0.plan_id);
    const lp = levelPlan(plan, input.level);
    if (!lp)
      throw new AppError('WD_ERR_VALIDATION', `Plan ${plan.id} has no level ${input.level} or below`, {
        errors: [{ pointer: '/body/level', detail: 'no such level' }],
      });
    const units = await this.resolveUnits(inc0, lp);
    const open = await this.tasks.openTasks(id);
    const wanted = new Set(units.flatMap((u) => u.tasks.map((t) => `${u.unit}|${t.key}`)));
    const toCancel = open.filter((t) => !wanted.has(`${t.unit}|${t.task_key}`));
    const have = new Set(open.map((t) => `${t.unit}|${t.task_key}`));
    const dispatched: EmTaskTable[] = [];
    const start = await this.workflow.prepare(TASK_WORKFLOW);
    const inc = await transaction(this.p.db, async (trx) => {
      const cur = await this.lockIncident(trx, id, input.expectedRev);
      const next = await this.bump(trx, cur, { level: input.level });
      const up = input.level < (cur.level ?? 4);
      await this.event(trx, id, ctx, lp.lead, up ? 'level_raised' : 'level_lowered', `${['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][input.level]}级响应: ${input.reason}`, {
        from: cur.level,
        to: input.level,
        reason: input.reason,
      });
      const added = units.flatMap((u) => u.tasks.filter((t) => !have.has(`${u.unit}|${t.key}`)).map((t) => ({ unit: u.unit, t })));
      dispatched.push(...(await this.tasks.dispatch(start, trx, next, input.level, added, ctx)));
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'incident.level_changed',
        targetType: 'incident',
        targetId: id,
        details: { from: cur.level, to: input.level, reason: input.reason },
        at: this.p.now(),
      });
      return next;
    });
    const lv = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][input.level];
    for (const t of toCancel) await this.tasks.cancelTask(t, { zh: `${lv}级响应不含此任务`, en: `not part of the level ${lv} response` }, ctx);
    await this.tasks.afterDispatch(inc, dispatched);
    await this.announce(inc, 'level_changed');
    return inc;
  }

  /** Ends the response: open tasks are cancelled with the reason; the incident keeps its record. */
  async end(id: string, input: { reason: string; expectedRev?: number }, ctx: RequestContext): Promise<IncidentRow> {
    assertMayCommand(ctx.principal);
    await this.getFor(id, ctx.principal, 'act');
    if (!input.reason?.trim())
      throw new AppError('WD_ERR_VALIDATION', 'Say why the response ends', { errors: [{ pointer: '/body/reason', detail: 'required' }] });
    const inc = await transaction(this.p.db, async (trx) => {
      const cur = await this.lockIncident(trx, id, input.expectedRev);
      if (cur.status === 'ended') throw new AppError('WD_ERR_CONFLICT', 'The incident has ended');
      const now = this.p.now();
      const next = await this.bump(trx, cur, { status: 'ended', ended_at: now, end_reason: input.reason });
      await this.event(trx, id, ctx, null, 'ended', input.reason);
      await appendAudit(trx, { ...actorOf(ctx), action: 'incident.ended', targetType: 'incident', targetId: id, details: { reason: input.reason }, at: now });
      return next;
    });
    for (const t of await this.tasks.openTasks(id))
      await this.tasks.cancelTask(t, { zh: `响应已结束：${input.reason}`, en: `the response ended: ${input.reason}` }, ctx);
    await this.announce(inc, 'ended');
    return inc;
  }

  private async announce(inc: IncidentRow, action: string): Promise<void> {
    // Everyone involved (reporter, alert recipients, units with tasks): the live push reaches exactly those who may read it.
    const units = (await store.involvedUnits(this.p.db, inc.id)).sort();
    await this.p.bus.publish(
      'incident.changed',
      {
        id: inc.id,
        title: inc.title,
        subkind: inc.subkind,
        action,
        status: inc.status,
        level: inc.level,
        drill: inc.drill === 1,
        district: inc.district_adcode,
        units,
      },
      { key: inc.id },
    );
  }

  // ---- a unit's side (tasks.service.ts) ----

  task(taskId: string, principal: Principal | null = null) {
    return this.tasks.task(taskId, principal);
  }

  act(taskId: string, action: 'accept' | 'complete', input: { comment?: string; expectedRev?: number }, ctx: RequestContext): Promise<void> {
    return this.tasks.act(taskId, action, input, ctx);
  }

  report(taskId: string, input: Parameters<TaskService['report']>[1], ctx: RequestContext) {
    return this.tasks.report(taskId, input, ctx);
  }

  // ---- reading ----

  async list(q: { status?: string; drill?: boolean; activeAt?: number; limit: number }, scope: Scope): Promise<IncidentRow[]> {
    return store.listIncidents(this.p.db, scope, q);
  }

  /** Real incidents under way (drills never count in the city's figures), city-wide. */
  underWay(): Promise<{ id: string; district: string | null }[]> {
    return this.statistics.underWay();
  }

  /** Each incident's task progress, for the duty officer's list. */
  progress(ids: string[]): Promise<Map<string, TaskProgress>> {
    return this.statistics.progress(ids);
  }

  /** The figures the duty officer and the operations centre count (statistics.ts). */
  stats(q: { since: number; drill: boolean }, scope: Scope) {
    return this.statistics.stats(q, scope);
  }

  /** The messages sent about an incident's tasks (SMS, e-mail, webhook), addresses masked. */
  async messages(id: string) {
    return this.p.notifier.forSubject('incident', id);
  }

  /**
   * The tasks in hand for the caller's unit (their department), across incidents: what to accept
   * and what to report on, soonest deadline first, with the time left (a person's 我的待办).
   */
  async tasksInHand(principal: Principal | null) {
    if (!principal?.department) return [];
    const now = this.p.now();
    return (await store.unitOpenTasks(this.p.db, principal.department)).map((t) => ({
      id: t.id,
      incidentId: t.incident_id,
      incidentTitle: t.incident_title,
      drill: t.drill === 1,
      title: { zh: t.title_zh, en: t.title_en },
      state: t.state,
      rev: t.rev,
      level: t.level,
      acceptBy: t.accept_by,
      dueAt: t.due_at,
      deadlineAt: t.deadline_at,
      overdue: t.deadline_at !== null && t.deadline_at < now,
      msLeft: t.deadline_at === null ? null : t.deadline_at - now,
    }));
  }

  /** The situation of one incident: tasks by unit with their state, the timeline, linked alerts. */
  async board(id: string, principal: Principal | null) {
    const inc = await this.getFor(id, principal);
    const now = this.p.now();
    const tasks = await store.boardTasks(this.p.db, id);
    const events = await store.incidentEvents(this.p.db, id);
    const taskTitles = new Map(tasks.map((t) => [t.id, { zh: t.title_zh, en: t.title_en }]));
    const units = new Map((await listDepartments(this.p.db)).map((d) => [d.code, { zh: d.name_zh, en: d.name_en }]));
    const names: TimelineNames = { task: (tid) => taskTitles.get(tid), unit: (code) => units.get(code) };
    const alerts = (await store.alertsOfIncident(this.p.db, id)).map((alert_id) => ({ alert_id }));
    // A district government reads the incidents in its district; it decides only where it is involved.
    const readOnly = !!principal && principal.view !== principal.scope && !(await this.visibleTo(principal.scope, inc));
    return {
      incident: incidentView(inc),
      readOnly,
      tasks: tasks.map((t) => ({
        id: t.id,
        unit: t.unit,
        key: t.task_key,
        title: { zh: t.title_zh, en: t.title_en },
        level: t.level,
        state: t.state,
        rev: t.rev,
        acceptBy: t.accept_by,
        dueAt: t.due_at,
        overdue: t.deadline_at !== null && t.deadline_at < now && (t.state === 'dispatched' || t.state === 'accepted'),
        reportEveryMinutes: Math.round(t.report_every_ms / 60_000),
        lastReportAt: t.last_report_at,
      })),
      timeline: events.map((e) => {
        const data = json.parse<Record<string, unknown> | null>(e.data, null);
        const { lead, words } = timelineWords(e.kind, e.text, data, names);
        return {
          at: e.at,
          kind: e.kind,
          unit: e.unit,
          actor: e.actor_name,
          text: e.text,
          summary: timelineText(e.kind, e.text, data, names),
          lead,
          words,
          data,
        };
      }),
      alerts: alerts.map((a) => a.alert_id),
    };
  }
}
