/**
 * City indicators (城市运行指标) as data. An indicator names what it measures and where the value
 * comes from (devices' newest readings or a value derived from them, device health, alerts,
 * incidents), how to aggregate it, how to break it down (by district or department), and when it
 * turns yellow or red. A department adds one through the API or the console, never in code.
 */
import { DERIVED } from '../warning/index.js';

import { SHARING_MEASURES, type SharingMeasure } from '../sharing/index.js';
import { SERVICES_MEASURES, type ServicesMeasure } from '../services/index.js';
import { URBAN_MEASURES, type UrbanMeasure } from '../urban/index.js';

export type Label = { zh: string; en: string };

/** The domains of the operations-centre screen, in the plan's words. */
export const DOMAINS = {
  air: { zh: '大气环境', en: 'Air' },
  water: { zh: '水利水环境', en: 'Water' },
  drainage: { zh: '城市排水', en: 'Drainage' },
  safety: { zh: '燃气与桥梁安全', en: 'Gas and bridges' },
  traffic: { zh: '交通运行', en: 'Traffic' },
  tourism: { zh: '文化旅游', en: 'Tourism' },
  devices: { zh: '感知设备', en: 'Devices' },
  alerts: { zh: '风险预警', en: 'Alerts' },
  incidents: { zh: '应急事件', en: 'Incidents' },
  sharing: { zh: '数据共享', en: 'Data sharing' },
  urban: { zh: '城市管理', en: 'Urban management' },
  services: { zh: '政务服务', en: 'Government services' },
} as const;
export type Domain = keyof typeof DOMAINS;

