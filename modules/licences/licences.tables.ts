/** The licence module's tables (电子证照): types, signing keys, licences and their versions. */
export interface LicenceTypeTable {
  code: string;
  department: string;
  definition: string;
  version: number;
  updated_by: string | null;
  updated_at: number;
}

export interface LicenceKeyTable {
  kid: string;
  department: string;
  alg: string;
  public_key: string;
  sealed_private: string;
  status: string;
  created_at: number;
  retired_at: number | null;
}

export interface LicenceTable {
  number: string;
  type: string;
  department: string;
  holder_kind: string;
  holder_id: string;
  holder_name: string;
  document: string;
  kid: string;
  issued_on: string;
  valid_until: string | null;
  status: string;
  status_reason: string | null;
  status_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface LicenceVersionTable {
  number: string;
  version: number;
  event: string;
  document: string;
  status: string;
  reason: string | null;
  actor_id: string | null;
  actor_name: string | null;
  at: number;
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    licence_types: LicenceTypeTable;
    licence_keys: LicenceKeyTable;
    licences: LicenceTable;
    licence_versions: LicenceVersionTable;
  }
}
