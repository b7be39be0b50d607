/**
 * Fleet benchmark: a city ten times Shiyan's expected load. `devices` devices (default 50,000) report
 * at a fixed aggregate rate (default 8,500 messages/s, so each device every ~5.9 s), QoS 1 JSON with
 * two values, through the external broker (Mosquitto on 127.0.0.1:1883) that a deployment of this
 * size uses; the platform consumes with its shared subscription and reports, for every message,
 * the time from publish to commit (bench/ingest-server.ts fleet).
 *
 * Why through the broker: 50,000 device connections need 50,000 sockets in the broker process and
 * as many in the load generator; this machine caps every process at 20,000 open files (a hard
 * limit root cannot raise here), so the devices publish over `publishers` connections to Mosquitto,
 * each for its share of device topics. The platform's work per message is the same: device lookup
 * among 50,000, validation, raw + rollups + latest, health, live push.
 *
 * With `--rules N` the platform evaluates N warning rules (five per device group, see
 * bench/ingest-server.ts) and `--spikes S` devices a second report a level over the limit then
 * fall back: the report adds publish-to-alert latency (the triggering reading's publish time to
 * the alert event).
 *
 * The run fails (exit code 1) when any window saw the platform's event loop held for more than
 * `--loopLimit` ms (default 100).
 *
 *   npm run bench:fleet [-- --devices 50000 --rate 8500 --seconds 30 --warmup 10 --publishers 40 --rules 1000 --spikes 2 --loopLimit 100]
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { benchArgs } from './args.js';

const args = benchArgs();
const DEVICES = Number(args.devices ?? 50_000);
const RATE = Number(args.rate ?? 8_500);
const SECONDS = Number(args.seconds ?? 30);
const WARMUP = Number(args.warmup ?? 10);
const PUBLISHERS = Number(args.publishers ?? 40);
const RULES = Number(args.rules ?? 0);
const SPIKES = Number(args.spikes ?? (RULES ? 2 : 0));
const BROKER = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PIN = cpus().length >= 2 && spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status === 0;

interface Report {
  committed: number;
  p50: number;
  p99: number;
  max: number;
  rss: number;
  alerts: number;
  alertP50: number;
  alertP99: number;
  alertMax: number;
  loopMaxMs: number;
  loopP99Ms: number;
  cpuShare: number;
  commits: number;
  commitRows: number;
  commitMs: number;
  gcMaxMs: number;
  rollupMaxMs: number;
  checkpointMaxMs: number;
  alertLatencies: number[];
}

const server: ChildProcess = fork(fileURLToPath(new URL('./ingest-server.ts', import.meta.url)), ['fleet', String(DEVICES)], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, BENCH_RULES: String(RULES) },
});
if (PIN && server.pid) spawnSync('taskset', ['-p', '-c', '0', String(server.pid)]);
const ready = await new Promise<{ provisionMs: number; rulesMs: number }>((resolve, reject) => {
  server.once('message', (m) => resolve(m as { provisionMs: number; rulesMs: number }));
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
console.log(
  `${DEVICES} devices provisioned in ${(ready.provisionMs / 1000).toFixed(1)} s${RULES ? `, ${RULES} rules created in ${(ready.rulesMs / 1000).toFixed(1)} s` : ''}`,
);
const report = () =>
  new Promise<Report>((resolve) => {
    server.once('message', (m) => resolve(m as Report));
    server.send('report');
  });

const publishers = await Promise.all(
  Array.from({ length: PUBLISHERS }, (_, i) => mqtt.connectAsync(BROKER, { clientId: `fleet-pub-${process.pid}-${i}`, reconnectPeriod: 0, keepalive: 30 })),
);
let next = 0;
let sent = 0;
let behind = 0;
// Devices whose next reading is a spike over the rules' limit (S new ones a second).
const spiking = new Set<number>();
let spikeSeed = 0;
const spikeTimer = SPIKES
  ? setInterval(() => {
      for (let i = 0; i < SPIKES; i++) {
        spikeSeed = (spikeSeed * 7919 + 104729) % DEVICES;
        spiking.add(spikeSeed);
      }
    }, 1000)
  : undefined;
// Every 10 ms, the messages due since the start, round-robin over the devices.
const started = performance.now();
const tick = setInterval(() => {
  const due = Math.floor(((performance.now() - started) / 1000) * RATE);
  if (due - sent > RATE) behind++; // the generator itself cannot keep up
  while (sent < due) {
    const dev = next;
    next = (next + 1) % DEVICES;
    const c = publishers[dev % PUBLISHERS]!;
    let level = 0.5 + ((dev * 31 + sent) % 200) / 100;
    if (RULES) {
      // With rules on, a device's level is steady (no rule fires) unless it is spiking.
      level = 1 + (dev % 10) / 20;
      if (spiking.delete(dev)) level = 3.7;
    }
    c.publish(`devices/w-${dev}/telemetry`, JSON.stringify({ ts: Date.now(), level, overflow: level > 2.4 }), { qos: 1 });
    sent++;
  }
}, 10);

await new Promise((r) => setTimeout(r, WARMUP * 1000));
await report(); // discard the warm-up
const windows: Report[] = [];
for (let s = 0; s < SECONDS; s += 5) {
  await new Promise((r) => setTimeout(r, 5000));
  const r = await report();
  windows.push(r);
  console.log(
    `${String(s + 5).padStart(4)} s  committed ${(r.committed / 5).toFixed(0).padStart(6)} msg/s  p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms  rss ${(r.rss / 2 ** 20).toFixed(0)} MiB  event loop held up to ${r.loopMaxMs} ms  cpu ${(r.cpuShare * 100).toFixed(0)} %  ${r.commits} commits of ${(r.commitRows / Math.max(1, r.commits)).toFixed(0)} rows, ${(r.commitMs / 50).toFixed(0)} % of the time  longest gc ${r.gcMaxMs} ms, rollup turn ${r.rollupMaxMs} ms, writer checkpoint ${r.checkpointMaxMs} ms${RULES ? `  alerts ${r.alerts} p50 ${r.alertP50} ms p99 ${r.alertP99} ms max ${r.alertMax} ms` : ''}`,
  );
}
clearInterval(tick);
if (spikeTimer) clearInterval(spikeTimer);
const all = windows.reduce((n, w) => n + w.committed, 0);
const sorted = windows.map((w) => w.p99).sort((a, b) => a - b);
const result = {
  devices: DEVICES,
  offeredRate: RATE,
  committedRate: Math.round(all / (windows.length * 5)),
  p99MedianOfWindows: sorted[Math.floor(sorted.length / 2)],
  p99WorstWindow: sorted[sorted.length - 1],
  p50MedianOfWindows: windows.map((w) => w.p50).sort((a, b) => a - b)[Math.floor(windows.length / 2)],
  generatorBehind: behind,
  loopHeldWorstWindowMs: Math.max(...windows.map((w) => w.loopMaxMs)),
  committedRateWorstWindow: Math.round(Math.min(...windows.map((w) => w.committed)) / 5),
  ...(RULES
    ? {
        rules: RULES,
        spikesPerSecond: SPIKES,
        alertsRaised: windows.reduce((n, w) => n + w.alerts, 0),
        alertP99MedianOfWindows: windows.map((w) => w.alertP99).sort((a, b) => a - b)[Math.floor(windows.length / 2)],
        alertP99WorstWindow: Math.max(...windows.map((w) => w.alertP99)),
        alertP50MedianOfWindows: windows.map((w) => w.alertP50).sort((a, b) => a - b)[Math.floor(windows.length / 2)],
        // Over every alert of the run (a window holds about 20, so its "p99" is its slowest).
        ...(() => {
          const all = windows.flatMap((w) => w.alertLatencies).sort((a, b) => a - b);
          const at = (q: number) => all[Math.min(all.length - 1, Math.floor(all.length * q))];
          return { alertP50: at(0.5), alertP95: at(0.95), alertP99: at(0.99), alertMax: all[all.length - 1] };
        })(),
      }
    : {}),
  publishers: PUBLISHERS,
  seconds: SECONDS,
  pinned: PIN,
};
console.log(JSON.stringify(result, null, 1));
// The platform must never hold its event loop for long: acknowledgements of every other device wait
// behind it. A window where it did is a failure of the run, whatever the averages say.
const LOOP_LIMIT_MS = Number(args.loopLimit ?? 100);
const held = windows.map((w, i) => ({ at: (i + 1) * 5, ms: w.loopMaxMs })).filter((w) => w.ms > LOOP_LIMIT_MS);
if (held.length) {
  console.error(`FAIL: the event loop was held over ${LOOP_LIMIT_MS} ms: ${held.map((w) => `${w.ms} ms in the window ending at ${w.at} s`).join(', ')}`);
  process.exitCode = 1;
}
await Promise.all(publishers.map((c) => c.endAsync()));
server.kill('SIGKILL');
const exitCode = process.exitCode ?? 0;
// The platform's sessions at the broker are persistent: remove them, or the broker keeps
// queueing messages for a group nobody will read.
for (let i = 0; i < 64; i++) {
  const clientId = i === 0 ? `bench-ingest-${server.pid}` : `bench-ingest-${server.pid}-${i}`;
  const c = await mqtt.connectAsync(BROKER, { clientId, clean: true, reconnectPeriod: 0 }).catch(() => undefined);
  await c?.endAsync();
}
process.exit(exitCode);
