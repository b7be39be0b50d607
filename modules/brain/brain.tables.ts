/**
 * The city brain's tables: indicator definitions and their kept values.
 * Merged into the platform's Database type, as modules extend the event map.
 */
export interface BrainIndicatorTable {
  id: string;
  owner: string;
  domain: string;
  definition: string; // JSON IndicatorDefinition
  version: number;
  enabled: number;
  updated_by: string | null;
  updated_at: number;
}
export interface BrainIndicatorValueTable {
  indicator_id: string;
  at: number;
  value: number | null;
  breakdown: string | null; // JSON {district or department: value}
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    brain_indicators: BrainIndicatorTable;
    brain_indicator_values: BrainIndicatorValueTable;
  }
}
