/**
 * Names for codes. A screen shows words: a role's name, not `dept_staff`. Where a code is what the
 * person needs (a device id to configure, a department code to type, an administrative code),
 * it stands beside the name inside <Code>, which marks it `translate="no"`: a name or code that
 * is the same in every language (see docs/ui.md).
 */
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { api } from './api';
import { useI18n } from './i18n';

type Names = { zh: string; en: string };
export interface Vocabulary {
  roles: Record<string, Names>;
  permissions: Record<string, Names>;
  districtKinds: Record<string, Names>;
  auditActions: Record<string, Names>;
  auditTargets: Record<string, Names>;
  auditOutcomes: Record<string, Names>;
}

let cached: Promise<Vocabulary> | null = null;

/** The server's names for roles, permissions and district kinds (fetched once per page load). */
export function useVocabulary(): Vocabulary | null {
  const [v, setV] = useState<Vocabulary | null>(null);
  useEffect(() => {
    cached ??= api<Vocabulary>('GET', '/api/vocabulary').catch((e: unknown) => {
      cached = null;
      throw e;
    });
    let live = true;
    cached.then((x) => live && setV(x)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return v;
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

/** The name of a code from a dictionary in the UI's language; an unknown code is shown as code. */
export function useNamer() {
  const { lang } = useI18n();
  return (dict: Record<string, Names> | undefined | null, code: string): ReactNode => {
    const names = dict?.[code];
    return names ? names[lang] : <Code>{code}</Code>;
  };
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
export function fieldPath(pointer: string, lang: 'zh' | 'en'): string {
  const segs = pointer
    .replace(/^\/body\/?/, '')
    .split('/')
    .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const next = segs[i + 1];
    if (/^\d+$/.test(s)) continue;
    const label = PARTS[s]?.[lang] ?? s;
    if (next !== undefined && /^\d+$/.test(next)) out.push(lang === 'zh' ? `${label}第 ${Number(next) + 1} 项` : `${label} ${Number(next) + 1}`);
    else out.push(label);
  }
  return out.join(' · ') || (lang === 'zh' ? '整体' : 'Whole');
}

/** The box [west, south, east, north] around the city's districts, for checking typed coordinates. */
export function useCityBounds(): [number, number, number, number] | null {
  const [b, setB] = useState<[number, number, number, number] | null>(null);
  useEffect(() => {
    let live = true;
    api<{ bbox: [number, number, number, number] | null }>('GET', '/api/city')
      .then((c) => live && setB(c.bbox))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return b;
}
