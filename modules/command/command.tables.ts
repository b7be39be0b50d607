/**
 * Emergency command's tables: plans and their versions, incidents with their alerts, timeline and involved units, tasks and reports, resources and allocations.
 * Merged into the platform's Database type, as modules extend the event map.
 */
export interface EmPlanTable {
  id: string;
  version: number;
  kind: string; // general | special | department | site
  owner: string;
  subkinds: string; // JSON string[]
  review_by: string; // YYYY-MM-DD
  definition: string; // JSON PlanDefinition
  /** The definition's schema version (plans.ts PLAN_SCHEMA_VERSION when saved). */
  schema_version: number;
  status: string; // active | retired
  created_by: string | null;
  created_at: number;
  updated_by: string | null;
  updated_at: number;
}
export interface EmIncidentTable {
  id: string;
  title: string;
  kind: string;
  subkind: string;
  description: string | null;
  severity: number; // 1 Ⅰ … 4 Ⅳ
  status: string; // open | responding | ended
  level: number | null;
  plan_id: string | null;
  plan_version: number | null;
  drill: number;
  source: string; // alert | phone | report | api
  district_adcode: string | null;
  lon: number | null;
  lat: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  activated_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  lessons: string | null;
  rev: number;
}
export interface EmIncidentAlertTable {
  incident_id: string;
  alert_id: string;
  linked_at: number;
}
export interface EmIncidentEventTable {
  id: string;
  incident_id: string;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  unit: string | null;
  kind: string;
  text: string | null;
  data: string | null; // JSON
}
export interface EmTaskTable {
  id: string; // workflow instance id (emergency.task)
  incident_id: string;
  unit: string;
  task_key: string;
  title_zh: string;
  title_en: string;
  level: number;
  accept_by: number;
  due_at: number;
  report_every_ms: number;
  last_report_at: number | null;
  created_at: number;
}
export interface EmTaskReportTable {
  id: string;
  task_id: string;
  incident_id: string;
  at: number;
  by_id: string | null;
  text: string;
  photos: string | null; // JSON
  lon: number | null;
  lat: number | null;
}
export interface EmResourceTable {
  id: string;
  kind: string; // team | expert | supply | shelter | vehicle
  type: string;
  name: string;
  department_code: string;
  district_adcode: string | null;
  lon: number;
  lat: number;
  quantity: number;
  unit: string | null;
  contact: string | null;
  status: string; // available | out_of_service
  created_at: number;
  updated_at: number;
  rev: number;
}
export interface EmAllocationTable {
  id: string;
  incident_id: string;
  resource_id: string;
  quantity: number;
  status: string; // allocated | returned
  allocated_by: string | null;
  allocated_at: number;
  returned_by: string | null;
  returned_at: number | null;
}
export interface EmPlanVersionTable {
  plan_id: string;
  version: number;
  definition: string;
  schema_version: number;
  status: string;
  changed_by: string | null;
  changed_at: number;
  note: string | null;
}
export interface EmIncidentUnitTable {
  incident_id: string;
  department_code: string;
  since: number;
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    em_plans: EmPlanTable;
    em_incidents: EmIncidentTable;
    em_incident_alerts: EmIncidentAlertTable;
    em_incident_events: EmIncidentEventTable;
    em_tasks: EmTaskTable;
    em_task_reports: EmTaskReportTable;
    em_resources: EmResourceTable;
    em_allocations: EmAllocationTable;
    em_plan_versions: EmPlanVersionTable;
    em_incident_units: EmIncidentUnitTable;
  }
}
