/** The telemetry store on PostgreSQL: declaratively partitioned tables, rollups by upsert. */
import type pg from 'pg';
import {
  HOUR,
  KINDS,
  type LatestValue,
  MINUTE,
  NAME_RE,
  type Observation,
  type PartitionInfo,
  type RetentionPolicy,
  type RetentionReport,
  type ScanQuery,
  type SeriesPoint,
  type SeriesQuery,
  type TelemetryStore,
  type WriteResult,
  boundsOf,
  periodOf,
} from './telemetry.port.js';
import { retentionPlan } from './telemetry.retention.js';
import { aggregate, newestPerKey, toPoint } from './telemetry.rollup.js';

export class PgTelemetryStore implements TelemetryStore {
  readonly dialect = 'postgres' as const;
  private readonly partitionsKnown = new Set<string>();

  constructor(private readonly pool: pg.Pool) {}

  async init(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS tm_raw (dev integer NOT NULL, attr text NOT NULL, ts bigint NOT NULL, v double precision, s text,
        PRIMARY KEY (dev, attr, ts)) PARTITION BY RANGE (ts);
      CREATE TABLE IF NOT EXISTS tm_min (dev integer NOT NULL, attr text NOT NULL, b bigint NOT NULL,
        mn double precision NOT NULL, mx double precision NOT NULL, sm double precision NOT NULL, n integer NOT NULL,
        lv double precision NOT NULL, lts bigint NOT NULL, PRIMARY KEY (dev, attr, b)) PARTITION BY RANGE (b);
      CREATE TABLE IF NOT EXISTS tm_hour (dev integer NOT NULL, attr text NOT NULL, b bigint NOT NULL,
        mn double precision NOT NULL, mx double precision NOT NULL, sm double precision NOT NULL, n integer NOT NULL,
        lv double precision NOT NULL, lts bigint NOT NULL, PRIMARY KEY (dev, attr, b)) PARTITION BY RANGE (b);
      CREATE TABLE IF NOT EXISTS tm_latest (dev integer NOT NULL, attr text NOT NULL, ts bigint NOT NULL, v double precision, s text,
        PRIMARY KEY (dev, attr));
      -- Time-range scans (the rule engine's replay): a BRIN index costs almost nothing to keep,
      -- because rows arrive in roughly time order.
      CREATE INDEX IF NOT EXISTS tm_raw_ts_brin ON tm_raw USING brin (ts);`);
    for (const p of await this.partitions()) this.partitionsKnown.add(p.name);
  }

  private async ensurePartitions(kind: keyof typeof KINDS, times: Iterable<number>): Promise<void> {
    const k = KINDS[kind];
    const parent = kind === 'raw' ? 'tm_raw' : kind === 'minute' ? 'tm_min' : 'tm_hour';
    const seen = new Set<string>();
    for (const t of times) {
      const p = periodOf(t, k.period);
      const name = `${k.prefix}_${p.suffix}`;
      if (this.partitionsKnown.has(name) || seen.has(name)) continue;
      seen.add(name);
      try {
        await this.pool.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${parent} FOR VALUES FROM (${p.from}) TO (${p.to})`);
      } catch (err) {
        // Another process created it between our check and our statement.
        if (!/already exists/.test((err as Error).message)) throw err;
      }
      this.partitionsKnown.add(name);
    }
  }

  async write(batch: Observation[]): Promise<WriteResult> {
    if (batch.length === 0) return { inserted: [], duplicates: 0, latestMoved: 0 };
    await this.ensurePartitions(
      'raw',
      batch.map((r) => r.ts),
    );
    const minuteAggs0 = aggregate(batch, MINUTE);
    await this.ensurePartitions(
      'minute',
      minuteAggs0.map((a) => a.b),
    );
    await this.ensurePartitions(
      'hour',
      minuteAggs0.map((a) => a.b),
    );
    const sorted = [...batch].sort((x, y) => x.dev - y.dev || (x.attr < y.attr ? -1 : x.attr > y.attr ? 1 : 0) || x.ts - y.ts);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const res = await client.query<{ dev: number; attr: string; ts: number }>(
        `INSERT INTO tm_raw (dev, attr, ts, v, s)
         SELECT * FROM unnest($1::int[], $2::text[], $3::int8[], $4::float8[], $5::text[])
         ON CONFLICT DO NOTHING RETURNING dev, attr, ts`,
        [sorted.map((r) => r.dev), sorted.map((r) => r.attr), sorted.map((r) => r.ts), sorted.map((r) => r.v), sorted.map((r) => r.s)],
      );
      const fresh = new Set(res.rows.map((r) => `${r.dev}|${r.attr}|${Number(r.ts)}`));
      const inserted: Observation[] = [];
      for (const r of batch) {
        const key = `${r.dev}|${r.attr}|${r.ts}`;
        if (fresh.delete(key)) inserted.push(r);
      }
      for (const [table, bucket] of [
        ['tm_min', MINUTE],
        ['tm_hour', HOUR],
      ] as const) {
        const aggs = aggregate(inserted, bucket);
        if (aggs.length === 0) continue;
        await client.query(
          `INSERT INTO ${table} AS t (dev, attr, b, mn, mx, sm, n, lv, lts)
           SELECT * FROM unnest($1::int[], $2::text[], $3::int8[], $4::float8[], $5::float8[], $6::float8[], $7::int[], $8::float8[], $9::int8[])
           ON CONFLICT (dev, attr, b) DO UPDATE SET mn = LEAST(t.mn, excluded.mn), mx = GREATEST(t.mx, excluded.mx), sm = t.sm + excluded.sm,
             n = t.n + excluded.n, lv = CASE WHEN excluded.lts >= t.lts THEN excluded.lv ELSE t.lv END, lts = GREATEST(t.lts, excluded.lts)`,
          [
            aggs.map((a) => a.dev),
            aggs.map((a) => a.attr),
            aggs.map((a) => a.b),
            aggs.map((a) => a.mn),
            aggs.map((a) => a.mx),
            aggs.map((a) => a.sm),
            aggs.map((a) => a.n),
            aggs.map((a) => a.lv),
            aggs.map((a) => a.lts),
          ],
        );
      }
      let latestMoved = 0;
      const newest = newestPerKey(inserted);
      if (newest.length > 0) {
        const lr = await client.query(
          `INSERT INTO tm_latest AS l (dev, attr, ts, v, s)
           SELECT * FROM unnest($1::int[], $2::text[], $3::int8[], $4::float8[], $5::text[])
           ON CONFLICT (dev, attr) DO UPDATE SET ts = excluded.ts, v = excluded.v, s = excluded.s WHERE excluded.ts > l.ts`,
          [newest.map((r) => r.dev), newest.map((r) => r.attr), newest.map((r) => r.ts), newest.map((r) => r.v), newest.map((r) => r.s)],
        );
        latestMoved = lr.rowCount ?? 0;
      }
      await client.query('COMMIT');
      return { inserted, duplicates: batch.length - inserted.length, latestMoved };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async latest(devs: number[]): Promise<Map<number, LatestValue[]>> {
    const out = new Map<number, LatestValue[]>(devs.map((d) => [d, []]));
    if (devs.length === 0) return out;
    const r = await this.pool.query<LatestValue & { dev: number }>('SELECT dev, attr, ts, v, s FROM tm_latest WHERE dev = ANY($1::int[]) ORDER BY dev, attr', [
      devs,
    ]);
    for (const row of r.rows) out.get(row.dev)?.push({ attr: row.attr, ts: Number(row.ts), v: row.v, s: row.s });
    return out;
  }

  async series(q: SeriesQuery): Promise<SeriesPoint[]> {
    const limit = q.limit ?? 10_000;
    if (q.resolution === 'raw') {
      const r = await this.pool.query<{ t: number; v: number | null; s: string | null }>(
        'SELECT ts AS t, v, s FROM tm_raw WHERE dev = $1 AND attr = $2 AND ts >= $3 AND ts < $4 ORDER BY ts LIMIT $5',
        [q.dev, q.attr, q.from, q.to, limit],
      );
      return r.rows.map((x) => ({ t: Number(x.t), min: x.v, max: x.v, avg: x.v, count: 1, last: x.v ?? x.s }));
    }
    const table = q.resolution === 'minute' ? 'tm_min' : 'tm_hour';
    const r = await this.pool.query<{ t: number; mn: number; mx: number; sm: number; n: number; lv: number }>(
      `SELECT b AS t, mn, mx, sm, n, lv FROM ${table} WHERE dev = $1 AND attr = $2 AND b >= $3 AND b < $4 ORDER BY b LIMIT $5`,
      [q.dev, q.attr, q.from, q.to, limit],
    );
    return r.rows.map(toPoint);
  }

  async scan(q: ScanQuery): Promise<Observation[]> {
    const r = await this.pool.query<{ dev: number; attr: string; ts: string; v: number | null; s: string | null }>(
      'SELECT dev, attr, ts, v, s FROM tm_raw WHERE ts >= $1 AND ts < $2 AND (dev % $3) = ANY($4::int[]) ORDER BY ts, dev LIMIT $5',
      [q.from, q.to, q.modulo, q.parts, q.limit ?? 5_000_000],
    );
    return r.rows.map((x) => ({ dev: x.dev, attr: x.attr, ts: Number(x.ts), v: x.v, s: x.s }));
  }

  async partitions(): Promise<PartitionInfo[]> {
    const r = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE p.relname IN ('tm_raw', 'tm_min', 'tm_hour') AND n.nspname = current_schema() ORDER BY c.relname`,
    );
    const out: PartitionInfo[] = [];
    for (const { name } of r.rows) {
      const m = NAME_RE.exec(name);
      if (!m) continue;
      out.push({ kind: m[1] === 'raw' ? 'raw' : m[1] === 'min' ? 'minute' : 'hour', name, ...boundsOf(m[2]!) });
    }
    return out;
  }

  async applyRetention(now: number, policies: RetentionPolicy[]): Promise<RetentionReport> {
    const report: RetentionReport = { droppedPartitions: [], deletedRows: 0 };
    for (const step of retentionPlan(await this.partitions(), now, policies)) {
      if ('drop' in step) {
        // Dropping a partition is instant and returns its space, unlike DELETE.
        await this.pool.query(`DROP TABLE IF EXISTS ${step.drop.name}`);
        this.partitionsKnown.delete(step.drop.name);
        report.droppedPartitions.push(step.drop.name);
        continue;
      }
      const r = await this.pool.query(`DELETE FROM ${step.trim.name} WHERE dev = ANY($1::int[]) AND ${step.column} < $2`, [step.devs, step.cutoff]);
      report.deletedRows += r.rowCount ?? 0;
    }
    return report;
  }

  /** PostgreSQL rolls up as it writes (its upserts run beside other writers, not in one thread). */
  async materialize(): Promise<{ pending: boolean }> {
    return { pending: false };
  }

  async close(): Promise<void> {
    // The pool belongs to the platform's storage.
  }
}
