/**
 * The telemetry store on SQLite: a file of its own, day and month tables, latest values flushed in
 * key order, rollups written as buckets close, the WAL checkpointed on a worker thread.
 * Longer than 500 lines for a reason: one class whose write path, latest-value flushing, rollup
 * writing and partition handling share one connection, its prepared statements and in-memory
 * state (the recovery mark, the unbucketed tables); split up, that state would be shared across files.
 */
import SqliteDatabase from 'better-sqlite3';
import { WalCheckpointer } from './checkpointer.js';
import {
  BUCKET,
  HOUR,
  KINDS,
  LATEST_FLUSH_MS,
  LATEST_MARGIN,
  type LatestValue,
  MINUTE,
  NAME_RE,
  type Observation,
  type PartitionInfo,
  ROLLUP_GRACE,
  type RetentionPolicy,
  type RetentionReport,
  SLICE_MS,
  type ScanQuery,
  type SeriesPoint,
  type SeriesQuery,
  type TelemetryStore,
  type WriteResult,
  boundsOf,
  periodOf,
} from './telemetry.port.js';
import { retentionPlan } from './telemetry.retention.js';
import { type Agg, type AggRow, type RawRow, aggregate, combine, merge, newestPerKey, perDevice, toPoint, unit } from './telemetry.rollup.js';

export class SqliteTelemetryStore implements TelemetryStore {
  readonly dialect = 'sqlite' as const;
  readonly db: SqliteDatabase.Database;
  private readonly tables = new Set<string>();
  /** The partitions in name (= time) order; rebuilt after one is made or dropped. */
  private sortedTables: { name: string; prefix: string; from: number; to: number }[] | undefined;
  private readonly unbucketed = new Set<string>();
  private readonly stmts = new Map<string, SqliteDatabase.Statement>();
  /** Per kind, the partition the last write went to: consecutive rows almost always share it. */
  private readonly lastPeriod: Record<keyof typeof KINDS, { from: number; to: number; name: string }> = {
    raw: { from: 0, to: 0, name: '' },
    minute: { from: 0, to: 0, name: '' },
    hour: { from: 0, to: 0, name: '' },
  };
  /** Per partition, its insert (raw) or upsert (rollups) statement. */
  private readonly writeStmts = new Map<string, SqliteDatabase.Statement>();
  /**
   * Rollups are written when their bucket has closed, not with every reading (see materialize):
   * buckets before `done` are in the rollup tables, later ones are computed from the finer data when
   * read. NaN until the first write.
   */
  private readonly done = { minute: Number.NaN, hour: Number.NaN };
  /** The rollup being written, device slice by device slice; devices below `cursor` are done. */
  private job: { kind: 'minute' | 'hour'; from: number; to: number; cursor: number } | undefined;
  /** Devices per slice of each kind, adapted so a slice takes about SLICE_MS. */
  private readonly sliceDevs = { minute: 64, hour: 64 };
  /** The most devices in one slice (tests make it small to see many slices). */
  maxSliceDevs = 100_000;
  /** Latest values not yet written to tm_latest, per device and attribute (see LATEST_FLUSH_MS). */
  private readonly pendingLatest = new Map<number, Map<string, Observation>>();
  /** The newest time known per device and attribute (written or pending), read on first sight. */
  private readonly latestTs = new Map<number, Map<string, number>>();
  /**
   * The recovery mark: every committed reading is in tm_latest or has ts ≥ this mark (so it is
   * found again in the raw rows after a restart). +Infinity until the first flush: write through.
   */
  private latestMark = Number.POSITIVE_INFINITY;
  /** The flush in progress: devices in key order, and when it started. */
  private latestFlush: { devs: number[]; at: number; i: number } | undefined;
  private lastLatestFlush = Number.NEGATIVE_INFINITY;
  private readonly latestSlice = { devs: 512 };

