/** Tables of the government services module (gs_*). */
export interface GsItemTable {
  code: string;
  department: string;
  kind: string;
  applicant: string;
  name_zh: string;
  name_en: string;
  search: string;
  version: number;
  body: string;
  retired: number;
  updated_at: number;
}
export interface GsItemVersionTable {
  code: string;
  version: number;
  body: string;
  note: string | null;
  created_by: string | null;
  created_at: number;
}
export interface GsEventTable {
  code: string;
  body: string;
  retired: number;
  updated_at: number;
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    gs_items: GsItemTable;
    gs_item_versions: GsItemVersionTable;
    gs_events: GsEventTable;
  }
}
