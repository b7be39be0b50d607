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

declare module '../../platform/storage/schema.js' {
  interface Database {
    sharing_resources: SharingResourceTable;
    sharing_resource_versions: SharingResourceVersionTable;
  }
}
