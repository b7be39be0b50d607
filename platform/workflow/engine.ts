/**
 * The one workflow kernel. Instances, their timeline and their timers are rows, so a restart
 * loses nothing: due timers are claimed with a lease (safe with several processes) and fired
 * by whichever process claims them.
 */
import { type Job, every } from '../jobs.js';
import type { Transaction } from 'kysely';
import { type Principal, assertInScope, assertVisible, whereInScope, type Scope } from '../auth/scope.js';
import type { Outbox } from '../bus/outbox.js';
import { type WorkingCalendar, deadlineFrom } from '../calendar/calendar.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import { AppError, notFound } from '../http/errors.js';
import { newId } from '../ids.js';
import { type Db, json, transaction } from '../storage/db.js';
import { dialectOf } from '../storage/migrate.js';
import type { Database } from '../storage/schema.js';
import type { Selectable } from 'kysely';
import type { WorkflowInstanceTable, WorkflowStepTable } from '../storage/schema.js';
import { type WorkflowDefinition, validateDefinition } from './definition.js';
import { claimDue } from '../storage/claims.js';

export interface WorkflowEventBase {
  instanceId: string;
  definitionKey: string;
  subjectType: string | null;
  subjectId: string | null;
  department: string | null;
  district: string | null;
  state: string;
}

declare module '../bus/bus.js' {
  interface EventMap {
    'workflow.started': WorkflowEventBase;
    'workflow.transitioned': WorkflowEventBase & { transition: string; from: string; actorId: string | null };
    'workflow.reminder_due': WorkflowEventBase & { deadlineAt: number };
    'workflow.deadline_passed': WorkflowEventBase & { deadlineAt: number };
    'workflow.escalated': WorkflowEventBase & { stage: number; notify: string[]; deadlineAt: number };
  }
}

export type InstanceRow = Selectable<WorkflowInstanceTable>;
export type StepRow = Selectable<WorkflowStepTable>;

export interface Attachment {
  name: string;
  url: string;
  size?: number;
  contentType?: string;
}

export interface Actor {
  principal: Principal | null; // null = the system (timers)
  ip?: string | null;
  requestId?: string | null;
}

export interface StartInput {
  subjectType?: string;
  subjectId?: string;
  department?: string | null;
  district?: string | null;
  data?: Record<string, unknown>;
  comment?: string;
}

export interface FireInput {
  comment?: string;
  attachments?: Attachment[];
  /** The revision the caller saw; a mismatch is a 409 so no update is lost. */
  expectedRev?: number;
  data?: Record<string, unknown>;
  /**
   * The caller's own records of the transition (a module's timeline, its audit), written in the
   * transition's transaction so both or neither are kept. Must use `trx` only.
   */
  also?: (trx: Transaction<Database>, next: InstanceRow) => Promise<void>;
  /**
   * The caller has checked that the actor is a party to this instance: for work between several
   * departments (a data-sharing request passes from the consumer to the data authority and the
   * provider), where the instance's own department is only one of them. Roles are still checked.
   */
  partyChecked?: boolean;
}

type Conn = Db | Transaction<Database>;

