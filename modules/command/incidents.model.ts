/** Incidents' shapes, the emergency task workflow, and the incident as the API shows it. */
import type { Selectable } from 'kysely';
import type { Principal } from '../../platform/auth/scope.js';
import type { WorkflowDefinition } from '../../platform/workflow/definition.js';
import type { EmIncidentTable } from './command.tables.js';
import { INCIDENT_KINDS, type ResponseLevel, SUBKINDS } from './plans.js';

export const TASK_WORKFLOW = 'emergency.task';

/** Reads an alert as a caller may see it (the warning module's alert service); a 404 otherwise. */
export interface AlertReader {
  /** `act`: the caller must be one the alert was routed to (403 read-only otherwise). */
  get(
    id: string,
    principal: Principal | null,
    how?: 'read' | 'act',
  ): Promise<{
    id: string;
    rule_id: string;
    level: number;
    title_zh: string;
    title_en: string;
    district_adcode: string | null;
    lon: number | null;
    lat: number | null;
  }>;
  recipientsOf(id: string): Promise<string[]>;
}

/** A unit's task: dispatched → accepted → completed; cancelled when the level drops or the response ends. */
export const TASK_DEFINITION: WorkflowDefinition = {
  key: TASK_WORKFLOW,
  version: 1,
  label: { zh: '应急处置任务', en: 'Emergency task' },
  initial: 'dispatched',
  states: {
    // The deadlines here are defaults: each task carries its own from the plan (data._dueAt).
    dispatched: {
      label: { zh: '已下达', en: 'Dispatched' },
      deadline: { hours: 1 },
      escalation: [{ notify: ['dept_leader'] }, { after: { hours: 0.25 }, notify: ['duty_officer'] }],
    },
    accepted: {
      label: { zh: '处置中', en: 'In progress' },
      deadline: { hours: 24 },
      escalation: [{ notify: ['dept_leader'] }, { after: { hours: 0.5 }, notify: ['duty_officer'] }],
    },
    completed: { label: { zh: '已完成', en: 'Completed' }, final: true },
    cancelled: { label: { zh: '已撤销', en: 'Cancelled' }, final: true },
  },
  transitions: {
    accept: { label: { zh: '接收', en: 'Accept' }, from: ['dispatched'], to: 'accepted', roles: ['dept_staff', 'dept_leader'] },
    complete: { label: { zh: '完成', en: 'Complete' }, from: ['accepted'], to: 'completed', roles: ['dept_staff', 'dept_leader'], requireComment: true },
    cancel: { label: { zh: '撤销', en: 'Cancel' }, from: ['dispatched', 'accepted'], to: 'cancelled', roles: ['system'] },
  },
};

export type IncidentRow = Selectable<EmIncidentTable>;

export interface TaskProgress {
  tasks: number;
  accepted: number;
  completed: number;
  overdue: number;
}

export interface CreateIncident {
  title: string;
  subkind: string;
  description?: string;
  /** 1 Ⅰ … 4 Ⅳ as first assessed. */
  severity: ResponseLevel;
  district?: string | null;
  location?: { lon: number; lat: number } | null;
  /** The location lies outside the city's districts on purpose (an accident on a road just beyond the border). */
  outsideCity?: boolean;
  source: 'alert' | 'phone' | 'report' | 'api';
  drill?: boolean;
  alertIds?: string[];
}

/** Warning rules → incident subkinds (a rule's owner task and id tell what its alerts are about). */
const RULE_SUBKINDS: [RegExp, string][] = [
  [/waterlogging|ponding|drain/, 'waterlogging'],
  [/river|reservoir|flood/, 'flood'],
  [/gas/, 'gas_leak'],
  [/bridge/, 'bridge_structural'],
  [/air|aqi|pollution/, 'heavy_air_pollution'],
  [/scenic|visitor/, 'scenic_overcrowding'],
  [/fire/, 'forest_fire'],
];

export function subkindOfRule(ruleId: string): string | undefined {
  return RULE_SUBKINDS.find(([re]) => re.test(ruleId))?.[1];
}

export function incidentView(i: IncidentRow) {
  return {
    id: i.id,
    title: i.title,
    kind: i.kind,
    kindLabel: INCIDENT_KINDS[i.kind as keyof typeof INCIDENT_KINDS],
    subkind: i.subkind,
    subkindLabel: SUBKINDS[i.subkind] ? { zh: SUBKINDS[i.subkind]!.zh, en: SUBKINDS[i.subkind]!.en } : null,
    description: i.description,
    severity: i.severity,
    status: i.status,
    level: i.level,
    planId: i.plan_id,
    planVersion: i.plan_version,
    drill: i.drill === 1,
    source: i.source,
    district: i.district_adcode,
    location: i.lon !== null && i.lat !== null ? { lon: i.lon, lat: i.lat } : null,
    createdBy: i.created_by,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
    activatedAt: i.activated_at,
    endedAt: i.ended_at,
    endReason: i.end_reason,
    rev: i.rev,
  };
}
