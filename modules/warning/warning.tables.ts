/**
 * The early-warning module's tables: rules and their versions, the engine's partitions, workers and state, alerts with their recipients and timeline, maintenance windows, notification endpoints, notifications and escalation timers, and the development SMS/e-mail outbox.
 * Merged into the platform's Database type, as modules extend the event map.
 */

export interface WarningRuleTable {
  id: string;
  version: number;
  definition: string; // JSON RuleDefinition
  /** The definition's schema version (rules.ts RULE_SCHEMA_VERSION when saved). */
  schema_version: number;
  enabled: number;
  status: string; // active | suspended | disabled
  suspended_reason: string | null;
  owner: string;
  task: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
export interface WarningRuleVersionTable {
  rule_id: string;
  version: number;
  definition: string;
  schema_version: number;
  enabled: number;
  changed_by: string | null;
  changed_at: number;
}
export interface WarningPartitionTable {
  part: number;
  owner: string | null;
  lease_until: number;
  checkpoint_at: number | null;
}
export interface WarningWorkerTable {
  id: string;
  seen_at: number;
}
export interface WarningStateTable {
  rule_id: string;
  subject: string;
  part: number;
  level: number | null;
  at: number;
  tree: string; // JSON CondState[] per level
  updated_at: number;
}
export interface WarningMemberTable {
  rule_id: string;
  group_key: string;
  device_id: string;
  mask: number;
  updated_at: number;
}
export interface AlertTable {
  id: string;
  rule_id: string;
  rule_version: number;
  subject: string;
  subject_kind: string; // device | group
  device_id: string | null;
  part: number;
  level: number; // 1 (Ⅰ red) … 4 (Ⅳ blue)
  predicted: number;
  status: string; // raised | acknowledged | resolved | closed
  title_zh: string;
  title_en: string;
  department_code: string; // the rule's owner
  task: string;
  district_adcode: string | null;
  lon: number | null;
  lat: number | null;
  recipients: string; // JSON [{department, role}]
  evidence: string; // JSON
  simulated: number;
  raised_at: number;
  updated_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  close_reason: string | null;
  open_key: string | null;
  reopen_count: number;
  flapping: number;
  clear_due: number | null;
  rev: number;
}
export interface AlertRecipientTable {
  alert_id: string;
  department_code: string;
  role: string;
}
export interface AlertEventTable {
  id: string;
  alert_id: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  level: number | null;
  comment: string | null;
  data: string | null;
}
export interface MaintenanceWindowTable {
  id: string;
  device_id: string | null;
  district_adcode: string | null;
  polygon: string | null; // JSON [[lon, lat], ...]
  department_code: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string | null;
  created_at: number;
}
export interface AlertTimerTable {
  id: string;
  alert_id: string;
  stage: number;
  due_at: number;
  done_at: number | null;
  claimed_until: number | null;
}
declare module '../../platform/storage/schema.js' {
  interface Database {
    warning_rules: WarningRuleTable;
    warning_rule_versions: WarningRuleVersionTable;
    warning_partitions: WarningPartitionTable;
    warning_workers: WarningWorkerTable;
    warning_state: WarningStateTable;
    warning_members: WarningMemberTable;
    alerts: AlertTable;
    alert_recipients: AlertRecipientTable;
    alert_events: AlertEventTable;
    maintenance_windows: MaintenanceWindowTable;
    alert_timers: AlertTimerTable;
  }
}