export const AGGREGATES = ['avg', 'max', 'min', 'sum', 'count_over', 'share_over'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export type IndicatorSource =
  | {
      kind: 'reading';
      /** Device types read. */
      types: string[];
      /** An attribute, or a derived value ($aqi, $waterClass, $load, …). */
      attr: string;
      agg: Aggregate;
      /** For count_over / share_over: a number, or a device property (a station's own warning level). */
      threshold?: number | { property: string };
      /** Readings older than this do not count (default 60 minutes). */
      freshMinutes?: number;
    }
  | { kind: 'devices'; measure: 'online_share' | 'offline' }
  | { kind: 'alerts'; measure: 'open' | 'median_ack_minutes'; levels?: number[] }
  | { kind: 'incidents'; measure: 'current' | 'overdue_tasks' }
  /** The data sharing centre: published resources, requests under way, the share on time (%), gateway calls today. */
  | { kind: 'sharing'; measure: SharingMeasure }
  /** Urban management: open and overdue cases, reports today, today's on-time handling share. */
  | { kind: 'urban'; measure: UrbanMeasure }
  /** Government services: applications under way and past their limit, 30-day satisfaction (好差评), bad ratings awaiting follow-up. */
  | { kind: 'services'; measure: ServicesMeasure };

export interface IndicatorDefinition {
  name: Label;
  domain: Domain;
  /** Department that owns and edits the indicator. */
  owner: string;
  description?: string;
  unit?: string;
  decimals?: number;
  /** Multiplies the value (100 shows a share such as $load as a percentage). */
  scale?: number;
  source: IndicatorSource;
  /** The breakdown shown on drill-down (the wall's district view reads `district`). */
  breakdown?: 'district' | 'department';
  /** When the value turns yellow (warn) and red (alarm); `up`: higher is worse. */
  status?: { direction: 'up' | 'down'; warn: number; alarm: number };
}

export interface IndicatorCatalog {
  departments: ReadonlySet<string>;
  /** Device types and their attributes. */
  types: ReadonlyMap<string, ReadonlySet<string>>;
}

export type { FieldError } from '../../platform/http/errors.js';
import type { FieldError } from '../../platform/http/errors.js';

export const INDICATOR_ID_RE = /^[a-z][a-z0-9-]{1,63}$/;

const label = (l: unknown): l is Label =>
  typeof l === 'object' &&
  l !== null &&
  typeof (l as Label).zh === 'string' &&
  (l as Label).zh.trim() !== '' &&
  typeof (l as Label).en === 'string' &&
  (l as Label).en.trim() !== '';

/** Every problem with a definition, each at its field; empty when sound. */
export function validateIndicator(def: IndicatorDefinition, cat: IndicatorCatalog, base = '/body'): FieldError[] {
  const errors: FieldError[] = [];
  const err = (pointer: string, zh: string, en: string) => errors.push({ pointer: `${base}${pointer}`, detail: { zh, en } });
  if (!label(def.name)) err('/name', '请填写中文名称和英文名称', 'a Chinese and an English name are required');
  if (!(def.domain in DOMAINS)) err('/domain', '请选择领域', `one of ${Object.keys(DOMAINS).join(', ')}`);
  if (!cat.departments.has(def.owner)) err('/owner', `没有部门 ${def.owner}`, `unknown department ${def.owner}`);
  if (def.decimals !== undefined && !(Number.isInteger(def.decimals) && def.decimals >= 0 && def.decimals <= 4)) err('/decimals', '须为 0 到 4', '0 to 4');
  if (def.scale !== undefined && !(Number.isFinite(def.scale) && def.scale !== 0)) err('/scale', '须为非零数字', 'a number other than 0');
  if (def.breakdown !== undefined && def.breakdown !== 'district' && def.breakdown !== 'department')
    err('/breakdown', '须为按区县或按部门', 'district or department');
  const s = def.source as IndicatorSource | undefined;
  if (!s || typeof s !== 'object') err('/source', '请填写数据来源', 'required');
  else if (s.kind === 'reading') {
    if (!Array.isArray(s.types) || s.types.length === 0) err('/source/types', '至少选择一种设备类型', 'at least one device type');
    for (const [i, t] of (s.types ?? []).entries()) if (!cat.types.has(t)) err(`/source/types/${i}`, `没有设备类型 ${t}`, `unknown device type ${t}`);
    if (s.attr?.startsWith('$')) {
      if (!DERIVED[s.attr]) err('/source/attr', `没有派生值 ${s.attr}`, `unknown derived value ${s.attr}; known: ${Object.keys(DERIVED).join(', ')}`);
    } else if (!s.attr || !(s.types ?? []).some((t) => cat.types.get(t)?.has(s.attr))) {
      err('/source/attr', `所选设备类型都没有属性 ${s.attr ?? '（未选择）'}`, `none of the types has ${s.attr ?? '(nothing)'}`);
    }
    if (!AGGREGATES.includes(s.agg)) err('/source/agg', '请选择汇总方式', `one of ${AGGREGATES.join(', ')}`);
    const needsThreshold = s.agg === 'count_over' || s.agg === 'share_over';
    const th = s.threshold;
    if (needsThreshold && th === undefined)
      err('/source/threshold', '此汇总方式需要阈值：数字或设备属性', `${s.agg} needs a threshold: a number or {property}`);
    if (th !== undefined && !(typeof th === 'number' ? Number.isFinite(th) : typeof th?.property === 'string' && th.property !== ''))
      err('/source/threshold', '须为数字或设备属性', 'a number or {property: name}');
    if (s.freshMinutes !== undefined && !(Number.isInteger(s.freshMinutes) && s.freshMinutes >= 1 && s.freshMinutes <= 10_080))
      err('/source/freshMinutes', '须为 1 到 10080 分钟', '1 to 10,080 minutes');
  } else if (s.kind === 'devices') {
    if (s.measure !== 'online_share' && s.measure !== 'offline') err('/source/measure', '请选择在线率或离线数', 'online_share or offline');
  } else if (s.kind === 'alerts') {
    if (s.measure !== 'open' && s.measure !== 'median_ack_minutes') err('/source/measure', '请选择未处置数或确认用时中位数', 'open or median_ack_minutes');
    for (const [i, l] of (s.levels ?? []).entries()) if (![1, 2, 3, 4].includes(l)) err(`/source/levels/${i}`, '须为 1 到 4', '1 to 4');
  } else if (s.kind === 'incidents') {
    if (s.measure !== 'current' && s.measure !== 'overdue_tasks') err('/source/measure', '请选择当前事件数或超时任务数', 'current or overdue_tasks');
    if (def.breakdown === 'department') err('/breakdown', '事件只能按区县分解', 'incidents break down by district');
  } else if (s.kind === 'sharing') {
    if (!SHARING_MEASURES.includes(s.measure)) err('/source/measure', '请选择资源数、办理中的申请、按时办结率或今日调用次数', SHARING_MEASURES.join(', '));
    if (def.breakdown === 'district') err('/breakdown', '数据共享只能按部门分解', 'sharing figures break down by department');
  } else if (s.kind === 'urban') {
    if (!URBAN_MEASURES.includes(s.measure)) err('/source/measure', '请选择未结案件、超时案件、今日上报或今日按时处置率', URBAN_MEASURES.join(', '));
    if (def.breakdown === 'department') err('/breakdown', '城管案件只能按区县分解', 'urban-management figures break down by district');
  } else if (s.kind === 'services') {
    if (!SERVICES_MEASURES.includes(s.measure)) err('/source/measure', '请选择在办办件、超期办件、30 天满意率或待整改差评', SERVICES_MEASURES.join(', '));
    if (def.breakdown === 'district') err('/breakdown', '政务服务只能按部门分解', 'government-services figures break down by department');
  } else err('/source/kind', '请选择数据来源种类', 'reading, devices, alerts, incidents, sharing, urban or services');
  const st = def.status;
  if (st !== undefined) {
    if (st.direction !== 'up' && st.direction !== 'down') err('/status/direction', '请选择越高越差或越低越差', 'up (higher is worse) or down');
    if (!Number.isFinite(st.warn)) err('/status/warn', '须为数字', 'a number');
    if (!Number.isFinite(st.alarm)) err('/status/alarm', '须为数字', 'a number');
    if (Number.isFinite(st.warn) && Number.isFinite(st.alarm) && (st.direction === 'up' ? st.alarm < st.warn : st.alarm > st.warn))
      err(
        '/status/alarm',
        st.direction === 'up' ? '越高越差时，红色阈值不能低于黄色阈值' : '越低越差时，红色阈值不能高于黄色阈值',
        st.direction === 'up' ? 'at or above warn when higher is worse' : 'at or below warn when lower is worse',
      );
  }
  return errors;
}

/** green, yellow or red for a value against the definition's thresholds (null: no thresholds or no value). */
export function statusOf(def: IndicatorDefinition, value: number | null): 'green' | 'yellow' | 'red' | null {
  if (value === null || !def.status) return null;
  const { direction, warn, alarm } = def.status;
  const worse = (a: number, b: number) => (direction === 'up' ? a >= b : a <= b);
  if (worse(value, alarm)) return 'red';
  if (worse(value, warn)) return 'yellow';
  return 'green';
}
