/**
 * The units' side of a response: tasks dispatched on activation (workflow `emergency.task`, with
 * deadlines to accept and to finish and escalation to the unit's leader and then the duty officer,
 * durable in the workflow kernel), accepted, reported on and completed by the unit, cancelled when
 * the level changes or the response ends; and the messages about them (subject kind `incident` of
 * the platform's notification service). The incident itself is reached through `IncidentAccess`,
 * which the incident service provides.
 */
import type { Transaction } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { type Principal, type Scope, inScope } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, hiddenNotFound, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import type { Text } from '../../platform/i18n/index.js';
import { transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import type { EmTaskTable } from './command.tables.js';
import { type IncidentRow, TASK_DEFINITION, TASK_WORKFLOW } from './incidents.model.js';
import * as store from './incidents.store.js';
import { appendIncidentEvent } from './incidents.store.js';
import type { LevelPlan, ResponseLevel } from './plans.js';

export type TaskStarter = Awaited<ReturnType<WorkflowEngine['prepare']>>;

/** What the task service needs of incidents (the incident service provides it). */
export interface IncidentAccess {
  get(id: string): Promise<IncidentRow>;
  visibleTo(scope: Scope, inc: IncidentRow): Promise<boolean>;
  /** An entry on the incident's timeline, in the caller's transaction. */
  event(
    trx: Transaction<Database>,
    incidentId: string,
    ctx: RequestContext | null,
    unit: string | null,
    kind: string,
    text: string | null,
    data?: Record<string, unknown>,
  ): Promise<void>;
  /** Tells everyone involved that the incident changed (bus and live push). */
  announce(inc: IncidentRow, action: string): Promise<void>;
  /** Records departments as involved in an incident (idempotent). */
  involve(trx: Transaction<Database>, incidentId: string, departments: Iterable<string | null | undefined>, at: number): Promise<void>;
}

/** The city's wall-clock time of day for a message (HH:MM at the profile's UTC offset). */
function clock(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(11, 16);
}

export class TaskService {
  constructor(
    private readonly p: Platform,
    private readonly workflow: WorkflowEngine,
    private readonly incidents: IncidentAccess,
  ) {}

  async start(): Promise<void> {
    await this.workflow.register(TASK_DEFINITION);
    // Photos with progress reports belong to the incident: whoever may see it may see them.
    this.p.files.registerSubject('incident', async (principal, incidentId) => {
      const inc = await this.incidents.get(incidentId).catch(() => null);
      return !!inc && (await this.incidents.visibleTo(principal.view, inc));
    });
    // The platform's notification service carries task messages (webhook, SMS, e-mail); drills never go out.
    this.p.notifier.registerSubject('incident', {
      text: (_m, payload) => {
        const inc = payload.incident as { title: string; level: number };
        const task = payload.task as { title: { zh: string }; acceptBy: number; dueAt: number; state?: string };
        const off = this.p.profile.utcOffsetMinutes;
        const head = `【${this.p.profile.signatures.command}】${['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][inc.level] ?? ''}级响应 ${inc.title}`;
        if (payload.event === 'task_escalated') return `${head}：督办，任务「${task.title.zh}」超时未${task.state === 'dispatched' ? '接收' : '完成'}`;
        return `${head}：任务「${task.title.zh}」，请于 ${clock(task.acceptBy, off)} 前接收，${clock(task.dueAt, off)} 前完成`;
      },
      failed: (m, attempts, error) =>
        transaction(this.p.db, (trx) =>
          appendIncidentEvent(trx, {
            incidentId: m.subject_id,
            at: this.p.now(),
            ctx: null,
            unit: m.department_code,
            kind: 'notify_failed',
            text: `${m.channel} to ${m.department_code} failed after ${attempts} attempts: ${error}`.slice(0, 2000),
            data: { notification: m.id },
          }),
        ),
    });
    // Overdue tasks on the incident's timeline (the kernel's escalation, durable across restarts).
    await this.p.bus.subscribe(
      'workflow.escalated',
      async (e) => {
        const d = e.data;
        if (d.definitionKey !== TASK_WORKFLOW || !d.subjectId) return;
        const task = await store.getTaskRow(this.p.db, d.instanceId);
        if (!task) return;
        const inc = await this.incidents.get(task.incident_id);
        await transaction(this.p.db, async (trx) => {
          // Messages to the unit's endpoints kept for the roles escalated to (its leader, the duty officer).
          if (inc.drill !== 1)
            for (const role of d.notify)
              await this.p.notifier.queue(trx, {
                subject: 'incident',
                subjectId: inc.id,
                level: inc.level ?? inc.severity,
                role,
                event: 'task_escalated',
                messages: [{ department: task.unit, payload: taskMessage(inc, task, d.state) }],
              });
          await this.incidents.event(
            trx,
            task.incident_id,
            null,
            task.unit,
            'task_escalated',
            `${task.title_zh}：超时未${d.state === 'accepted' ? '完成' : '接收'}`,
            {
              taskId: task.id,
              state: d.state,
              stage: d.stage,
              notify: d.notify,
              deadlineAt: d.deadlineAt,
            },
          );
        });
        await this.incidents.announce(await this.incidents.get(task.incident_id), 'task_escalated');
      },
      { group: 'command-task-escalations' },
    );
  }

  /**
   * Dispatches units' tasks: a workflow instance each with the template's deadlines, the task rows
   * and their timeline entries, a few statements for the whole batch.
   */
  async dispatch(
    start: TaskStarter,
    trx: Transaction<Database>,
    inc: IncidentRow,
    level: ResponseLevel,
    items: { unit: string; t: LevelPlan['units'][number]['tasks'][number] }[],
    ctx: RequestContext,
  ): Promise<EmTaskTable[]> {
    if (items.length === 0) return [];
    const now = this.p.now();
    const due = items.map(({ t }) => ({ acceptBy: now + t.acceptMinutes * 60_000, dueAt: now + t.deadlineMinutes * 60_000 }));
    const instances = await start(
      items.map(({ unit, t }, i) => ({
        subjectType: 'incident',
        subjectId: inc.id,
        department: unit,
        district: inc.district_adcode,
        data: { key: t.key, title: t.title, drill: inc.drill === 1, _dueAt: { dispatched: due[i]!.acceptBy, accepted: due[i]!.dueAt } },
        comment: t.title.zh,
      })),
      { principal: null, ip: ctx.ip, requestId: ctx.requestId },
      trx,
    );
    const tasks: EmTaskTable[] = items.map(({ unit, t }, i) => ({
      id: instances[i]!.id,
      incident_id: inc.id,
      unit,
      task_key: t.key,
      title_zh: t.title.zh,
      title_en: t.title.en,
      level,
      accept_by: due[i]!.acceptBy,
      due_at: due[i]!.dueAt,
      report_every_ms: t.reportEveryMinutes * 60_000,
      last_report_at: null,
      created_at: now,
    }));
    await store.insertTasks(trx, tasks);
    await this.incidents.involve(
      trx,
      inc.id,
      tasks.map((t) => t.unit),
      now,
    );
    await store.insertIncidentEvents(
      trx,
      tasks.map((task) => ({
        id: newId('iev'),
        incident_id: inc.id,
        at: now,
        actor_id: ctx.principal?.id ?? null,
        actor_name: ctx.principal?.displayName ?? ctx.principal?.name ?? null,
        unit: task.unit,
        kind: 'task_dispatched',
        text: task.title_zh,
        data: JSON.stringify({ taskId: task.id, key: task.task_key, acceptBy: task.accept_by, dueAt: task.due_at }),
      })),
    );
    // Each unit's endpoints (SMS to its duty phone, e-mail, its system's webhook) get its tasks; drills stay in-app.
    if (inc.drill !== 1)
      await this.p.notifier.queue(trx, {
        subject: 'incident',
        subjectId: inc.id,
        level,
        role: null,
        event: 'task_dispatched',
        messages: tasks.map((task) => ({ department: task.unit, payload: taskMessage({ ...inc, level }, task) })),
      });
    return tasks;
  }

  async openTasks(incidentId: string): Promise<(EmTaskTable & { state: string })[]> {
    return (await store.openTasks(this.p.db, incidentId)) as (EmTaskTable & { state: string })[];
  }

  async cancelTask(t: EmTaskTable, reason: Text, ctx: RequestContext): Promise<void> {
    try {
      await this.workflow.fire(
        t.id,
        'cancel',
        { principal: null, ip: ctx.ip, requestId: ctx.requestId },
        {
          comment: reason.zh,
          also: (trx) => this.incidents.event(trx, t.incident_id, ctx, t.unit, 'task_cancelled', `${t.title_zh}：${reason.zh}`, { taskId: t.id, reason }),
        },
      );
    } catch (err) {
      // Completed meanwhile: nothing to cancel.
      if (!(err instanceof AppError && (err.code === 'WD_ERR_CONFLICT' || err.code === 'WD_ERR_VERSION_CONFLICT'))) throw err;
    }
  }

  async afterDispatch(inc: IncidentRow, tasks: EmTaskTable[]): Promise<void> {
    await Promise.all(
      tasks.map((t) =>
        this.p.bus.publish(
          'incident.task_dispatched',
          {
            incidentId: inc.id,
            taskId: t.id,
            unit: t.unit,
            title: t.title_zh,
            acceptBy: t.accept_by,
            dueAt: t.due_at,
            drill: inc.drill === 1,
            district: inc.district_adcode,
          },
          { key: t.id },
        ),
      ),
    );
  }

  // ---- a unit's side ----

  /** A task, if the caller may see its incident (the same 404 as an unknown id otherwise). */
  async task(taskId: string, principal: Principal | null = null): Promise<EmTaskTable & { state: string; rev: number }> {
    const t = await store.taskWithState(this.p.db, taskId);
    if (!t) throw notFound('Task', taskId);
    if (principal) {
      const inc = await this.incidents.get(t.incident_id);
      if (!(await this.incidents.visibleTo(principal.view, inc))) throw hiddenNotFound('Task', taskId);
    }
    return t as EmTaskTable & { state: string; rev: number };
  }

  /** Accept or complete: the unit's own people (the workflow kernel checks role and scope). */
  async act(taskId: string, action: 'accept' | 'complete', input: { comment?: string; expectedRev?: number }, ctx: RequestContext): Promise<void> {
    const t = await this.task(taskId, ctx.principal);
    const inc = await this.incidents.get(t.incident_id);
    if (inc.status === 'ended') throw new AppError('WD_ERR_CONFLICT', 'The response has ended');
    // The transition, the incident's timeline entry and the audit record commit together.
    await this.workflow.fire(
      taskId,
      action,
      { principal: ctx.principal, ip: ctx.ip, requestId: ctx.requestId },
      {
        ...(input.comment ? { comment: input.comment } : {}),
        ...(input.expectedRev !== undefined ? { expectedRev: input.expectedRev } : {}),
        also: async (trx) => {
          await this.incidents.event(
            trx,
            t.incident_id,
            ctx,
            t.unit,
            action === 'accept' ? 'task_accepted' : 'task_completed',
            `${t.title_zh}${input.comment ? `：${input.comment}` : ''}`,
            { taskId, ...(input.comment ? { comment: input.comment } : {}) },
          );
          await appendAudit(trx, { ...actorOf(ctx), action: `task.${action}`, targetType: 'em_task', targetId: taskId, at: this.p.now() });
        },
      },
    );
    await this.incidents.announce(inc, action === 'accept' ? 'task_accepted' : 'task_completed');
  }

  /** A progress report with text, photos and location, by the task's unit. */
  async report(
    taskId: string,
    input: { text: string; photos?: { name: string; url: string }[]; location?: { lon: number; lat: number } },
    ctx: RequestContext,
  ) {
    const t = await this.task(taskId, ctx.principal);
    if (ctx.principal && !inScope(ctx.principal.scope, { department: t.unit, district: null }))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', `Task ${taskId} is ${t.unit}'s`);
    if (t.state !== 'accepted') throw new AppError('WD_ERR_CONFLICT', `Report on a task in progress; this one is ${t.state}`, { state: t.state });
    if (!input.text?.trim())
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '请填写进展情况', en: 'A report needs text' },
        {
          errors: [{ pointer: '/body/text', detail: { zh: '请填写进展情况', en: 'required' } }],
        },
      );
    // Photos are files the reporter uploaded (POST /api/files): their url names them.
    const photoIds = (input.photos ?? []).map((ph, i) => {
      const m = /^\/api\/files\/([a-z]+_[0-9a-z]+)$/.exec(ph.url);
      if (!m)
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: '照片须先上传', en: 'Upload a photo first (POST /api/files)' },
          {
            errors: [{ pointer: `/body/photos/${i}/url`, detail: { zh: '照片须先上传到平台', en: 'the url of a photo uploaded with POST /api/files' } }],
          },
        );
      return m[1]!;
    });
    const now = this.p.now();
    const id = newId('rep');
    await transaction(this.p.db, async (trx) => {
      if (photoIds.length && ctx.principal) await this.p.files.attach(trx, ctx.principal, photoIds, 'incident', t.incident_id);
      await store.insertTaskReport(trx, {
        id,
        task_id: taskId,
        incident_id: t.incident_id,
        at: now,
        by_id: ctx.principal?.id ?? null,
        text: input.text,
        photos: input.photos?.length ? JSON.stringify(input.photos) : null,
        lon: input.location?.lon ?? null,
        lat: input.location?.lat ?? null,
      });
      await this.incidents.event(trx, t.incident_id, ctx, t.unit, 'task_reported', input.text, {
        taskId,
        ...(input.photos?.length ? { photos: input.photos } : {}),
        ...(input.location ? { location: input.location } : {}),
      });
    });
    await this.incidents.announce(await this.incidents.get(t.incident_id), 'task_reported');
    return { id, at: now };
  }
}

/** What a task's message carries (webhook payloads; SMS and e-mail text are made from it). */
function taskMessage(inc: IncidentRow, t: EmTaskTable, state?: string) {
  return {
    incident: { id: inc.id, title: inc.title, subkind: inc.subkind, level: inc.level, district: inc.district_adcode },
    task: {
      id: t.id,
      unit: t.unit,
      key: t.task_key,
      title: { zh: t.title_zh, en: t.title_en },
      acceptBy: t.accept_by,
      dueAt: t.due_at,
      ...(state ? { state } : {}),
    },
  };
}
