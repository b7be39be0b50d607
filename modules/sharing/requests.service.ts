/**
 * Requests and approvals: a consumer department applies for a resource's items; the data
 * authority, the provider (and, in a dispute, the authority again) answer on the workflow kernel's
 * working-day deadlines; an approval says what the consumer's systems may read through the gateway,
 * until when, how fast and how much, and can be revoked.
 */
import type { Transaction } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, hiddenNotFound } from '../../platform/http/errors.js';
import { problemCount, type Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import type { WorkingCalendar } from '../../platform/calendar/calendar.js';
import type { Resource } from './catalogue.js';
import type { CatalogueService } from './catalogue.service.js';
import { RECORD_DATASETS } from './datasets.js';
import {
  ACTION_PARTY,
  type ApprovalScope,
  DEFAULT_QUOTA,
  DEFAULT_RATE,
  type Party,
  REQUEST_DEFINITION,
  REQUEST_WORKFLOW,
  type RequestInput,
  STATE_LABELS,
  TURN,
  checkRequestFields,
  citesLaw,
  isDate,
} from './requests.js';
import * as store from './requests.store.js';

const REQUEST: Text = { zh: '共享申请', en: 'Sharing request' };
const APPROVAL: Text = { zh: '共享授权', en: 'Approval' };

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    /** An approval stopped: every process's gateway drops what it cached of it. */
    'sharing.approval_revoked': { approvalId: string };
  }
}

export interface RequestView {
  id: string;
  resource: { code: string; version: number; name: Text };
  dataset: string | null;
  consumer: string;
  provider: string;
  systemName: string | null;
  items: string[];
  purpose: string;
  legalBasis: string;
  useScope: string;
  periodFrom: string;
  periodTo: string;
  ratePerMinute: number;
  quotaPerDay: number;
  state: string;
  open: boolean;
  deadlineAt: number | null;
  overdueAt: number | null;
  escalatedAt: number | null;
  turn: Party[];
  decision: Decision | null;
  approvalId: string | null;
  applicant: { id: string | null; name: string | null };
  createdAt: number;
  updatedAt: number;
  /** The caller's part in it, and what the caller may do now. */
  parties: Party[];
  actions: string[];
  rev: number;
}

export interface Decision {
  action: string;
  by: string | null;
  byName: string | null;
  department: string | null;
  comment: string | null;
  at: number;
}

export interface ApprovalView {
  id: string;
  requestId: string;
  consumer: string;
  provider: string;
  resource: string;
  dataset: string | null;
  items: string[];
  purpose: string;
  validFrom: number;
  validTo: number;
  ratePerMinute: number;
  quotaPerDay: number;
  status: 'active' | 'revoked' | 'expired';
  grantedAt: number;
  revokedAt: number | null;
  revokeReason: string | null;
}

export class RequestService {
  constructor(
    private readonly p: Platform,
    private readonly engine: WorkflowEngine,
    private readonly catalogue: CatalogueService,
  ) {}

