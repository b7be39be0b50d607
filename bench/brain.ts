/**
 * Operations-centre screen benchmark (issue 6): the first meaningful view of `/brain` in Chromium
 * with `--devices` (50,000) devices, each with a reading, and `--alerts` (500) open alerts.
 *
 * The platform runs in this process on SQLite (or PostgreSQL with DATABASE_URL), serving the built
 * web apps. The simulator's city provides the devices, provisioned as the simulator does. Each
 * device posts one reading through the HTTP ingest API. Gas detectors past 50 %LEL raise real
 * alerts through the rule engine.
 *
 * "First meaningful view" is the time from navigation start (`performance.now()` in the page) until
 * the indicator tiles show values, the map has drawn every device (as server-side cells), the
 * alert layer and the feed are filled. Cold: a fresh browser context, logged in, for each round.
 * Also measured: the server's indicator evaluation over the city, uncached, and the device layer.
 *
 * Then the wall stays open for `--trace-seconds` (60) while observations are posted at `--rate`
 * (8,500/s asked; the rate this process reaches is reported) and 100 alerts a minute are raised:
 * the page measures every frame's gap (requestAnimationFrame) and counts long animation frames.
 *
 *   npm run build && npx tsx bench/brain.ts [--devices 50000 --alerts 500 --rounds 5 --trace-seconds 60 --rate 8500]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { benchArgs } from './args.js';

const args = benchArgs();
const DEVICES = Number(args.devices ?? 50_000);
const ALERTS = Number(args.alerts ?? 500);
const ROUNDS = Number(args.rounds ?? 5);
const TRACE_SECONDS = Number(args['trace-seconds'] ?? 60);
const RATE = Number(args.rate ?? 8500);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const webDir = join(process.cwd(), 'dist/web');
if (!existsSync(join(webDir, 'brain/index.html'))) throw new Error('Build the web apps first: npm run build');
const dir = mkdtempSync(join(tmpdir(), 'wd-bench-brain-'));

const { buildApp } = await import('../server/app.js');
const { loadConfig } = await import('../server/config.js');
const { provisionSimulated } = await import('../modules/sensing/sensing.service.js');
const { buildDevices, reading } = await import('../simulator/shiyan.js');
const config = loadConfig({
  LOG_LEVEL: 'warn',
  WUDANG_ADMIN_PASSWORD: 'Bench-Passw0rd!',
  SIMULATE: '0',
  MQTT_ENABLED: '0',
  HOST: '127.0.0.1',
  PORT: '0',
  DATA_DIR: dir,
  ...process.env,
});
const w = await buildApp(config, { scheduler: false, webDir });
await w.app.listen({ port: 0, host: '127.0.0.1' });
const address = w.app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// The city: devices, one reading each, alerts from gas detectors.
let t0 = performance.now();
const devices = buildDevices(2026, DEVICES);
const tokens = await provisionSimulated(
  w.platform,
  devices.map((d) => ({
    id: d.id,
    name: d.name,
    type: d.type,
    department: d.department,
    location: d.location,
    tags: d.tags,
    intervalSeconds: d.intervalSeconds,
    ...(d.properties ? { properties: d.properties } : {}),
  })),
);
console.log(`${tokens.size} devices provisioned in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

t0 = performance.now();
const now = Date.now();
const gas = devices.filter((d) => d.type === 'CombustibleGasObserved');
const alarmed = new Set(gas.slice(0, ALERTS).map((d) => d.id));
// Devices beyond the gas detectors cover the rest: extra detectors are made when the city has fewer than ALERTS.
let posted = 0;
const post = async (id: string, token: string, body: Record<string, unknown>) => {
  const r = await w.app.inject({
    method: 'POST',
    url: `/api/ingest/${id}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  if (r.statusCode !== 202) throw new Error(`ingest ${id}: ${r.statusCode} ${r.body}`);
  posted++;
};
for (let i = 0; i < devices.length; i += 64) {
  await Promise.all(
    devices.slice(i, i + 64).map((d) => {
      const values = reading(2026, d, now);
      if (alarmed.has(d.id)) values.lel = 60;
      return post(d.id, tokens.get(d.id)!, { ts: now - 60_000, ...values });
    }),
  );
  await new Promise((r) => setImmediate(r));
}
await w.warning.engine?.idle();
let extra = ALERTS - alarmed.size;
for (let i = 0; extra > 0; i++, extra--) {
  const id = `bench-gas-${i}`;
  const made = await provisionSimulated(w.platform, [
    { id, name: id, type: 'CombustibleGasObserved', department: 'ZJJ', location: devices[i % devices.length]!.location },
  ]);
  await post(id, made.get(id)!, { ts: now - 60_000, lel: 60 });
}
await w.warning.engine?.idle();
await new Promise((r) => setTimeout(r, 500));
await w.warning.engine?.idle();
await w.sensing.sweep();
const openAlerts = (
  await w.platform.db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('open_key', 'is not', null)
    .executeTakeFirstOrThrow()
).n;
console.log(`${posted} readings posted and ${openAlerts} alerts open in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
await w.brain.indicators.snapshot();

// Server side: indicator evaluation over the whole city (uncached), and the device layer.
const login = async (username: string, password: string) => {
  const r = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  return JSON.parse(r.body) as { token: string; refreshToken: string; expiresAt: string };
};
const session = await login('duty', 'Wudang@2026');
const evaluation: number[] = [];
const layer: number[] = [];
const defs = await w.brain.indicators.list({ enabled: true });
for (let i = 0; i < ROUNDS; i++) {
  let s = performance.now();
  // The evaluator itself (the API caches its result for 10 s).
  const { IndicatorEvaluator } = await import('../modules/brain/evaluate.js');
  await new IndicatorEvaluator(w.platform, w.sensing.telemetry, w.command.incidents, w.warning.alerts).evaluate(defs);
  evaluation.push(performance.now() - s);
  s = performance.now();
  const r = await w.app.inject({ method: 'GET', url: '/api/brain/layers/devices?grid=0.02', headers: { authorization: `Bearer ${session.token}` } });
  layer.push(performance.now() - s);
  if (i === 0) console.log(`device layer: ${JSON.parse(r.body).cells.length} cells for ${JSON.parse(r.body).total} devices`);
}
console.log(
  `indicator evaluation (${defs.length} indicators): median ${median(evaluation).toFixed(0)} ms; device layer: median ${median(layer).toFixed(0)} ms`,
);

// The browser: a cold context per round, already logged in (the session in localStorage).
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const firstView: number[] = [];
let trace: Record<string, unknown> = {};
try {
  for (let i = 0; i < ROUNDS; i++) {
    // bypassCSP: the page's policy forbids evaluating strings, which the readiness check below is.
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, bypassCSP: true });
    await ctx.addInitScript((s) => localStorage.setItem('wudang.session', s), JSON.stringify(session));
    const page = await ctx.newPage();
    await page.goto(`${url}/brain`);
    // The predicate returns the page's clock when the view is complete (checked every frame). It is
    // a string: the bench's own functions would carry the TypeScript loader's helpers into the page.
    const done = await page.waitForFunction(
      `(() => {
        const map = document.querySelector('[data-testid="brain-map"]');
        const tile = document.querySelector('[data-testid="tile-alerts-open"] .brain-tile-value');
        const feed = document.querySelectorAll('[data-testid="brain-alert-feed"] li').length;
        const ready = map && Number(map.getAttribute('data-devices')) >= ${DEVICES} && Number(map.getAttribute('data-alerts')) >= ${Math.min(ALERTS, 200)} && feed > 0 && tile && /[0-9]/.test(tile.textContent || '');
        return ready ? performance.now() : false;
      })()`,
      undefined,
      { polling: 'raf', timeout: 60_000 },
    );
    const ms = (await done.jsonValue()) as number;
    firstView.push(ms);
    await ctx.close();
  }
  // Responsiveness under load: the wall stays open while observations and alerts flow; every
  // frame's gap is measured in the page (requestAnimationFrame) and long animation frames counted.
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, bypassCSP: true });
  await ctx.addInitScript((s) => localStorage.setItem('wudang.session', s), JSON.stringify(session));
  const page = await ctx.newPage();
  await page.goto(`${url}/brain`);
  await page.waitForFunction(`Number(document.querySelector('[data-testid="brain-map"]')?.getAttribute('data-devices')) >= ${DEVICES}`, undefined, {
    timeout: 60_000,
  });
  await page.evaluate(`(() => {
    const w = window;
    w.__frames = { max: 0, over100: 0, count: 0, loaf: 0, loafMax: 0 };
    let last = performance.now();
    const tick = (t) => { const d = t - last; last = t; w.__frames.count++; if (d > w.__frames.max) w.__frames.max = d; if (d > 100) w.__frames.over100++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) { if (e.duration > 100) w.__frames.loaf++; if (e.duration > w.__frames.loafMax) w.__frames.loafMax = e.duration; } })
        .observe({ type: 'long-animation-frame', buffered: false });
    } catch { /* not supported */ }
  })()`);
  // When each alert first shows in the feed (wall-clock ms), to compare with when it was raised.
  await page.evaluate(`(() => {
    const w = window;
    w.__seen = {};
    const note = () => { for (const li of document.querySelectorAll('[data-testid="brain-alert-feed"] li[data-alert]')) { const id = li.getAttribute('data-alert'); if (!(id in w.__seen)) w.__seen[id] = performance.timeOrigin + performance.now(); } };
    note();
    new MutationObserver(note).observe(document.querySelector('[data-testid="brain-alert-feed"]'), { childList: true, subtree: true });
  })()`);
  const traceWallStart = Date.now();
  const feedBefore = Number(await page.evaluate(`document.querySelectorAll('[data-testid="brain-alert-feed"] li').length`));
  const traceStart = performance.now();
  const end = traceStart + TRACE_SECONDS * 1000;
  let observations = 0;
  let raised = 0;
  let cursor = 0;
  const spare = devices.filter((d) => d.type === 'CombustibleGasObserved' && !alarmed.has(d.id));
  const observe = async () => {
    while (performance.now() < end) {
      const due = ((performance.now() - traceStart) / 1000) * RATE;
      if (observations >= due) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      const d = devices[cursor++ % devices.length]!;
      if (d.type === 'CombustibleGasObserved') continue; // the alert stream below owns the detectors
      await post(d.id, tokens.get(d.id)!, { ts: Date.now(), ...reading(2026, d, Date.now()) });
      observations++;
    }
  };
  const alertStream = async () => {
    // 100 alerts a minute: a detector past 50 %LEL every 600 ms.
    while (performance.now() < end) {
      const d = spare[raised];
      if (d) {
        await post(d.id, tokens.get(d.id)!, { ts: Date.now(), lel: 60 });
        raised++;
      }
      await new Promise((r) => setTimeout(r, 600));
    }
  };
  await Promise.all([...Array.from({ length: 32 }, observe), alertStream()]);
  const achieved = observations / ((performance.now() - traceStart) / 1000);
  await new Promise((r) => setTimeout(r, 1000));
  const frames = (await page.evaluate('window.__frames')) as { max: number; over100: number; count: number; loaf: number; loafMax: number };
  const feedAfter = Number(await page.evaluate(`document.querySelectorAll('[data-testid="brain-alert-feed"] li').length`));
  const seen = (await page.evaluate('window.__seen')) as Record<string, number>;
  const raisedRows = await w.platform.db.selectFrom('alerts').select(['id', 'raised_at']).where('raised_at', '>=', traceWallStart).execute();
  const latencies = raisedRows.filter((r) => seen[r.id] !== undefined).map((r) => seen[r.id]! - Number(r.raised_at));
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : Number.NaN);
  const alertToScreen = { alerts: raisedRows.length, shown: latencies.length, p50: Math.round(q(0.5)), p95: Math.round(q(0.95)), max: Math.round(q(1)) };
  console.log(
    `alert raised → on the wall: ${alertToScreen.shown} of ${alertToScreen.alerts} seen; p50 ${alertToScreen.p50} ms, p95 ${alertToScreen.p95} ms, max ${alertToScreen.max} ms (target: within a second)`,
  );
  trace = { seconds: TRACE_SECONDS, targetRate: RATE, achievedRate: Math.round(achieved), alertsRaised: raised, frames, feedBefore, feedAfter, alertToScreen };
  console.log(
    `under load for ${TRACE_SECONDS} s: ${Math.round(achieved)} observations/s (asked ${RATE}), ${raised} alerts raised; ${frames.count} frames, longest ${frames.max.toFixed(0)} ms, ${frames.over100} over 100 ms; long animation frames over 100 ms: ${frames.loaf} (longest ${frames.loafMax.toFixed(0)} ms)`,
  );
  await ctx.close();
} finally {
  await browser.close();
}
console.log(`first meaningful view: ${firstView.map((x) => x.toFixed(0)).join(', ')} ms; median ${median(firstView).toFixed(0)} ms (target < 2,000 ms)`);
console.log(
  JSON.stringify(
    {
      devices: DEVICES,
      openAlerts: Number(openAlerts),
      firstViewMedianMs: Math.round(median(firstView)),
      firstViewMs: firstView.map(Math.round),
      evaluationMedianMs: Math.round(median(evaluation)),
      deviceLayerMedianMs: Math.round(median(layer)),
      trace,
      dialect: w.platform.storage.dialect,
    },
    null,
    1,
  ),
);
await w.close();
rmSync(dir, { recursive: true, force: true });
