/**
 * Names for codes. A screen shows words: a role's name, not `dept_staff`. Where a code is what the
 * person needs (a device id to configure, a department code to type, an administrative code),
 * it stands beside the name inside <Code>, which marks it `translate="no"`: a name or code that
 * is the same in every language (see docs/ui.md).
 */
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { api } from './api';
import { type StringKey, useI18n } from './i18n';

type Names = { zh: string; en: string };
export interface Vocabulary {
  roles: Record<string, Names>;
  permissions: Record<string, Names>;
  districtKinds: Record<string, Names>;
  auditActions: Record<string, Names>;
  auditTargets: Record<string, Names>;
  auditOutcomes: Record<string, Names>;
}

const fetched = new Map<string, Promise<unknown>>();

/**
 * Reference data a page reads once per load (names of codes, departments, device types): one
 * request however many components ask; a failed request is asked again by the next one.
 */
export function useOnce<T>(url: string | null): T | null {
  const [v, setV] = useState<T | null>(null);
  useEffect(() => {
    if (url === null) return;
    let p = fetched.get(url) as Promise<T> | undefined;
    if (!p) {
      p = api<T>('GET', url).catch((e: unknown) => {
        fetched.delete(url);
        throw e;
      });
      fetched.set(url, p);
    }
    let live = true;
    p.then((x) => live && setV(x)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [url]);
  return v;
}

/** The server's names for roles, permissions, district kinds and audit codes. */
export function useVocabulary(): Vocabulary | null {
  return useOnce<Vocabulary>('/api/vocabulary');
}

/** A code a person needs, shown as code and never translated. */
export function Code({ children }: { children: ReactNode }) {
  return (
    <code translate="no" className="wd-code" style={{ fontSize: '0.92em', color: 'rgba(0,0,0,0.55)' }}>
      {children}
    </code>
  );
}

/** A proper name (a place, a person, a device as its owner named it): shown as is in both languages. */
export function Name({ children }: { children: ReactNode }) {
  return <span translate="no">{children}</span>;
}

const PARTS: Record<string, { zh: string; en: string }> = {
  id: { zh: '编号', en: 'ID' },
  name: { zh: '名称', en: 'Name' },
  zh: { zh: '中文', en: 'Chinese' },
  en: { zh: '英文', en: 'English' },
  description: { zh: '说明', en: 'Description' },
  source: { zh: '依据', en: 'Source' },
  owner: { zh: '权属部门', en: 'Owner' },
  task: { zh: '建设任务', en: 'Plan task' },
  scope: { zh: '监测范围', en: 'Scope' },
  types: { zh: '设备类型', en: 'Device types' },
  districts: { zh: '区县', en: 'Districts' },
  tags: { zh: '标签', en: 'Tags' },
  devices: { zh: '设备', en: 'Devices' },
  levels: { zh: '预警级别', en: 'Levels' },
  level: { zh: '级别', en: 'Level' },
  condition: { zh: '条件', en: 'Condition' },
  of: { zh: '子条件', en: 'Sub-condition' },
  attr: { zh: '属性', en: 'Attribute' },
  op: { zh: '比较', en: 'Comparison' },
  value: { zh: '触发值', en: 'Raise at' },
  clear: { zh: '解除值', en: 'Clear at' },
  forSeconds: { zh: '持续时间', en: 'Lasting' },
  seconds: { zh: '时长', en: 'Duration' },
  withinSeconds: { zh: '时间窗口', en: 'Window' },
  change: { zh: '变化量', en: 'Change' },
  notify: { zh: '通知部门', en: 'Notify' },
  clearAfterSeconds: { zh: '自动解除', en: 'Clear after' },
  title: { zh: '标题', en: 'Title' },
  kind: { zh: '种类', en: 'Kind' },
  subkinds: { zh: '事件类型', en: 'Incident types' },
  reviewBy: { zh: '评审单位', en: 'Reviewed by' },
  lead: { zh: '牵头单位', en: 'Lead unit' },
  units: { zh: '参与单位', en: 'Units' },
  unit: { zh: '单位', en: 'Unit' },
  tasks: { zh: '任务', en: 'Tasks' },
  resources: { zh: '资源', en: 'Resources' },
  type: { zh: '类型', en: 'Type' },
  quantity: { zh: '数量', en: 'Quantity' },
  deadlineMinutes: { zh: '完成时限', en: 'Deadline' },
  acceptMinutes: { zh: '接收时限', en: 'Time to accept' },
  reportEveryMinutes: { zh: '报告间隔', en: 'Report every' },
  endWhen: { zh: '结束条件', en: 'End when' },
  text: { zh: '内容', en: 'Text' },
};

/** Where in a draft a problem lies, in words: `/levels/0/condition/value` → 预警级别第 1 项 · 条件 · 触发值. */
export function fieldPath(pointer: string, lang: 'zh' | 'en', parts: Record<string, { zh: string; en: string }> = {}): string {
  const segs = pointer
    .replace(/^\/body\/?/, '')
    .split('/')
    .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const next = segs[i + 1];
    if (/^\d+$/.test(s)) continue;
    const label = (parts[s] ?? PARTS[s])?.[lang] ?? s;
    if (next !== undefined && /^\d+$/.test(next)) out.push(lang === 'zh' ? `${label}第 ${Number(next) + 1} 项` : `${label} ${Number(next) + 1}`);
    else out.push(label);
  }
  return out.join(' · ') || (lang === 'zh' ? '整体' : 'Whole');
}

/** The box [west, south, east, north] around the city's districts, for checking typed coordinates. */
export function useCityBounds(): [number, number, number, number] | null {
  return useOnce<{ bbox: [number, number, number, number] | null }>('/api/city')?.bbox ?? null;
}

/** A department's name from its code (the list read once per page load); an unknown code shows as code. */
export function useDeptName(): (code: string | null | undefined) => ReactNode {
  const { lang } = useI18n();
  const list = useOnce<{ code: string; name: Names }[]>('/api/departments');
  return (code) => {
    if (!code) return '—';
    const d = list?.find((x) => x.code === code);
    return d ? d.name[lang] : <Code>{code}</Code>;
  };
}

/**
 * Checks a typed coordinate as the server does: longitude and latitude come together, and lie
 * within the city's districts unless the reporter marks the place as outside the city (the box
 * around the districts is checked here; the server checks the districts themselves).
 */
export function coordinateRule(axis: 'lon' | 'lat', bounds: [number, number, number, number] | null, t: (k: StringKey) => string) {
  return ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
    validator(_: unknown, value: number | null | undefined) {
      const other = getFieldValue(axis === 'lon' ? 'lat' : 'lon');
      const has = (v: unknown) => v !== undefined && v !== null && v !== '';
      if (!has(value)) return has(other) ? Promise.reject(new Error(t('form.bothCoordinates'))) : Promise.resolve();
      const v = Number(value);
      const [min, max] = axis === 'lon' ? [-180, 180] : [-90, 90];
      if (!(v >= min && v <= max)) return Promise.reject(new Error(t(axis === 'lon' ? 'form.lonRange' : 'form.latRange')));
      if (bounds && !getFieldValue('outsideCity')) {
        const [lo, hi] = axis === 'lon' ? [bounds[0], bounds[2]] : [bounds[1], bounds[3]];
        if (v < lo || v > hi) return Promise.reject(new Error(`${t('form.outsideCity')} (${lo.toFixed(2)}–${hi.toFixed(2)})`));
      }
      return Promise.resolve();
    },
  });
}

