/**
 * The identity module's tables: the city's structure (districts, departments, the plan's tasks), users, sessions, API keys, login failures and WebSocket tickets. Created by the platform's migrations 0001 and 0012, which predate modules keeping their own.
 * Merged into the platform's Database type, as modules extend the event map.
 */
import type { Selectable } from 'kysely';

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

export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;

declare module '../../platform/storage/schema.js' {
  interface Database {
    districts: DistrictTable;
    departments: DepartmentTable;
    plan_tasks: PlanTaskTable;
    users: UserTable;
    sessions: SessionTable;
    api_keys: ApiKeyTable;
    auth_tickets: AuthTicketTable;
    session_refresh_used: SessionRefreshUsedTable;
    login_failures: LoginFailureTable;
  }
}