  constructor(readonly file: string) {
    this.db = new SqliteDatabase(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode keeps every committed transaction across a process crash (kill -9).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('busy_timeout = 5000');
    // Checkpoints run on their own thread, not in the commit that crosses a threshold (see
    // WalCheckpointer). An in-memory database has no WAL.
    if (file !== ':memory:') {
      this.checkpointer = new WalCheckpointer(this.db, file, { intervalMs: 250, restartFrames: 16_384 });
    }
  }

  /** Checkpoints on a worker thread (files only). */
  readonly checkpointer: WalCheckpointer | undefined;

  async init(): Promise<void> {
    this.db.exec(`CREATE TABLE IF NOT EXISTS tm_latest (
      dev INTEGER NOT NULL, attr TEXT NOT NULL, ts INTEGER NOT NULL, v REAL, s TEXT,
      PRIMARY KEY (dev, attr)) WITHOUT ROWID`);
    this.db.exec('CREATE TABLE IF NOT EXISTS tm_rollup (kind TEXT PRIMARY KEY, done INTEGER NOT NULL) WITHOUT ROWID');
    for (const r of this.db.prepare('SELECT kind, done FROM tm_rollup').all() as { kind: 'minute' | 'hour' | 'latest'; done: number }[]) {
      if (r.kind === 'latest') this.latestMark = r.done;
      else this.done[r.kind] = r.done;
    }
    for (const r of this.db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'tm_%'`).all() as { name: string; sql: string }[]) {
      this.tables.add(r.name);
      this.sortedTables = undefined;
      // Partitions made before time-bucketed keys keep their (dev, attr, time) key.
      if (!/\bbk\b/.test(r.sql)) this.unbucketed.add(r.name);
    }
    this.recoverLatest();
  }

  private stmt(sqlText: string): SqliteDatabase.Statement {
    let s = this.stmts.get(sqlText);
    if (!s) {
      s = this.db.prepare(sqlText);
      this.stmts.set(sqlText, s);
    }
    return s;
  }

  private table(kind: keyof typeof KINDS, t: number): string {
    const last = this.lastPeriod[kind];
    if (t >= last.from && t < last.to && this.tables.has(last.name)) return last.name;
    const k = KINDS[kind];
    const period = periodOf(t, k.period);
    const name = `${k.prefix}_${period.suffix}`;
    last.from = period.from;
    last.to = period.to;
    last.name = name;
    if (!this.tables.has(name)) {
      // Keys lead with a time bucket (see BUCKET): rows arriving now all go into the bucket's
      // sub-tree, which stays in the page cache however large the partition grows; a device's
      // series is one index seek per bucket.
      if (kind === 'raw') {
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${name} (
          bk INTEGER NOT NULL, dev INTEGER NOT NULL, attr TEXT NOT NULL, ts INTEGER NOT NULL, v REAL, s TEXT,
          PRIMARY KEY (bk, dev, attr, ts)) WITHOUT ROWID`);
      } else {
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${name} (
          bk INTEGER NOT NULL, dev INTEGER NOT NULL, attr TEXT NOT NULL, b INTEGER NOT NULL,
          mn REAL NOT NULL, mx REAL NOT NULL, sm REAL NOT NULL, n INTEGER NOT NULL, lv REAL NOT NULL, lts INTEGER NOT NULL,
          PRIMARY KEY (bk, dev, attr, b)) WITHOUT ROWID`);
      }
      this.tables.add(name);
      this.sortedTables = undefined;
    }
    return name;
  }

  /** A partition's write statement, prepared once (its SQL built only then). */
  private writeStmt(table: string, sqlText: () => string): SqliteDatabase.Statement {
    let s = this.writeStmts.get(table);
    if (!s) {
      s = this.db.prepare(sqlText());
      this.writeStmts.set(table, s);
    }
    return s;
  }

  /** The buckets of [from, to) for a partition's kind, for an IN list (one index seek each). */
  private bucketsOf(kind: keyof typeof KINDS, from: number, to: number): number[] {
    const size = BUCKET[kind];
    const out: number[] = [];
    for (let b = Math.floor(from / size); b * size < to; b++) out.push(b);
    return out;
  }

  async write(batch: Observation[]): Promise<WriteResult> {
    return this.writeSync(batch);
  }

  /** Synchronous write in one transaction (better-sqlite3 is synchronous anyway). */
  writeSync(batch: Observation[]): WriteResult {
    const inserted: Observation[] = [];
    const moved: Observation[] = [];
    const run = this.db.transaction(() => {
      for (const r of batch) {
        const t = this.table('raw', r.ts);
        const flat = this.unbucketed.has(t);
        const insert = this.writeStmt(t, () =>
          flat
            ? `INSERT OR IGNORE INTO ${t} (dev, attr, ts, v, s) VALUES (?, ?, ?, ?, ?)`
            : `INSERT OR IGNORE INTO ${t} (bk, dev, attr, ts, v, s) VALUES (?, ?, ?, ?, ?, ?)`,
        );
        const res = flat ? insert.run(r.dev, r.attr, r.ts, r.v, r.s) : insert.run(Math.floor(r.ts / BUCKET.raw), r.dev, r.attr, r.ts, r.v, r.s);
        if (res.changes > 0) inserted.push(r);
      }
      if (inserted.length > 0 && Number.isNaN(this.done.minute)) {
        // The first write: rollups start from its earliest bucket.
        let first = inserted[0]!.ts;
        for (const r of inserted) if (r.ts < first) first = r.ts;
        this.setDone('minute', first - (first % MINUTE));
        this.setDone('hour', first - (first % HOUR));
      }
      // Only late readings, in buckets whose rollup is already written, are added to it now.
      const lateMinute = inserted.filter((r) => r.v !== null && this.isDone('minute', r));
      const lateHour = lateMinute.filter((r) => this.isDone('hour', r));
      for (const [kind, bucket, rows] of [
        ['minute', MINUTE, lateMinute],
        ['hour', HOUR, lateHour],
      ] as const) {
        for (const a of aggregate(rows, bucket)) {
          const t = this.table(kind, a.b);
          const flat = this.unbucketed.has(t);
          const upsert = this.writeStmt(
            t,
            () => `INSERT INTO ${t} (${flat ? '' : 'bk, '}dev, attr, b, mn, mx, sm, n, lv, lts) VALUES (${flat ? '' : '?, '}?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (${flat ? '' : 'bk, '}dev, attr, b) DO UPDATE SET mn = min(mn, excluded.mn), mx = max(mx, excluded.mx), sm = sm + excluded.sm,
             n = n + excluded.n, lv = CASE WHEN excluded.lts >= lts THEN excluded.lv ELSE lv END, lts = max(lts, excluded.lts)`,
          );
          if (flat) upsert.run(a.dev, a.attr, a.b, a.mn, a.mx, a.sm, a.n, a.lv, a.lts);
          else upsert.run(Math.floor(a.b / BUCKET[kind]), a.dev, a.attr, a.b, a.mn, a.mx, a.sm, a.n, a.lv, a.lts);
        }
      }
      // Latest values: those that move forward are kept in memory for the next flush, except
      // readings from before the recovery mark, which are written now.
      for (const r of newestPerKey(inserted)) {
        const known = this.knownLatest(r.dev, r.attr);
        if (known !== undefined && r.ts <= known) continue;
        moved.push(r);
        if (r.ts < this.latestMark) this.upsertLatest(r);
      }
    });
    run.immediate();
    // Only once committed: a failed transaction leaves memory as it was.
    for (const r of moved) {
      perDevice(this.latestTs, r.dev).set(r.attr, r.ts);
      if (r.ts >= this.latestMark) perDevice(this.pendingLatest, r.dev).set(r.attr, r);
    }
    return { inserted, duplicates: batch.length - inserted.length, latestMoved: moved.length };
  }

  private upsertLatest(r: Observation): void {
    this.stmt(
      `INSERT INTO tm_latest (dev, attr, ts, v, s) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (dev, attr) DO UPDATE SET ts = excluded.ts, v = excluded.v, s = excluded.s WHERE excluded.ts > tm_latest.ts`,
    ).run(r.dev, r.attr, r.ts, r.v, r.s);
  }

  /** The newest time of a series, from memory or, the first time, from tm_latest. */
  private knownLatest(dev: number, attr: string): number | undefined {
    const t = this.latestTs.get(dev)?.get(attr);
    if (t !== undefined) return t;
    const row = this.stmt('SELECT ts FROM tm_latest WHERE dev = ? AND attr = ?').get(dev, attr) as { ts: number } | undefined;
    if (!row) return undefined;
    perDevice(this.latestTs, dev).set(attr, row.ts);
    return row.ts;
  }

  /**
   * Writes the pending latest values, devices in key order, a slice per transaction; once a pass is
   * through, moves the recovery mark up to LATEST_MARGIN before its start (or the oldest value still
   * pending). Returns whether a pass is unfinished.
   */
  private flushLatest(now: number, deadline: number, moveMark = true): boolean {
    if (!this.latestFlush) {
      if (now - this.lastLatestFlush < LATEST_FLUSH_MS && this.lastLatestFlush <= now) return false;
      this.lastLatestFlush = now;
      this.latestFlush = { devs: [...this.pendingLatest.keys()].sort((a, b) => a - b), at: now, i: 0 };
    }
    const f = this.latestFlush;
    while (f.i < f.devs.length) {
      const started = performance.now();
      const end = Math.min(f.devs.length, f.i + Math.min(this.latestSlice.devs, this.maxSliceDevs));
      this.db
        .transaction(() => {
          for (let i = f.i; i < end; i++) {
            const dev = f.devs[i]!;
            const pending = this.pendingLatest.get(dev);
            if (!pending) continue;
            for (const r of pending.values()) this.upsertLatest(r);
          }
        })
        .immediate();
      for (let i = f.i; i < end; i++) this.pendingLatest.delete(f.devs[i]!);
      f.i = end;
      const factor = Math.min(2, Math.max(0.5, SLICE_MS / Math.max(performance.now() - started, 0.01)));
      this.latestSlice.devs = Math.max(1, Math.min(this.maxSliceDevs, Math.round(this.latestSlice.devs * factor)));
      if (performance.now() >= deadline && f.i < f.devs.length) return true;
    }
    // Everything pending when the pass started is written (or superseded by a newer value still
    // pending, whose time is at least the superseded one's).
    this.latestFlush = undefined;
    if (!moveMark) return false;
    let mark = f.at - LATEST_MARGIN;
    for (const pending of this.pendingLatest.values()) for (const r of pending.values()) if (r.ts < mark) mark = r.ts;
    if (mark !== this.latestMark) this.setLatestMark(mark);
    return false;
  }

  private setLatestMark(t: number): void {
    this.latestMark = t;
    this.stmt('INSERT INTO tm_rollup (kind, done) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET done = excluded.done').run('latest', t);
  }

  /** After a restart: the newest raw reading of each series since the recovery mark, into tm_latest. */
  private recoverLatest(): void {
    if (!Number.isFinite(this.latestMark)) return;
    const mark = this.latestMark;
    this.db
      .transaction(() => {
        for (const name of this.tables) {
          const m = NAME_RE.exec(name);
          if (!m || m[1] !== 'raw' || boundsOf(m[2]!).to <= mark) continue;
          const bucket = this.unbucketed.has(name) ? '' : 'bk >= ? AND ';
          const args = bucket ? [Math.floor(mark / BUCKET.raw), mark] : [mark];
          // With max(), SQLite takes the bare columns (v, s) from the row holding the maximum.
          this.db
            .prepare(
              `INSERT INTO tm_latest (dev, attr, ts, v, s)
               SELECT dev, attr, max(ts), v, s FROM ${name} WHERE ${bucket}ts >= ? GROUP BY dev, attr
               ON CONFLICT (dev, attr) DO UPDATE SET ts = excluded.ts, v = excluded.v, s = excluded.s WHERE excluded.ts > tm_latest.ts`,
            )
            .run(...args);
        }
      })
      .immediate();
  }

  /** Whether the rollup of a reading's bucket has been written (so a reading now is late). */
  private isDone(kind: 'minute' | 'hour', r: Observation): boolean {
    if (r.ts < this.done[kind]) return true;
    const j = this.job;
    return j !== undefined && j.kind === kind && r.ts >= j.from && r.ts < j.to && r.dev < j.cursor;
  }

  private setDone(kind: 'minute' | 'hour', t: number): void {
    this.done[kind] = t;
    this.stmt('INSERT INTO tm_rollup (kind, done) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET done = excluded.done').run(kind, t);
  }

  async materialize(now: number, budgetMs = 20): Promise<{ pending: boolean }> {
    return { pending: this.materializeSync(now, budgetMs) };
  }

  /**
   * Writes closed buckets' rollups, like a time-series database's continuous aggregates: a minute's
   * rollups from its raw rows (one sub-tree of the raw partition, read in key order), an hour's from
   * its sixty minute rollups. Each runs in slices of devices, one short transaction each, so ingest
   * commits interleave; a reading that arrives for a slice already written is added to it as late
   * data. After a crash the unfinished bucket is simply written again (each slice replaces its rows).
   * Returns whether work is left.
   */
  materializeSync(now: number, budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    // Latest values first, then rollups; each gets at least one slice per call, however small the budget.
    const latestLeft = this.flushLatest(now, deadline);
    for (;;) {
      if (!this.job) this.job = this.nextJob(now);
      if (!this.job) return latestLeft;
      this.db.transaction(() => this.runSlice(this.job!)).immediate();
      if (performance.now() >= deadline) return latestLeft || this.job !== undefined || this.nextJob(now) !== undefined;
    }
  }

  private nextJob(now: number): SqliteTelemetryStore['job'] {
    if (Number.isNaN(this.done.minute)) return undefined;
    const closed = now - ROLLUP_GRACE;
    const m = this.done.minute;
    if (m + MINUTE <= closed) {
      // Up to ten minutes at once (one sub-tree of the minute rollups, never across a day).
      const to = Math.min(closed - (closed % MINUTE), m - (m % BUCKET.minute) + BUCKET.minute);
      return { kind: 'minute', from: m, to, cursor: Number.MIN_SAFE_INTEGER };
    }
    const h = this.done.hour;
    if (h + HOUR <= m) return { kind: 'hour', from: h, to: h + HOUR, cursor: Number.MIN_SAFE_INTEGER };
    return undefined;
  }

  /** One slice of devices of the current job; finishes the job when no device is left. */
  private runSlice(job: NonNullable<SqliteTelemetryStore['job']>): void {
    const started = performance.now();
    const srcKind = job.kind === 'minute' ? 'raw' : 'minute';
    const src = `${KINDS[srcKind].prefix}_${periodOf(job.from, KINDS[srcKind].period).suffix}`;
    if (!this.tables.has(src)) {
      this.finish(job);
      return;
    }
    const flat = this.unbucketed.has(src);
    const time = srcKind === 'raw' ? 'ts' : 'b';
    const buckets = this.bucketsOf(srcKind, job.from, job.to);
    // The first device at or after the cursor: one index seek per bucket.
    const nextDev = (from: number): number | null => {
      if (flat)
        return (
          this.stmt(`SELECT min(dev) AS d FROM ${src} WHERE dev >= ? AND ${time} >= ? AND ${time} < ?`).get(from, job.from, job.to) as { d: number | null }
        ).d;
      let best: number | null = null;
      const q = this.stmt(`SELECT min(dev) AS d FROM ${src} WHERE bk = ? AND dev >= ? AND ${time} >= ? AND ${time} < ?`);
      for (const bk of buckets) {
        const d = (q.get(bk, from, job.from, job.to) as { d: number | null }).d;
        if (d !== null && (best === null || d < best)) best = d;
      }
      return best;
    };
    const lo = nextDev(job.cursor);
    if (lo === null) {
      this.finish(job);
      return;
    }
    const hi = lo + Math.min(this.sliceDevs[job.kind], this.maxSliceDevs);
    const where = `${flat ? '' : 'bk IN (SELECT value FROM json_each(?)) AND '}dev >= ? AND dev < ? AND ${time} >= ? AND ${time} < ?`;
    const args = [...(flat ? [] : [JSON.stringify(buckets)]), lo, hi, job.from, job.to];
    let aggs: Agg[] = [];
    if (job.kind === 'minute' && !flat && !this.unbucketed.has(this.table('minute', job.from))) {
      // In SQL, in the raw key's order (no sort, no row objects): the last value is one seek per group.
      const t = this.table('minute', job.from);
      this.stmt(
        `INSERT OR REPLACE INTO ${t} (bk, dev, attr, b, mn, mx, sm, n, lv, lts)
         SELECT g.bk * ${MINUTE} / ${BUCKET.minute}, g.dev, g.attr, g.bk * ${MINUTE}, g.mn, g.mx, g.sm, g.n,
           (SELECT r.v FROM ${src} r WHERE r.bk = g.bk AND r.dev = g.dev AND r.attr = g.attr AND r.ts = g.lts), g.lts
         FROM (SELECT bk, dev, attr, min(v) AS mn, max(v) AS mx, sum(v) AS sm, count(*) AS n, max(ts) AS lts
               FROM ${src} WHERE ${where} AND v IS NOT NULL GROUP BY bk, dev, attr) g`,
      ).run(...args);
    } else if (job.kind === 'minute') {
      aggs = aggregate(this.stmt(`SELECT dev, attr, ts, v, s FROM ${src} WHERE ${where} AND v IS NOT NULL`).all(...args) as Observation[], MINUTE);
    } else {
      aggs = combine(this.stmt(`SELECT dev, attr, b, mn, mx, sm, n, lv, lts FROM ${src} WHERE ${where}`).all(...args) as Agg[], HOUR);
    }
    const kind = job.kind;
    for (const a of aggs) {
      const t = this.table(kind, a.b);
      const tflat = this.unbucketed.has(t);
      this.stmt(
        `INSERT OR REPLACE INTO ${t} (${tflat ? '' : 'bk, '}dev, attr, b, mn, mx, sm, n, lv, lts) VALUES (${tflat ? '' : '?, '}?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...(tflat ? [] : [Math.floor(a.b / BUCKET[kind])]), a.dev, a.attr, a.b, a.mn, a.mx, a.sm, a.n, a.lv, a.lts);
    }
    job.cursor = hi;
    // The next slice sized to take about SLICE_MS, changing by at most a factor of two.
    const factor = Math.min(2, Math.max(0.5, SLICE_MS / Math.max(performance.now() - started, 0.01)));
    this.sliceDevs[job.kind] = Math.max(1, Math.min(this.maxSliceDevs, Math.round(this.sliceDevs[job.kind] * factor)));
    if (nextDev(hi) === null) this.finish(job);
  }

  private finish(job: NonNullable<SqliteTelemetryStore['job']>): void {
    this.setDone(job.kind, job.to);
    this.job = undefined;
  }

  async latest(devs: number[]): Promise<Map<number, LatestValue[]>> {
    const out = new Map<number, LatestValue[]>();
    const q = this.stmt('SELECT attr, ts, v, s FROM tm_latest WHERE dev = ? ORDER BY attr');
    for (const dev of devs) {
      const rows = q.all(dev) as LatestValue[];
      const pending = this.pendingLatest.get(dev);
      if (pending) {
        for (const r of pending.values()) {
          const value = { attr: r.attr, ts: r.ts, v: r.v, s: r.s };
          const i = rows.findIndex((x) => x.attr === r.attr);
          if (i < 0) rows.push(value);
          else if (r.ts > rows[i]!.ts) rows[i] = value;
        }
        rows.sort((a, b) => (a.attr < b.attr ? -1 : a.attr > b.attr ? 1 : 0));
      }
      out.set(dev, rows);
    }
    return out;
  }

  async series(q: SeriesQuery): Promise<SeriesPoint[]> {
    const limit = q.limit ?? 10_000;
    if (q.resolution === 'raw') {
      return this.readRaw(q.dev, q.attr, q.from, q.to, limit).map((r) => ({ t: r.t, min: r.v, max: r.v, avg: r.v, count: 1, last: r.v ?? r.s }));
    }
    return this.rollups(q.resolution, q.dev, q.attr, q.from, q.to, limit).map(toPoint);
  }

  /** Rollups of [from, to): the written ones, then the rest computed from the finer data. */
  private rollups(kind: 'minute' | 'hour', dev: number, attr: string, from: number, to: number, limit: number): AggRow[] {
    const done = this.done[kind];
    const split = Number.isNaN(done) ? to : Math.max(from, Math.min(to, done));
    const out = this.readRollups(kind, dev, attr, from, split, limit);
    if (split >= to || out.length >= limit) return out;
    // Raw values into minutes, or minutes into hours (both in time order).
    const parts: AggRow[] =
      kind === 'minute'
        ? this.readRaw(dev, attr, split, to, Number.MAX_SAFE_INTEGER).flatMap((r) => (r.v === null ? [] : [{ t: r.t, ...unit(r.v, r.t) }]))
        : this.rollups('minute', dev, attr, split, to, Number.MAX_SAFE_INTEGER);
    const size = kind === 'minute' ? MINUTE : HOUR;
    const finer: AggRow[] = [];
    for (const part of parts) {
      const b = part.t - (part.t % size);
      const last = finer[finer.length - 1];
      if (last && last.t === b) merge(last, part);
      else finer.push({ ...part, t: b });
    }
    for (const r of finer) {
      if (out.length >= limit) break;
      out.push(r);
    }
    return out;
  }

  /**
   * The existing partitions of a kind that overlap [from, to), in time order. Reads walk these,
   * never the calendar between from and to, so a range of any width costs no more than the
   * partitions there are.
   */
  private overlapping(prefix: string, from: number, to: number): { name: string; from: number; to: number }[] {
    if (!this.sortedTables) {
      this.sortedTables = [];
      for (const name of [...this.tables].sort()) {
        const m = NAME_RE.exec(name);
        if (m) this.sortedTables.push({ name, prefix: `tm_${m[1]}`, ...boundsOf(m[2]!) });
      }
    }
    return this.sortedTables.filter((t) => t.prefix === prefix && t.to > from && t.from < to);
  }

  private readRaw(dev: number, attr: string, from: number, to: number, limit: number): RawRow[] {
    const out: RawRow[] = [];
    for (const p of this.overlapping(KINDS.raw.prefix, from, to)) {
      const name = p.name;
      const lo = Math.max(from, p.from);
      const hi = Math.min(to, p.to);
      // Bucketed partitions: `bk IN (…)` makes one index seek per bucket (json_each keeps the
      // statement the same whatever the number of buckets).
      const buckets = this.unbucketed.has(name) ? '' : 'bk IN (SELECT value FROM json_each(?)) AND ';
      const bucketArgs = buckets ? [JSON.stringify(this.bucketsOf('raw', lo, hi))] : [];
      const rows = this.stmt(`SELECT ts AS t, v, s FROM ${name} WHERE ${buckets}dev = ? AND attr = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?`).all(
        ...bucketArgs,
        dev,
        attr,
        lo,
        hi,
        Math.min(limit - out.length, Number.MAX_SAFE_INTEGER),
      ) as RawRow[];
      for (const r of rows) out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }

  private readRollups(kind: 'minute' | 'hour', dev: number, attr: string, from: number, to: number, limit: number): AggRow[] {
    const out: AggRow[] = [];
    if (from >= to) return out;
    for (const p of this.overlapping(KINDS[kind].prefix, from, to)) {
      const name = p.name;
      const lo = Math.max(from, p.from);
      const hi = Math.min(to, p.to);
      const buckets = this.unbucketed.has(name) ? '' : 'bk IN (SELECT value FROM json_each(?)) AND ';
      const bucketArgs = buckets ? [JSON.stringify(this.bucketsOf(kind, lo, hi))] : [];
      const rows = this.stmt(
        `SELECT b AS t, mn, mx, sm, n, lv, lts FROM ${name} WHERE ${buckets}dev = ? AND attr = ? AND b >= ? AND b < ? ORDER BY b LIMIT ?`,
      ).all(...bucketArgs, dev, attr, lo, hi, Math.min(limit - out.length, Number.MAX_SAFE_INTEGER)) as AggRow[];
      for (const r of rows) out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }

  async scan(q: ScanQuery): Promise<Observation[]> {
    const limit = q.limit ?? 5_000_000;
    const out: Observation[] = [];
    const parts = JSON.stringify(q.parts);
    for (const p of this.overlapping('tm_raw', q.from, q.to)) {
      const name = p.name;
      const from = Math.max(q.from, p.from);
      const to = Math.min(q.to, p.to);
      const buckets = this.unbucketed.has(name) ? '' : 'bk IN (SELECT value FROM json_each(?)) AND ';
      const bucketArgs = buckets ? [JSON.stringify(this.bucketsOf('raw', from, to))] : [];
      const rows = this.stmt(
        `SELECT dev, attr, ts, v, s FROM ${name} WHERE ${buckets}ts >= ? AND ts < ? AND (dev % ?) IN (SELECT value FROM json_each(?)) LIMIT ?`,
      ).all(...bucketArgs, from, to, q.modulo, parts, limit - out.length) as Observation[];
      for (const r of rows) out.push(r);
      if (out.length >= limit) break;
    }
    return out.sort((a, b) => a.ts - b.ts || a.dev - b.dev);
  }

  async partitions(): Promise<PartitionInfo[]> {
    const out: PartitionInfo[] = [];
    for (const name of [...this.tables].sort()) {
      const m = NAME_RE.exec(name);
      if (!m) continue;
      const kind = m[1] === 'raw' ? 'raw' : m[1] === 'min' ? 'minute' : 'hour';
      out.push({ kind, name, ...boundsOf(m[2]!) });
    }
    return out;
  }

  async applyRetention(now: number, policies: RetentionPolicy[]): Promise<RetentionReport> {
    const report: RetentionReport = { droppedPartitions: [], deletedRows: 0 };
    for (const step of retentionPlan(await this.partitions(), now, policies)) {
      // Never remove the source of a rollup not yet written.
      const p = 'drop' in step ? step.drop : step.trim;
      const upTo = p.kind === 'raw' ? this.done.minute : p.kind === 'minute' ? this.done.hour : Number.NaN;
      if (p.to > upTo) continue;
      if ('drop' in step) {
        const name = step.drop.name;
        this.db.exec(`DROP TABLE IF EXISTS ${name}`);
        this.tables.delete(name);
        this.sortedTables = undefined;
        this.writeStmts.delete(name);
        this.unbucketed.delete(name);
        for (const key of [...this.stmts.keys()]) if (key.includes(name)) this.stmts.delete(key);
        report.droppedPartitions.push(name);
        continue;
      }
      // One pass over the partition for all the type's devices (bucketed keys do not lead with the device).
      const stmt = this.stmt(`DELETE FROM ${step.trim.name} WHERE ${step.column} < ? AND dev IN (SELECT value FROM json_each(?))`);
      report.deletedRows += stmt.run(step.cutoff, JSON.stringify(step.devs)).changes;
    }
    return report;
  }

  async close(): Promise<void> {
    // Whatever is pending is written, so a clean restart has nothing to recover.
    // (The recovery mark stays: close() has no clock.)
    this.latestFlush = undefined;
    this.lastLatestFlush = Number.NEGATIVE_INFINITY;
    this.flushLatest(0, Number.POSITIVE_INFINITY, false);
    await this.checkpointer?.close();
    this.db.close();
  }
}
