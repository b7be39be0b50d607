/**
 * Alerts: raised by the rule engine, acted on by people. One open alert per rule and subject
 * (a unique `open_key`, so no process can raise a second); level raised or lowered as the
 * conditions change; flapping held open; maintenance windows silence; every step on the
 * alert's timeline with who and why. Routing follows the responsibility matrix.
 */
import { listDepartments, listPlanTasks } from '../identity/index.js';
import type { Transaction } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, type Scope, districtInScope, inScope, readOnly } from '../../platform/auth/scope.js';
import { AppError, notFound, hiddenNotFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { Selectable } from 'kysely';
import type { Platform, RequestContext } from '../../platform/context.js';
import type { Evidence } from './conditions.js';
import { insidePolygon } from './conditions.js';
import type { AlertEscalation } from './escalation.js';
import { LEVELS, type Level, type Rule } from './rules.js';

export type { AlertQuery, AlertRow, AlertStatus, Recipient } from './alert.model.js';
import type { AlertQuery, AlertRow, Recipient } from './alert.model.js';
import * as store from './alerts.store.js';

/** A re-raise within this long of the last automatic resolution reopens that alert. */
export const FLAP_WINDOW_MS = 15 * 60_000;
/** Reopened this many times, an alert is flapping: it is held open and not re-notified. */
export const FLAP_COUNT = 3;
/** A flapping alert resolves only after its condition stays clear this long. */
export const FLAP_HOLD_MS = 15 * 60_000;

export interface AlertSubject {
  kind: 'device' | 'group';
  /** Device id, or a group key (`district:420302`, `scope`). */
  id: string;
  part: number;
  deviceId: string | null;
  /** The department that owns the device (device subjects). */
  department: string | null;
  name: string;
  district: string | null;
  lon: number | null;
  lat: number | null;
  simulated: boolean;
}

export interface SeriesEvidence {
  attr: string;
  /** [time, value] pairs of the window that triggered. */
  points: [number, number][];
}

export interface AlertChange {
  rule: Rule;
  subject: AlertSubject;
  /** The level the conditions now call for; null when none holds. */
  level: Level | null;
  predicted: boolean;
  evidence: readonly Evidence[];
  series: SeriesEvidence[];
  /** Time of the reading (or clock tick) that caused the change. */
  at: number;
  /** Reconciling after a restart or handover: do not re-raise what a person closed since. */
  since?: number;
}

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'alert.raised': AlertEvent;
    'alert.updated': AlertEvent & { action: string };
  }
}

/** An alert as the public sees it. */
export interface PublicWarning {
  id: string;
  level: number;
  title: { zh: string; en: string };
  advice: { zh: string; en: string };
  district: string | null;
  raisedAt: number;
  predicted: boolean;
  simulated: boolean;
}

export interface AlertEvent {
  id: string;
  ruleId: string;
  subject: string;
  deviceId: string | null;
  level: number;
  status: string;
  predicted: boolean;
  title: { zh: string; en: string };
  department: string;
  task: string;
  district: string | null;
  recipients: string[];
  lon: number | null;
  lat: number | null;
  simulated: boolean;
  /** Time of the reading that triggered the change (publish-to-alert latency is at − observedAt). */
  observedAt: number | null;
  at: number;
}

export interface MaintenanceWindow {
  id: string;
  deviceId: string | null;
  district: string | null;
  polygon: [number, number][] | null;
  department: string;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: string | null;
}

interface Routing {
  at: number;
  tasks: Map<string, { lead: string[]; responsible: string[] }>;
  districtGov: Map<string, string[]>;
}

const ROUTING_TTL_MS = 30_000;

export class AlertService {
  private routingCache: Routing | undefined;
  private maintenance: { at: number; windows: MaintenanceWindow[] } | undefined;

  constructor(
    private readonly p: Platform,
    readonly escalation?: AlertEscalation,
  ) {}

  // ---- routing ----

