/**
 * Servers for the MQTT ingest benchmark (run as a child process by bench/ingest.ts):
 * - `reference`: the minimal pipeline the issue names: Aedes with TCP_NODELAY that acknowledges each
 *   QoS 1 publish only after a batched better-sqlite3 insert of its values has committed. Nothing else.
 * - `wudang`: the platform (SQLite in a temporary directory) with `devices` devices provisioned;
 *   prints their tokens for the load generator.
 * - `rules-off` / `rules-on` (bench/rules.ts): `wudang` with rule evaluation off, or on with
 *   BENCH_RULES rules (default 1,000) over the devices, which carry group tags g0…g199: each
 *   device is watched by five rules of its group (a duration threshold, a rate, a hysteresis
 *   threshold, an any-of, a Holt prediction) besides the seed rules of its type.
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
  const w = await buildApp(config, { scheduler: false });
  // The sensing timers (health sweep, retention, rollups) and the rule engine's as in production;
  // the workflow and notification schedulers stay off for a steady load.
  w.sensing.startTimers();
  const engine = w.warning.engine;
  if (engine) {
    setInterval(() => void engine.checkpoint().catch(() => undefined), 1000).unref();
    setInterval(
      () =>
        void engine
          .lease()
          .then(() => engine.tick())
          .catch(() => undefined),
      5000,
    ).unref();
  }
  return { w, provisionSimulated };
}

const GROUPS = 200;

/** `count` rules over a device type's attribute, five per tag group g0…g199 (see the header). */
async function createBenchRules(
  p: import('../platform/context.js').Platform,
  count: number,
  type: string,
  owner: string,
  task: string,
  attr: string,
  limit: number,
) {
  const { createRule } = await import('../modules/warning/rules.service.js');
  const { SYSTEM_CONTEXT } = await import('../platform/context.js');
  const t0 = Date.now();
  for (let k = 0; k < count; k++) {
    const tags = [`g${k % GROUPS}`];
    const kind = Math.floor(k / GROUPS) % 5;
    const conditions = [
      { kind: 'threshold', attr, op: '>=', value: limit, clear: limit * 0.9, forSeconds: 60 },
      { kind: 'rate', attr, change: limit / 2, withinSeconds: 600 },
      { kind: 'threshold', attr, op: '>=', value: limit * 1.2, clear: limit },
      {
        kind: 'any',
        of: [
          { kind: 'threshold', attr, op: '>=', value: limit * 1.5 },
          { kind: 'rate', attr, change: limit, withinSeconds: 300 },
        ],
      },
      { kind: 'predict', attr, op: '>=', value: limit * 1.3, horizonSeconds: 1800, fitSeconds: 900 },
    ];
    await createRule(
      p,
      `bench-${k}`,
      {
        name: { zh: `基准规则 ${k}`, en: `Benchmark rule ${k}` },
        source: 'bench/ingest-server.ts',
        owner,
        task,
        scope: { types: [type], tags },
        levels: [{ level: 4, condition: conditions[kind] as never }],
      },
      true,
      SYSTEM_CONTEXT,
    );
  }
  return Date.now() - t0;
}

async function wudang(
  rules?: 'off' | 'on',
): Promise<{ port: number; tokens: Record<string, string>; rulesMs?: number; engine?: import('../modules/warning/engine.js').WarningEngine | undefined }> {
  const { w, provisionSimulated } = await platform({
    MQTT_PORT: '0',
    DEVICE_RATE_LIMIT: '100000',
    DEVICE_RATE_BURST: '1000000',
    ...(rules === 'off' ? { WARNING_ENGINE: '0' } : {}),
  });
  const list = Array.from({ length: devices }, (_, i) => ({
    id: `b-${i}`,
    name: `bench ${i}`,
    type: 'AirQualityObserved',
    department: 'STHJJ',
    tags: [`g${i % GROUPS}`],
    location: { lon: 110.78 + (i % 100) * 0.0005, lat: 32.64 + Math.floor(i / 100) * 0.0002 },
  }));
  const tokens = Object.fromEntries(await provisionSimulated(w.platform, list));
  let rulesMs: number | undefined;
  if (rules === 'on') {
    rulesMs = await createBenchRules(w.platform, Number(process.env.BENCH_RULES ?? 1000), 'AirQualityObserved', 'STHJJ', 'environment', 'pm25', 150);
    // Let every process's engine load the new rules before the load starts.
    await new Promise((r) => setTimeout(r, 500));
    await w.warning.engine?.idle();
  }
  return { port: w.sensing.broker!.port, tokens, ...(rulesMs !== undefined ? { rulesMs } : {}), engine: w.warning.engine };
}

/**
 * `fleet`: the platform consuming from an external broker (MQTT_URL, shared subscription) with
 * `devices` drainage-well devices provisioned. It measures publish-to-committed itself: each message
 * carries its publish time as `ts`, and on commit the delay is recorded. On an IPC 'report' it sends
 * the committed count and latency percentiles since the last report.
 */
