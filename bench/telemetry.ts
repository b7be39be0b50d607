/**
 * Telemetry store benchmark: does writing slow down as history grows, and how fast is a chart query
 * on a large store?
 *
 * The store is filled through its own write path (raw + minute and hour rollups + latest, one
 * transaction per batch) with the stream of a city ten times Shiyan's size: `devices` devices, two
 * values each per report, every report of the round in one UTC day, so the whole history lands in
 * ONE day partition (the hardest case: partitioning does not help, the day's B-trees hold every
 * row). Write rate is measured over `sample` rows once 1 million rows are stored and again once
 * `rows` are stored; the chart query (one attribute, one day, one-minute resolution) is timed on
 * random devices at both sizes.
 *
 *   npx tsx bench/telemetry.ts [--rows 50000000] [--dialect sqlite|postgres] [--devices 50000]
 *                              [--sample 500000] [--batch 1000] [--queries 1000]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Observation, type TelemetryStore, DAY, PgTelemetryStore, SqliteTelemetryStore } from '../modules/sensing/telemetry.store.js';
import { benchArgs } from './args.js';

const args = benchArgs();
const ROWS = Number(args.rows ?? process.env.BENCH_TELEMETRY_ROWS ?? 50_000_000);
const DIALECT = (args.dialect ?? 'sqlite') as 'sqlite' | 'postgres';
const DEVICES = Number(args.devices ?? 50_000);
const SAMPLE = Number(args.sample ?? 500_000);
const BATCH = Number(args.batch ?? 1000);
const QUERIES = Number(args.queries ?? 1000);
const SMALL = 1_000_000;
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// One UTC day; reports every 10 s per device, each with two values.
const DAY0 = Date.UTC(2026, 10, 20);
const INTERVAL = 10_000;
const ATTRS = ['level', 'flow'] as const;

// Devices are not in step: each reports at its own phase within the interval, so reports arrive
// in phase order, not in device order.
const phase = (dev: number) => (dev * 7919) % INTERVAL;
const ORDER = Array.from({ length: DEVICES }, (_, i) => i + 1).sort((a, b) => phase(a) - phase(b) || a - b);

/** The n-th stored row of the stream, deterministic. */
function rowAt(n: number): Observation {
  const report = Math.floor(n / ATTRS.length);
  const round = Math.floor(report / DEVICES);
  const dev = ORDER[report % DEVICES]!;
  const attr = ATTRS[n % ATTRS.length]!;
  const ts = DAY0 + round * INTERVAL + phase(dev);
  if (ts >= DAY0 + DAY) throw new Error(`--rows too large for one day with ${DEVICES} devices`);
  const v = attr === 'level' ? 1 + ((dev + round) % 300) / 100 : (dev * 13 + round) % 1000;
  return { dev, attr, ts, v, s: null };
}

let written = 0;
async function writeUntil(store: TelemetryStore, target: number, onProgress?: (n: number) => void): Promise<number> {
  const started = performance.now();
  const from = written;
  while (written < target) {
    const n = Math.min(BATCH, target - written);
    const batch = new Array<Observation>(n);
    for (let i = 0; i < n; i++) batch[i] = rowAt(written + i);
    await store.write(batch);
    written += n;
    if (onProgress && written % 1_000_000 < BATCH) onProgress(written);
  }
  return (written - from) / ((performance.now() - started) / 1000);
}

let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

async function queryLatency(store: TelemetryStore): Promise<{ p50: number; p95: number; points: number }> {
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < QUERIES; i++) {
    const dev = 1 + Math.floor(rand() * DEVICES);
    const t0 = performance.now();
    const s = await store.series({ dev, attr: 'level', from: DAY0, to: DAY0 + DAY, resolution: 'minute' });
    times.push(performance.now() - t0);
    points += s.length;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.floor(times.length * q)]!.toFixed(3));
  return { p50: at(0.5), p95: at(0.95), points: Math.round(points / QUERIES) };
}

async function open(): Promise<{ store: TelemetryStore; size: () => string; cleanup: () => Promise<void> }> {
  if (DIALECT === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'wd-bench-tm-'));
    const store = new SqliteTelemetryStore(join(dir, 'telemetry.db'));
    await store.init();
    return {
      store,
      size: () => `${(statSync(join(dir, 'telemetry.db')).size / 2 ** 30).toFixed(2)} GiB`,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `wd_bench_tm_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` });
  const store = new PgTelemetryStore(pool);
  await store.init();
  return {
    store,
    size: () => 'see pg_total_relation_size',
    cleanup: async () => {
      await pool.end();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

const { store, size, cleanup } = await open();
const started = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${msg}`);
try {
  log(`${DIALECT}: filling to ${SMALL.toLocaleString()} rows (${DEVICES} devices, batches of ${BATCH})`);
  await writeUntil(store, SMALL);
  const smallQuery = await queryLatency(store);
  const smallRate = await writeUntil(store, SMALL + SAMPLE);
  log(`at ${SMALL.toLocaleString()} rows: write ${Math.round(smallRate)} rows/s; series p50 ${smallQuery.p50} ms p95 ${smallQuery.p95} ms`);
  await writeUntil(store, ROWS, (n) => {
    if (n % 5_000_000 < BATCH) log(`${n.toLocaleString()} rows stored`);
  });
  const bigQuery = await queryLatency(store);
  const bigRate = await writeUntil(store, ROWS + SAMPLE);
  log(`at ${ROWS.toLocaleString()} rows: write ${Math.round(bigRate)} rows/s; series p50 ${bigQuery.p50} ms p95 ${bigQuery.p95} ms`);
  const result = {
    dialect: DIALECT,
    devices: DEVICES,
    batch: BATCH,
    sample: SAMPLE,
    rows: ROWS,
    writeRateAt1M: Math.round(smallRate),
    writeRateAtRows: Math.round(bigRate),
    ratio: Number((bigRate / smallRate).toFixed(3)),
    seriesAt1M: smallQuery,
    seriesAtRows: bigQuery,
    size: size(),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(JSON.stringify(result, null, 1));
} finally {
  await cleanup();
}