  private async routing(): Promise<Routing> {
    const now = this.p.now();
    if (this.routingCache && now - this.routingCache.at < ROUTING_TTL_MS) return this.routingCache;
    const tasks = new Map<string, { lead: string[]; responsible: string[] }>();
    for (const t of await listPlanTasks(this.p.db))
      tasks.set(t.id, { lead: json.parse<string[]>(t.lead, []), responsible: json.parse<string[]>(t.responsible, []) });
    const districtGov = new Map<string, string[]>();
    for (const d of await listDepartments(this.p.db)) {
      if (d.district_adcode === null) continue;
      const list = districtGov.get(d.district_adcode!) ?? [];
      list.push(d.code);
      districtGov.set(d.district_adcode!, list);
    }
    this.routingCache = { at: now, tasks, districtGov };
    return this.routingCache;
  }

  /** Forgets cached routing (after the matrix or departments change). */
  invalidateRouting(): void {
    this.routingCache = undefined;
  }

  /**
   * Who receives an alert: the rule's owner, the lead units and the listed responsible units of
   * its plan task, the government of its district, and any departments the rule adds. Where a
   * task makes "all city departments" responsible, the alert goes to the lead units only: a
   * warning sent to thirty departments is a warning nobody owns.
   */
  async recipients(rule: Rule, district: string | null, deviceDepartment: string | null = null): Promise<Recipient[]> {
    const r = await this.routing();
    const out = new Map<string, Recipient['role']>();
    const add = (d: string, role: Recipient['role']) => {
      if (!out.has(d)) out.set(d, role);
    };
    add(rule.owner, 'owner');
    if (rule.routing === 'device') {
      if (deviceDepartment) add(deviceDepartment, 'responsible');
      for (const d of rule.notify ?? []) add(d, 'extra');
      return [...out].map(([department, role]) => ({ department, role }));
    }
    const task = r.tasks.get(rule.task);
    for (const d of task?.lead ?? []) add(d, 'lead');
    for (const d of task?.responsible ?? []) if (d !== 'ALL_CITY_DEPARTMENTS') add(d, 'responsible');
    if (district) for (const d of r.districtGov.get(district) ?? []) add(d, 'district');
    for (const d of rule.notify ?? []) add(d, 'extra');
    return [...out].map(([department, role]) => ({ department, role }));
  }

  // ---- maintenance ----

  private async windows(): Promise<MaintenanceWindow[]> {
    const now = this.p.now();
    if (this.maintenance && now - this.maintenance.at < 10_000) return this.maintenance.windows;
    const windows = (await store.windowsNotEndedBy(this.p.db, now)).map(toWindow);
    this.maintenance = { at: now, windows };
    return windows;
  }

  invalidateMaintenance(): void {
    this.maintenance = undefined;
  }

  /** The maintenance window silencing a subject at a time, if any. */
  async silencedBy(subject: Pick<AlertSubject, 'deviceId' | 'district' | 'lon' | 'lat'>, at: number): Promise<MaintenanceWindow | undefined> {
    for (const w of await this.windows()) {
      if (at < w.startsAt || at >= w.endsAt) continue;
      if (w.deviceId && w.deviceId !== subject.deviceId) continue;
      if (w.district && w.district !== subject.district) continue;
      if (w.polygon && !(subject.lon !== null && subject.lat !== null && insidePolygon(subject.lon, subject.lat, w.polygon))) continue;
      return w;
    }
    return undefined;
  }