async function fleet(): Promise<void> {
  const rules = Number(process.env.BENCH_RULES ?? 0);
  const { w, provisionSimulated } = await platform({
    ...(rules === 0 ? { WARNING_ENGINE: '0' } : {}),
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
    tags: [`g${i % GROUPS}`],
    location: { lon: 110.7 + (i % 250) * 0.0006, lat: 32.58 + Math.floor(i / 250) * 0.0006 },
  }));
  for (let i = 0; i < list.length; i += 5000) await provisionSimulated(w.platform, list.slice(i, i + 5000));
  const provisionMs = Date.now() - t0;
  const rulesMs = rules ? await createBenchRules(w.platform, rules, 'DrainageWellObserved', 'ZJJ', 'drainage', 'level', 3) : 0;
  // Publish-to-alert: each alert's triggering reading carries its publish time as `ts`.
  let alertLatencies: number[] = [];
  let alertsRaised = 0;
  await w.platform.bus.subscribe(
    'alert.raised',
    (e) => {
      const d = e.data as { observedAt?: number | null };
      alertsRaised++;
      if (d.observedAt) alertLatencies.push(Date.now() - d.observedAt);
    },
    { group: 'bench-alerts' },
  );
  let latencies: number[] = [];
  let committed = 0;
  // How long the event loop was held: tells a stall in this process from one in the broker or the load.
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // Garbage-collection pauses, the longest per window.
  const { PerformanceObserver } = await import('node:perf_hooks');
  let gcMax = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration);
  }).observe({ entryTypes: ['gc'] });
  let rollupMax = 0;
  const tstore = w.sensing.pipeline.store as {
    materialize(now: number, budget?: number): Promise<{ pending: boolean }>;
    checkpointer?: { stats: { restartMaxMs: number; restarts: number } };
  };
  const origMaterialize = tstore.materialize.bind(tstore);
  tstore.materialize = async (now, budget) => {
    const t = performance.now();
    try {
      return await origMaterialize(now, budget);
    } finally {
      rollupMax = Math.max(rollupMax, performance.now() - t);
    }
  };
  let cpu = process.cpuUsage();
  let cpuAt = performance.now();
  // Commits from the pipeline's own metrics (wudang_ingest_commit_seconds, _batch_rows), per window.
  const { commitSeconds, batchRows } = w.sensing.pipeline.metrics;
  const totals = async () => {
    const pick = async (h: typeof commitSeconds, suffix: string) => (await h.get()).values.find((v) => v.metricName?.endsWith(suffix))?.value ?? 0;
    return { commits: await pick(commitSeconds, '_count'), seconds: await pick(commitSeconds, '_sum'), rows: await pick(batchRows, '_sum') };
  };
  let lastTotals = await totals();
  w.sensing.pipeline.onCommitted((_device, rows) => {
    committed++;
    latencies.push(Date.now() - rows[0]!.ts);
  });
  process.on('message', async (m) => {
    if (m !== 'report') return;
    const now = await totals();
    const commits = now.commits - lastTotals.commits;
    const commitRows = now.rows - lastTotals.rows;
    const commitMs = (now.seconds - lastTotals.seconds) * 1000;
    lastTotals = now;
    const xs = latencies.sort((a, b) => a - b);
    const at = (q: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? Number.NaN;
    const as = alertLatencies.sort((a, b) => a - b);
    const aat = (q: number) => as[Math.min(as.length - 1, Math.floor(as.length * q))] ?? Number.NaN;
    process.send?.({
      committed,
      p50: at(0.5),
      p99: at(0.99),
      max: xs[xs.length - 1] ?? Number.NaN,
      rss: process.memoryUsage().rss,
      alerts: alertsRaised,
      alertP50: aat(0.5),
      alertP99: aat(0.99),
      alertMax: as[as.length - 1] ?? Number.NaN,
      loopMaxMs: Math.round(loop.max / 1e6),
      loopP99Ms: Math.round(loop.percentile(99) / 1e6),
      cpuShare: (() => {
        const u = process.cpuUsage(cpu);
        return (u.user + u.system) / 1000 / (performance.now() - cpuAt);
      })(),
      commits,
      commitRows,
      commitMs: Math.round(commitMs),
      gcMaxMs: Math.round(gcMax),
      rollupMaxMs: Math.round(rollupMax),
      checkpointMaxMs: Math.round(tstore.checkpointer?.stats.restartMaxMs ?? 0),
      alertLatencies: as,
    });
    gcMax = 0;
    rollupMax = 0;
    if (tstore.checkpointer) tstore.checkpointer.stats.restartMaxMs = 0;
    cpu = process.cpuUsage();
    cpuAt = performance.now();
    loop.reset();
    latencies = [];
    committed = 0;
    alertLatencies = [];
    alertsRaised = 0;
  });
  process.send?.({ ready: true, provisionMs, rulesMs });
  // BENCH_CPU_PROF=<file>: a CPU profile of this process from 15 s after the start of the load
  // for BENCH_CPU_PROF_SECONDS (default 15), for finding where the time goes.
  if (process.env.BENCH_CPU_PROF)
    await profile(process.env.BENCH_CPU_PROF, Number(process.env.BENCH_CPU_PROF_AFTER ?? 15) * 1000, Number(process.env.BENCH_CPU_PROF_SECONDS ?? 15) * 1000);
}

async function profile(file: string, afterMs: number, forMs: number): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  setTimeout(async () => {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    setTimeout(async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      console.error(`# CPU profile written to ${file}`);
    }, forMs);
  }, afterMs);
}

if (mode === 'fleet') {
  await fleet();
} else if (mode === 'reference') {
  const port = await reference();
  process.send?.({ port, tokens: {} });
} else if (mode === 'rules-off' || mode === 'rules-on') {
  const { engine, ...started } = await wudang(mode === 'rules-off' ? 'off' : 'on');
  process.send?.(started);
  // After the load: how far the rule engine is behind (readings committed, not yet evaluated).
  process.on('message', (m) => {
    if (m === 'backlog') process.send?.({ backlog: engine?.backlog() ?? null });
  });
  if (process.env.BENCH_CPU_PROF) await profile(`${process.env.BENCH_CPU_PROF}.${mode}`, 2_000, 5_000);
} else {
  const { engine: _engine, ...r } = await wudang();
  process.send?.(r);
}