  async start(): Promise<void> {
    await this.engine.register(REQUEST_DEFINITION);
    // Messages about requests go to the departments whose turn it is (their webhooks, SMS, e-mail).
    this.p.notifier.registerSubject('sharing_request', {
      text: (_m, payload) => {
        const name = String(payload.resource ?? '');
        const state = STATE_LABELS[String(payload.state)]?.zh ?? '';
        if (payload.event === 'reminder') return `【数据共享】共享申请「${name}」${state}即将到期，请及时办理`;
        return `【数据共享】共享申请「${name}」${state}已超过办理时限，请尽快办理`;
      },
    });
    // A step past its deadline, and its escalation, are kept on the request (the kernel's timers
    // are durable: a restart loses none), audited, and told to the party whose turn it is.
    for (const type of ['workflow.reminder_due', 'workflow.deadline_passed', 'workflow.escalated'] as const)
      await this.p.bus.subscribe(
        type,
        async (e) => {
          const d = e.data;
          if (d.definitionKey !== REQUEST_WORKFLOW || !d.subjectId) return;
          const r = await store.getRequest(this.p.db, d.subjectId);
          if (!r || r.state !== d.state) return;
          const now = this.p.now();
          const resource = await this.catalogue.get(r.resource_code, null).catch(() => null);
          const departments = [...new Set((TURN[r.state] ?? []).map((party) => this.departmentOf(party, r)))];
          const payload = { resource: resource?.name.zh ?? r.resource_code, state: r.state, deadlineAt: d.deadlineAt };
          await transaction(this.p.db, async (trx) => {
            if (type === 'workflow.reminder_due') {
              await this.p.notifier.queue(trx, {
                subject: 'sharing_request',
                subjectId: r.id,
                level: 4,
                role: null,
                event: 'reminder',
                messages: departments.map((department) => ({ department, payload: { ...payload, event: 'reminder' } })),
              });
              return;
            }
            const set =
              type === 'workflow.escalated'
                ? { escalated_at: r.escalated_at ?? now }
                : { overdue_at: r.overdue_at ?? now, late_steps: Number(r.late_steps ?? 0) + 1 };
            await store.updateRequest(trx, r.id, set);
            await appendAudit(trx, {
              at: now,
              action: type === 'workflow.escalated' ? 'sharing.request_escalated' : 'sharing.request_overdue',
              targetType: 'sharing_request',
              targetId: r.id,
              details: { state: r.state, turn: TURN[r.state] ?? [], deadlineAt: d.deadlineAt },
            });
            // Escalations reach the roles the stage names (the leader, then the duty officer) in those departments.
            if (type === 'workflow.escalated' && 'notify' in d)
              for (const role of d.notify)
                await this.p.notifier.queue(trx, {
                  subject: 'sharing_request',
                  subjectId: r.id,
                  level: 3,
                  role,
                  event: 'escalated',
                  messages: departments.map((department) => ({ department, payload: { ...payload, event: 'escalated' } })),
                });
          });
        },
        { group: `sharing-requests-${type}` },
      );
  }

  /** The department acting as a party in a request. */
  private departmentOf(party: Party, r: { consumer: string; provider: string }): string {
    return party === 'consumer' ? r.consumer : party === 'provider' ? r.provider : this.catalogue.authority;
  }

  /** The caller's parts in a request: applicant's department, data authority, provider (an administrator is all three). */
  partiesOf(principal: Principal, r: { consumer: string; provider: string }): Party[] {
    if (principal.scope.departments === ALL) return ['consumer', 'authority', 'provider'];
    const out: Party[] = [];
    const d = principal.department;
    if (d === r.consumer) out.push('consumer');
    if (d === this.catalogue.authority) out.push('authority');
    if (d === r.provider) out.push('provider');
    return out;
  }

