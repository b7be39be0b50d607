/**
 * 好差评 (国办发〔2019〕51号): after each handling the applicant rates it on the national five levels
 * with reasons, once (一事一评 for an application, 一次一评 for a visit to a window). A 不满意 or
 * 非常不满意 rating states a reason and opens a follow-up for the department that handled it
 * (谁办理、谁负责): it contacts the applicant, verifies, rectifies what is justified or explains
 * what has no legal basis, and reports back within the local limit (5 working days in Shiyan's
 * settings). Statistics by item, department and window feed the operations screen.
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import { deadlineFrom } from '../../platform/calendar/calendar.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, hiddenNotFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { seedList } from '../../platform/profile/seeds.js';
import { isUniqueViolation, json, transaction } from '../../platform/storage/db.js';
import * as apps from './applications.store.js';
import * as appts from './appointments.store.js';
import * as store from './ratings.store.js';

export const LEVELS: Record<number, Text> = {
  5: { zh: '非常满意', en: 'Very satisfied' },
  4: { zh: '满意', en: 'Satisfied' },
  3: { zh: '基本满意', en: 'Fairly satisfied' },
  2: { zh: '不满意', en: 'Unsatisfied' },
  1: { zh: '非常不满意', en: 'Very unsatisfied' },
};

/** Why: good reasons for 满意 and above, bad ones for 不满意 and below (the national system's kinds). */
export const REASONS: Record<string, { text: Text; good: boolean }> = {
  quick: { text: { zh: '办理快捷', en: 'Quick' }, good: true },
  once: { text: { zh: '一次办好', en: 'Done in one go' }, good: true },
  clear: { text: { zh: '告知清楚', en: 'Clearly told' }, good: true },
  courteous: { text: { zh: '服务热情', en: 'Courteous' }, good: true },
  easy: { text: { zh: '操作便捷', en: 'Easy to use' }, good: true },
  not_told_once: { text: { zh: '未一次性告知', en: 'Not told everything at once' }, good: false },
  slow: { text: { zh: '办理时间长', en: 'Took too long' }, good: false },
  many_trips: { text: { zh: '多次跑动', en: 'Many trips' }, good: false },
  attitude: { text: { zh: '服务态度差', en: 'Poor attitude' }, good: false },
  materials: { text: { zh: '材料要求不合理', en: 'Unreasonable materials' }, good: false },
  system: { text: { zh: '系统不好用', en: 'Hard-to-use system' }, good: false },
  other: { text: { zh: '其他', en: 'Other' }, good: false },
};

export const SERVICES_MEASURES = ['applications_open', 'applications_overdue', 'satisfaction_30d', 'followups_open'] as const;
export type ServicesMeasure = (typeof SERVICES_MEASURES)[number];

const FOLLOWUP: Text = { zh: '差评整改', en: 'Follow-up' };

export class RatingService {
  private followUpDays = 5;
  constructor(private readonly p: Platform) {}

  start(): void {
    const s = seedList<{ followUpWorkingDays?: number }>(this.p, 'service-settings')[0];
    if (s?.followUpWorkingDays && Number.isInteger(s.followUpWorkingDays) && s.followUpWorkingDays > 0) this.followUpDays = s.followUpWorkingDays;
  }

