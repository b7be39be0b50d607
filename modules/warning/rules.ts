/**
 * Warning rules as data: the shape of a rule, and its validation with field-level errors.
 *
 * A rule watches the devices in its scope. Each of its levels (Ⅳ 蓝 … Ⅰ 红) has a condition; the
 * alert's level is the most severe level whose condition holds. Conditions read attributes, or
 * derived values (`$aqi`, `$waterClass`, `$blackOdorous`, `$load`); thresholds are numbers or a
 * device property (a station's own warning level).
 */
import type { FieldError } from '../../platform/http/errors.js';
import { DERIVED } from './derived.js';

export interface Label {
  zh: string;
  en: string;
}

/** A number, or a property of the device (e.g. `{ "property": "warningLevel" }`). */
export type ValueRef = number | { property: string };

export type Op = '>=' | '<=';

export type Condition =
  | { kind: 'threshold'; attr: string; op: Op; value: ValueRef; clear?: ValueRef; forSeconds?: number }
  | { kind: 'rate'; attr: string; change: number; withinSeconds: number }
  | { kind: 'absence'; attr?: string; seconds: number }
  | { kind: 'stuck'; attr: string; seconds: number; minReadings?: number }
  | { kind: 'baseline'; attr: string; weeks: number; sigmas?: number; ratio?: number }
  | { kind: 'predict'; attr: string; op: Op; value: ValueRef; horizonSeconds: number; fitSeconds: number; minConfidence?: number }
  | { kind: 'all' | 'any'; of: Condition[] }
  | { kind: 'geofence'; polygon: [number, number][]; inside: boolean }
  | { kind: 'count'; k: number; by: 'district' | 'scope'; of: Condition };

export type ConditionKind = Condition['kind'];

/** Ⅰ (1, red) is the most severe, Ⅳ (4, blue) the least. */
export type Level = 1 | 2 | 3 | 4;

export const LEVELS: Record<Level, { roman: string; colour: string; zh: string; en: string; hex: string }> = {
  1: { roman: 'Ⅰ', colour: 'red', zh: 'Ⅰ级 红色', en: 'Level I (red)', hex: '#e8363b' },
  2: { roman: 'Ⅱ', colour: 'orange', zh: 'Ⅱ级 橙色', en: 'Level II (orange)', hex: '#f08c1a' },
  3: { roman: 'Ⅲ', colour: 'yellow', zh: 'Ⅲ级 黄色', en: 'Level III (yellow)', hex: '#f5c518' },
  4: { roman: 'Ⅳ', colour: 'blue', zh: 'Ⅳ级 蓝色', en: 'Level IV (blue)', hex: '#2f7fe0' },
};

export interface RuleScope {
  /** Device type ids. */
  types?: string[];
  /** District adcodes. */
  districts?: string[];
  /** Device tags; a device matches when it carries any of them. */
  tags?: string[];
  /** Single devices by id. */
  devices?: string[];
}

export interface RuleLevel {
  level: Level;
  condition: Condition;
}

export interface RuleDefinition {
  name: Label;
  description?: string;
  /** Where the thresholds come from (standard, plan, regulation). */
  source: string;
  /** Owner department code. */
  owner: string;
  /** Plan task id from the responsibility matrix (drainage, emergency, …). */
  task: string;
  scope: RuleScope;
  levels: RuleLevel[];
  /** Departments told besides the task's lead units and the district. */
  notify?: string[];
  /**
   * matrix (default): the owner, the task's lead and responsible units, the district government.
   * device: the owner and the department that owns the device (for device faults).
   */
  routing?: 'matrix' | 'device';
  /** Stay open this long after the condition clears before resolving (default 0). */
  clearAfterSeconds?: number;
  /**
   * Told to the public (公众预警): residents of the alert's district see it in the super app, and
   * those who asked are notified; with what to do (e.g. heavy rain: avoid underpasses).
   */
  public?: { advice: Label };
}

