/**
 * The one Database interface for Kysely. Times are epoch milliseconds (bigint columns),
 * JSON is stored as text, booleans as 0/1 integers, so both dialects hold the same values.
 */
import type { Generated, Selectable } from 'kysely';

export interface DistrictTable {
  adcode: string;
  name_zh: string;
  name_en: string;
  kind: string; // district | county | county_city | special_zone
  parent_adcode: string | null;
  center_lon: number | null;
  center_lat: number | null;
  geometry: string | null; // GeoJSON geometry, GCJ-02
}

export interface DepartmentTable {
  code: string;
  name_zh: string;
  name_en: string;
  district_adcode: string | null; // null for a city-level department
  created_at: number;
}

export interface PlanTaskTable {
  id: string;
  name_zh: string;
  lead: string; // JSON string[] of department codes
  responsible: string; // JSON string[]
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  department_code: string | null;
  districts: string; // JSON string[]; ["*"] = all
  roles: string; // JSON string[]
  status: string; // active | disabled
  failed_logins: number;
  locked_until: number | null;
  must_change_password: number;
  password_changed_at: number;
  phone: string | null;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  id: string;
  user_id: string;
  access_hash: string;
  refresh_hash: string;
  access_expires_at: number;
  refresh_expires_at: number;
  created_at: number;
  last_seen_at: number;
  revoked_at: number | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  key_hash: string;
  prefix: string;
  department_code: string | null;
  districts: string;
  roles: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface AuditLogTable {
  seq: number;
  id: string;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string; // success | failure | denied
  ip: string | null;
  request_id: string | null;
  details: string; // JSON object
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface CalendarDayTable {
  date: string; // YYYY-MM-DD, city local date
  kind: string; // holiday | workday
  name: string;
  year: number;
  source: string | null;
}

export interface SettingTable {
  key: string;
  value: string; // JSON
  updated_at: number;
  updated_by: string | null;
}

export interface WorkflowDefinitionTable {
  key: string;
  version: number;
  definition: string; // JSON
  created_at: number;
}

export interface WorkflowInstanceTable {
  id: string;
  definition_key: string;
  definition_version: number;
  state: string;
  subject_type: string | null;
  subject_id: string | null;
  department_code: string | null;
  district_adcode: string | null;
  data: string; // JSON
  created_by: string | null;
  created_at: number;
  updated_at: number;
  state_entered_at: number;
  deadline_at: number | null;
  rev: number;
  closed_at: number | null;
}

export interface WorkflowStepTable {
  id: string;
  instance_id: string;
  seq: number;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  action: string; // a transition name, or deadline.reminded / deadline.escalated
  from_state: string | null;
  to_state: string | null;
  comment: string | null;
  attachments: string; // JSON array
}

export interface WorkflowTimerTable {
  id: string;
  instance_id: string;
  kind: string; // reminder | deadline
  state: string; // the state the timer belongs to; stale when the instance has left it
  due_at: number;
  done_at: number | null;
  claimed_until: number | null;
  attempts: number;
}

export interface ProcessedEventTable {
  consumer: string;
  event_id: string;
  at: number;
}

export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  type: string;
  key: string | null;
  data: string; // JSON
  at: number;
  attempts: number;
  /** Claimed by a publishing process until this time (epoch ms). */
  claimed_until: number | null;
}

export interface DeviceTypeTable {
  id: string;
  name_zh: string;
  name_en: string;
  domain: string;
  model: string; // sdm | city
  ngsi_type: string;
  default_owner: string | null;
  default_interval_s: number;
  attributes: string; // JSON AttributeSpec[]
  retention: string; // JSON {rawDays, minuteDays, hourDays}
  builtin: number;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface DeviceTable {
  seq: Generated<number>;
  id: string;
  name: string;
  type_id: string;
  department_code: string;
  district_adcode: string | null;
  special_zone: string | null;
  lon: number | null; // GCJ-02
  lat: number | null;
  datum: string; // the datum the coordinates were given in
  tags: string; // JSON string[]
  interval_s: number;
  token_hash: string;
  entity_id: string;
  simulated: number;
  disabled: number;
  properties: string; // JSON object
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface DeviceHealthTable {
  dev: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  last_seen: number | null;
  last_error: string | null;
  last_error_at: number | null;
  status: string; // unknown | online | offline
  status_since: number | null;
  stuck: string | null; // JSON {attr: since}
}

export interface WarningRuleTable {
  id: string;
  version: number;
  definition: string; // JSON RuleDefinition
  enabled: number;
  status: string; // active | suspended | disabled
  suspended_reason: string | null;
  owner: string;
  task: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface EmPlanTable {
  id: string;
  version: number;
  kind: string; // general | special | department | site
  owner: string;
  subkinds: string; // JSON string[]
  review_by: string; // YYYY-MM-DD
  definition: string; // JSON PlanDefinition
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
  status: string;
  changed_by: string | null;
  changed_at: number;
  note: string | null;
}

export interface WarningRuleVersionTable {
  rule_id: string;
  version: number;
  definition: string;
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

export interface EmIncidentUnitTable {
  incident_id: string;
  department_code: string;
  since: number;
}

export interface AuthTicketTable {
  hash: string;
  principal_kind: string; // user | api_key
  principal_id: string;
  session_id: string | null;
  expires_at: number;
}

export interface SessionRefreshUsedTable {
  hash: string;
  session_id: string;
  used_at: number;
}

export interface LoginFailureTable {
  user_id: string;
  source: string;
  failures: number;
  locked_until: number | null;
  updated_at: number;
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

export interface NotificationEndpointTable {
  id: string;
  department_code: string;
  channel: string; // webhook | sms | email
  address: string;
  secret: string | null;
  min_level: number;
  roles: string | null; // JSON string[]: escalations to these roles only
  enabled: number;
  created_by: string | null;
  created_at: number;
}

export interface BrainIndicatorTable {
  id: string;
  owner: string;
  domain: string;
  definition: string; // JSON IndicatorDefinition
  version: number;
  enabled: number;
  updated_by: string | null;
  updated_at: number;
}

export interface BrainIndicatorValueTable {
  indicator_id: string;
  at: number;
  value: number | null;
  breakdown: string | null; // JSON {district or department: value}
}

export interface NotificationTable {
  id: string;
  /** What the message is about: 'alert', or 'incident' (an emergency task's message). */
  subject: Generated<string>;
  /** The subject's id: the alert's, or the incident's. */
  alert_id: string;
  endpoint_id: string | null;
  channel: string;
  department_code: string;
  address: string;
  event: string;
  payload: string;
  status: string; // pending | sent | failed
  attempts: number;
  next_at: number;
  claimed_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface AlertTimerTable {
  id: string;
  alert_id: string;
  stage: number;
  due_at: number;
  done_at: number | null;
  claimed_until: number | null;
}

export interface DevOutboxTable {
  id: string;
  channel: string;
  address: string;
  subject: string | null;
  body: string;
  created_at: number;
}

export interface Database {
  districts: DistrictTable;
  departments: DepartmentTable;
  plan_tasks: PlanTaskTable;
  users: UserTable;
  sessions: SessionTable;
  auth_tickets: AuthTicketTable;
  session_refresh_used: SessionRefreshUsedTable;
  login_failures: LoginFailureTable;
  em_incident_units: EmIncidentUnitTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  calendar_days: CalendarDayTable;
  settings: SettingTable;
  workflow_definitions: WorkflowDefinitionTable;
  workflow_instances: WorkflowInstanceTable;
  workflow_steps: WorkflowStepTable;
  workflow_timers: WorkflowTimerTable;
  processed_events: ProcessedEventTable;
  outbox: OutboxTable;
  device_types: DeviceTypeTable;
  devices: DeviceTable;
  device_health: DeviceHealthTable;
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
  notification_endpoints: NotificationEndpointTable;
  brain_indicators: BrainIndicatorTable;
  brain_indicator_values: BrainIndicatorValueTable;
  notifications: NotificationTable;
  alert_timers: AlertTimerTable;
  dev_outbox: DevOutboxTable;
  em_plans: EmPlanTable;
  em_plan_versions: EmPlanVersionTable;
  em_incidents: EmIncidentTable;
  em_incident_alerts: EmIncidentAlertTable;
  em_incident_events: EmIncidentEventTable;
  em_tasks: EmTaskTable;
  em_task_reports: EmTaskReportTable;
  em_resources: EmResourceTable;
  em_allocations: EmAllocationTable;
}

export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type AuditRow = Selectable<AuditLogTable>;
