/** What the emergency command screens share: the API's shapes, level and status tags, the drill banner, names of units. */
import { Alert, Tag } from 'antd';
import { useMemo } from 'react';
import { useApi } from '../../../shared/hooks';
import { type StringKey, useI18n } from '../../../shared/i18n';
import { LEVEL_COLOUR } from '../../../shared/levels';

export type Label = { zh: string; en: string };

export interface Progress {
  tasks: number;
  accepted: number;
  completed: number;
  overdue: number;
}

export interface Incident {
  id: string;
  title: string;
  kind: string;
  kindLabel: Label;
  subkind: string;
  subkindLabel: Label | null;
  description: string | null;
  severity: number;
  status: 'open' | 'responding' | 'ended';
  level: number | null;
  planId: string | null;
  planVersion: number | null;
  drill: boolean;
  source: string;
  district: string | null;
  location: { lon: number; lat: number } | null;
  createdAt: number;
  activatedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  rev: number;
  progress?: Progress;
}

export interface Task {
  id: string;
  unit: string;
  key: string;
  title: Label;
  level: number;
  state: 'dispatched' | 'accepted' | 'completed' | 'cancelled';
  rev: number;
  acceptBy: number;
  dueAt: number;
  overdue: boolean;
  reportEveryMinutes: number;
  lastReportAt: number | null;
}

export interface TimelineEvent {
  at: number;
  kind: string;
  unit: string | null;
  actor: string | null;
  text: string | null;
  /** The entry in words, in both languages (from its kind and data). */
  summary: Label;
  /** The platform's part of the entry, and the words a person typed (a reason, a report), as typed. */
  lead: Label;
  words: string | null;
  data: Record<string, unknown> | null;
}

export interface Allocation {
  id: string;
  resourceId: string;
  name: string;
  type: string;
  unit: string | null;
  department: string;
  quantity: number;
  status: string;
  allocatedAt: number;
  returnedAt: number | null;
}

export interface Board {
  incident: Incident;
  /** The caller reads it (a district government, in its district) but is not involved, so may not decide. */
  readOnly?: boolean;
  tasks: Task[];
  timeline: TimelineEvent[];
  alerts: string[];
  allocations: Allocation[];
  /** Task messages sent over SMS, e-mail and webhooks (addresses masked); none for a drill. */
  notifications: {
    id: string;
    channel: string;
    department: string;
    address: string;
    event: string;
    status: string;
    attempts: number;
    lastError: string | null;
    createdAt: number;
  }[];
}

export interface Resource {
  id: string;
  kind: string;
  kindLabel: Label;
  type: string;
  name: string;
  department: string;
  district: string | null;
  location: { lon: number; lat: number };
  quantity: number;
  available: number;
  unit: string | null;
  contact: string | null;
  status: string;
  rev: number;
  distanceM?: number;
}

export interface Catalog {
  incidentKinds: Record<string, Label>;
  subkinds: Record<string, Label & { kind: string }>;
  planKinds: Record<string, Label>;
  responseLevels: Record<string, Label & { colour?: string }>;
}

export const LEVEL_ROMAN = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'] as const;
/** Response levels' colours, as in the national emergency plan: Ⅰ red, Ⅱ orange, Ⅲ yellow, Ⅳ blue. */

export function ResponseLevelTag({ level }: { level: number | null }) {
  const { t } = useI18n();
  if (!level) return <Tag>{t('cmd.noResponse')}</Tag>;
  return (
    <Tag color={LEVEL_COLOUR[level]} style={{ color: level === 3 ? '#333' : '#fff', fontWeight: 600 }} data-testid="response-level">
      {LEVEL_ROMAN[level]} {t('cmd.levelResponse')}
    </Tag>
  );
}

const STATUS_COLOUR: Record<string, string> = { open: 'red', responding: 'orange', ended: 'default' };
export function IncidentStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOUR[status]} data-testid="incident-status">
      {t(`cmd.status.${status}` as StringKey)}
    </Tag>
  );
}

const TASK_COLOUR: Record<string, string> = { dispatched: 'red', accepted: 'blue', completed: 'green', cancelled: 'default' };
export function TaskStateTag({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <Tag color={TASK_COLOUR[state]} data-testid="task-state">
      {t(`cmd.task.${state}` as StringKey)}
    </Tag>
  );
}

export function DrillTag() {
  const { t } = useI18n();
  return (
    <Tag color="purple" data-testid="drill-tag">
      {t('cmd.drill')}
    </Tag>
  );
}

/** A drill is marked on every screen: a banner no one can miss. */
export function DrillBanner() {
  const { t } = useI18n();
  return <Alert type="warning" showIcon banner message={t('cmd.drillBanner')} data-testid="drill-banner" style={{ fontWeight: 600 }} />;
}

/** Department and district names by code, for units ($district resolves to a district government, GOV-<adcode>). */
export function useUnitNames() {
  const { n } = useI18n();
  const { data } = useApi<{ code: string; name: Label }[]>('/api/departments');
  const names = useMemo(() => new Map((data ?? []).map((d) => [d.code, d.name])), [data]);
  return (code: string | null) => (code ? (names.get(code) ? n(names.get(code)!) : code) : '—');
}

export function useCatalog() {
  return useApi<Catalog>('/api/command/catalog').data;
}

export const fmtTime = (ms: number | null, lang: string) =>
  ms === null ? '—' : new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en', { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** Names of the resource types the city's plans and registry use; another type shows as its code. */
export const RESOURCE_TYPE_NAMES: Record<string, Label> = {
  pump_truck: { zh: '排涝泵车', en: 'Pump truck' },
  rescue_team: { zh: '救援队伍', en: 'Rescue team' },
  ambulance: { zh: '救护车', en: 'Ambulance' },
  expert: { zh: '专家', en: 'Expert' },
  sandbags: { zh: '沙袋', en: 'Sandbags' },
  shelter: { zh: '避难场所', en: 'Shelter' },
  forest_fire_team: { zh: '森林消防队伍', en: 'Forest fire team' },
  gas_detector: { zh: '气体检测仪', en: 'Gas detector' },
  hazmat_team: { zh: '危化品处置队伍', en: 'Hazmat team' },
  medical_team: { zh: '医疗救护队伍', en: 'Medical team' },
  police_team: { zh: '警力', en: 'Police team' },
};