export class WorkflowEngine {
  private readonly defs = new Map<string, WorkflowDefinition>(); // key@version
  private readonly latest = new Map<string, number>();
  private timer: Job | undefined;
  private readonly postgres: boolean;

  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly calendar: CalendarService,
    private readonly now: () => number = Date.now,
    private readonly lease = 60_000,
  ) {
    this.postgres = dialectOf(db) === 'postgres';
  }

  /** Registers a definition; stored so instances keep the version they started with. */
  async register(def: WorkflowDefinition): Promise<void> {
    const errors = validateDefinition(def);
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', `Workflow ${def.key} v${def.version}: ${errors.join('; ')}`);
    const existing = await this.db
      .selectFrom('workflow_definitions')
      .select('definition')
      .where('key', '=', def.key)
      .where('version', '=', def.version)
      .executeTakeFirst();
    const text = JSON.stringify(def);
    if (existing && existing.definition !== text) {
      throw new AppError('WD_ERR_CONFLICT', `Workflow ${def.key} v${def.version} is already stored with different content; raise the version`);
    }
    if (!existing)
      await this.db.insertInto('workflow_definitions').values({ key: def.key, version: def.version, definition: text, created_at: this.now() }).execute();
    this.defs.set(`${def.key}@${def.version}`, def);
    if ((this.latest.get(def.key) ?? 0) < def.version) this.latest.set(def.key, def.version);
  }

  definitions(): WorkflowDefinition[] {
    return [...this.latest.entries()].map(([k, v]) => this.defs.get(`${k}@${v}`)!);
  }

  async definition(key: string, version?: number): Promise<WorkflowDefinition> {
    const v = version ?? this.latest.get(key);
    if (v !== undefined) {
      const hit = this.defs.get(`${key}@${v}`);
      if (hit) return hit;
    }
    let q = this.db.selectFrom('workflow_definitions').select('definition').where('key', '=', key);
    q = v !== undefined ? q.where('version', '=', v) : q.orderBy('version', 'desc');
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('Workflow', version ? `${key} v${version}` : key);
    const def = json.parse<WorkflowDefinition>(row.definition, undefined as never);
    this.defs.set(`${def.key}@${def.version}`, def);
    return def;
  }

  async start(key: string, input: StartInput, actor: Actor, conn: Conn = this.db): Promise<InstanceRow> {
    const def = await this.definition(key);
    const cal = await this.calendar.get();
    const [row] = await this.startMany(def, cal, [input], actor, conn);
    return row!;
  }

  /**
   * Starts instances inside a caller's transaction: the definition and the calendar are read
   * now, before it opens (on SQLite the transaction holds the only connection, so reading them
   * inside would wait forever). Each call starts a batch in four statements, whatever its size.
   */
  async prepare(key: string): Promise<(inputs: StartInput[], actor: Actor, trx: Transaction<Database>) => Promise<InstanceRow[]>> {
    const def = await this.definition(key);
    const cal = await this.calendar.get();
    return (inputs, actor, trx) => this.startMany(def, cal, inputs, actor, trx);
  }

  private async startMany(def: WorkflowDefinition, cal: WorkingCalendar, inputs: StartInput[], actor: Actor, conn: Conn): Promise<InstanceRow[]> {
    if (inputs.length === 0) return [];
    const now = this.now();
    const rows: InstanceRow[] = inputs.map((input) => {
      if (actor.principal) assertInScope(actor.principal, { department: input.department ?? null, district: input.district ?? null });
      const row: InstanceRow = {
        id: newId('wfi'),
        definition_key: def.key,
        definition_version: def.version,
        state: def.initial,
        subject_type: input.subjectType ?? null,
        subject_id: input.subjectId ?? null,
        department_code: input.department ?? null,
        district_adcode: input.district ?? null,
        data: JSON.stringify(input.data ?? {}),
        created_by: actor.principal?.id ?? null,
        created_at: now,
        updated_at: now,
        state_entered_at: now,
        deadline_at: null,
        rev: 1,
        closed_at: null,
      };
      row.deadline_at = this.deadlineFor(cal, def, row, now);
      return row;
    });
    await transaction(conn, async (trx) => {
      await trx.insertInto('workflow_instances').values(rows).execute();
      const timers = rows.flatMap((row) => this.timersFor(cal, def, row));
      if (timers.length) await trx.insertInto('workflow_timers').values(timers).execute();
      await trx
        .insertInto('workflow_steps')
        .values(rows.map((row, i) => this.stepRow(row.id, 1, now, actor, 'created', null, def.initial, inputs[i]!.comment ?? null, [])))
        .execute();
      await this.outbox.addMany(
        trx,
        rows.map((row) => ({ type: 'workflow.started' as const, data: this.eventBase(row), opts: { key: row.id } })),
      );
    });
    // Inside a caller's transaction the event goes out with the relay once that commits.
    if (!conn.isTransaction) await this.outbox.flush();
    return rows;
  }

  /** Transitions the caller may fire now. */
  async available(instance: InstanceRow, principal: Principal): Promise<string[]> {
    const def = await this.definition(instance.definition_key, instance.definition_version);
    return Object.entries(def.transitions)
      .filter(([, t]) => t.from.includes(instance.state) && t.roles.some((r) => r !== 'system' && principal.roles.includes(r)))
      .map(([name]) => name);
  }

  async fire(instanceId: string, transitionName: string, actor: Actor, input: FireInput = {}): Promise<InstanceRow> {
    const head = await this.db
      .selectFrom('workflow_instances')
      .select(['definition_key', 'definition_version'])
      .where('id', '=', instanceId)
      .executeTakeFirst();
    if (!head) throw notFound('Workflow instance', instanceId);
    const def = await this.definition(head.definition_key, head.definition_version);
    const cal = await this.calendar.get();
    const result = await transaction(this.db, async (trx) => {
      const inst = await trx.selectFrom('workflow_instances').selectAll().where('id', '=', instanceId).executeTakeFirstOrThrow();
      if (actor.principal && !input.partyChecked) assertInScope(actor.principal, { department: inst.department_code, district: inst.district_adcode });
      const t = def.transitions[transitionName];
      if (!t)
        throw new AppError('WD_ERR_VALIDATION', `No transition ${transitionName} in ${def.key}`, {
          errors: [{ pointer: '/body/transition', detail: `unknown transition; known: ${Object.keys(def.transitions).join(', ')}` }],
        });
      if (input.expectedRev !== undefined && input.expectedRev !== inst.rev) {
        throw new AppError('WD_ERR_VERSION_CONFLICT', `Instance is at revision ${inst.rev}, not ${input.expectedRev}; reload and retry`, {
          currentRev: inst.rev,
          state: inst.state,
        });
      }
      if (!t.from.includes(inst.state))
        throw new AppError('WD_ERR_CONFLICT', `Transition ${transitionName} is not allowed from state ${inst.state}`, { state: inst.state });
      const allowed = actor.principal ? t.roles.some((r) => r !== 'system' && actor.principal!.roles.includes(r)) : t.roles.includes('system');
      if (!allowed) throw new AppError('WD_ERR_FORBIDDEN', `Your role may not fire ${transitionName}`);
      if (t.requireComment && !input.comment?.trim())
        throw new AppError('WD_ERR_VALIDATION', `${transitionName} needs a comment`, {
          errors: [{ pointer: '/body/comment', detail: 'required for this transition' }],
        });

      const now = this.now();
      const next: InstanceRow = {
        ...inst,
        state: t.to,
        updated_at: now,
        state_entered_at: now,
        rev: inst.rev + 1,
        closed_at: def.states[t.to]!.final ? now : null,
        data: input.data ? JSON.stringify({ ...json.parse<Record<string, unknown>>(inst.data, {}), ...input.data }) : inst.data,
      };
      next.deadline_at = this.deadlineFor(cal, def, next, now);
      // Compare-and-set on rev: two concurrent transitions cannot both win.
      const upd = await trx
        .updateTable('workflow_instances')
        .set({
          state: next.state,
          updated_at: now,
          state_entered_at: now,
          rev: next.rev,
          closed_at: next.closed_at,
          deadline_at: next.deadline_at,
          data: next.data,
        })
        .where('id', '=', inst.id)
        .where('rev', '=', inst.rev)
        .executeTakeFirst();
      if (Number(upd.numUpdatedRows) !== 1) throw new AppError('WD_ERR_VERSION_CONFLICT', 'Instance changed while you acted; reload and retry');
      await trx.updateTable('workflow_timers').set({ done_at: now }).where('instance_id', '=', inst.id).where('done_at', 'is', null).execute();
      await this.scheduleTimers(trx, cal, def, next);
      const seq = await this.nextSeq(trx, inst.id);
      await this.addStep(trx, inst.id, seq, now, actor, transitionName, inst.state, t.to, input.comment ?? null, input.attachments ?? []);
      await this.outbox.add(
        trx,
        'workflow.transitioned',
        { ...this.eventBase(next), transition: transitionName, from: inst.state, actorId: actor.principal?.id ?? null },
        { key: instanceId },
      );
      await input.also?.(trx, next);
      return next;
    });
    await this.outbox.flush();
    return result;
  }

  async get(instanceId: string, principal: Principal | null): Promise<InstanceRow> {
    const inst = await this.db.selectFrom('workflow_instances').selectAll().where('id', '=', instanceId).executeTakeFirst();
    if (!inst) throw notFound('Workflow instance', instanceId);
    if (principal) assertVisible(principal, { department: inst.department_code, district: inst.district_adcode }, 'Workflow instance', instanceId);
    return inst;
  }

  timeline(instanceId: string): Promise<StepRow[]> {
    return this.db.selectFrom('workflow_steps').selectAll().where('instance_id', '=', instanceId).orderBy('seq').execute();
  }

  list(scope: Scope, q: { key?: string; state?: string; open?: boolean; limit: number; offset: number }): Promise<InstanceRow[]> {
    let sel = whereInScope(this.db.selectFrom('workflow_instances').selectAll(), scope, { department: 'department_code', district: 'district_adcode' });
    if (q.key) sel = sel.where('definition_key', '=', q.key);
    if (q.state) sel = sel.where('state', '=', q.state);
    if (q.open !== undefined) sel = q.open ? sel.where('closed_at', 'is', null) : sel.where('closed_at', 'is not', null);
    return sel.orderBy('created_at', 'desc').limit(q.limit).offset(q.offset).execute();
  }

  pendingTimers(instanceId: string) {
    return this.db.selectFrom('workflow_timers').selectAll().where('instance_id', '=', instanceId).where('done_at', 'is', null).orderBy('due_at').execute();
  }

  // ---- timers ----

  /**
   * A state's deadline: the instance's own (`data._dueAt[state]`, an absolute time, for work whose
   * deadlines are set per instance, such as an emergency task from its plan's template), else
   * the definition's, counted from entering the state.
   */
  private deadlineFor(cal: WorkingCalendar, def: WorkflowDefinition, inst: InstanceRow, now: number): number | null {
    const s = def.states[inst.state]!;
    if (!s.deadline) return null;
    const own = json.parse<{ _dueAt?: Record<string, number> }>(inst.data, {})._dueAt?.[inst.state];
    if (typeof own === 'number' && Number.isFinite(own)) return own;
    return deadlineFrom(cal, now, s.deadline);
  }

  private timersFor(cal: WorkingCalendar, def: WorkflowDefinition, inst: InstanceRow) {
    const s = def.states[inst.state]!;
    if (inst.deadline_at === null) return [];
    const timers: { kind: string; due_at: number }[] = [{ kind: 'deadline', due_at: inst.deadline_at }];
    if (s.remindBeforeHours) {
      const at = inst.deadline_at - s.remindBeforeHours * 3_600_000;
      if (at > inst.state_entered_at) timers.push({ kind: 'reminder', due_at: at });
    }
    (s.escalation ?? []).forEach((e, i) => {
      timers.push({ kind: `escalation:${i}`, due_at: e.after ? deadlineFrom(cal, inst.deadline_at!, e.after) : inst.deadline_at! });
    });
    return timers.map((t) => ({
      id: newId('wft'),
      instance_id: inst.id,
      kind: t.kind,
      state: inst.state,
      due_at: t.due_at,
      done_at: null,
      claimed_until: null,
      attempts: 0,
    }));
  }

  private async scheduleTimers(trx: Conn, cal: WorkingCalendar, def: WorkflowDefinition, inst: InstanceRow): Promise<void> {
    const timers = this.timersFor(cal, def, inst);
    if (timers.length) await trx.insertInto('workflow_timers').values(timers).execute();
  }

  /** Fires every due timer; returns how many were handled. Safe to call from several processes. */
  async runDueTimers(limit = 100): Promise<number> {
    const now = this.now();
    // Claimed with a lease: another process's claim is skipped, a crashed one's lapses.
    const due = await claimDue<{ id: string }>(this.db, {
      table: 'workflow_timers',
      key: 'id',
      dueColumn: 'due_at',
      now,
      leaseMs: this.lease,
      limit,
      pending: (eb) => eb('done_at', 'is', null),
      alsoSet: (eb) => ({ attempts: eb('attempts', '+', 1) }),
    });
    let handled = 0;
    for (const { id } of due) {
      await this.fireTimer(id);
      handled++;
    }
    return handled;
  }

  private async fireTimer(timerId: string): Promise<void> {
    const timer = await this.db.selectFrom('workflow_timers').selectAll().where('id', '=', timerId).executeTakeFirstOrThrow();
    const head = await this.db
      .selectFrom('workflow_instances')
      .select(['definition_key', 'definition_version'])
      .where('id', '=', timer.instance_id)
      .executeTakeFirstOrThrow();
    const def = await this.definition(head.definition_key, head.definition_version);
    const now = this.now();
    let overdueTransition: string | undefined;
    await transaction(this.db, async (trx) => {
      // Lock the instance so timers of one instance fired by two processes append steps in turn.
      let q = trx.selectFrom('workflow_instances').selectAll().where('id', '=', timer.instance_id);
      if (this.postgres) q = q.forUpdate();
      const inst = await q.executeTakeFirstOrThrow();
      const stale = inst.state !== timer.state || inst.closed_at !== null;
      if (!stale) {
        const s = def.states[inst.state]!;
        const base = this.eventBase(inst);
        const deadlineAt = inst.deadline_at ?? timer.due_at;
        const seq = await this.nextSeq(trx, inst.id);
        const system: Actor = { principal: null };
        const evtId = `${timer.id}-evt`;
        if (timer.kind === 'reminder') {
          await this.addStep(trx, inst.id, seq, now, system, 'deadline.reminded', inst.state, inst.state, null, []);
          await this.outbox.add(trx, 'workflow.reminder_due', { ...base, deadlineAt }, { key: inst.id, id: evtId });
        } else if (timer.kind === 'deadline') {
          await this.addStep(trx, inst.id, seq, now, system, 'deadline.passed', inst.state, inst.state, null, []);
          await this.outbox.add(trx, 'workflow.deadline_passed', { ...base, deadlineAt }, { key: inst.id, id: evtId });
          overdueTransition = s.onOverdue?.transition;
        } else if (timer.kind.startsWith('escalation:')) {
          const stage = Number(timer.kind.slice('escalation:'.length));
          const notify = s.escalation?.[stage]?.notify ?? [];
          await this.addStep(trx, inst.id, seq, now, system, 'deadline.escalated', inst.state, inst.state, `notify ${notify.join(', ')}`, []);
          await this.outbox.add(trx, 'workflow.escalated', { ...base, stage, notify, deadlineAt }, { key: inst.id, id: evtId });
        }
      }
      await trx.updateTable('workflow_timers').set({ done_at: now }).where('id', '=', timer.id).execute();
    });
    await this.outbox.flush();
    if (overdueTransition) {
      await this.fire(timer.instance_id, overdueTransition, { principal: null }, { comment: 'deadline passed' }).catch((err: unknown) => {
        // Someone acted in the meantime: the transition no longer applies.
        if (!(err instanceof AppError && (err.code === 'WD_ERR_CONFLICT' || err.code === 'WD_ERR_VERSION_CONFLICT'))) throw err;
      });
    }
  }

  /** Starts checking for due timers every intervalMs. */
  startScheduler(intervalMs: number, onError: (err: unknown) => void): void {
    if (this.timer) return;
    this.timer = every(intervalMs, 'workflow timers', () => this.runDueTimers(), { error: (o) => onError((o as { err: unknown }).err) });
  }

  async stopScheduler(): Promise<void> {
    await this.timer?.stop();
    this.timer = undefined;
  }

  // ---- helpers ----

  private eventBase(inst: InstanceRow): WorkflowEventBase {
    return {
      instanceId: inst.id,
      definitionKey: inst.definition_key,
      subjectType: inst.subject_type,
      subjectId: inst.subject_id,
      department: inst.department_code,
      district: inst.district_adcode,
      state: inst.state,
    };
  }

  private async nextSeq(trx: Conn, instanceId: string): Promise<number> {
    const r = await trx
      .selectFrom('workflow_steps')
      .select((eb) => eb.fn.max('seq').as('m'))
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    return Number(r?.m ?? 0) + 1;
  }

  private stepRow(
    instanceId: string,
    seq: number,
    at: number,
    actor: Actor,
    action: string,
    from: string | null,
    to: string | null,
    comment: string | null,
    attachments: Attachment[],
  ) {
    return {
      id: newId('wfs'),
      instance_id: instanceId,
      seq,
      at,
      actor_id: actor.principal?.id ?? null,
      actor_name: actor.principal?.name ?? 'system',
      action,
      from_state: from,
      to_state: to,
      comment,
      attachments: JSON.stringify(attachments),
    };
  }

  private async addStep(trx: Conn, ...step: Parameters<WorkflowEngine['stepRow']>): Promise<void> {
    await trx
      .insertInto('workflow_steps')
      .values(this.stepRow(...step))
      .execute();
  }
}