interface TypeAttrs {
  id: string;
  attributes: { key: string; name: Names; unitText?: string }[];
}

/**
 * An attribute's name and unit from the device types (fetched once per page load): `currentLevel`
 * of a flood sensor reads 积水深度 0.53 m. An attribute no type defines shows as its key.
 */
export function useAttributeNamer(): (type: string | null | undefined, attr: string, value?: string) => ReactNode {
  const text = useAttributeText();
  return (type, attr, value) => {
    const s = text(type, attr, value);
    if (s !== null) return s;
    return value === undefined ? (
      <Code>{attr}</Code>
    ) : (
      <>
        <Code>{attr}</Code> {value}
      </>
    );
  };
}

/** As useAttributeNamer, as plain text (charts, tooltips); null when no device type defines the attribute. */
export function useAttributeText(): (type: string | null | undefined, attr: string, value?: string) => string | null {
  const { lang } = useI18n();
  const types = useOnce<TypeAttrs[]>('/api/device-types');
  return (type, attr, value) => {
    const all = types ?? [];
    const def = all.find((x) => x.id === type)?.attributes.find((a) => a.key === attr) ?? all.flatMap((x) => x.attributes).find((a) => a.key === attr);
    if (!def) return null;
    const name = def.name[lang];
    return value === undefined ? name : `${name} ${value}${def.unitText ? ` ${def.unitText}` : ''}`;
  };
}

/**
 * Units as the owners typed them (Chinese measure words: 条, 处, 辆/小时) in the UI's language:
 * English counts need no measure word, and the common units have English names.
 */
const UNIT_EN: Record<string, string> = {
  条: '',
  处: '',
  个: '',
  项: '',
  起: '',
  台: '',
  支: 'teams',
  人: 'people',
  人次: 'visits',
  辆: 'vehicles',
  袋: 'bags',
  辆次: 'vehicles',
  '辆/小时': 'vehicles/h',
  分钟: 'min',
  小时: 'h',
  米: 'm',
  吨: 't',
  个点: 'points',
};
export function unitIn(unit: string | null | undefined, lang: 'zh' | 'en'): string {
  if (!unit) return '';
  if (lang === 'zh' || !/[\u3400-\u9fff]/.test(unit)) return unit;
  return UNIT_EN[unit] ?? '';
}
