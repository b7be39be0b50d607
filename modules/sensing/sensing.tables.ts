/**
 * The sensing hub's tables: device types, devices and their health. The telemetry tables are the telemetry store's own (partitioned, made at run time).
 * Merged into the platform's Database type, as modules extend the event map.
 */
import type { Generated } from 'kysely';

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

declare module '../../platform/storage/schema.js' {
  interface Database {
    device_types: DeviceTypeTable;
    devices: DeviceTable;
    device_health: DeviceHealthTable;
  }
}
