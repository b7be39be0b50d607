/**
 * The review (复盘) of an incident or drill once its response has ended: the timeline, each unit's
 * time to accept and to complete its tasks, the overdue tasks, the resources used, and the lessons,
 * which the plan's owner takes into the plan's next revision. As JSON, HTML, and PDF (printed by
 * headless Chromium when the server has it).
 */
import type { Text } from '../../platform/i18n/index.js';
import { TIMELINE_KINDS } from './timeline.js';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { AppError } from '../../platform/http/errors.js';
import { transaction } from '../../platform/storage/db.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import type { Principal } from '../../platform/auth/scope.js';
import type { IncidentService } from './incidents.service.js';
import type { ResourceService } from './resources.service.js';
import * as store from './incidents.store.js';

export interface Review {
  incident: ReturnType<IncidentService['board']> extends Promise<infer B> ? (B extends { incident: infer I } ? I : never) : never;
  units: { unit: string; tasks: number; completed: number; cancelled: number; overdue: number; acceptMinutes: number | null; completeMinutes: number | null }[];
  overdue: { unit: string; title: string; state: string; dueAt: number; closedAt: number | null }[];
  resources: { name: string; quantity: number; unit: string | null; department: string; status: string }[];
  timeline: { at: number; kind: string; kindLabel: Text; unit: string | null; actor: string | null; text: string | null; summary: Text }[];
  lessons: string | null;
  durationMinutes: number | null;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[s.length >> 1]!);
};

export async function buildReview(
  p: Platform,
  incidents: IncidentService,
  resources: ResourceService,
  id: string,
  principal: Principal | null = null,
): Promise<Review> {
  const board = await incidents.board(id, principal);
  const inc = board.incident;
  if (inc.status !== 'ended') throw new AppError('WD_ERR_CONFLICT', 'The review is made once the response has ended');
  const ids = board.tasks.map((t) => t.id);
  const steps = await store.taskStepTimes(p.db, ids);
  const at = new Map<string, Record<string, number>>();
  for (const s of steps) at.set(s.instance_id, { ...(at.get(s.instance_id) ?? {}), [s.action]: s.at });
  const rows = await store.taskCreatedTimes(p.db, id);
  const created = new Map(rows.map((r) => [r.id, r.created_at]));
  const byUnit = new Map<string, Review['units'][number] & { a: number[]; c: number[] }>();
  const overdue: Review['overdue'] = [];
  for (const t of board.tasks) {
    const u = byUnit.get(t.unit) ?? {
      unit: t.unit,
      tasks: 0,
      completed: 0,
      cancelled: 0,
      overdue: 0,
      acceptMinutes: null,
      completeMinutes: null,
      a: [],
      c: [],
    };
    byUnit.set(t.unit, u);
    u.tasks++;
    const s = at.get(t.id) ?? {};
    const c0 = created.get(t.id)!;
    if (s.accept !== undefined) u.a.push((s.accept - c0) / 60_000);
    if (s.complete !== undefined) {
      u.completed++;
      u.c.push((s.complete - c0) / 60_000);
    }
    if (t.state === 'cancelled') u.cancelled++;
    const acceptedLate = (s.accept ?? s.cancel ?? Number.POSITIVE_INFINITY) > t.acceptBy;
    const closed = s.complete ?? s.cancel ?? null;
    const doneLate = (s.complete ?? (t.state === 'cancelled' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY)) > t.dueAt;
    if (acceptedLate || doneLate) {
      u.overdue++;
      overdue.push({ unit: t.unit, title: t.title.zh, state: t.state, dueAt: acceptedLate ? t.acceptBy : t.dueAt, closedAt: closed });
    }
  }
  const units = [...byUnit.values()].map(({ a, c, ...u }) => ({ ...u, acceptMinutes: median(a), completeMinutes: median(c) }));
  return {
    incident: inc,
    units,
    overdue,
    resources: (await resources.allocationsOf(id)).map((r) => ({
      name: r.name,
      quantity: r.quantity,
      unit: r.unit,
      department: r.department,
      status: r.status,
    })),
    timeline: board.timeline.map(({ at, kind, unit, actor, text, summary }) => ({
      at,
      kind,
      kindLabel: TIMELINE_KINDS[kind] ?? { zh: kind, en: kind },
      unit,
      actor,
      text,
      summary,
    })),
    lessons: await store.incidentLessons(p.db, id),
    durationMinutes: inc.activatedAt && inc.endedAt ? Math.round((inc.endedAt - inc.activatedAt) / 60_000) : null,
  };
}