  /** Applies for a resource's items. An unconditional resource is granted at once, and recorded all the same. */
  async apply(input: RequestInput, ctx: RequestContext): Promise<RequestView> {
    const principal = ctx.principal!;
    if (!principal.department && principal.scope.departments !== ALL)
      throw new AppError('WD_ERR_FORBIDDEN', { zh: '共享申请以部门名义提出', en: 'Requests are made by a department' });
    const consumer = principal.department ?? this.catalogue.authority;
    const resource = await this.catalogue.get(input.resource, principal);
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    const errors = checkRequestFields(input, cal.localDate(now));
    if (resource.status !== 'published')
      errors.push({ pointer: '/body/resource', detail: { zh: '只能申请已发布的资源', en: 'only published resources can be requested' } });
    if (resource.provider === consumer)
      errors.push({ pointer: '/body/resource', detail: { zh: '本部门的资源无需申请', en: 'a department does not request its own resource' } });
    const byKey = new Map(resource.items.map((i) => [i.key, i]));
    const notShared: string[] = [];
    for (const [i, key] of input.items.entries()) {
      const item = byKey.get(key);
      if (!item) errors.push({ pointer: `/body/items/${i}`, detail: { zh: `资源没有信息项 ${key}`, en: `the resource has no item ${key}` } });
      else if (item.sharing === 'none') notShared.push(key);
    }
    // 不予共享: only on a cited law or policy (the digest's rule); conditional data on a stated basis.
    if ((resource.sharingType === 'none' || notShared.length > 0) && !citesLaw(input.legalBasis))
      errors.push({
        pointer: '/body/legalBasis',
        detail: {
          zh: `「${resource.name.zh}」${notShared.length && resource.sharingType !== 'none' ? `的信息项 ${notShared.join('、')} ` : ''}不予共享，申请须引用法律法规依据（《…》或第…条）`,
          en: `${resource.name.en}${notShared.length && resource.sharingType !== 'none' ? ` (items ${notShared.join(', ')})` : ''} is not shared: a request must cite its legal basis (a law by title in 《》, or an article)`,
        },
      });
    const unconditional = resource.sharingType === 'unconditional' || input.items.every((k) => byKey.get(k)?.sharing === 'unconditional');
    if (!unconditional && !input.legalBasis?.trim())
      errors.push({ pointer: '/body/legalBasis', detail: { zh: '有条件共享的数据须写明申请依据', en: 'conditional data needs a stated basis' } });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', problemCount(errors.length, '共享申请', 'request'), { errors });

    const row: store.RequestRow = {
      id: newId('shr'),
      resource_code: resource.code,
      resource_version: resource.version,
      dataset: resource.dataset ?? null,
      consumer,
      provider: resource.provider,
      system_name: input.systemName?.trim() || null,
      items: JSON.stringify(input.items),
      purpose: input.purpose.trim(),
      legal_basis: input.legalBasis?.trim() ?? '',
      use_scope: input.useScope.trim(),
      period_from: input.periodFrom,
      period_to: input.periodTo,
      rate_per_minute: input.ratePerMinute ?? DEFAULT_RATE,
      quota_per_day: input.quotaPerDay ?? DEFAULT_QUOTA,
      state: REQUEST_DEFINITION.initial,
      workflow_id: null,
      approval_id: null,
      decision: null,
      overdue_at: null,
      escalated_at: null,
      late_steps: 0,
      applicant_id: principal.id,
      applicant_name: principal.displayName ?? principal.name,
      created_at: now,
      updated_at: now,
    };
    const startMany = await this.engine.prepare(REQUEST_WORKFLOW);
    await transaction(this.p.db, async (trx) => {
      const [inst] = await startMany(
        [{ subjectType: 'sharing_request', subjectId: row.id, department: consumer, data: { resource: resource.code }, comment: row.purpose }],
        { principal, ip: ctx.ip, requestId: ctx.requestId },
        trx,
      );
      row.workflow_id = inst!.id;
      await store.insertRequest(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'sharing.request_created',
        targetType: 'sharing_request',
        targetId: row.id,
        details: { resource: resource.code, provider: resource.provider, items: input.items, purpose: row.purpose, legalBasis: row.legal_basis },
      });
    });
    if (unconditional) {
      await this.engine.fire(
        row.workflow_id!,
        'grant_unconditional',
        { principal: null },
        {
          comment: '无条件共享 / unconditional',
          also: async (trx, next) => {
            await this.grant(trx, row, resource, {}, null, 'grant_unconditional', now, next.state, cal);
          },
        },
      );
    }
    return this.get(row.id, principal);
  }

  /**
   * Fires an action on a request as the party whose turn it is. `scope` narrows an approval.
   * The provider's deadline is 5 working days when the data is already served here, else 10.
   */
  async act(id: string, action: string, input: { comment?: string; rev?: number; scope?: ApprovalScope }, ctx: RequestContext): Promise<RequestView> {
    const principal = ctx.principal!;
    const r = await this.visible(id, principal);
    const parties = this.partiesOf(principal, r);
    const allowed = ACTION_PARTY[action];
    if (!allowed)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: `没有操作 ${action}`, en: `no action ${action}` },
        {
          errors: [
            { pointer: '/body/action', detail: { zh: `可选：${Object.keys(ACTION_PARTY).join('、')}`, en: `one of ${Object.keys(ACTION_PARTY).join(', ')}` } },
          ],
        },
      );
    if (!allowed.some((p) => parties.includes(p)) || !principal.permissions.has('sharing.manage'))
      throw new AppError('WD_ERR_FORBIDDEN', {
        zh: `此操作由${allowed.map((p) => PARTY_NAMES[p].zh).join('或')}办理`,
        en: `This action is for the ${allowed.map((p) => PARTY_NAMES[p].en).join(' or ')}`,
      });
    const resource = await this.catalogue.get(r.resource_code, null);
    const now = this.p.now();
    const cal = await this.p.calendar.get();
    const data: Record<string, unknown> = {};
    if (action === 'pass_compliance') {
      // Data already served by the gateway: 5 working days; otherwise it must first be published: 10.
      const served = r.dataset !== null && r.dataset in RECORD_DATASETS;
      data._dueAt = { provider_review: cal.deadlineInWorkingDays(now, served ? 5 : 10) };
    }
    const grants = action === 'approve' || action === 'decide_approve';
    if (grants && input.scope) this.checkScope(r, input.scope);
    const inst = await this.engine.get(r.workflow_id!, null);
    await this.engine.fire(
      r.workflow_id!,
      action,
      { principal, ip: ctx.ip, requestId: ctx.requestId },
      {
        ...(input.comment !== undefined ? { comment: input.comment } : {}),
        ...(input.rev !== undefined ? { expectedRev: input.rev } : { expectedRev: inst.rev }),
        data,
        partyChecked: true,
        also: async (trx, next) => {
          const decision: Decision = {
            action,
            by: principal.id,
            byName: principal.displayName ?? principal.name,
            department: principal.department,
            comment: input.comment?.trim() || null,
            at: now,
          };
          await store.updateRequest(trx, r.id, {
            state: next.state,
            decision: JSON.stringify(decision),
            overdue_at: null,
            escalated_at: null,
            updated_at: now,
          });
          await appendAudit(trx, {
            ...actorOf(ctx),
            at: now,
            action: 'sharing.request_answered',
            targetType: 'sharing_request',
            targetId: r.id,
            details: { step: action, from: r.state, to: next.state, comment: decision.comment },
          });
          if (grants) await this.grant(trx, r, resource, input.scope ?? {}, ctx, action, now, next.state, cal);
        },
      },
    );
    return this.get(r.id, principal);
  }

  private checkScope(r: store.RequestRow, s: ApprovalScope): void {
    const asked = json.parse<string[]>(r.items, []);
    const errors: { pointer: string; detail: Text }[] = [];
    for (const [i, k] of (s.items ?? []).entries())
      if (!asked.includes(k)) errors.push({ pointer: `/body/scope/items/${i}`, detail: { zh: `申请中没有信息项 ${k}`, en: `${k} was not asked for` } });
    if (s.items && s.items.length === 0)
      errors.push({ pointer: '/body/scope/items', detail: { zh: '至少同意一个信息项，或选择不同意', en: 'approve at least one item, or refuse' } });
    if (s.periodTo !== undefined && (!isDate(s.periodTo) || s.periodTo > r.period_to || s.periodTo < r.period_from))
      errors.push({
        pointer: '/body/scope/periodTo',
        detail: { zh: `期限须在 ${r.period_from} 至 ${r.period_to} 之间`, en: `the end lies within ${r.period_from} – ${r.period_to}` },
      });
    if (s.ratePerMinute !== undefined && !(Number.isInteger(s.ratePerMinute) && s.ratePerMinute >= 1 && s.ratePerMinute <= r.rate_per_minute))
      errors.push({ pointer: '/body/scope/ratePerMinute', detail: { zh: `每分钟 1 至 ${r.rate_per_minute} 次`, en: `1 to ${r.rate_per_minute} a minute` } });
    if (s.quotaPerDay !== undefined && !(Number.isInteger(s.quotaPerDay) && s.quotaPerDay >= 1 && s.quotaPerDay <= r.quota_per_day))
      errors.push({ pointer: '/body/scope/quotaPerDay', detail: { zh: `每日 1 至 ${r.quota_per_day} 次`, en: `1 to ${r.quota_per_day} a day` } });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', problemCount(errors.length, '授权范围', 'approval scope'), { errors });
  }

  /** The approval a request ends in: the items in clear, the period (to the end of its last day, city time), the rate and quota. */
  private async grant(
    trx: Transaction<Database>,
    r: store.RequestRow,
    resource: Resource,
    s: ApprovalScope,
    ctx: RequestContext | null,
    step: string,
    now: number,
    state: string,
    cal: WorkingCalendar,
  ): Promise<void> {
    const periodTo = s.periodTo ?? r.period_to;
    const row: store.ApprovalRow = {
      id: newId('sha'),
      request_id: r.id,
      consumer: r.consumer,
      provider: r.provider,
      resource_code: resource.code,
      dataset: resource.dataset ?? null,
      items: JSON.stringify(s.items ?? json.parse<string[]>(r.items, [])),
      purpose: r.purpose,
      valid_from: cal.instantOf(r.period_from, 0),
      valid_to: cal.instantOf(periodTo, 24 * 60),
      rate_per_minute: s.ratePerMinute ?? r.rate_per_minute,
      quota_per_day: s.quotaPerDay ?? r.quota_per_day,
      status: 'active',
      granted_by: ctx?.principal?.id ?? null,
      granted_at: now,
      revoked_by: null,
      revoked_at: null,
      revoke_reason: null,
    };
    await store.insertApproval(trx, row);
    await store.updateRequest(trx, r.id, { state, approval_id: row.id, updated_at: now });
    await appendAudit(trx, {
      ...(ctx ? actorOf(ctx) : {}),
      at: now,
      action: 'sharing.approval_granted',
      targetType: 'sharing_approval',
      targetId: row.id,
      details: {
        request: r.id,
        step,
        consumer: r.consumer,
        resource: resource.code,
        items: json.parse<string[]>(row.items, []),
        validTo: row.valid_to,
        ratePerMinute: row.rate_per_minute,
        quotaPerDay: row.quota_per_day,
      },
    });
  }

  /** Revokes an approval (its provider or the data authority), with a reason: the gateway refuses it from now on. */
  async revoke(id: string, reason: string, ctx: RequestContext): Promise<ApprovalView> {
    const principal = ctx.principal!;
    const a = await store.getApproval(this.p.db, id);
    if (!a) throw hiddenNotFound(APPROVAL, id);
    const parties = this.partiesOf(principal, a);
    if (parties.length === 0) throw hiddenNotFound(APPROVAL, id);
    if (!(parties.includes('provider') || parties.includes('authority')) || !principal.permissions.has('sharing.manage'))
      throw new AppError('WD_ERR_FORBIDDEN', { zh: '授权由提供方或数据主管部门撤销', en: 'An approval is revoked by its provider or the data authority' });
    if (!reason.trim())
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '请写明撤销理由', en: 'Give a reason' },
        { errors: [{ pointer: '/body/reason', detail: { zh: '必填', en: 'required' } }] },
      );
    if (a.status === 'revoked') throw new AppError('WD_ERR_CONFLICT', { zh: '授权已撤销', en: 'The approval is already revoked' });
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      await store.updateApproval(trx, id, { status: 'revoked', revoked_at: now, revoked_by: principal.id, revoke_reason: reason.trim() });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'sharing.approval_revoked',
        targetType: 'sharing_approval',
        targetId: id,
        details: { consumer: a.consumer, resource: a.resource_code, reason: reason.trim() },
      });
    });
    await this.p.bus.publish('sharing.approval_revoked', { approvalId: id }, { key: id });
    return approvalView((await store.getApproval(this.p.db, id))!, now);
  }

  private async visible(id: string, principal: Principal): Promise<store.RequestRow> {
    const r = await store.getRequest(this.p.db, id);
    if (!r || this.partiesOf(principal, r).length === 0) throw hiddenNotFound(REQUEST, id);
    return r;
  }

  async get(id: string, principal: Principal): Promise<RequestView> {
    const r = await this.visible(id, principal);
    return this.view(r, principal);
  }

  /** The approval a request ended in, if any. */
  async approvalOf(r: RequestView): Promise<ApprovalView | null> {
    if (!r.approvalId) return null;
    const a = await store.getApproval(this.p.db, r.approvalId);
    return a ? approvalView(a, this.p.now()) : null;
  }

  async timeline(id: string, principal: Principal) {
    const r = await this.visible(id, principal);
    return (await this.engine.timeline(r.workflow_id!)).map((s) => ({
      seq: s.seq,
      at: Number(s.at),
      action: s.action,
      from: s.from_state,
      to: s.to_state,
      actor: { id: s.actor_id, name: s.actor_name },
      comment: s.comment,
    }));
  }

  /**
   * Requests by box: `outbox` what the caller's department asked, `inbox` what waits for it (as
   * provider or data authority), `all` everything it is a party to.
   */
  async list(q: { box: 'inbox' | 'outbox' | 'all' | 'todo'; state?: string; open?: boolean; limit: number; offset: number }, principal: Principal) {
    const all = principal.scope.departments === ALL;
    const dept = principal.department;
    const authority = all || dept === this.catalogue.authority;
    if (q.box === 'todo') {
      // Open requests where it is the caller's department's turn (as consumer, provider or data authority).
      const rows = await store.listRequests(this.p.db, { box: 'all', department: all ? null : dept, authority, open: true, limit: 1000, offset: 0 });
      const mine = rows.items.filter((r) => (TURN[r.state] ?? []).some((party) => this.partiesOf(principal, r).includes(party)));
      const page = mine.slice(q.offset, q.offset + q.limit);
      return { items: await Promise.all(page.map((r) => this.view(r, principal))), total: mine.length };
    }
    const rows = await store.listRequests(this.p.db, {
      box: q.box,
      department: all ? null : dept,
      authority,
      state: q.state,
      open: q.open,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: await Promise.all(rows.items.map((r) => this.view(r, principal))), total: rows.total };
  }

  async approvals(q: { role: 'consumer' | 'provider' | 'all'; limit: number; offset: number }, principal: Principal) {
    const all = principal.scope.departments === ALL || principal.department === this.catalogue.authority;
    const rows = await store.listApprovals(this.p.db, { ...q, department: all && q.role === 'all' ? null : (principal.department ?? '') });
    const now = this.p.now();
    return { items: rows.items.map((a) => approvalView(a, now)), total: rows.total };
  }

  private async view(r: store.RequestRow, principal: Principal): Promise<RequestView> {
    const inst = r.workflow_id ? await this.engine.get(r.workflow_id, null) : null;
    const parties = this.partiesOf(principal, r);
    const open = inst ? inst.closed_at === null : false;
    const actions =
      open && inst && principal.permissions.has('sharing.manage')
        ? Object.entries(REQUEST_DEFINITION.transitions)
            .filter(([name, t]) => t.from.includes(inst.state) && (ACTION_PARTY[name] ?? []).some((p) => parties.includes(p)))
            .map(([name]) => name)
        : [];
    const resource = await this.catalogue.get(r.resource_code, null).catch(() => null);
    return {
      id: r.id,
      resource: { code: r.resource_code, version: r.resource_version, name: resource?.name ?? { zh: r.resource_code, en: r.resource_code } },
      dataset: r.dataset,
      consumer: r.consumer,
      provider: r.provider,
      systemName: r.system_name,
      items: json.parse<string[]>(r.items, []),
      purpose: r.purpose,
      legalBasis: r.legal_basis,
      useScope: r.use_scope,
      periodFrom: r.period_from,
      periodTo: r.period_to,
      ratePerMinute: r.rate_per_minute,
      quotaPerDay: r.quota_per_day,
      state: r.state,
      open,
      deadlineAt: inst?.deadline_at === null || !inst ? null : Number(inst.deadline_at),
      overdueAt: r.overdue_at === null ? null : Number(r.overdue_at),
      escalatedAt: r.escalated_at === null ? null : Number(r.escalated_at),
      turn: open ? (TURN[r.state] ?? []) : [],
      decision: json.parse<Decision | null>(r.decision, null),
      approvalId: r.approval_id,
      applicant: { id: r.applicant_id, name: r.applicant_name },
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      parties,
      actions,
      rev: inst?.rev ?? 0,
    };
  }
}

export const PARTY_NAMES: Record<Party, Text> = {
  consumer: { zh: '申请部门', en: 'requesting department' },
  authority: { zh: '数据主管部门', en: 'data authority' },
  provider: { zh: '提供部门', en: 'provider' },
};

export function approvalView(a: store.ApprovalRow, now: number): ApprovalView {
  const status = a.status === 'revoked' ? 'revoked' : Number(a.valid_to) <= now ? 'expired' : 'active';
  return {
    id: a.id,
    requestId: a.request_id,
    consumer: a.consumer,
    provider: a.provider,
    resource: a.resource_code,
    dataset: a.dataset,
    items: json.parse<string[]>(a.items, []),
    purpose: a.purpose,
    validFrom: Number(a.valid_from),
    validTo: Number(a.valid_to),
    ratePerMinute: a.rate_per_minute,
    quotaPerDay: a.quota_per_day,
    status,
    grantedAt: Number(a.granted_at),
    revokedAt: a.revoked_at === null ? null : Number(a.revoked_at),
    revokeReason: a.revoke_reason,
  };
}
