/**
 * Servers for the MQTT ingest benchmark (run as a child process by bench/ingest.ts):
 * - `reference`: the minimal pipeline the issue names: Aedes with TCP_NODELAY that acknowledges each
 *   QoS 1 publish only after a batched better-sqlite3 insert of its values has committed. Nothing else.
 * - `wudang`: the platform (SQLite in a temporary directory) with `devices` devices provisioned;
 *   prints their tokens for the load generator.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import SqliteDatabase from 'better-sqlite3';

const [mode, devicesArg] = process.argv.slice(2);
const devices = Number(devicesArg ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'wd-bench-ingest-'));

async function reference(): Promise<number> {
  const db = new SqliteDatabase(join(dir, 'ref.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE obs (dev TEXT NOT NULL, attr TEXT NOT NULL, ts INTEGER NOT NULL, v REAL, PRIMARY KEY (dev, attr, ts)) WITHOUT ROWID');
  const insert = db.prepare('INSERT OR IGNORE INTO obs (dev, attr, ts, v) VALUES (?, ?, ?, ?)');
  let queue: { rows: [string, string, number, number][]; done: () => void }[] = [];
  let scheduled = false;
  const flush = db.transaction((batch: typeof queue) => {
    for (const p of batch) for (const r of p.rows) insert.run(...r);
  });
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const batch = queue;
      queue = [];
      flush.immediate(batch);
      for (const p of batch) p.done();
    });
  };
  const broker = await Aedes.createBroker({
    authorizePublish: (client, packet, done) => {
      if (!client) return done(null);
      const dev = packet.topic.split('/')[1]!;
      const body = JSON.parse(packet.payload.toString()) as Record<string, number>;
      const ts = body.ts ?? Date.now();
      const rows: [string, string, number, number][] = [];
      for (const [k, v] of Object.entries(body)) if (k !== 'ts') rows.push([dev, k, ts, v]);
      queue.push({ rows, done: () => done(null) });
      schedule();
    },
  });
  const server = createServer({ noDelay: true }, (s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

/** The platform in this process, SQLite in the temporary directory, with `env` settings added. */
async function platform(env: Record<string, string>) {
  const { buildApp } = await import('../server/app.js');
  const { loadConfig } = await import('../server/config.js');
  const config = loadConfig({ LOG_LEVEL: 'warn', WUDANG_ADMIN_PASSWORD: 'Bench-Passw0rd!', SIMULATE: '0', HOST: '127.0.0.1', DATA_DIR: dir, ...env });
  const { provisionSimulated } = await import('../modules/sensing/sensing.service.js');
  return { w: await buildApp(config, { scheduler: false }), provisionSimulated };
}

async function wudang(): Promise<{ port: number; tokens: Record<string, string> }> {
  const { w, provisionSimulated } = await platform({ MQTT_PORT: '0', DEVICE_RATE_LIMIT: '100000', DEVICE_RATE_BURST: '1000000' });
  const list = Array.from({ length: devices }, (_, i) => ({
    id: `b-${i}`,
    name: `bench ${i}`,
    type: 'AirQualityObserved',
    department: 'STHJJ',
    location: { lon: 110.78 + (i % 100) * 0.0005, lat: 32.64 + Math.floor(i / 100) * 0.0002 },
  }));
  const tokens = Object.fromEntries(await provisionSimulated(w.platform, list));
  return { port: w.sensing.broker!.port, tokens };
}

/**
 * `fleet`: the platform consuming from an external broker (MQTT_URL, shared subscription) with
 * `devices` drainage-well devices provisioned. It measures publish-to-committed itself: each message
 * carries its publish time as `ts`, and on commit the delay is recorded. On an IPC 'report' it sends
 * the committed count and latency percentiles since the last report.
 */
async function fleet(): Promise<void> {
  const { w, provisionSimulated } = await platform({
    MQTT_URL: process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    MQTT_SHARE_GROUP: `bench-${process.pid}`,
    MQTT_CLIENT_ID: `bench-ingest-${process.pid}`,
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  });
  const t0 = Date.now();
  const list = Array.from({ length: devices }, (_, i) => ({
    id: `w-${i}`,
    name: `well ${i}`,
    type: 'DrainageWellObserved',
    department: 'ZJJ',
    location: { lon: 110.7 + (i % 250) * 0.0006, lat: 32.58 + Math.floor(i / 250) * 0.0006 },
  }));
  for (let i = 0; i < list.length; i += 5000) await provisionSimulated(w.platform, list.slice(i, i + 5000));
  const provisionMs = Date.now() - t0;
  let latencies: number[] = [];
  let committed = 0;
  w.sensing.pipeline.onCommitted((_device, rows) => {
    committed++;
    latencies.push(Date.now() - rows[0]!.ts);
  });
  process.on('message', (m) => {
    if (m !== 'report') return;
    const xs = latencies.sort((a, b) => a - b);
    const at = (q: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? Number.NaN;
    process.send?.({ committed, p50: at(0.5), p99: at(0.99), max: xs[xs.length - 1] ?? Number.NaN, rss: process.memoryUsage().rss });
    latencies = [];
    committed = 0;
  });
  process.send?.({ ready: true, provisionMs });
}

if (mode === 'fleet') {
  await fleet();
} else if (mode === 'reference') {
  const port = await reference();
  process.send?.({ port, tokens: {} });
} else {
  const r = await wudang();
  process.send?.(r);
}
