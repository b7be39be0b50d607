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

declare module '../../platform/storage/schema.js' {
  interface Database {
    sharing_resources: SharingResourceTable;
    sharing_resource_versions: SharingResourceVersionTable;
    sharing_people: SharingPeopleTable;
    sharing_entities: SharingEntitiesTable;
    sharing_record_history: SharingRecordHistoryTable;
    sharing_load_jobs: SharingLoadJobTable;
    sharing_code_exceptions: SharingCodeExceptionTable;
  }
}
