/**
 * The classification of components (部件) and events (事件) as data (GB/T 30428.2, CJ/T 214):
 * for each subcategory its responsible unit (by district where it differs), filing and closing
 * conditions and handling time limits, with the loop's settings (duplicate radius and window,
 * the verification limit, extension rules). Every edit stores a new version of the whole
 * classification; a case keeps the version it was filed under.
 */
import type { DeadlineSpec } from '../../platform/calendar/calendar.js';
import type { FieldError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';

export type ClassKind = 'component' | 'event';

export interface Subcategory {
  /** C + major class (2) + subcategory (2) for components, E… for events, e.g. E0101 暴露垃圾. */
  code: string;
  kind: ClassKind;
  major: { code: string; zh: string; en: string };
  name: Text;
  /** The responsible unit (a department code) unless the district has its own. */
  unit: string;
  /** District adcode → the unit responsible there (a district's urban-management bureau). */
  districtUnits?: Record<string, string>;
  /** Other units the centre may dispatch to instead (a shared remit). */
  alsoUnits?: string[];
  /** Handling time limits from dispatch: normal (一般) and urgent (紧急). */
  limits: { normal: DeadlineSpec; urgent?: DeadlineSpec };
  /** 立案条件 and 结案条件. */
  filing: Text;
  closing: Text;
  /** Where the row comes from, or "local assumption". */
  source: string;
  /** Warning rules (by id prefix) whose alerts the centre may turn into a case of this subcategory. */
  fromAlerts?: string[];
  /** A retired subcategory takes no new reports; filed cases keep it. */
  retired?: boolean;
}

export interface LoopSettings {
  /** The department whose staff run the command centre (监督指挥中心): file, dispatch, decide. */
  centre: string;
  /** Reports of the same subcategory within this distance and time are proposed as duplicates. */
  duplicateRadiusM: number;
  duplicateHours: number;
  /** The inspector's verification (核查) limit from the unit's report back. */
  verify: DeadlineSpec;
  /** At most this many extensions (延期) per case, each at most the subcategory's normal limit. */
  maxExtensions: number;
  /** The evaluation's weighted score (CJ/T 292): points for each rate, summing to 100. */
  weights: Weights;
}

export interface Weights {
  /** 按时结案率 */
  onTimeClosing: number;
  /** 按时处置率 */
  onTimeHandling: number;
  /** 1 − 返工率 */
  noRework: number;
  /** 1 − 退回率 */
  noReturn: number;
}

export interface Classification {
  version: number;
  subcategories: Subcategory[];
  settings: LoopSettings;
}

export const DEFAULT_SETTINGS: LoopSettings = {
  centre: '',
  duplicateRadiusM: 50,
  duplicateHours: 24,
  verify: { workingHours: 2 },
  maxExtensions: 2,
  // Municipal rules weight the on-time closing rate most (e.g. 60 of 100).
  weights: { onTimeClosing: 60, onTimeHandling: 20, noRework: 10, noReturn: 10 },
};

const CODE = /^[CE]\d{4}$/;

function specHours(spec: DeadlineSpec): number {
  return 'workingDays' in spec ? spec.workingDays : 'workingHours' in spec ? spec.workingHours : spec.hours;
}

function checkSpec(spec: unknown, pointer: string, errors: FieldError[]): void {
  const s = spec as Record<string, unknown> | null;
  const keys = s && typeof s === 'object' ? Object.keys(s) : [];
  const ok =
    keys.length === 1 &&
    ['workingDays', 'workingHours', 'hours'].includes(keys[0]!) &&
    typeof s![keys[0]!] === 'number' &&
    (s![keys[0]!] as number) > 0 &&
    (keys[0] !== 'workingDays' || Number.isInteger(s![keys[0]!]));
  if (!ok)
    errors.push({
      pointer,
      detail: {
        zh: '时限须为 {workingDays: 整数} 或 {workingHours: 数} 且大于 0',
        en: 'must be {workingDays: whole number} or {workingHours: number}, above 0',
      },
    });
}

/** Every problem with a subcategory, given the departments that exist. */
export function checkSubcategory(s: Subcategory, departments: ReadonlySet<string>, districts: ReadonlySet<string>, base = ''): FieldError[] {
  const errors: FieldError[] = [];
  if (!CODE.test(s.code ?? '')) errors.push({ pointer: `${base}/code`, detail: { zh: '编码为 C 或 E 加 4 位数字', en: 'C or E and 4 digits' } });
  if (s.kind !== (s.code?.startsWith('C') ? 'component' : 'event'))
    errors.push({ pointer: `${base}/kind`, detail: { zh: 'C 开头为部件，E 开头为事件', en: 'C codes are components, E codes events' } });
  if (!s.major || s.major.code !== s.code?.slice(0, 3) || !s.major.zh || !s.major.en)
    errors.push({
      pointer: `${base}/major`,
      detail: { zh: '大类编码须为小类编码的前 3 位，并有中英文名称', en: 'the first 3 characters of the code, with names' },
    });
  if (!s.name?.zh?.trim() || !s.name?.en?.trim())
    errors.push({ pointer: `${base}/name`, detail: { zh: '须有中英文名称', en: 'needs a Chinese and an English name' } });
  const unitError = (u: string, pointer: string) => {
    if (!departments.has(u)) errors.push({ pointer, detail: { zh: `没有部门 ${u}`, en: `no department ${u}` } });
  };
  unitError(s.unit, `${base}/unit`);
  for (const [d, u] of Object.entries(s.districtUnits ?? {})) {
    if (!districts.has(d)) errors.push({ pointer: `${base}/districtUnits/${d}`, detail: { zh: `没有区县 ${d}`, en: `no district ${d}` } });
    unitError(u, `${base}/districtUnits/${d}`);
  }
  for (const [i, u] of (s.alsoUnits ?? []).entries()) unitError(u, `${base}/alsoUnits/${i}`);
  checkSpec(s.limits?.normal, `${base}/limits/normal`, errors);
  if (s.limits?.urgent !== undefined) {
    checkSpec(s.limits.urgent, `${base}/limits/urgent`, errors);
    if (errors.length === 0 && s.limits.normal && deadlineRank(s.limits.urgent) > deadlineRank(s.limits.normal))
      errors.push({ pointer: `${base}/limits/urgent`, detail: { zh: '紧急时限不得长于一般时限', en: 'cannot be longer than the normal limit' } });
  }
  for (const k of ['filing', 'closing'] as const)
    if (!s[k]?.zh?.trim() || !s[k]?.en?.trim())
      errors.push({ pointer: `${base}/${k}`, detail: { zh: '须有中英文条件', en: 'needs the condition in Chinese and English' } });
  if (!s.source?.trim()) errors.push({ pointer: `${base}/source`, detail: { zh: '须注明来源或“本地假设”', en: 'cite the source, or say local assumption' } });
  return errors;
}

/** A rough length in working hours (a working day counted as 8), to compare limits. */
export function deadlineRank(spec: DeadlineSpec): number {
  return 'workingDays' in spec ? spec.workingDays * 8 : specHours(spec);
}

export function checkSettings(s: LoopSettings): FieldError[] {
  const errors: FieldError[] = [];
  const positive = (v: unknown, pointer: string, max: number) => {
    if (!(typeof v === 'number' && v > 0 && v <= max))
      errors.push({ pointer, detail: { zh: `须为 0 到 ${max} 之间的数`, en: `must be a number above 0 and at most ${max}` } });
  };
  positive(s.duplicateRadiusM, '/settings/duplicateRadiusM', 1000);
  positive(s.duplicateHours, '/settings/duplicateHours', 720);
  if (!(Number.isInteger(s.maxExtensions) && s.maxExtensions >= 0 && s.maxExtensions <= 5))
    errors.push({ pointer: '/settings/maxExtensions', detail: { zh: '须为 0 到 5 的整数', en: 'a whole number from 0 to 5' } });
  checkSpec(s.verify, '/settings/verify', errors);
  const w = s.weights as Partial<Weights> | undefined;
  const parts = [w?.onTimeClosing, w?.onTimeHandling, w?.noRework, w?.noReturn];
  if (!parts.every((v) => typeof v === 'number' && v >= 0) || parts.reduce<number>((a, v) => a + (v ?? 0), 0) !== 100)
    errors.push({ pointer: '/settings/weights', detail: { zh: '四项权重须为非负数且合计 100', en: 'the four weights are non-negative and sum to 100' } });
  return errors;
}

/** The unit a subcategory's case in a district goes to automatically. */
export function unitFor(s: Subcategory, district: string): string {
  return s.districtUnits?.[district] ?? s.unit;
}

/** Every unit that owns the subcategory somewhere: the ones the centre may dispatch to. */
export function unitsOf(s: Subcategory): Set<string> {
  return new Set([s.unit, ...Object.values(s.districtUnits ?? {}), ...(s.alsoUnits ?? [])]);
}

/** The limit that applies to a case. */
export function limitOf(s: Subcategory, urgent: boolean): DeadlineSpec {
  return urgent && s.limits.urgent ? s.limits.urgent : s.limits.normal;
}