  async addMaintenance(
    input: {
      deviceId?: string | null;
      district?: string | null;
      polygon?: [number, number][] | null;
      department: string;
      startsAt: number;
      endsAt: number;
      reason: string;
    },
    ctx: RequestContext,
  ): Promise<MaintenanceWindow> {
    const row = {
      id: newId('mnt', this.p.now()),
      device_id: input.deviceId ?? null,
      district_adcode: input.district ?? null,
      polygon: input.polygon ? JSON.stringify(input.polygon) : null,
      department_code: input.department,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      reason: input.reason,
      created_by: ctx.principal?.id ?? null,
      created_at: this.p.now(),
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertWindow(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'maintenance.created',
        targetType: 'maintenance_window',
        targetId: row.id,
        details: input,
        at: this.p.now(),
      });
    });
    this.invalidateMaintenance();
    await this.p.bus.publish('warning.maintenance_changed', { id: row.id });
    return toWindow(row);
  }

  async endMaintenance(id: string, ctx: RequestContext): Promise<void> {
    const now = this.p.now();
    const row = await store.getWindow(this.p.db, id);
    if (!row) throw notFound('Maintenance window', id);
    // A department ends its own windows; another's is not found.
    if (ctx.principal && !inScope(ctx.principal.scope, { department: row.department_code, district: null })) throw hiddenNotFound('Maintenance window', id);
    await transaction(this.p.db, async (trx) => {
      await store.endWindow(trx, id, Math.min(row.ends_at, now));
      await appendAudit(trx, { ...actorOf(ctx), action: 'maintenance.ended', targetType: 'maintenance_window', targetId: id, at: now });
    });
    this.invalidateMaintenance();
    await this.p.bus.publish('warning.maintenance_changed', { id });
  }

  /** Maintenance windows of the caller's departments (all for city-wide roles). */
  async listMaintenance(activeOnly: boolean, scope: Scope): Promise<MaintenanceWindow[]> {
    return (await store.listWindows(this.p.db, scope, activeOnly ? this.p.now() : undefined)).map(toWindow);
  }

  // ---- the engine's side ----

  /** Open alerts of a partition, by `rule|subject`. */
  async openIn(parts: number[]): Promise<Map<string, { id: string; level: Level }>> {
    const out = new Map<string, { id: string; level: Level }>();
    if (parts.length === 0) return out;
    for (const r of await store.openAlertsIn(this.p.db, parts)) out.set(r.open_key!, { id: r.id, level: r.level as Level });
    return out;
  }

  /**
   * Brings the subject's alert in line with the level its conditions call for. Returns what it
   * did: raised, reopened, relevelled, cleared (resolved or resolution scheduled), silenced
   * (a maintenance window), kept (a person closed it while the condition held) or none.
   */
  async apply(c: AlertChange): Promise<{ outcome: string; alert?: AlertRow }> {
    const key = `${c.rule.id}|${c.subject.id}`;
    const now = this.p.now();
    const recipients = c.level !== null ? await this.recipients(c.rule, c.subject.district, c.subject.department) : [];
    const silence = c.level !== null ? await this.silencedBy(c.subject, Math.max(now, c.at)) : undefined;
    const events: { type: 'alert.raised' | 'alert.updated'; row: AlertRow; action: string }[] = [];
    await this.escalation?.prepare();
    const result = await transaction(this.p.db, async (trx) => {
      const open = await store.openAlertByKey(trx, key);
      if (c.level === null) {
        if (!open) return { outcome: 'none' };
        const hold = Math.max((c.rule.clearAfterSeconds ?? 0) * 1000, open.flapping ? FLAP_HOLD_MS : 0);
        if (hold > 0) {
          if (open.clear_due === null) await store.updateAlert(trx, open.id, { clear_due: now + hold });
          return { outcome: 'clear_scheduled', alert: open };
        }
        const row = await this.resolveRow(trx, open, now, null, 'cleared', 'condition no longer holds', { evidence: c.evidence });
        await this.escalation?.onChange(trx, row, 'cleared', open.flapping === 1);
        events.push({ type: 'alert.updated', row, action: 'cleared' });
        return { outcome: 'cleared', alert: row };
      }
      if (open) {
        if (open.clear_due !== null) await store.updateAlert(trx, open.id, { clear_due: null });
        if (open.level === c.level && !!open.predicted === c.predicted) return { outcome: 'unchanged', alert: open };
        const raisedLevel = c.level < open.level;
        const status = raisedLevel && open.status === 'acknowledged' ? 'raised' : open.status;
        const evidence = mergeEvidence(open.evidence, c, now);
        await store.updateAlert(trx, open.id, {
          level: c.level,
          predicted: c.predicted ? 1 : 0,
          status,
          evidence,
          updated_at: now,
          clear_due: null,
          rev: open.rev + 1,
        });
        const action = c.level === open.level ? (c.predicted ? 'predicted' : 'confirmed') : raisedLevel ? 'level_raised' : 'level_lowered';
        await this.event(trx, open.id, now, null, action, c.level, describe(c), { from: open.level, to: c.level, evidence: c.evidence });
        const row = { ...open, level: c.level, predicted: c.predicted ? 1 : 0, status, evidence, updated_at: now, clear_due: null, rev: open.rev + 1 };
        await this.escalation?.onChange(trx, row, action, open.flapping === 1);
        events.push({ type: 'alert.updated', row, action });
        return { outcome: 'relevelled', alert: row };
      }
      if (silence) return { outcome: 'silenced' };
      const last = await store.lastAlertOf(trx, c.rule.id, c.subject.id);
      // A person closed it while the condition still held: keep it closed until the condition clears.
      if (last && c.since !== undefined && last.resolved_by !== null && (last.resolved_at ?? 0) >= c.since) return { outcome: 'kept', alert: last };
      if (last && last.resolved_by === null && last.status === 'resolved' && now - (last.resolved_at ?? 0) < FLAP_WINDOW_MS) {
        const reopen = last.reopen_count + 1;
        const flapping = reopen >= FLAP_COUNT ? 1 : 0;
        const evidence = mergeEvidence(last.evidence, c, now);
        const set = {
          status: 'raised',
          level: c.level,
          predicted: c.predicted ? 1 : 0,
          open_key: key,
          resolved_at: null,
          resolved_by: null,
          close_reason: null,
          acknowledged_at: null,
          acknowledged_by: null,
          reopen_count: reopen,
          flapping,
          clear_due: null,
          evidence,
          updated_at: now,
          rev: last.rev + 1,
        };
        if (await store.updateAlertAtRev(trx, last.id, last.rev, set)) {
          await this.event(trx, last.id, now, null, flapping && !last.flapping ? 'flapping' : 'reopened', c.level, describe(c), {
            reopenCount: reopen,
            evidence: c.evidence,
          });
          const row: AlertRow = { ...last, ...set };
          await this.escalation?.onChange(trx, row, 'reopened', last.flapping === 1 || flapping === 1);
          events.push({ type: 'alert.updated', row, action: 'reopened' });
          return { outcome: 'reopened', alert: row };
        }
      }
      const name = c.rule.name;
      const row: AlertRow = {
        id: newId('alr', now),
        rule_id: c.rule.id,
        rule_version: c.rule.version,
        subject: c.subject.id,
        subject_kind: c.subject.kind,
        device_id: c.subject.deviceId,
        part: c.subject.part,
        level: c.level,
        predicted: c.predicted ? 1 : 0,
        status: 'raised',
        title_zh: `${name.zh}：${c.subject.name}`.slice(0, 300),
        title_en: `${name.en}: ${c.subject.name}`.slice(0, 300),
        department_code: c.rule.owner,
        task: c.rule.task,
        district_adcode: c.subject.district,
        lon: c.subject.lon,
        lat: c.subject.lat,
        recipients: JSON.stringify(recipients),
        evidence: mergeEvidence(null, c, now),
        simulated: c.subject.simulated ? 1 : 0,
        raised_at: now,
        updated_at: now,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
        close_reason: null,
        open_key: key,
        reopen_count: 0,
        flapping: 0,
        clear_due: null,
        rev: 1,
      };
      // Another process raised it first: that alert stands.
      if (!(await store.insertOpenAlert(trx, row, recipients))) return { outcome: 'unchanged' };
      await this.event(trx, row.id, now, null, c.predicted ? 'predicted' : 'raised', c.level, describe(c), {
        evidence: c.evidence,
        recipients: recipients.map((r) => r.department),
      });
      await this.escalation?.onChange(trx, row, 'raised', false);
      events.push({ type: 'alert.raised', row, action: 'raised' });
      return { outcome: 'raised', alert: row };
    });
    if (events.length) await this.announce(events);
    return result;
  }

  /** Resolves the alerts whose hold after clearing has run out; returns how many. */
  async resolveDue(): Promise<number> {
    const now = this.p.now();
    const due = await store.dueToClear(this.p.db, now, 200);
    let n = 0;
    await this.escalation?.prepare();
    for (const a of due) {
      const row = await transaction(this.p.db, async (trx) => {
        const cur = await store.getAlert(trx, a.id);
        if (!cur || cur.open_key === null || cur.clear_due === null || cur.clear_due > now) return undefined;
        const row = await this.resolveRow(trx, cur, now, null, 'cleared', 'condition stayed clear', {});
        await this.escalation?.onChange(trx, row, 'cleared', cur.flapping === 1);
        return row;
      });
      if (row) {
        n++;
        await this.announce([{ type: 'alert.updated', row, action: 'cleared' }]);
      }
    }
    return n;
  }

  private async resolveRow(
    trx: Transaction<Database>,
    a: AlertRow,
    now: number,
    principal: Principal | null,
    action: string,
    comment: string | null,
    data: Record<string, unknown>,
    status: 'resolved' | 'closed' = 'resolved',
  ): Promise<AlertRow> {
    const set = {
      status,
      open_key: null,
      resolved_at: now,
      resolved_by: principal?.id ?? null,
      close_reason: status === 'closed' ? comment : null,
      clear_due: null,
      updated_at: now,
      rev: a.rev + 1,
    };
    await store.updateAlert(trx, a.id, set);
    await this.event(trx, a.id, now, principal, action, a.level, comment, data);
    return { ...a, ...set };
  }

  private async event(
    trx: Transaction<Database>,
    alertId: string,
    at: number,
    principal: Principal | null,
    action: string,
    level: number | null,
    comment: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    await store.insertAlertEvent(trx, {
      id: newId('ale', at),
      alert_id: alertId,
      at,
      actor_id: principal?.id ?? null,
      actor_name: principal ? (principal.displayName ?? principal.name) : 'system',
      action,
      level,
      comment,
      data: JSON.stringify(data),
    });
  }

  /** Announces an escalation on the live stream (in-app) and as an event for other modules. */
  async announceEscalation(a: AlertRow, stage: number, role: string, departments: string[]): Promise<void> {
    const data = toEvent(a, this.p.now());
    try {
      await this.p.bus.publish('alert.updated', { ...data, action: 'escalated', escalatedTo: role, stage } as never, { key: a.id, timeoutMs: 2000 });
      await this.p.bus.publish(
        'alert.escalated',
        { id: a.id, stage, role, departments, level: a.level, district: a.district_adcode },
        { key: a.id, timeoutMs: 2000 },
      );
    } catch (err) {
      this.p.log.warn({ err, alert: a.id }, 'escalation event not published');
    }
  }

  private async announce(events: { type: 'alert.raised' | 'alert.updated'; row: AlertRow; action: string }[]): Promise<void> {
    for (const e of events) {
      const data = toEvent(e.row, this.p.now());
      try {
        if (e.type === 'alert.raised') await this.p.bus.publish('alert.raised', data, { key: e.row.id, timeoutMs: 2000 });
        else await this.p.bus.publish('alert.updated', { ...data, action: e.action }, { key: e.row.id, timeoutMs: 2000 });
      } catch (err) {
        // The alert is stored; subscribers that missed the event find it by listing.
        this.p.log.warn({ err, alert: e.row.id }, 'alert event not published');
      }
    }
  }

  // ---- people's side ----

  /** Alerts in the caller's scope: those routed to a department they see, in a district they see. */
  async list(scope: Scope, q: AlertQuery): Promise<{ items: AlertRow[]; total: number }> {
    return store.listAlerts(this.p.db, scope, q);
  }

  /** Open alerts' departments and districts, city-wide: the operations figures, not a listing for a user. */
  openFigures(levels?: readonly number[]): Promise<{ department_code: string; district_adcode: string | null }[]> {
    return store.openFigures(this.p.db, levels);
  }

  /**
   * Open alerts whose rule tells the public (公众预警), of a district or every one: what residents
   * see in the super app. Level, title, advice, when; nothing of the device or the recipients.
   */
  async publicAlerts(district?: string | null, id?: string): Promise<PublicWarning[]> {
    const rows = await store.openWithRules(this.p.db, id);
    const out: PublicWarning[] = [];
    for (const r of rows) {
      const def = json.parse<{ public?: { advice: { zh: string; en: string } } }>(r.definition, {});
      if (!def.public) continue;
      if (district && r.district_adcode !== null && r.district_adcode !== district) continue;
      out.push({
        id: r.id,
        level: Number(r.level),
        title: { zh: r.title_zh, en: r.title_en },
        advice: def.public.advice,
        district: r.district_adcode,
        raisedAt: Number(r.raised_at),
        predicted: Number(r.predicted) === 1,
        simulated: Number(r.simulated) === 1,
      });
    }
    return out;
  }

  /** When the alerts acknowledged since `since` were raised and acknowledged (time-to-acknowledge figures). */
  acknowledgedSince(since: number, levels?: readonly number[]): Promise<{ raisedAt: number; acknowledgedAt: number }[]> {
    return store.acknowledgedSince(this.p.db, since, levels);
  }

  /**
   * One alert, if the caller may read it (404 as unknown otherwise); with `act`, also if it was
   * routed to the caller (403 read-only otherwise: a district government reads the rest).
   */
  async get(id: string, principal: Principal | null, how: 'read' | 'act' = 'read'): Promise<AlertRow> {
    const a = await store.getAlert(this.p.db, id);
    if (!a) throw notFound('Alert', id);
    if (principal && !this.visible(principal.view, a)) throw hiddenNotFound('Alert', id);
    if (principal && how === 'act' && !this.visible(principal.scope, a)) throw readOnly();
    return a;
  }

  /** The departments an alert was routed to. */
  async recipientsOf(id: string): Promise<string[]> {
    return store.recipientsOf(this.p.db, id);
  }

  visible(scope: Scope, a: AlertRow): boolean {
    if (!districtInScope(scope, a.district_adcode)) return false;
    if (scope.departments === ALL) return true;
    const depts = scope.departments;
    return json.parse<Recipient[]>(a.recipients, []).some((r) => depts.includes(r.department));
  }

  timeline(id: string) {
    return store.alertEvents(this.p.db, id);
  }

  /**
   * A person acts on an alert: acknowledge (确认), comment, resolve (处置完毕) or close with a
   * reason (e.g. a false alarm). `rev` is the revision the caller saw (409 if it moved on).
   */
  async act(
    id: string,
    action: 'acknowledge' | 'comment' | 'resolve' | 'close',
    ctx: RequestContext & { principal: Principal },
    input: { comment?: string; rev?: number },
  ): Promise<AlertRow> {
    const now = this.p.now();
    const principal = ctx.principal;
    const comment = input.comment?.trim() || null;
    if ((action === 'comment' || action === 'close') && !comment)
      throw new AppError('WD_ERR_VALIDATION', action === 'close' ? 'Closing an alert needs a reason' : 'A comment needs text', {
        errors: [{ pointer: '/body/comment', detail: 'required' }],
      });
    const events: { type: 'alert.updated'; row: AlertRow; action: string }[] = [];
    await this.escalation?.prepare();
    const row = await transaction(this.p.db, async (trx) => {
      const a = await store.getAlert(trx, id);
      if (!a) throw notFound('Alert', id);
      // A district government reads the alerts in its district; it acts on those routed to it.
      if (!this.visible(principal.view, a)) throw hiddenNotFound('Alert', id);
      if (!this.visible(principal.scope, a)) throw readOnly();
      if (input.rev !== undefined && input.rev !== a.rev)
        throw new AppError('WD_ERR_VERSION_CONFLICT', `Alert is at revision ${a.rev}, not ${input.rev}; reload and retry`, {
          currentRev: a.rev,
          alertStatus: a.status,
        });
      const open = a.status === 'raised' || a.status === 'acknowledged';
      let next: AlertRow;
      if (action === 'comment') {
        await store.updateAlertAtRev(trx, a.id, a.rev, { updated_at: now, rev: a.rev + 1 });
        await this.event(trx, a.id, now, principal, 'comment', null, comment, {});
        next = { ...a, updated_at: now, rev: a.rev + 1 };
      } else if (action === 'acknowledge') {
        if (a.status !== 'raised')
          throw new AppError('WD_ERR_CONFLICT', `Alert is ${a.status}; only a raised alert is acknowledged`, { alertStatus: a.status });
        const set = { status: 'acknowledged', acknowledged_at: now, acknowledged_by: principal.id, updated_at: now, rev: a.rev + 1 };
        if (!(await store.updateAlertAtRev(trx, a.id, a.rev, set)))
          throw new AppError('WD_ERR_VERSION_CONFLICT', 'Alert changed while you acted; reload and retry');
        await this.event(trx, a.id, now, principal, 'acknowledged', a.level, comment, {});
        next = { ...a, ...set };
        await this.escalation?.onChange(trx, next, 'acknowledged', false);
      } else {
        if (!open) throw new AppError('WD_ERR_CONFLICT', `Alert is already ${a.status}`, { alertStatus: a.status });
        next = await this.resolveRow(
          trx,
          a,
          now,
          principal,
          action === 'resolve' ? 'resolved' : 'closed',
          comment,
          {},
          action === 'resolve' ? 'resolved' : 'closed',
        );
      }
      await appendAudit(trx, { ...actorOf(ctx), action: `alert.${action}`, targetType: 'alert', targetId: a.id, details: comment ? { comment } : {}, at: now });
      events.push({ type: 'alert.updated', row: next, action });
      return next;
    });
    await this.announce(events);
    return row;
  }
}

