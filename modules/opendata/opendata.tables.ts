/** The open data portal's tables (开放数据): published datasets, their uploaded rows, and applications for conditionally open ones. */
export interface OpenDatasetTable {
  id: string;
  /** The URL name (CKAN `name`): lower-case letters, digits, - and _. */
  name: string;
  resource_code: string;
  provider: string;
  /** JSON: title, description, themes, keywords, items, aggregate, licence. */
  definition: string;
  open_type: string; // open | conditional
  update_cycle: string;
  status: string; // active | withdrawn
  /** Where the rows come from: a base database kept here, rows the publisher uploaded, or none (metadata only). */
  source: string; // base | upload | none
  row_count: number | null;
  downloads: number;
  published_by: string | null;
  published_by_name: string | null;
  created_at: number;
  modified_at: number;
  data_at: number | null;
}

export interface OpenDatasetRowTable {
  dataset_id: string;
  seq: number;
  data: string; // JSON object of published items
}

export interface OpenApplicationTable {
  id: string;
  dataset_id: string;
  applicant_id: string;
  applicant_name: string;
  organisation: string;
  purpose: string;
  contact: string;
  status: string; // pending | approved | refused
  reason: string | null;
  decided_by: string | null;
  decided_at: number | null;
  expires_at: number | null;
  created_at: number;
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    open_datasets: OpenDatasetTable;
    open_dataset_rows: OpenDatasetRowTable;
    open_applications: OpenApplicationTable;
  }
}