  private check(level: number, reasons: string[], comment: string | undefined) {
    if (!Number.isInteger(level) || !LEVELS[level])
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '评价等级为 1 到 5', en: 'The level is 1 to 5' },
        { errors: [{ pointer: '/body/level', detail: 'level' }] },
      );
    const bad = level <= 2;
    for (const [i, r] of reasons.entries()) {
      const known = REASONS[r];
      if (!known || known.good === bad)
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: `评价理由 ${r} 与等级不符`, en: `Reason ${r} does not go with that level` },
          {
            errors: [{ pointer: `/body/reasons/${i}`, detail: 'reason' }],
          },
        );
    }
    if (bad && reasons.length === 0 && !comment?.trim())
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '差评请说明原因，以便整改', en: 'A bad rating says why, so it can be put right' },
        {
          errors: [{ pointer: '/body/reasons', detail: 'reasons' }],
        },
      );
  }

  private async save(
    principal: Principal,
    target: {
      type: 'application' | 'appointment';
      id: string;
      department: string;
      item: string | null;
      hall: string | null;
      window: string | null;
      channel: string;
    },
    input: { level: number; reasons?: string[]; comment?: string },
    ctx: RequestContext,
  ) {
    const reasons = [...new Set(input.reasons ?? [])];
    this.check(input.level, reasons, input.comment);
    const now = this.p.now();
    const id = newId('rat', now);
    const cal = await this.p.calendar.get();
    try {
      await transaction(this.p.db, async (trx) => {
        await store.insertRating(trx, {
          id,
          target_type: target.type,
          target_id: target.id,
          user_id: principal.id,
          department: target.department,
          item_code: target.item,
          hall: target.hall,
          window: target.window,
          channel: target.channel,
          level: input.level,
          reasons: JSON.stringify(reasons),
          comment: input.comment?.trim() || null,
          created_at: now,
        });
        if (input.level <= 2)
          await store.insertFollowup(trx, {
            id: newId('fup', now),
            rating_id: id,
            department: target.department,
            state: 'open',
            due_at: deadlineFrom(cal, now, { workingDays: this.followUpDays }),
            result: null,
            note: null,
            done_by: null,
            done_at: null,
            created_at: now,
          });
        await appendAudit(trx, {
          ...actorOf(ctx),
          at: now,
          action: 'services.rated',
          targetType: `service_${target.type}`,
          targetId: target.id,
          details: { level: input.level },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('WD_ERR_CONFLICT', { zh: '已经评价过，每次办理评价一次', en: 'Already rated: one rating per handling' });
      throw e;
    }
    return this.ofTarget(target.type, target.id);
  }

  /** 一事一评: the applicant rates a decided application. */
  async rateApplication(principal: Principal, id: string, input: { level: number; reasons?: string[]; comment?: string }, ctx: RequestContext) {
    const a = await apps.application(this.p.db, id);
    if (!a || (a.applicant_user_id !== principal.id && a.submitted_by !== principal.id)) throw hiddenNotFound({ zh: '办件', en: 'Application' }, id);
    if (!a.decision || a.decision === 'withdrawn')
      throw new AppError('WD_ERR_CONFLICT', { zh: '办结后才能评价', en: 'An application is rated once it is decided' });
    return this.save(
      principal,
      { type: 'application', id, department: a.department, item: a.item_code, hall: null, window: null, channel: a.channel },
      input,
      ctx,
    );
  }

  /** 一次一评: the visitor rates an attended appointment at a window. */
  async rateAppointment(
    principal: Principal,
    id: string,
    input: { level: number; reasons?: string[]; comment?: string },
    ctx: RequestContext,
    departmentOf: (hall: string) => Promise<string>,
  ) {
    const a = await appts.appointment(this.p.db, id);
    if (!a || a.user_id !== principal.id) throw hiddenNotFound({ zh: '预约', en: 'Appointment' }, id);
    if (a.status !== 'attended') throw new AppError('WD_ERR_CONFLICT', { zh: '到场办理后才能评价', en: 'A visit is rated after it took place' });
    return this.save(
      principal,
      { type: 'appointment', id, department: await departmentOf(a.hall), item: a.item_code, hall: a.hall, window: a.window, channel: 'counter' },
      input,
      ctx,
    );
  }

  async ofTarget(type: string, id: string) {
    const r = await store.ratingOf(this.p.db, type, id);
    if (!r) return null;
    const f = await store.followupOfRating(this.p.db, r.id);
    return {
      id: r.id,
      level: r.level,
      levelName: LEVELS[r.level],
      reasons: json.parse<string[]>(r.reasons, []).map((k) => ({ code: k, text: REASONS[k]?.text ?? { zh: k, en: k } })),
      comment: r.comment,
      at: Number(r.created_at),
      followUp: f ? { state: f.state, dueAt: Number(f.due_at), result: f.result, note: f.note, doneAt: f.done_at === null ? null : Number(f.done_at) } : null,
    };
  }

  private isDepartment(principal: Principal, department: string): boolean {
    if (principal.scope.departments === ALL) return true;
    return principal.department === department && principal.roles.some((r) => r === 'dept_staff' || r === 'dept_leader');
  }

  /** The department's follow-ups, the oldest due first. */
  async followups(principal: Principal, q: { state?: 'open' | 'done'; limit: number }) {
    if (principal.roles.every((r) => r === 'citizen' || r === 'enterprise'))
      throw new AppError('WD_ERR_FORBIDDEN', { zh: '差评整改由部门办理', en: 'Follow-ups are the departments’' });
    const department = principal.scope.departments === ALL ? null : (principal.department ?? '\u0000');
    const rows = await store.followups(this.p.db, department, q);
    const now = this.p.now();
    return Promise.all(
      rows.map(async (f) => {
        const r = (await store.ratingById(this.p.db, f.rating_id))!;
        return {
          id: f.id,
          state: f.state,
          overdue: f.state === 'open' && Number(f.due_at) < now,
          dueAt: Number(f.due_at),
          department: f.department,
          rating: {
            level: r.level,
            levelName: LEVELS[r.level],
            reasons: json.parse<string[]>(r.reasons, []),
            comment: r.comment,
            target: { type: r.target_type, id: r.target_id },
            item: r.item_code,
            at: Number(r.created_at),
          },
          result: f.result,
          note: f.note,
        };
      }),
    );
  }

  /** The department reports back: what it rectified, or what it explained, once. */
  async close(principal: Principal, id: string, input: { result: 'rectified' | 'explained'; note: string }, ctx: RequestContext) {
    const f = await store.followup(this.p.db, id);
    if (!f || !this.isDepartment(principal, f.department)) throw hiddenNotFound(FOLLOWUP, id);
    if (!input.note.trim()) throw new AppError('WD_ERR_VALIDATION', { zh: '请写明核实与整改（或解释）情况', en: 'Say what was found and done (or explained)' });
    const now = this.p.now();
    if (!(await store.closeFollowup(this.p.db, id, { result: input.result, note: input.note.trim(), done_by: principal.id, done_at: now })))
      throw new AppError('WD_ERR_CONFLICT', { zh: '整改已反馈', en: 'Already reported back' });
    await appendAudit(this.p.db, {
      ...actorOf(ctx),
      at: now,
      action: 'services.followup_closed',
      targetType: 'followup',
      targetId: id,
      details: { result: input.result },
    });
    const r = (await store.ratingById(this.p.db, f.rating_id))!;
    return this.ofTarget(r.target_type, r.target_id);
  }

  /** Ratings by item, department or window over a period: counts per level, satisfaction, follow-up rate. */
  async stats(q: { by: 'item' | 'department' | 'window'; from?: number; to?: number }) {
    const now = this.p.now();
    const from = q.from ?? now - 30 * 86_400_000;
    const to = q.to ?? now + 1;
    const rows = await store.ratingsBetween(this.p.db, from, to);
    const groups = new Map<string, { key: string; n: number; levels: Record<number, number>; bad: number; followed: number; done: number }>();
    const fups = new Map(
      (
        await store.followupsOfRatings(
          this.p.db,
          rows.map((r) => r.id),
        )
      ).map((f) => [f.rating_id, f]),
    );
    for (const r of rows) {
      const key = q.by === 'item' ? (r.item_code ?? '—') : q.by === 'department' ? r.department : r.hall ? `${r.hall}/${r.window}` : '—';
      if (q.by === 'window' && key === '—') continue;
      const g = groups.get(key) ?? { key, n: 0, levels: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, bad: 0, followed: 0, done: 0 };
      g.n++;
      g.levels[r.level] = (g.levels[r.level] ?? 0) + 1;
      if (r.level <= 2) {
        g.bad++;
        const f = fups.get(r.id);
        if (f) g.followed++;
        if (f?.state === 'done') g.done++;
      }
      groups.set(key, g);
    }
    return [...groups.values()]
      .map((g) => ({
        key: g.key,
        ratings: g.n,
        levels: g.levels,
        /** 满意率: 基本满意 and above among all. */
        satisfaction: g.n ? (g.levels[3]! + g.levels[4]! + g.levels[5]!) / g.n : null,
        bad: g.bad,
        /** 整改率: bad ratings whose follow-up reported back. */
        rectification: g.bad ? g.done / g.bad : null,
        followUp: g.bad ? g.followed / g.bad : null,
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /** A figure for the operations screen's indicator library, with its breakdown by department. */
  async figure(measure: ServicesMeasure): Promise<{ value: number | null; byDepartment: Map<string, number>; basis: number }> {
    const now = this.p.now();
    const per = new Map<string, number>();
    if (measure === 'satisfaction_30d') {
      const s = await this.stats({ by: 'department', from: now - 30 * 86_400_000 });
      let n = 0;
      let good = 0;
      for (const g of s) {
        per.set(g.key, g.satisfaction ?? 0);
        n += g.ratings;
        good += (g.satisfaction ?? 0) * g.ratings;
      }
      return { value: n ? good / n : null, byDepartment: per, basis: n };
    }
    if (measure === 'followups_open') {
      const rows = await store.openFollowupsByDepartment(this.p.db);
      for (const r of rows) per.set(r.department, Number(r.n));
      const total = [...per.values()].reduce((a, x) => a + x, 0);
      return { value: total, byDepartment: per, basis: total };
    }
    const rows = await store.openApplicationsByDepartment(this.p.db, now);
    for (const r of rows) per.set(r.department, Number(measure === 'applications_open' ? r.n : r.overdue));
    const total = [...per.values()].reduce((a, x) => a + x, 0);
    return { value: total, byDepartment: per, basis: rows.reduce((a, r) => a + Number(r.n), 0) };
  }
}