function toWindow(r: Selectable<Database['maintenance_windows']>): MaintenanceWindow {
  return {
    id: r.id,
    deviceId: r.device_id,
    district: r.district_adcode,
    polygon: json.parse<[number, number][] | null>(r.polygon, null),
    department: r.department_code,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    reason: r.reason,
    createdBy: r.created_by,
  };
}

export function toEvent(a: AlertRow, at: number): AlertEvent {
  return {
    id: a.id,
    ruleId: a.rule_id,
    subject: a.subject,
    deviceId: a.device_id,
    level: a.level,
    status: a.status,
    predicted: a.predicted === 1,
    title: { zh: a.title_zh, en: a.title_en },
    department: a.department_code,
    task: a.task,
    district: a.district_adcode,
    recipients: json.parse<Recipient[]>(a.recipients, []).map((r) => r.department),
    lon: a.lon,
    lat: a.lat,
    simulated: a.simulated === 1,
    observedAt: json.parse<{ latest?: { at?: number } }>(a.evidence, {}).latest?.at ?? null,
    at,
  };
}

/** Evidence kept on the alert: the latest trigger, and the series window it was seen in. */
function mergeEvidence(previous: string | null, c: AlertChange, now: number): string {
  const prev = json.parse<{ history?: unknown[] }>(previous, {});
  const entry = { at: c.at, recordedAt: now, level: c.level, predicted: c.predicted, conditions: c.evidence };
  const history = [...((prev.history as unknown[]) ?? []), entry].slice(-20);
  return JSON.stringify({ latest: entry, series: c.series, history });
}

function describe(c: AlertChange): string {
  const parts = c.evidence.map((e) => {
    const v = e.value !== undefined ? `${e.attr}=${e.value}` : (e.attr ?? e.kind);
    const t = e.threshold !== undefined ? ` (threshold ${e.threshold})` : '';
    const p = e.expectedAt !== undefined ? `, expected ${new Date(e.expectedAt).toISOString()} at ${Math.round((e.confidence ?? 0) * 100)}%` : '';
    return `${e.kind}: ${v}${t}${p}${e.detail ? `; ${e.detail}` : ''}`;
  });
  const lvl = c.level ? LEVELS[c.level].en : 'cleared';
  return `${lvl}. ${parts.join(' · ')}`.slice(0, 2000);
}
