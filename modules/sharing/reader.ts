/**
 * Reading a base database's records for another module that publishes them (the open data portal):
 * only the fields asked for, in key order, or counted by fields. What may be published is the
 * caller's rule; this only reads.
 */
import type { Platform } from '../../platform/context.js';
import type { Text } from '../../platform/i18n/index.js';
import { RECORD_DATASETS } from './datasets.js';
import type { Value } from './records.js';
import * as store from './records.store.js';

export interface ScannedRecord {
  key: string;
  values: Record<string, Value>;
  synthetic: boolean;
}

export class RecordReader {
  constructor(private readonly p: Platform) {}

  /** The fields of a base database that keeps records here (key and name), or null. */
  fields(dataset: string): { key: string; name: Text }[] | null {
    const spec = RECORD_DATASETS[dataset];
    return spec ? spec.fields.map((f) => ({ key: f.key, name: f.name })) : null;
  }

  private spec(dataset: string, fields: readonly string[]) {
    const spec = RECORD_DATASETS[dataset];
    if (!spec) throw new Error(`no base database ${dataset}`);
    const columns = fields.map((k) => {
      const f = spec.fields.find((s) => s.key === k);
      if (!f) throw new Error(`no field ${k} in ${dataset}`);
      return f;
    });
    return { spec, columns };
  }

  async count(dataset: string): Promise<number> {
    const spec = RECORD_DATASETS[dataset];
    return spec ? store.countRecords(this.p.db, spec) : 0;
  }

  /** Up to `limit` records after the key `after`, with only the fields named; `next` goes on from the last. */
  async scan(dataset: string, fields: readonly string[], after: string | null, limit: number): Promise<{ records: ScannedRecord[]; next: string | null }> {
    const { spec, columns } = this.spec(dataset, fields);
    const keyCol = store.keyColumn(spec);
    const rows = await store.scanRecords(
      this.p.db,
      spec,
      columns.map((c) => c.column),
      after,
      limit,
    );
    const records = rows.map((r) => ({
      key: String(r[keyCol]),
      values: Object.fromEntries(columns.map((c) => [c.key, r[c.column] ?? null])),
      synthetic: Number(r.synthetic) === 1,
    }));
    return { records, next: rows.length === limit ? records[records.length - 1]!.key : null };
  }

  /** One record by its key with only the fields named, or null (the super app's real-name check). */
  async lookup(dataset: string, key: string, fields: readonly string[]): Promise<ScannedRecord | null> {
    const { spec, columns } = this.spec(dataset, fields);
    const r = await store.getRecord(this.p.db, spec, key);
    if (!r) return null;
    return {
      key,
      values: Object.fromEntries(columns.map((c) => [c.key, (r as Record<string, Value>)[c.column] ?? null])),
      synthetic: Number((r as Record<string, unknown>).synthetic) === 1,
    };
  }

  /** How many records share each combination of the named fields. */
  async groups(dataset: string, fields: readonly string[]): Promise<{ values: Record<string, Value>; count: number }[]> {
    const { spec, columns } = this.spec(dataset, fields);
    const rows = await store.groupCounts(
      this.p.db,
      spec,
      columns.map((c) => c.column),
    );
    return rows.map((r) => ({ values: Object.fromEntries(columns.map((c) => [c.key, r[c.column] ?? null])), count: r.n }));
  }
}