export interface Rule extends RuleDefinition {
  id: string;
  version: number;
  enabled: boolean;
  status: 'active' | 'suspended' | 'disabled';
  suspendedReason: string | null;
  createdBy: string | null;
  updatedAt: number;
}

/** What validation checks a rule against. */
export interface RuleCatalog {
  departments: ReadonlySet<string>;
  tasks: ReadonlySet<string>;
  districts: ReadonlySet<string>;
  /** Device type id → its attribute keys. */
  types: ReadonlyMap<string, ReadonlySet<string>>;
}

const MAX_DEPTH = 4;
const ATTR_RE = /^\$?[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Every problem with a rule, with the field it concerns; empty when the rule is sound. */
export function validateRule(rule: RuleDefinition, cat: RuleCatalog, base = '/body'): FieldError[] {
  const errors: FieldError[] = [];
  const err = (pointer: string, zh: string, en: string): void => {
    errors.push({ pointer: `${base}${pointer}`, detail: { zh, en } });
  };
  if (!rule.name?.zh?.trim() || !rule.name?.en?.trim()) err('/name', '请填写中文名称和英文名称', 'a Chinese and an English name are required');
  if (!rule.source?.trim()) err('/source', '请注明阈值依据的标准、预案或规定', 'cite the standard, plan or regulation the thresholds come from');
  if (!cat.departments.has(rule.owner)) err('/owner', `没有部门 ${rule.owner}`, `unknown department ${rule.owner}`);
  if (!cat.tasks.has(rule.task)) err('/task', `没有建设任务 ${rule.task}，请查看责任分工`, `unknown plan task ${rule.task}; see the responsibility matrix`);
  for (const [i, d] of (rule.notify ?? []).entries()) if (!cat.departments.has(d)) err(`/notify/${i}`, `没有部门 ${d}`, `unknown department ${d}`);
  if (rule.public !== undefined && (!rule.public.advice?.zh?.trim() || !rule.public.advice?.en?.trim()))
    err('/public/advice', '向公众发布的预警须写明中英文防范建议', 'a public warning says what to do, in Chinese and English');
  if (rule.routing !== undefined && rule.routing !== 'matrix' && rule.routing !== 'device')
    err('/routing', '须为按责任分工（matrix）或按设备权属（device）', 'matrix or device');
  if (rule.clearAfterSeconds !== undefined && !(rule.clearAfterSeconds >= 0 && rule.clearAfterSeconds <= 86_400))
    err('/clearAfterSeconds', '须在 0 到 86400 秒之间', 'must be between 0 and 86400');

  const s = rule.scope ?? {};
  for (const [i, t] of (s.types ?? []).entries()) if (!cat.types.has(t)) err(`/scope/types/${i}`, `没有设备类型 ${t}`, `unknown device type ${t}`);
  for (const [i, d] of (s.districts ?? []).entries()) if (!cat.districts.has(d)) err(`/scope/districts/${i}`, `没有区县 ${d}`, `unknown district ${d}`);
  if (!s.types?.length && !s.devices?.length && !s.tags?.length)
    err(
      '/scope',
      '请指定规则监测的设备类型、标签或设备（只选区县会匹配区内所有设备）',
      'name the device types, tags or devices the rule watches (a district alone would match every device in it)',
    );

  // Attributes the scoped types all have; unknown when the scope is by device or tag only.
  const known = s.types?.length ? s.types.map((t) => cat.types.get(t)).filter((x): x is ReadonlySet<string> => !!x) : undefined;
  const checkAttr = (pointer: string, attr: string | undefined) => {
    if (attr === undefined) return;
    if (typeof attr !== 'string' || !ATTR_RE.test(attr))
      return err(pointer, '须为属性名，或 $aqi 这样的派生值', 'an attribute key, or a derived value such as $aqi');
    if (attr.startsWith('$')) {
      if (!DERIVED[attr])
        return err(
          pointer,
          `没有派生值 ${attr}，可用：${Object.keys(DERIVED).join('、')}`,
          `unknown derived value ${attr}; known: ${Object.keys(DERIVED).join(', ')}`,
        );
      return;
    }
    // Defined by at least one scoped type: a device without the attribute simply never meets it.
    if (known?.length && !known.some((k) => k.has(attr)))
      err(pointer, `设备类型 ${s.types!.join('、')} 没有属性 ${attr}`, `attribute ${attr} is not defined by device type ${s.types!.join(', ')}`);
  };
  const checkRef = (pointer: string, v: ValueRef | undefined, required: boolean) => {
    if (v === undefined) {
      if (required) err(pointer, '必须填写', 'required');
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) err(pointer, '须为有限的数字', 'must be a finite number');
      return;
    }
    if (!v || typeof v !== 'object' || typeof v.property !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(v.property))
      err(
        pointer,
        '须为数字，或取自设备属性的值（如测站的警戒水位）',
        'a number, or {"property": "<device property>"} for a per-device value such as a station warning level',
      );
  };
  const positive = (pointer: string, v: unknown, max: number) => {
    if (typeof v !== 'number' || !(v > 0) || v > max) err(pointer, `须为大于 0、不超过 ${max} 的数字`, `must be a number above 0 and at most ${max}`);
  };

  const checkCondition = (c: Condition, p: string, depth: number, topLevel: boolean): void => {
    if (!c || typeof c !== 'object') {
      err(p, '请填写条件', 'a condition object is required');
      return;
    }
    if (depth > MAX_DEPTH) {
      err(p, `条件最多嵌套 ${MAX_DEPTH} 层`, `conditions nest at most ${MAX_DEPTH} deep`);
      return;
    }
    switch (c.kind) {
      case 'threshold':
        checkAttr(`${p}/attr`, c.attr);
        if (c.op !== '>=' && c.op !== '<=') err(`${p}/op`, '须为 ≥ 或 ≤', 'must be >= or <=');
        checkRef(`${p}/value`, c.value, true);
        checkRef(`${p}/clear`, c.clear, false);
        if (typeof c.value === 'number' && typeof c.clear === 'number') {
          if (c.op === '>=' && c.clear > c.value)
            err(
              `${p}/clear`,
              `解除值不能高于触发值 ${c.value}（回差：≥ a 触发，≤ b 解除）`,
              `the clear level must not be above the raise level ${c.value} (hysteresis: raise at ≥ a, clear at ≤ b)`,
            );
          if (c.op === '<=' && c.clear < c.value)
            err(`${p}/clear`, `解除值不能低于触发值 ${c.value}`, `the clear level must not be below the raise level ${c.value}`);
        }
        if (c.forSeconds !== undefined && !(c.forSeconds >= 0 && c.forSeconds <= 7 * 86_400))
          err(`${p}/forSeconds`, '须在 0 到 604800 秒（7 天）之间', 'must be between 0 and 604800');
        break;
      case 'rate':
        checkAttr(`${p}/attr`, c.attr);
        if (typeof c.change !== 'number' || c.change === 0 || !Number.isFinite(c.change))
          err(`${p}/change`, '须为非零数字：正数表示上升，负数表示下降', 'a non-zero number: positive for a rise, negative for a fall');
        positive(`${p}/withinSeconds`, c.withinSeconds, 7 * 86_400);
        break;
      case 'absence':
        checkAttr(`${p}/attr`, c.attr);
        if (typeof c.seconds !== 'number' || c.seconds < 60 || c.seconds > 30 * 86_400)
          err(`${p}/seconds`, '须在 60 到 2592000 秒（30 天）之间', 'must be between 60 and 2592000');
        break;
      case 'stuck':
        checkAttr(`${p}/attr`, c.attr);
        if (typeof c.seconds !== 'number' || c.seconds < 60 || c.seconds > 7 * 86_400)
          err(`${p}/seconds`, '须在 60 到 604800 秒（7 天）之间', 'must be between 60 and 604800');
        if (c.minReadings !== undefined && !(Number.isInteger(c.minReadings) && c.minReadings >= 2))
          err(`${p}/minReadings`, '须为不小于 2 的整数', 'a whole number, at least 2');
        break;
      case 'baseline':
        checkAttr(`${p}/attr`, c.attr);
        if (!Number.isInteger(c.weeks) || c.weeks < 2 || c.weeks > 12)
          err(`${p}/weeks`, '须为 2 到 12 之间的整周数', 'a whole number of weeks between 2 and 12');
        if (c.sigmas === undefined && c.ratio === undefined)
          err(p, '请填写标准差倍数或相对基线的比例', 'give sigmas (standard deviations) or ratio (share above or below the baseline)');
        if (c.sigmas !== undefined) positive(`${p}/sigmas`, c.sigmas, 20);
        if (c.ratio !== undefined) positive(`${p}/ratio`, c.ratio, 100);
        break;
      case 'predict':
        checkAttr(`${p}/attr`, c.attr);
        if (c.op !== '>=' && c.op !== '<=') err(`${p}/op`, '须为 ≥ 或 ≤', 'must be >= or <=');
        checkRef(`${p}/value`, c.value, true);
        positive(`${p}/horizonSeconds`, c.horizonSeconds, 2 * 86_400);
        if (typeof c.fitSeconds !== 'number' || c.fitSeconds < 300 || c.fitSeconds > 7 * 86_400)
          err(`${p}/fitSeconds`, '须在 300 到 604800 秒之间', 'must be between 300 and 604800');
        if (c.minConfidence !== undefined && !(c.minConfidence > 0 && c.minConfidence < 1))
          err(`${p}/minConfidence`, '须为 0 到 1 之间的概率', 'a probability between 0 and 1');
        break;
      case 'all':
      case 'any':
        if (!Array.isArray(c.of) || c.of.length < 2) err(`${p}/of`, '至少列出两个条件', 'list at least two conditions');
        else
          c.of.forEach((x, i) => {
            checkCondition(x, `${p}/of/${i}`, depth + 1, false);
          });
        if (Array.isArray(c.of) && c.of.every((x) => x?.kind === 'geofence'))
          err(`${p}/of`, '电子围栏须与读数条件组合使用', 'combine a geofence with a condition on readings');
        break;
      case 'geofence': {
        const poly = c.polygon;
        if (!Array.isArray(poly) || poly.length < 3) err(`${p}/polygon`, '须为至少三个顶点的多边形', 'a polygon of at least three [lon, lat] points');
        else
          poly.forEach((pt, i) => {
            if (!Array.isArray(pt) || pt.length !== 2 || !(Math.abs(pt[0]) <= 180) || !(Math.abs(pt[1]) <= 90))
              err(`${p}/polygon/${i}`, '须为经纬度坐标点', 'a [lon, lat] point');
          });
        if (typeof c.inside !== 'boolean') err(`${p}/inside`, '请选择区域内或区域外', 'true (inside the area) or false (outside it)');
        if (topLevel)
          err(p, '单独的电子围栏不会触发预警，请用“全部满足”与读数条件组合', 'a geofence alone raises nothing; combine it with a reading condition using all');
        break;
      }
      case 'count':
        if (!topLevel) err(p, '“n 个中 k 个”须是一个级别的完整条件，不能嵌套', 'k of n is the whole condition of a level; it cannot be nested');
        if (!Number.isInteger(c.k) || c.k < 1 || c.k > 100_000) err(`${p}/k`, '须为不小于 1 的设备数', 'a whole number of devices, at least 1');
        if (c.by !== 'district' && c.by !== 'scope')
          err(`${p}/by`, '须为按区县或按整个规则范围计数', 'district (k in one district) or scope (k anywhere in the rule scope)');
        if (c.of?.kind === 'count') err(`${p}/of`, '“n 个中 k 个”不能嵌套', 'k of n cannot be nested');
        else checkCondition(c.of, `${p}/of`, depth + 1, false);
        break;
      default:
        err(`${p}/kind`, '不是可用的条件类型', 'one of threshold, rate, absence, stuck, baseline, predict, all, any, geofence, count');
    }
  };

  if (!Array.isArray(rule.levels) || rule.levels.length === 0) err('/levels', '至少设置一个预警级别及其条件', 'give at least one level with its condition');
  else {
    const seen = new Set<number>();
    rule.levels.forEach((l, i) => {
      if (![1, 2, 3, 4].includes(l.level))
        err(
          `/levels/${i}/level`,
          '须为预警级别：Ⅳ级（蓝）、Ⅲ级（黄）、Ⅱ级（橙）或Ⅰ级（红）',
          'a warning level: 4 (Ⅳ blue), 3 (Ⅲ yellow), 2 (Ⅱ orange) or 1 (Ⅰ red)',
        );
      else if (seen.has(l.level)) err(`/levels/${i}/level`, `级别 ${l.level} 重复设置`, `level ${l.level} is given twice`);
      seen.add(l.level);
      checkCondition(l.condition, `/levels/${i}/condition`, 1, true);
    });
    const counts = rule.levels.map((l) => l.condition?.kind === 'count');
    if (counts.some(Boolean) && !counts.every(Boolean))
      err('/levels', '要么每个级别都是“n 个中 k 个”条件，要么都不是', 'either every level is a k-of-n condition or none is');
    if (counts.every(Boolean) && counts.length > 1) {
      const by = new Set(rule.levels.map((l) => (l.condition as { by?: string }).by));
      if (by.size > 1) err('/levels', '各级别的“n 个中 k 个”须采用相同的计数方式', 'every k-of-n level groups the same way (district or scope)');
    }
  }
  return errors;
}

