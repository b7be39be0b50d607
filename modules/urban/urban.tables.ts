/**
 * The urban-management module's tables (智慧城管): the classification's versions, streets,
 * communities and unit grids, components, cases with their reporters and requests, notices to
 * reporters, and the daily counters the evaluation reads.
 */
export interface UmClassVersionTable {
  version: number;
  /** The whole classification as JSON: every subcategory and the loop's settings. */
  body: string;
  note: string | null;
  created_by: string | null;
  created_at: number;
}

export interface UmAreaTable {
  /** Street (3 digits) or community (6 digits: street + community) code within its county. */
  code: string;
  kind: string; // street | community
  district: string;
  parent: string | null;
  name_zh: string;
  name_en: string;
  geometry: string; // GeoJSON
  generated: number;
}

export interface UmGridTable {
  /** The 20-digit unit-grid code (CJ/T 349). */
  code: string;
  district: string;
  street: string;
  community: string;
  geometry: string; // GeoJSON Polygon or MultiPolygon
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  area_m2: number;
  generated: number;
}

export interface UmGridInspectorTable {
  grid_code: string;
  user_id: string;
}

export interface UmComponentTable {
  /** The 18-digit component ID: county (6) + major class (2) + subcategory (2) + sequence (8). */
  id: string;
  subcategory: string;
  district: string;
  grid_code: string | null;
  lon: number;
  lat: number;
  name: string | null;
  unit: string;
  status: string;
  created_at: number;
}

export interface UmCaseTable {
  id: string;
  instance_id: string;
  state: string;
  source: string;
  class_version: number;
  subcategory: string;
  urgent: number;
  district: string;
  street: string | null;
  community: string | null;
  grid_code: string;
  lon: number;
  lat: number;
  address: string | null;
  description: string;
  component_id: string | null;
  photos: string;
  media_url: string | null;
  result_photos: string | null;
  reporter_id: string | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  /** The source's own reference: a 12345 work-order number, a video event, an alert, an Open311 token. */
  external_ref: string | null;
  unit: string | null;
  operator_id: string | null;
  verifier_id: string | null;
  duplicate_of: string | null;
  merged_into: string | null;
  reported_at: number;
  filed_at: number | null;
  dispatched_at: number | null;
  due_at: number | null;
  /** Working time left when hung (挂账), restored on resumption. */
  remaining_ms: number | null;
  handled_at: number | null;
  closed_at: number | null;
  handled_on_time: number | null;
  closed_on_time: number | null;
  overdue: number;
  returns: number;
  reworks: number;
  extensions: number;
  hangs: number;
  rating: number | null;
  rating_comment: string | null;
  rev: number;
  updated_at: number;
}

export interface UmCaseRequestTable {
  id: string;
  case_id: string;
  kind: string; // extension | hang
  unit: string;
  reason: string;
  /** An extension: working hours asked for. */
  hours: number | null;
  status: string; // pending | approved | refused
  requested_by: string;
  requested_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
}

export interface UmNoticeTable {
  id: string;
  case_id: string;
  /** The reporter's account, or null for a phone-only reporter (a hotline caller). */
  user_id: string | null;
  phone: string | null;
  kind: string; // filed | rejected | result | merged
  text_zh: string;
  text_en: string;
  created_at: number;
}

export interface UmStatTable {
  day: string; // YYYY-MM-DD, city time
  district: string;
  unit: string; // '' when not a unit's figure
  actor: string; // '' when not a person's figure
  metric: string;
  n: number;
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    um_class_versions: UmClassVersionTable;
    um_areas: UmAreaTable;
    um_grids: UmGridTable;
    um_grid_inspectors: UmGridInspectorTable;
    um_components: UmComponentTable;
    um_cases: UmCaseTable;
    um_case_requests: UmCaseRequestTable;
    um_notices: UmNoticeTable;
    um_stats: UmStatTable;
  }
}
