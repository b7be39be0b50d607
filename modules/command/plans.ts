/**
 * Emergency plans (应急预案) as data: general, special, department and site plans, each with an
 * owner, a review date, and per response level (Ⅰ–Ⅳ) the lead unit, the responsible units with
 * their task templates (what, time to accept, deadline, reporting interval), the resources to
 * mobilise and the conditions to raise, lower or end the response (../shared/standards/emergency.md;
 * GB/T 29639). Validation here is pure: the caller supplies what exists (departments).
 */
import type { FieldError } from '../../platform/http/errors.js';

export interface Label {
  zh: string;
  en: string;
}

export const PLAN_KINDS = {
  general: { zh: '总体预案', en: 'General plan' },
  special: { zh: '专项预案', en: 'Special plan' },
  department: { zh: '部门预案', en: 'Department plan' },
  site: { zh: '现场处置方案', en: 'Site plan' },
} as const;
export type PlanKind = keyof typeof PLAN_KINDS;

/** Kinds of emergencies (突发事件) under the Emergency Response Law. */
export const INCIDENT_KINDS = {
  natural: { zh: '自然灾害', en: 'Natural disaster' },
  accident: { zh: '事故灾难', en: 'Accident' },
  public_health: { zh: '公共卫生事件', en: 'Public health event' },
  social_security: { zh: '社会安全事件', en: 'Social security event' },
} as const;
export type IncidentKind = keyof typeof INCIDENT_KINDS;

/** Subkinds the platform knows, each under its kind. */
export const SUBKINDS: Record<string, { kind: IncidentKind; zh: string; en: string }> = {
  waterlogging: { kind: 'natural', zh: '城市内涝', en: 'Urban waterlogging' },
  flood: { kind: 'natural', zh: '洪水', en: 'Flood' },
  forest_fire: { kind: 'natural', zh: '森林火灾', en: 'Forest fire' },
  heavy_air_pollution: { kind: 'natural', zh: '重污染天气', en: 'Heavy air pollution' },
  gas_leak: { kind: 'accident', zh: '燃气泄漏', en: 'Gas leak' },
  hazardous_chemical: { kind: 'accident', zh: '危险化学品泄漏', en: 'Hazardous chemical release' },
  bridge_structural: { kind: 'accident', zh: '桥梁结构报警', en: 'Bridge structural alarm' },
  major_traffic_accident: { kind: 'accident', zh: '重大交通事故', en: 'Major traffic accident' },
  epidemic: { kind: 'public_health', zh: '传染病疫情', en: 'Epidemic' },
  scenic_overcrowding: { kind: 'social_security', zh: '景区客流超载', en: 'Scenic-area overcrowding' },
};

/** Response levels (响应级别): 1 is Ⅰ (especially major) … 4 is Ⅳ (general). */
export const RESPONSE_LEVELS = {
  1: { zh: 'Ⅰ级响应', en: 'Level Ⅰ response' },
  2: { zh: 'Ⅱ级响应', en: 'Level Ⅱ response' },
  3: { zh: 'Ⅲ级响应', en: 'Level Ⅲ response' },
  4: { zh: 'Ⅳ级响应', en: 'Level Ⅳ response' },
} as const;
export type ResponseLevel = 1 | 2 | 3 | 4;

/** A unit in a plan: a department code, or `$district`, the government of the incident's district. */
export const DISTRICT_UNIT = '$district';

export interface TaskTemplate {
  key: string;
  title: Label;
  /** Minutes the unit has to accept the task once it is dispatched. */
  acceptMinutes: number;
  /** Minutes from dispatch to completion. */
  deadlineMinutes: number;
  /** How often the unit reports progress while the task is open. */
  reportEveryMinutes: number;
}

export interface UnitPart {
  unit: string;
  tasks: TaskTemplate[];
}

export interface ResourceNeed {
  /** Resource type, e.g. pump_truck, rescue_team, sandbags, shelter. */
  type: string;
  quantity: number;
  unit?: string;
}

export interface LevelPlan {
  level: ResponseLevel;
  lead: string;
  units: UnitPart[];
  resources: ResourceNeed[];
  /** When to raise the response (omitted at Ⅰ). */
  raiseWhen?: Label;
  /** When to lower it (omitted at Ⅳ). */
  lowerWhen?: Label;
  endWhen: Label;
}