/** The kinds a condition tree uses. */
export function kindsOf(c: Condition, out = new Set<ConditionKind>()): Set<ConditionKind> {
  out.add(c.kind);
  if (c.kind === 'all' || c.kind === 'any') for (const x of c.of) kindsOf(x, out);
  if (c.kind === 'count') kindsOf(c.of, out);
  return out;
}

/**
 * Whether a rule may watch a device at all: a rule reads only its owner department's devices,
 * unless the owner is a city-wide department (the operations centre, in the city profile). Data
 * another department shares by a sharing approval will widen this later.
 */
export function ownerMayWatch(owner: string, device: { department: string }, cityWide: readonly string[]): boolean {
  return device.department === owner || cityWide.includes(owner);
}

/** Whether a rule watches a device: the owner may watch it, and it matches the rule's scope. */
export function ruleWatches(
  rule: { owner: string; scope: RuleScope },
  d: { id: string; typeId: string; department: string; district: string | null; tags: readonly string[] },
  cityWide: readonly string[],
): boolean {
  return ownerMayWatch(rule.owner, d, cityWide) && inRuleScope(rule.scope, d);
}

/**
 * Whether a device matches a rule's scope: it is listed by id, or it is of a listed type and
 * carries a listed tag (each where given); and it lies in a listed district, where given.
 */
export function inRuleScope(scope: RuleScope, d: { id: string; typeId: string; district: string | null; tags: readonly string[] }): boolean {
  const byId = scope.devices?.includes(d.id) ?? false;
  const byClass =
    !!(scope.types?.length || scope.tags?.length) &&
    (!scope.types?.length || scope.types.includes(d.typeId)) &&
    (!scope.tags?.length || scope.tags.some((t) => d.tags.includes(t)));
  if (!byId && !byClass) return false;
  return !scope.districts?.length || (d.district !== null && scope.districts.includes(d.district));
}
