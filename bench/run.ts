/**
 * `npm run bench`: each suite is measured against a reference in the same run, alternating
 * runs so machine noise hits both alike; medians of the runs are reported. Prints a table and
 * writes bench/results/latest.json.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { freePort } from '../test/helpers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

// On a machine with two or more cores the servers run on core 0 and the load generator on
// core 1, so the two do not steal time from each other and the runs are steadier.
const PIN = cpus().length >= 2 && spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status === 0;

// The servers run as production does: plain node on a bundle, not through the TypeScript loader.
const SERVER_BUNDLE = join(import.meta.dirname, '../dist/bench/server.mjs');
await build({
  entryPoints: [join(import.meta.dirname, 'server.ts')],
  outfile: SERVER_BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

async function startServer(kind: 'bare' | 'fastify' | 'wudang'): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const node = [process.execPath, SERVER_BUNDLE, kind, String(port)];
  const [cmd, ...args] = PIN ? ['taskset', '-c', '0', ...node] : node;
  const child = spawn(cmd!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code: number | null) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

interface Sample {
  rps: number;
  /** Requests served per second of the server's own CPU time: steady on a noisy machine. */
  perCpuSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (typeof m === 'object' && m !== null && 'cpu' in m) {
        child.off('message', on);
        resolve(Number((m as { cpu: number }).cpu));
      }
    };
    child.on('message', on);
    child.send('cpu');
  });
}

async function load(server: { url: string; child: ChildProcess }, path: string, headers: Record<string, string> = {}): Promise<Sample> {
  const before = await cpuOf(server.child);
  const r = await autocannon({ url: `${server.url}${path}`, connections: CONNECTIONS, duration: DURATION, headers });
  const cpuSeconds = ((await cpuOf(server.child)) - before) / 1e6;
  return { rps: r.requests.average, perCpuSecond: r.requests.total / cpuSeconds, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  const bare = await startServer('bare');
  const fastify = await startServer('fastify');
  const wudang = await startServer('wudang');
  const login = await fetch(`${wudang.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'duty', password: 'Wudang@2026' }),
  });
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };

  const suites = [
    { name: '/healthz', path: '/healthz', headers: {}, target: 0.8, framework: true },
    { name: 'GET /api/auth/me (authenticated JSON)', path: '/api/auth/me', headers: auth, target: null },
    { name: 'GET /api/users?limit=20 (authenticated, scoped DB read)', path: '/api/users?limit=20', headers: auth, target: null },
  ];
  const results = [];
  try {
    for (const s of suites) {
      const ref: Sample[] = [];
      const sut: Sample[] = [];
      const fw: Sample[] = [];
      await load(bare, s.path); // warm-up
      await load(wudang, s.path, s.headers);
      for (let i = 0; i < RUNS; i++) {
        ref.push(await load(bare, s.path));
        sut.push(await load(wudang, s.path, s.headers));
        if ('framework' in s) fw.push(await load(fastify, s.path));
      }
      const ratios = sut.map((x, i) => x.rps / ref[i]!.rps);
      const cpuRatios = sut.map((x, i) => x.perCpuSecond / ref[i]!.perCpuSecond);
      results.push({
        suite: s.name,
        referenceRps: Math.round(median(ref.map((x) => x.rps))),
        wudangRps: Math.round(median(sut.map((x) => x.rps))),
        ratio: Number(median(ratios).toFixed(3)),
        ratios: ratios.map((r) => Number(r.toFixed(3))),
        referencePerCpuSecond: Math.round(median(ref.map((x) => x.perCpuSecond))),
        wudangPerCpuSecond: Math.round(median(sut.map((x) => x.perCpuSecond))),
        cpuRatio: Number(median(cpuRatios).toFixed(3)),
        cpuRatios: cpuRatios.map((r) => Number(r.toFixed(3))),
        plainFastifyRatio: fw.length ? Number(median(fw.map((x, i) => x.rps / ref[i]!.rps)).toFixed(3)) : null,
        wudangP50Ms: median(sut.map((x) => x.p50)),
        wudangP99Ms: median(sut.map((x) => x.p99)),
        errors: sut.reduce((a, x) => a + x.errors, 0),
        target: s.target,
        pass: s.target === null ? null : median(ratios) >= s.target,
        passPerCpu: s.target === null ? null : median(cpuRatios) >= s.target,
      });
    }
  } finally {
    bare.child.kill();
    fastify.child.kill();
    wudang.child.kill();
  }

  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    pinned: PIN,
    runs: RUNS,
    secondsPerRun: DURATION,
    connections: CONNECTIONS,
  };
  console.log(
    `\nWudang benchmarks · ${meta.date} · node ${meta.node} · ${meta.cpus} CPUs · ${RUNS} runs × ${DURATION}s × ${CONNECTIONS} connections (medians)${PIN ? ' · server on core 0, load on core 1' : ''}\n`,
  );
  console.table(
    results.map((r) => ({
      suite: r.suite,
      'ref req/s': r.referenceRps,
      'wudang req/s': r.wudangRps,
      'ratio req/s': r.ratio,
      'ratio req/CPU-s': r.cpuRatio,
      'plain Fastify ratio': r.plainFastifyRatio ?? '—',
      'p50 ms': r.wudangP50Ms,
      'p99 ms': r.wudangP99Ms,
      target: r.target ?? '—',
    })),
  );
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ meta, results }, null, 2)}\n`);
  console.log(`written ${join('bench/results/latest.json')}`);
}

await main();