export interface PlanDefinition {
  title: Label;
  kind: PlanKind;
  subkinds: string[];
  /** Department that owns and revises the plan. */
  owner: string;
  /** Next review date (YYYY-MM-DD). */
  reviewBy: string;
  /** The law, standard or municipal plan it implements. */
  source: string;
  levels: LevelPlan[];
}

export interface PlanCatalog {
  departments: ReadonlySet<string>;
}

const KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;
const RESOURCE_RE = /^[a-z][a-z0-9_]{0,39}$/;
/** The longest a task may run (30 days): longer is a project, not an emergency response. */
const MAX_TASK_MINUTES = 30 * 24 * 60;

function label(x: Label | undefined): boolean {
  return typeof x?.zh === 'string' && x.zh.trim() !== '' && typeof x.en === 'string' && x.en.trim() !== '';
}

function minutes(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= MAX_TASK_MINUTES;
}

/** Every problem with a plan, each at its field (JSON pointer under `base`); empty when sound. */
export function validatePlan(plan: PlanDefinition, cat: PlanCatalog, base = '/body'): FieldError[] {
  const errors: FieldError[] = [];
  const err = (pointer: string, zh: string, en: string): void => {
    errors.push({ pointer: `${base}${pointer}`, detail: { zh, en } });
  };
  const unitKnown = (u: string) => u === DISTRICT_UNIT || cat.departments.has(u);
  if (!label(plan.title)) err('/title', '请填写中文标题和英文标题', 'a Chinese and an English title are required');
  if (!(plan.kind in PLAN_KINDS)) err('/kind', '请选择预案种类', `one of ${Object.keys(PLAN_KINDS).join(', ')}`);
  if (!cat.departments.has(plan.owner)) err('/owner', `没有部门 ${plan.owner}`, `unknown department ${plan.owner}`);
  if (!plan.source?.trim()) err('/source', '请注明预案依据的法律、标准或市级预案', 'cite the law, standard or municipal plan the plan implements');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(plan.reviewBy ?? '') || Number.isNaN(Date.parse(`${plan.reviewBy}T00:00:00Z`)))
    err('/reviewBy', '须为日期，如 2027-06-30', 'a date, YYYY-MM-DD');
  if (!Array.isArray(plan.subkinds) || (plan.kind !== 'general' && plan.subkinds.length === 0))
    err('/subkinds', '请选择预案适用的事件类型', 'name the kinds of incident the plan covers');
  for (const [i, s] of (plan.subkinds ?? []).entries())
    if (!SUBKINDS[s]) err(`/subkinds/${i}`, `没有事件类型 ${s}`, `unknown subkind ${s}; known: ${Object.keys(SUBKINDS).join(', ')}`);
  if (!Array.isArray(plan.levels) || plan.levels.length === 0) {
    err('/levels', '至少设置一个响应级别', 'at least one response level');
    return errors;
  }
  const seen = new Set<number>();
  for (const [li, l] of plan.levels.entries()) {
    const at = `/levels/${li}`;
    if (![1, 2, 3, 4].includes(l.level)) err(`${at}/level`, '须为Ⅰ级到Ⅳ级', '1 (Ⅰ) to 4 (Ⅳ)');
    else if (seen.has(l.level)) err(`${at}/level`, `级别 ${l.level} 重复设置`, `level ${l.level} appears twice`);
    seen.add(l.level);
    if (!unitKnown(l.lead)) err(`${at}/lead`, `没有单位 ${l.lead}`, `unknown unit ${l.lead}`);
    if (!Array.isArray(l.units) || l.units.length === 0) {
      err(`${at}/units`, '每个级别须有承担任务的单位', 'a level needs units with tasks');
    } else {
      const units = new Set<string>();
      for (const [ui, u] of l.units.entries()) {
        const uat = `${at}/units/${ui}`;
        if (!unitKnown(u.unit))
          err(
            `${uat}/unit`,
            `没有单位 ${u.unit}：须为部门代码或 ${DISTRICT_UNIT}（事发区县政府）`,
            `unknown unit ${u.unit}; a department code or ${DISTRICT_UNIT}`,
          );
        if (units.has(u.unit)) err(`${uat}/unit`, `${u.unit} 在本级别中重复出现`, `${u.unit} appears twice in this level`);
        units.add(u.unit);
        if (!Array.isArray(u.tasks) || u.tasks.length === 0) err(`${uat}/tasks`, `${u.unit} 在本级别没有任务`, `${u.unit} has no task at this level`);
        const keys = new Set<string>();
        for (const [ti, t] of (u.tasks ?? []).entries()) {
          const tat = `${uat}/tasks/${ti}`;
          if (!KEY_RE.test(t.key ?? '')) err(`${tat}/key`, '只能包含小写字母、数字和 _', 'lower-case letters, digits and _');
          else if (keys.has(t.key)) err(`${tat}/key`, `${u.unit} 的任务 ${t.key} 重复`, `task ${t.key} appears twice for ${u.unit}`);
          keys.add(t.key);
          if (!label(t.title)) err(`${tat}/title`, '请填写中文标题和英文标题', 'a Chinese and an English title are required');
          if (!minutes(t.acceptMinutes)) err(`${tat}/acceptMinutes`, `须为 1 到 ${MAX_TASK_MINUTES} 的整分钟数`, `whole minutes, 1 to ${MAX_TASK_MINUTES}`);
          if (!minutes(t.deadlineMinutes)) err(`${tat}/deadlineMinutes`, `须为 1 到 ${MAX_TASK_MINUTES} 的整分钟数`, `whole minutes, 1 to ${MAX_TASK_MINUTES}`);
          if (!minutes(t.reportEveryMinutes))
            err(`${tat}/reportEveryMinutes`, `须为 1 到 ${MAX_TASK_MINUTES} 的整分钟数`, `whole minutes, 1 to ${MAX_TASK_MINUTES}`);
          // A deadline that cannot be met: the unit must accept before it, and report at least once.
          if (minutes(t.acceptMinutes) && minutes(t.deadlineMinutes) && t.acceptMinutes >= t.deadlineMinutes)
            err(
              `${tat}/deadlineMinutes`,
              `完成时限（${t.deadlineMinutes} 分钟）须晚于接收时限（${t.acceptMinutes} 分钟）`,
              `the deadline (${t.deadlineMinutes} min) must be later than the time to accept (${t.acceptMinutes} min)`,
            );
          if (minutes(t.reportEveryMinutes) && minutes(t.deadlineMinutes) && t.reportEveryMinutes > t.deadlineMinutes)
            err(
              `${tat}/reportEveryMinutes`,
              `每 ${t.reportEveryMinutes} 分钟报告一次，在完成时限（${t.deadlineMinutes} 分钟）前一次也不会报告`,
              `reports every ${t.reportEveryMinutes} min would never come before the deadline (${t.deadlineMinutes} min)`,
            );
        }
      }
      if (unitKnown(l.lead) && !units.has(l.lead))
        err(`${at}/lead`, `牵头单位 ${l.lead} 须是本级别承担任务的单位之一`, `the lead unit ${l.lead} must be one of the level's units, with its own tasks`);
    }
    for (const [ri, r] of (l.resources ?? []).entries()) {
      if (!RESOURCE_RE.test(r.type ?? '')) err(`${at}/resources/${ri}/type`, '只能包含小写字母、数字和 _', 'lower-case letters, digits and _');
      if (!(Number.isInteger(r.quantity) && r.quantity >= 1)) err(`${at}/resources/${ri}/quantity`, '须为不小于 1 的整数', 'a whole number, at least 1');
    }
    if (!label(l.endWhen)) err(`${at}/endWhen`, '请用中英文填写结束响应的条件', 'the condition to end the response, in Chinese and English');
    if (l.raiseWhen !== undefined && !label(l.raiseWhen)) err(`${at}/raiseWhen`, '请用中英文填写', 'in Chinese and English');
    if (l.lowerWhen !== undefined && !label(l.lowerWhen)) err(`${at}/lowerWhen`, '请用中英文填写', 'in Chinese and English');
  }
  return errors;
}

/** The level plan for a response level, or the nearest less severe one the plan has. */
export function levelPlan(plan: PlanDefinition, level: ResponseLevel): LevelPlan | undefined {
  const exact = plan.levels.find((l) => l.level === level);
  if (exact) return exact;
  return [...plan.levels].sort((a, b) => a.level - b.level).find((l) => l.level > level);
}
