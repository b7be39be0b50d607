import type { Generated } from 'kysely';

/**
 * The data sharing centre's tables (政务数据共享交换中心): the resource catalogue and its history.
 * Merged into the platform's Database type.
 */
export interface SharingResourceTable {
  code: string; // resource code: class code / six-digit sequence
  class_code: string;
  kind: string;
  provider: string;
  status: string;
  sharing_type: string;
  dataset: string | null;
  name_zh: string;
  definition: string; // JSON ResourceInput
  search_text: string;
  version: number;
  updated_by: string | null;
  updated_at: number;
  created_at: number;
}

/** Every saved version of an entry, with what changed and who changed it. */
export interface SharingResourceVersionTable {
  code: string;
  version: number;
  definition: string; // JSON ResourceInput
  changes: string; // JSON string[]
  changed_by: string | null;
  changed_by_name: string | null;
  changed_at: number;
}

interface Kept {
  synthetic: number;
  version: number;
  load_id: string | null;
  created_at: number;
  updated_at: number;
}

/** 人口基础库. */
export interface SharingPeopleTable extends Kept {
  id_number: string;
  name: string;
  gender: string;
  birth_date: string;
  ethnicity: string | null;
  household_address: string | null;
  residence_address: string | null;
  phone: string | null;
  district: string;
}

/** 法人基础库. */
export interface SharingEntitiesTable extends Kept {
  credit_code: string;
  name: string;
  entity_type: string;
  legal_representative: string | null;
  legal_representative_id: string | null;
  registered_capital: number | null;
  founded_on: string;
  address: string | null;
  business_scope: string | null;
  status: string;
  district: string;
  code_exception: number;
}

export interface SharingRecordHistoryTable {
  seq: Generated<number>;
  dataset: string;
  record_key: string;
  version: number;
  op: string;
  before: string | null;
  after: string;
  load_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  at: number;
}

export interface SharingLoadJobTable {
  id: string;
  dataset: string;
  source: string;
  status: string;
  rows_read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
  errors: string;
  actor_id: string | null;
  actor_name: string | null;
  started_at: number;
  finished_at: number | null;
}

export interface SharingCodeExceptionTable {
  code: string;
  reason: string;
  granted_by: string | null;
  granted_at: number;
}

/** 自然资源与空间地理基础库. */
export interface SharingAddressTable extends Kept {
  address_code: string;
  district: string;
  street: string;
  full_address: string;
  lon: number;
  lat: number;
  grid_code: string | null;
}

/** 电子证照基础库. */
export interface SharingLicenceTable extends Kept {
  licence_number: string;
  licence_type: string;
  holder_name: string;
  holder_id: string;
  issuer: string;
  issued_on: string;
  expires_on: string | null;
  status: string;
  signature: string | null;
}

/** 社会信用基础库. */
export interface SharingCreditRecordTable extends Kept {
  decision_number: string;
  subject_code: string;
  subject_name: string;
  rating: string | null;
  list_kind: string | null;
  record_kind: string;
  decided_on: string;
  authority: string;
}

/** 公共资源交易基础库. */
export interface SharingTradingProjectTable extends Kept {
  project_code: string;
  project_name: string;
  category: string;
  tenderer: string;
  winner: string | null;
  winner_code: string | null;
  amount: number | null;
  awarded_on: string | null;
}

/** 宏观经济基础库. */
export interface SharingMacroIndicatorTable extends Kept {
  record_key: string;
  indicator_code: string;
  indicator_name: string;
  area: string;
  period: string;
  value: number;
  unit: string;
}

/** 共享申请: what a consumer asked of a provider; its steps run on the workflow kernel. */
export interface SharingRequestTable {
  id: string;
  resource_code: string;
  resource_version: number;
  dataset: string | null;
  consumer: string;
  provider: string;
  system_name: string | null;
  items: string; // JSON string[]
  purpose: string;
  legal_basis: string;
  use_scope: string;
  period_from: string;
  period_to: string;
  rate_per_minute: number;
  quota_per_day: number;
  state: string;
  workflow_id: string | null;
  approval_id: string | null;
  decision: string | null; // JSON
  overdue_at: number | null;
  escalated_at: number | null;
  late_steps: Generated<number>;
  applicant_id: string | null;
  applicant_name: string | null;
  created_at: number;
  updated_at: number;
}

/** What a consumer may read of a resource: items in clear, period, rate and daily quota. */
export interface SharingApprovalTable {
  id: string;
  request_id: string;
  consumer: string;
  provider: string;
  resource_code: string;
  dataset: string | null;
  items: string; // JSON string[]
  purpose: string;
  valid_from: number;
  valid_to: number;
  rate_per_minute: number;
  quota_per_day: number;
  status: string;
  granted_by: string | null;
  granted_at: number;
  revoked_by: string | null;
  revoked_at: number | null;
  revoke_reason: string | null;
}

/** A consumer department's system and its credential. */
export interface SharingClientTable {
  id: string;
  consumer: string;
  name: string;
  secret_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SharingClientTokenTable {
  hash: string;
  client_id: string;
  expires_at: number;
  created_at: number;
}

/** One call through the exchange gateway. */
export interface SharingCallTable {
  seq: Generated<number>;
  at: number;
  day: string;
  client_id: string | null;
  consumer: string | null;
  provider: string | null;
  resource_code: string | null;
  approval_id: string | null;
  operation: string;
  purpose: string | null;
  outcome: string;
  reason: string | null;
  rows: number;
  items_clear: string;
  items_masked: string;
}

export interface SharingCallSubjectTable {
  call_seq: number;
  dataset: string;
  subject_key: string;
  at: number;
}

export interface SharingQuotaUseTable {
  approval_id: string;
  day: string;
  used: number;
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    sharing_resources: SharingResourceTable;
    sharing_resource_versions: SharingResourceVersionTable;
    sharing_people: SharingPeopleTable;
    sharing_entities: SharingEntitiesTable;
    sharing_record_history: SharingRecordHistoryTable;
    sharing_load_jobs: SharingLoadJobTable;
    sharing_code_exceptions: SharingCodeExceptionTable;
    sharing_addresses: SharingAddressTable;
    sharing_licences: SharingLicenceTable;
    sharing_credit_records: SharingCreditRecordTable;
    sharing_trading_projects: SharingTradingProjectTable;
    sharing_macro_indicators: SharingMacroIndicatorTable;
    sharing_requests: SharingRequestTable;
    sharing_approvals: SharingApprovalTable;
    sharing_clients: SharingClientTable;
    sharing_client_tokens: SharingClientTokenTable;
    sharing_calls: SharingCallTable;
    sharing_call_subjects: SharingCallSubjectTable;
    sharing_quota_use: SharingQuotaUseTable;
  }
}
