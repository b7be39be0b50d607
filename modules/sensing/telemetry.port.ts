/** The telemetry store's port: what is stored, how it is read, and the time units and periods. */
/** One stored value: `dev` is the device's numeric key (devices.seq). */
export interface Observation {
  dev: number;
  attr: string;
  ts: number;
  /** Numbers and booleans (0/1). */
  v: number | null;
  /** Text values. */
  s: string | null;
}

export interface WriteResult {
  /** The observations that were new (duplicates removed), in input order. */
  inserted: Observation[];
  duplicates: number;
  /** (dev, attr) pairs whose latest value moved forward. */
  latestMoved: number;
}

export interface LatestValue {
  attr: string;
  ts: number;
  v: number | null;
  s: string | null;
}

export type Resolution = 'raw' | 'minute' | 'hour';

export interface SeriesPoint {
  /** Bucket start (rollups) or observation time (raw). */
  t: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  count: number;
  last: number | string | null;
}

export interface SeriesQuery {
  dev: number;
  attr: string;
  from: number;
  to: number;
  resolution: Resolution;
  limit?: number;
}

export interface ScanQuery {
  from: number;
  to: number;
  modulo: number;
  parts: number[];
  limit?: number;
}

/** Raw and rollup retention of one device type, applied to its devices' rows. */
export interface RetentionPolicy {
  devs: number[];
  rawDays: number;
  minuteDays: number;
  hourDays: number;
}

export interface RetentionReport {
  droppedPartitions: string[];
  deletedRows: number;
}

export interface PartitionInfo {
  kind: 'raw' | 'minute' | 'hour';
  name: string;
  from: number;
  to: number;
}

export interface TelemetryStore {
  readonly dialect: 'sqlite' | 'postgres';
  init(): Promise<void>;
  write(batch: Observation[]): Promise<WriteResult>;
  latest(devs: number[]): Promise<Map<number, LatestValue[]>>;
  series(q: SeriesQuery): Promise<SeriesPoint[]>;
  /**
   * Raw observations with from ≤ ts < to of the devices whose `dev % modulo` is in `parts`, in
   * time order (the rule engine's replay after a takeover). At most `limit` rows.
   */
  scan(q: ScanQuery): Promise<Observation[]>;
  applyRetention(now: number, policies: RetentionPolicy[]): Promise<RetentionReport>;
  /**
   * Writes the rollups of closed buckets (a minute's bucket once `now` is ROLLUP_GRACE past its
   * end, an hour's once all its minutes are written) and, every LATEST_FLUSH_MS, the latest values
   * kept in memory, working at most about `budgetMs`. Returns whether work is left. Stores that
   * write both with every batch (PostgreSQL) have nothing to do.
   */
  materialize(now: number, budgetMs?: number): Promise<{ pending: boolean }>;
  partitions(): Promise<PartitionInfo[]>;
  close(): Promise<void>;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * Time buckets that lead the SQLite partitions' keys: a minute for raw rows, ten minutes for minute
 * rollups, a day for hour rollups. With (device, attribute, time) keys, rows from 50,000 devices
 * landed all over each B-tree and the write rate halved once a day held 50 M rows
 * (bench/telemetry.ts); with the bucket first, the rows being written are in one small sub-tree.
 */
export const BUCKET = { raw: MINUTE, minute: 10 * MINUTE, hour: DAY } as const;

/** How long one slice of rollup writing should take (SQLite); a turn runs slices for its budget. */
export const SLICE_MS = 5;

/**
 * Latest values (SQLite) are kept in memory and written in key order every LATEST_FLUSH_MS, not
 * with every commit: 50,000 devices' latest rows span about a thousand pages, so a commit of a few
 * dozen readings dirtied a few dozen pages just for them, doubling its cost (bench/sqlite-latest.ts).
 * A reading whose time is before the store's recovery mark (LATEST_MARGIN behind the last flush)
 * is written at once instead, so a restart rebuilds the unwritten ones from the raw rows after the
 * mark.
 */
export const LATEST_FLUSH_MS = 15_000;
export const LATEST_MARGIN = MINUTE;

/** How long after a minute ends its rollup is written (SQLite): readings arriving later are "late". */
export const ROLLUP_GRACE = 2 * MINUTE;

export const KINDS = {
  raw: { prefix: 'tm_raw', period: 'day' as const },
  minute: { prefix: 'tm_min', period: 'day' as const },
  hour: { prefix: 'tm_hour', period: 'month' as const },
};

/** The partition that holds time t: its name suffix and [from, to) bounds. */
export function periodOf(t: number, period: 'day' | 'month'): { suffix: string; from: number; to: number } {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (period === 'month') {
    return { suffix: `${y}${String(m + 1).padStart(2, '0')}`, from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1) };
  }
  const day = d.getUTCDate();
  return { suffix: `${y}${String(m + 1).padStart(2, '0')}${String(day).padStart(2, '0')}`, from: Date.UTC(y, m, day), to: Date.UTC(y, m, day + 1) };
}

/** Partition table names: kind and period (`tm_raw_20261126`, `tm_hour_202611`). */
export const NAME_RE = /^tm_(raw|min|hour)_(\d{6}|\d{8})$/;

/** The [from, to) bounds of a partition's period from its name suffix (YYYYMM or YYYYMMDD). */
export function boundsOf(suffix: string): { from: number; to: number } {
  const y = Number(suffix.slice(0, 4));
  const m = Number(suffix.slice(4, 6)) - 1;
  if (suffix.length === 6) return { from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1) };
  const d = Number(suffix.slice(6, 8));
  return { from: Date.UTC(y, m, d), to: Date.UTC(y, m, d + 1) };
}
