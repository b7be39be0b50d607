/**
 * The Database interface for Kysely. Times are epoch milliseconds (bigint columns), JSON is stored
 * as text, booleans as 0/1 integers, so both dialects hold the same values.
 */
import type { Generated, Selectable } from 'kysely';

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

/** Where a department wants its messages: a webhook (signed), an SMS number, an e-mail address. */
export interface NotificationEndpointTable {
  id: string;
  department_code: string;
  channel: string; // webhook | sms | email
  address: string;
  secret: string | null;
  /** Messages of this severity or a more severe one (4: every level; 1: only Ⅰ). */
  min_level: number;
  roles: string | null; // JSON string[]: escalations to these roles only; null: ordinary messages
  enabled: number;
  created_by: string | null;
  created_at: number;
}
/** One message to deliver, claimed with a lease by whichever process delivers it. */
export interface NotificationTable {
  id: string;
  /** What the message is about: a subject kind a module registered ('alert', 'incident', …). */
  subject: Generated<string>;
  /** The subject's id (the alert's, the incident's, …). */
  subject_id: string;
  endpoint_id: string | null;
  channel: string;
  department_code: string;
  address: string;
  event: string;
  payload: string;
  status: string; // pending | sent | failed | cancelled
  attempts: number;
  next_at: number;
  claimed_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}
/**
 * A file a person uploaded (a photo with a progress report), kept in the database so every
 * process of a scaled-out platform reads the same bytes. Unattached until the record it belongs
 * to is saved; then readable by whoever may see that record.
 */
export interface FileTable {
  id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  /** The bytes of files stored before the blob store (0026); empty since. */
  data: Uint8Array;
  /** Where the bytes are in the blob store. */
  blob_key: string | null;
  created_by: string | null;
  created_at: number;
  /** What it belongs to once attached: a subject kind registered by a module, and its id. */
  subject: string | null;
  subject_id: string | null;
}
/** What the development SMS gateway and mailer "sent": kept to be read, never sent. */
export interface DevOutboxTable {
  id: string;
  channel: string;
  address: string;
  subject: string | null;
  body: string;
  created_at: number;
}

/**
 * The database as Kysely sees it: the platform's own tables here; each module adds its own by
 * declaration merging in `modules/<m>/<m>.tables.ts` (`declare module … { interface Database { … } }`).
 */
export interface Database {
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
  notification_endpoints: NotificationEndpointTable;
  notifications: NotificationTable;
  files: FileTable;
  dev_outbox: DevOutboxTable;
}

export type AuditRow = Selectable<AuditLogTable>;