/** Records the review's lessons (once the response has ended), audited. */
export async function recordLessons(p: Platform, id: string, lessons: string, ctx: RequestContext): Promise<void> {
  await transaction(p.db, async (trx) => {
    if (!(await store.setLessons(trx, id, lessons, p.now()))) throw new AppError('WD_ERR_CONFLICT', 'Lessons are recorded once the response has ended');
    await appendAudit(trx, { ...actorOf(ctx), action: 'incident.reviewed', targetType: 'incident', targetId: id, at: p.now() });
  });
}

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The review as a self-contained HTML page (Chinese first, English beside), for reading and printing. */
export function reviewHtml(r: Review, offsetMinutes: number): string {
  const time = (t: number | null) => (t === null ? '—' : new Date(t + offsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' '));
  const i = r.incident;
  const drill = i.drill ? '<p class="drill">演练 DRILL — 不计入实际统计 / not counted in real statistics</p>' : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>复盘报告 Review — ${esc(i.title)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:2em;color:#1b1f24}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #ccd;padding:.3em .5em;text-align:left}
th{background:#eef1f5}.drill{color:#b00020;font-weight:bold;border:2px solid #b00020;padding:.4em;display:inline-block}
.late{color:#b00020}
</style></head><body>
<h1>突发事件复盘报告 · Incident review</h1>
${drill}
<table><tbody>
<tr><th>事件 Incident</th><td>${esc(i.title)}</td></tr>
<tr><th>类型 Kind</th><td>${esc(i.kindLabel?.zh)} / ${esc(i.subkindLabel?.zh)} (${esc(i.subkindLabel?.en)})</td></tr>
<tr><th>预案 Plan</th><td>${esc(i.planId)} v${esc(i.planVersion)}</td></tr>
<tr><th>响应 Response</th><td>${time(i.activatedAt)} → ${time(i.endedAt)} (${esc(r.durationMinutes)} 分钟 min)</td></tr>
<tr><th>结束原因 Ended because</th><td>${esc(i.endReason)}</td></tr>
</tbody></table>
<h2>各单位处置 · Units</h2>
<table><thead><tr><th>单位 Unit</th><th>任务 Tasks</th><th>完成 Completed</th><th>撤销 Cancelled</th><th>超时 Overdue</th><th>接收用时 Accept (min, median)</th><th>完成用时 Complete (min, median)</th></tr></thead><tbody>
${r.units.map((u) => `<tr><td>${esc(u.unit)}</td><td>${u.tasks}</td><td>${u.completed}</td><td>${u.cancelled}</td><td${u.overdue ? ' class="late"' : ''}>${u.overdue}</td><td>${esc(u.acceptMinutes ?? '—')}</td><td>${esc(u.completeMinutes ?? '—')}</td></tr>`).join('\n')}
</tbody></table>
<h2>超时任务 · Overdue tasks</h2>
${r.overdue.length ? `<table><thead><tr><th>单位 Unit</th><th>任务 Task</th><th>状态 State</th><th>期限 Due</th><th>关闭 Closed</th></tr></thead><tbody>${r.overdue.map((o) => `<tr><td>${esc(o.unit)}</td><td>${esc(o.title)}</td><td>${esc(o.state)}</td><td>${time(o.dueAt)}</td><td>${time(o.closedAt)}</td></tr>`).join('')}</tbody></table>` : '<p>无 None</p>'}
<h2>资源使用 · Resources used</h2>
${r.resources.length ? `<table><thead><tr><th>资源 Resource</th><th>数量 Quantity</th><th>单位 Owner</th><th>状态 Status</th></tr></thead><tbody>${r.resources.map((x) => `<tr><td>${esc(x.name)}</td><td>${x.quantity} ${esc(x.unit)}</td><td>${esc(x.department)}</td><td>${esc(x.status)}</td></tr>`).join('')}</tbody></table>` : '<p>无 None</p>'}
<h2>时间线 · Timeline</h2>
<table><thead><tr><th>时间 Time</th><th>事项 Event</th><th>单位 Unit</th><th>人员 By</th><th>内容 Detail</th></tr></thead><tbody>
${r.timeline.map((e) => `<tr><td>${time(e.at)}</td><td>${esc(e.kindLabel.zh)}</td><td>${esc(e.unit)}</td><td>${esc(e.actor)}</td><td>${esc(e.summary.zh)}</td></tr>`).join('\n')}
</tbody></table>
<h2>经验教训 · Lessons</h2>
<p>${r.lessons ? esc(r.lessons).replace(/\n/g, '<br>') : '（待填写 to be written）'}</p>
</body></html>`;
}
