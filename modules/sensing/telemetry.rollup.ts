/** Rollups: minimum, maximum, sum, count and last value per bucket, merged as rows arrive. */
import type { Observation, SeriesPoint } from './telemetry.port.js';

/** A rollup's values: minimum, maximum, sum, count, and the last value with its time. */
export interface Roll {
  mn: number;
  mx: number;
  sm: number;
  n: number;
  lv: number;
  lts: number;
}

/** A rollup of one series and bucket. */
export interface Agg extends Roll {
  dev: number;
  attr: string;
  b: number;
}

/** Adds rollup b into a (the same series and bucket). */
export function merge(a: Roll, b: Roll): void {
  if (b.mn < a.mn) a.mn = b.mn;
  if (b.mx > a.mx) a.mx = b.mx;
  a.sm += b.sm;
  a.n += b.n;
  if (b.lts >= a.lts) {
    a.lv = b.lv;
    a.lts = b.lts;
  }
}

/** One numeric observation as a rollup. */
export const unit = (v: number, ts: number): Roll => ({ mn: v, mx: v, sm: v, n: 1, lv: v, lts: ts });

/** Rollup aggregates of the numeric observations, per (dev, attr, bucket). */
export function aggregate(rows: Observation[], bucketMs: number): Agg[] {
  const map = new Map<string, Agg>();
  for (const r of rows) {
    if (r.v === null) continue;
    const b = r.ts - (r.ts % bucketMs);
    const key = `${r.dev}|${r.attr}|${b}`;
    const a = map.get(key);
    if (a) merge(a, unit(r.v, r.ts));
    else map.set(key, { dev: r.dev, attr: r.attr, b, ...unit(r.v, r.ts) });
  }
  // Sorted, so concurrent writers on PostgreSQL lock rows in the same order (no deadlocks).
  return [...map.values()].sort((x, y) => x.dev - y.dev || (x.attr < y.attr ? -1 : x.attr > y.attr ? 1 : 0) || x.b - y.b);
}

/** Rollups combined into coarser buckets, per (dev, attr, bucket). */
export function combine(rows: Agg[], bucketMs: number): Agg[] {
  const map = new Map<string, Agg>();
  for (const r of rows) {
    const b = r.b - (r.b % bucketMs);
    const key = `${r.dev}|${r.attr}|${b}`;
    const a = map.get(key);
    if (a) merge(a, r);
    else map.set(key, { ...r, b });
  }
  return [...map.values()];
}

/** The newest observation per (dev, attr) in a batch. */
export function newestPerKey(rows: Observation[]): Observation[] {
  const map = new Map<string, Observation>();
  for (const r of rows) {
    const key = `${r.dev}|${r.attr}`;
    const cur = map.get(key);
    if (!cur || r.ts > cur.ts) map.set(key, r);
  }
  return [...map.values()].sort((x, y) => x.dev - y.dev || (x.attr < y.attr ? -1 : x.attr > y.attr ? 1 : 0));
}

/** A device's map in a map of maps, created on first use. */
export function perDevice<V>(map: Map<number, Map<string, V>>, dev: number): Map<string, V> {
  let m = map.get(dev);
  if (!m) {
    m = new Map();
    map.set(dev, m);
  }
  return m;
}

export type RawRow = { t: number; v: number | null; s: string | null };
export type AggRow = Roll & { t: number };

export function toPoint(r: Omit<AggRow, 'lts'>): SeriesPoint {
  return { t: Number(r.t), min: r.mn, max: r.mx, avg: r.n > 0 ? r.sm / r.n : null, count: Number(r.n), last: r.lv };
}
