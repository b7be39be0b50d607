/**
 * MQTT ingest benchmark: acknowledged QoS 1 messages per second of the platform against the reference
 * pipeline (bench/ingest-server.ts), measured in the same run with the same load: `clients` devices
 * publishing JSON with four values, each keeping `window` messages in flight. The server runs pinned
 * to core 0, the load generator to core 1. Reports the median of `rounds` alternating runs and p99
 * publish-to-acknowledged latency.
 *
 * With `--compare rules` it compares the platform with rule evaluation off and on instead (1,000
 * rules, BENCH_RULES to change): issue 4's "capacity with 1,000 rules at least 0.8× without".
 *
 *   npm run bench:ingest [-- --clients 200 --window 16 --seconds 8 --rounds 3]
 *   npm run bench:rules  (= bench/ingest.ts --compare rules)
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { benchArgs } from './args.js';

const args = benchArgs();
const CLIENTS = Number(args.clients ?? 200);
const WINDOW = Number(args.window ?? 16);
const SECONDS = Number(args.seconds ?? 8);
const ROUNDS = Number(args.rounds ?? 3);
const COMPARE = args.compare === 'rules' ? (['rules-off', 'rules-on'] as const) : (['reference', 'wudang'] as const);
type Mode = (typeof COMPARE)[number];
const PIN = cpus().length >= 2 && spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status === 0;

async function start(mode: Mode): Promise<{ child: ChildProcess; port: number; tokens: Record<string, string> }> {
  const child = fork(fileURLToPath(new URL('./ingest-server.ts', import.meta.url)), [mode, String(CLIENTS)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (PIN && child.pid) spawnSync('taskset', ['-p', '-c', '0', String(child.pid)]);
  const msg = await new Promise<{ port: number; tokens: Record<string, string> }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; tokens: Record<string, string> }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, ...msg };
}

async function load(port: number, tokens: Record<string, string>): Promise<{ rate: number; p99: number }> {
  const ids = Array.from({ length: CLIENTS }, (_, i) => `b-${i}`);
  const clients = await Promise.all(
    ids.map((id) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: id, username: id, password: tokens[id] ?? 'x', reconnectPeriod: 0, keepalive: 0 }),
    ),
  );
  let acked = 0;
  let counting = false;
  const latencies: number[] = [];
  let running = true;
  // Each device's readings a minute apart in its own time (starting two days back), as a device
  // reporting every minute would send them: rules see realistic windows however fast the load runs.
  const base = Date.now() - 2 * 86_400_000;
  const pump = (c: mqtt.MqttClient, id: string) => {
    let n = 0;
    const send = () => {
      if (!running) return;
      const t0 = performance.now();
      const ts = base + n++ * 60_000;
      c.publish(`devices/${id}/telemetry`, JSON.stringify({ ts, pm25: 35, pm10: 60, no2: 20, o3: 80 }), { qos: 1 }, (err) => {
        if (err) return;
        if (counting) {
          acked++;
          if (acked % 10 === 0) latencies.push(performance.now() - t0);
        }
        send();
      });
    };
    for (let i = 0; i < WINDOW; i++) send();
  };
  for (const [i, c] of clients.entries()) pump(c, ids[i]!);
  await new Promise((r) => setTimeout(r, 1500)); // warm-up
  counting = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  counting = false;
  const elapsed = (performance.now() - started) / 1000;
  running = false;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  latencies.sort((a, b) => a - b);
  return { rate: acked / elapsed, p99: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [BASE, SUBJECT] = COMPARE;
const results: Record<string, { rate: number; p99: number; backlog?: { readings: number; oldestMs: number } }[]> = { [BASE]: [], [SUBJECT]: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of COMPARE) {
    const s = await start(mode);
    const res: { rate: number; p99: number; backlog?: { readings: number; oldestMs: number } } = await load(s.port, s.tokens);
    if (mode === 'rules-on') {
      // The engine must keep up for the rate to count: how much was still waiting at the end.
      const b = await new Promise<{ backlog: { readings: number; oldestMs: number } | null }>((resolve) => {
        s.child.once('message', (m) => resolve(m as { backlog: { readings: number; oldestMs: number } | null }));
        s.child.send('backlog');
      });
      if (b.backlog) res.backlog = b.backlog;
    }
    s.child.kill('SIGKILL');
    results[mode]!.push(res);
    console.log(
      `round ${r + 1} ${mode.padEnd(9)} ${res.rate.toFixed(0).padStart(7)} msg/s acknowledged, p99 ${res.p99.toFixed(1)} ms${res.backlog ? `, rule engine behind by ${res.backlog.readings} readings (oldest ${res.backlog.oldestMs} ms)` : ''}`,
    );
  }
}
const ref = median(results[BASE]!.map((x) => x.rate));
const wd = median(results[SUBJECT]!.map((x) => x.rate));
const ratios = results[SUBJECT]!.map((x, i) => x.rate / results[BASE]![i]!.rate);
console.log(
  JSON.stringify(
    {
      clients: CLIENTS,
      window: WINDOW,
      seconds: SECONDS,
      rounds: ROUNDS,
      pinned: PIN,
      compare: `${SUBJECT} vs ${BASE}`,
      ...(BASE === 'rules-off' ? { rules: Number(process.env.BENCH_RULES ?? 1000) } : {}),
      [`${BASE}Median`]: Math.round(ref),
      [`${SUBJECT}Median`]: Math.round(wd),
      ratioMedian: Number(median(ratios).toFixed(2)),
      [`${SUBJECT}P99Median`]: Number(median(results[SUBJECT]!.map((x) => x.p99)).toFixed(1)),
    },
    null,
    1,
  ),
);
process.exit(0);
