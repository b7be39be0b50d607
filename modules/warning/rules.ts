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
  const err = (pointer: string, detail: string): void => {
    errors.push({ pointer: `${base}${pointer}`, detail });
  };
  if (!rule.name?.zh?.trim() || !rule.name?.en?.trim()) err('/name', 'a Chinese and an English name are required');
  if (!rule.source?.trim()) err('/source', 'cite the standard, plan or regulation the thresholds come from');
  if (!cat.departments.has(rule.owner)) err('/owner', `unknown department ${rule.owner}`);
  if (!cat.tasks.has(rule.task)) err('/task', `unknown plan task ${rule.task}; see the responsibility matrix`);
  for (const [i, d] of (rule.notify ?? []).entries()) if (!cat.departments.has(d)) err(`/notify/${i}`, `unknown department ${d}`);
  if (rule.routing !== undefined && rule.routing !== 'matrix' && rule.routing !== 'device') err('/routing', 'matrix or device');
  if (rule.clearAfterSeconds !== undefined && !(rule.clearAfterSeconds >= 0 && rule.clearAfterSeconds <= 86_400))
    err('/clearAfterSeconds', 'must be between 0 and 86400');

  const s = rule.scope ?? {};
  for (const [i, t] of (s.types ?? []).entries()) if (!cat.types.has(t)) err(`/scope/types/${i}`, `unknown device type ${t}`);
  for (const [i, d] of (s.districts ?? []).entries()) if (!cat.districts.has(d)) err(`/scope/districts/${i}`, `unknown district ${d}`);
  if (!s.types?.length && !s.devices?.length && !s.tags?.length)
    err('/scope', 'name the device types, tags or devices the rule watches (a district alone would match every device in it)');

  // Attributes the scoped types all have; unknown when the scope is by device or tag only.
  const known = s.types?.length ? s.types.map((t) => cat.types.get(t)).filter((x): x is ReadonlySet<string> => !!x) : undefined;
  const checkAttr = (pointer: string, attr: string | undefined) => {
    if (attr === undefined) return;
    if (typeof attr !== 'string' || !ATTR_RE.test(attr)) return err(pointer, 'an attribute key, or a derived value such as $aqi');
    if (attr.startsWith('$')) {
      if (!DERIVED[attr]) return err(pointer, `unknown derived value ${attr}; known: ${Object.keys(DERIVED).join(', ')}`);
      return;
    }
    // Defined by at least one scoped type: a device without the attribute simply never meets it.
    if (known?.length && !known.some((k) => k.has(attr))) err(pointer, `attribute ${attr} is not defined by device type ${s.types!.join(', ')}`);
  };
  const checkRef = (pointer: string, v: ValueRef | undefined, required: boolean) => {
    if (v === undefined) {
      if (required) err(pointer, 'required');
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) err(pointer, 'must be a finite number');
      return;
    }
    if (!v || typeof v !== 'object' || typeof v.property !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(v.property))
      err(pointer, 'a number, or {"property": "<device property>"} for a per-device value such as a station warning level');
  };
  const positive = (pointer: string, v: unknown, max: number) => {
    if (typeof v !== 'number' || !(v > 0) || v > max) err(pointer, `must be a number above 0 and at most ${max}`);
  };

  const checkCondition = (c: Condition, p: string, depth: number, topLevel: boolean): void => {
    if (!c || typeof c !== 'object') {
      err(p, 'a condition object is required');
      return;
    }
    if (depth > MAX_DEPTH) {
      err(p, `conditions nest at most ${MAX_DEPTH} deep`);
      return;
    }
    switch (c.kind) {
      case 'threshold':
        checkAttr(`${p}/attr`, c.attr);
        if (c.op !== '>=' && c.op !== '<=') err(`${p}/op`, 'must be >= or <=');
        checkRef(`${p}/value`, c.value, true);
        checkRef(`${p}/clear`, c.clear, false);
        if (typeof c.value === 'number' && typeof c.clear === 'number') {
          if (c.op === '>=' && c.clear > c.value)
            err(`${p}/clear`, `the clear level must not be above the raise level ${c.value} (hysteresis: raise at ≥ a, clear at ≤ b)`);
          if (c.op === '<=' && c.clear < c.value) err(`${p}/clear`, `the clear level must not be below the raise level ${c.value}`);
        }
        if (c.forSeconds !== undefined && !(c.forSeconds >= 0 && c.forSeconds <= 7 * 86_400)) err(`${p}/forSeconds`, 'must be between 0 and 604800');
        break;
      case 'rate':
        checkAttr(`${p}/attr`, c.attr);
        if (typeof c.change !== 'number' || c.change === 0 || !Number.isFinite(c.change))
          err(`${p}/change`, 'a non-zero number: positive for a rise, negative for a fall');
        positive(`${p}/withinSeconds`, c.withinSeconds, 7 * 86_400);
        break;
      case 'absence':
        checkAttr(`${p}/attr`, c.attr);
        if (typeof c.seconds !== 'number' || c.seconds < 60 || c.seconds > 30 * 86_400) err(`${p}/seconds`, 'must be between 60 and 2592000');
        break;
      case 'stuck':
        checkAttr(`${p}/attr`, c.attr);
        if (typeof c.seconds !== 'number' || c.seconds < 60 || c.seconds > 7 * 86_400) err(`${p}/seconds`, 'must be between 60 and 604800');
        if (c.minReadings !== undefined && !(Number.isInteger(c.minReadings) && c.minReadings >= 2)) err(`${p}/minReadings`, 'a whole number, at least 2');
        break;
      case 'baseline':
        checkAttr(`${p}/attr`, c.attr);
        if (!Number.isInteger(c.weeks) || c.weeks < 2 || c.weeks > 12) err(`${p}/weeks`, 'a whole number of weeks between 2 and 12');
        if (c.sigmas === undefined && c.ratio === undefined) err(p, 'give sigmas (standard deviations) or ratio (share above or below the baseline)');
        if (c.sigmas !== undefined) positive(`${p}/sigmas`, c.sigmas, 20);
        if (c.ratio !== undefined) positive(`${p}/ratio`, c.ratio, 100);
        break;
      case 'predict':
        checkAttr(`${p}/attr`, c.attr);
        if (c.op !== '>=' && c.op !== '<=') err(`${p}/op`, 'must be >= or <=');
        checkRef(`${p}/value`, c.value, true);
        positive(`${p}/horizonSeconds`, c.horizonSeconds, 2 * 86_400);
        if (typeof c.fitSeconds !== 'number' || c.fitSeconds < 300 || c.fitSeconds > 7 * 86_400) err(`${p}/fitSeconds`, 'must be between 300 and 604800');
        if (c.minConfidence !== undefined && !(c.minConfidence > 0 && c.minConfidence < 1)) err(`${p}/minConfidence`, 'a probability between 0 and 1');
        break;
      case 'all':
      case 'any':
        if (!Array.isArray(c.of) || c.of.length < 2) err(`${p}/of`, 'list at least two conditions');
        else
          c.of.forEach((x, i) => {
            checkCondition(x, `${p}/of/${i}`, depth + 1, false);
          });
        if (Array.isArray(c.of) && c.of.every((x) => x?.kind === 'geofence')) err(`${p}/of`, 'combine a geofence with a condition on readings');
        break;
      case 'geofence': {
        const poly = c.polygon;
        if (!Array.isArray(poly) || poly.length < 3) err(`${p}/polygon`, 'a polygon of at least three [lon, lat] points');
        else
          poly.forEach((pt, i) => {
            if (!Array.isArray(pt) || pt.length !== 2 || !(Math.abs(pt[0]) <= 180) || !(Math.abs(pt[1]) <= 90)) err(`${p}/polygon/${i}`, 'a [lon, lat] point');
          });
        if (typeof c.inside !== 'boolean') err(`${p}/inside`, 'true (inside the area) or false (outside it)');
        if (topLevel) err(p, 'a geofence alone raises nothing; combine it with a reading condition using all');
        break;
      }
      case 'count':
        if (!topLevel) err(p, 'k of n is the whole condition of a level; it cannot be nested');
        if (!Number.isInteger(c.k) || c.k < 1 || c.k > 100_000) err(`${p}/k`, 'a whole number of devices, at least 1');
        if (c.by !== 'district' && c.by !== 'scope') err(`${p}/by`, 'district (k in one district) or scope (k anywhere in the rule scope)');
        if (c.of?.kind === 'count') err(`${p}/of`, 'k of n cannot be nested');
        else checkCondition(c.of, `${p}/of`, depth + 1, false);
        break;
      default:
        err(`${p}/kind`, 'one of threshold, rate, absence, stuck, baseline, predict, all, any, geofence, count');
    }
  };

  if (!Array.isArray(rule.levels) || rule.levels.length === 0) err('/levels', 'give at least one level with its condition');
  else {
    const seen = new Set<number>();
    rule.levels.forEach((l, i) => {
      if (![1, 2, 3, 4].includes(l.level)) err(`/levels/${i}/level`, 'a warning level: 4 (Ⅳ blue), 3 (Ⅲ yellow), 2 (Ⅱ orange) or 1 (Ⅰ red)');
      else if (seen.has(l.level)) err(`/levels/${i}/level`, `level ${l.level} is given twice`);
      seen.add(l.level);
      checkCondition(l.condition, `/levels/${i}/condition`, 1, true);
    });
    const counts = rule.levels.map((l) => l.condition?.kind === 'count');
    if (counts.some(Boolean) && !counts.every(Boolean)) err('/levels', 'either every level is a k-of-n condition or none is');
    if (counts.every(Boolean) && counts.length > 1) {
      const by = new Set(rule.levels.map((l) => (l.condition as { by?: string }).by));
      if (by.size > 1) err('/levels', 'every k-of-n level groups the same way (district or scope)');
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
