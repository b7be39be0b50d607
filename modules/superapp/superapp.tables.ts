/** The super app's tables (城市超级APP): public accounts, agents, one-time codes, the city code, the wallet's shares, scenic areas, the inbox. */
import type { Selectable } from 'kysely';

export interface SaAccountTable {
  user_id: string;
  kind: string; // resident | enterprise
  subject: string; // GB 11643 ID number or GB 32100 credit code
  name: string;
  phone: string;
  district: string | null;
  legal_rep_id: string | null;
  legal_rep_name: string | null;
  holder_ref: string;
  verified_at: number;
  elder_mode: number;
  push_warnings: number;
  synthetic: number;
  created_at: number;
  updated_at: number;
}
export interface SaAgentTable {
  id: string;
  enterprise_user_id: string;
  agent_user_id: string;
  scopes: string; // JSON AgentScope[]
  expires_at: number;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
}
export interface SaOtpTable {
  id: string;
  phone: string;
  purpose: string;
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}
export interface SaCodeKeyTable {
  kid: string;
  alg: string;
  public_key: string;
  sealed_private: string;
  status: string; // active | retired
  created_at: number;
  retired_at: number | null;
}
export interface SaCodeUseTable {
  jti: string;
  holder_user_id: string;
  expires_at: number;
  used_at: number;
}
export interface SaScanPointTable {
  id: string;
  name_zh: string;
  name_en: string;
  kind: string; // counter | bus | scenic | hospital
  department: string;
  district: string | null;
  reveals: string; // identity | licence | booking
  target: string | null;
  status: string; // active | retired
  created_by: string | null;
  created_at: number;
}
export interface SaScanTable {
  id: string;
  holder_user_id: string | null;
  point_id: string;
  scanner_id: string;
  scanner_name: string;
  jti: string | null;
  outcome: string;
  offline: number;
  revealed: string; // JSON
  scanned_at: number;
  at: number;
}
export interface SaShareTable {
  id: string;
  holder_user_id: string;
  acting_user_id: string;
  licences: string; // JSON string[]
  grantee_kind: string; // department | business
  grantee_code: string | null;
  grantee_name: string;
  purpose: string;
  valid_from: number;
  valid_until: number;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}
export interface SaShareViewTable {
  id: string;
  share_id: string;
  viewer_kind: string; // staff | link
  viewer_id: string | null;
  viewer_name: string | null;
  ip: string | null;
  at: number;
}
export interface SaScenicAreaTable {
  code: string;
  name_zh: string;
  name_en: string;
  district: string;
  grade: string | null;
  lon: number;
  lat: number;
  capacity_instant: number;
  capacity_daily: number;
  device_id: string | null;
  slots: string; // JSON SlotPlan[]
  synthetic: number;
  updated_at: number;
}
export interface SaSlotTable {
  area: string;
  day: string;
  start: string;
  capacity: number;
  booked: number;
}
export interface SaReservationTable {
  id: string;
  user_id: string;
  area: string;
  day: string;
  start: string;
  party: number;
  status: string; // booked | cancelled | used
  created_at: number;
  updated_at: number;
}
export interface SaNotificationTable {
  id: string;
  user_id: string;
  kind: string;
  ref: string;
  title_zh: string;
  title_en: string;
  body_zh: string | null;
  body_en: string | null;
  at: number;
  read_at: number | null;
}

export type AccountRow = Selectable<SaAccountTable>;
export type AgentRow = Selectable<SaAgentTable>;
export type ScanPointRow = Selectable<SaScanPointTable>;
export type ScanRow = Selectable<SaScanTable>;
export type ShareRow = Selectable<SaShareTable>;
export type ScenicAreaRow = Selectable<SaScenicAreaTable>;
export type ReservationRow = Selectable<SaReservationTable>;
export type NotificationRow = Selectable<SaNotificationTable>;

declare module '../../platform/storage/schema.js' {
  interface Database {
    sa_accounts: SaAccountTable;
    sa_agents: SaAgentTable;
    sa_otps: SaOtpTable;
    sa_code_keys: SaCodeKeyTable;
    sa_code_uses: SaCodeUseTable;
    sa_scan_points: SaScanPointTable;
    sa_scans: SaScanTable;
    sa_shares: SaShareTable;
    sa_share_views: SaShareViewTable;
    sa_scenic_areas: SaScenicAreaTable;
    sa_slots: SaSlotTable;
    sa_reservations: SaReservationTable;
    sa_notifications: SaNotificationTable;
  }
}
