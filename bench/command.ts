/**
 * Emergency command benchmark (issue 5), the platform in this process on SQLite (or PostgreSQL with
 * DATABASE_URL), through its HTTP API with authentication:
 * 1. Activation: a plan whose level gives 20 tasks to five units; each activation dispatches the 20
 *    tasks (workflow instances, timers, timeline, outbox events, in-app notifications) in one
 *    transaction, with an SMS per task to each unit's duty phone queued in it. p50/p95 over
 *    `--activations` incidents. Target: p95 under 200 ms.
 * 2. Load: `--incidents` (100) incidents responding at once; every task is accepted, reported on
 *    twice and completed by its unit, `--concurrency` requests in flight, while a duty officer's
 *    situation board (one incident's board, round robin) is read continuously. Reports the update
 *    rate, the board's p95, and whether every board agrees with what was done at the end
 *    ("not falling behind": a board read after an update shows it).
 *
 *   npx tsx bench/command.ts [--activations 50 --incidents 100 --concurrency 16]
 */
import { rmSync } from 'node:fs';
import { benchApp } from './app.js';
import { benchArgs } from './args.js';

const args = benchArgs();
const ACTIVATIONS = Number(args.activations ?? 50);
const INCIDENTS = Number(args.incidents ?? 100);
const CONCURRENCY = Number(args.concurrency ?? 16);
const { w, config, dir } = await benchApp('command');

async function call(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await w.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
}
async function login(username: string, password = 'Wudang@2026'): Promise<string> {
  const r = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  return JSON.parse(r.body).token;
}
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

const admin = await login('admin', 'Bench-Passw0rd!');
const duty = await login('duty');
const units = ['ZJJ', 'CGW', 'JTJ', 'SLJ', 'YJJ'];
const staff: Record<string, string> = {};
for (const u of units) {
  const r = await call('POST', '/api/users', admin, {
    username: `bench.${u.toLowerCase()}`,
    displayName: `bench ${u}`,
    password: 'Bench-Passw0rd!',
    roles: ['dept_staff'],
    department: u,
    districts: ['*'],
  });
  if (r.status !== 201) throw new Error(`user ${u}: ${r.status} ${JSON.stringify(r.body)}`);
  // An account an administrator creates starts with a temporary password: change it, as a user must.
  const first = await login(`bench.${u.toLowerCase()}`, 'Bench-Passw0rd!');
  const pw = await call('POST', '/api/auth/password', first, { currentPassword: 'Bench-Passw0rd!', newPassword: 'Bench-Passw0rd!2' });
  if (pw.status !== 204) throw new Error(`password ${u}: ${pw.status} ${JSON.stringify(pw.body)}`);
  staff[u] = await login(`bench.${u.toLowerCase()}`, 'Bench-Passw0rd!2');
}
// Every unit has a duty phone (development SMS gateway): each activation queues 20 SMS as well.
for (const u of units) {
  const r = await call('POST', '/api/warning/endpoints', admin, {
    department: u,
    channel: 'sms',
    address: `1380000${String(units.indexOf(u)).padStart(4, '0')}`,
  });
  if (r.status !== 201) throw new Error(`endpoint ${u}: ${r.status} ${JSON.stringify(r.body)}`);
}
const task = (u: string, i: number) => ({
  key: `t${i}`,
  title: { zh: `${u} 任务 ${i}`, en: `${u} task ${i}` },
  acceptMinutes: 15,
  deadlineMinutes: 120,
  reportEveryMinutes: 30,
});
const plan = await call('POST', '/api/command/plans', admin, {
  id: 'bench-twenty-tasks',
  title: { zh: '基准预案（20 项任务）', en: 'Benchmark plan (20 tasks)' },
  kind: 'special',
  subkinds: ['waterlogging'],
  owner: 'YJJ',
  reviewBy: '2027-06-30',
  source: 'bench/command.ts',
  levels: [
    {
      level: 4,
      lead: 'YJJ',
      units: units.map((u) => ({ unit: u, tasks: [0, 1, 2, 3].map((i) => task(u, i)) })),
      resources: [],
      endWhen: { zh: '结束', en: 'End' },
    },
  ],
});
if (plan.status !== 201) throw new Error(`plan: ${plan.status} ${JSON.stringify(plan.body)}`);

const newIncident = async (i: number) => {
  const r = await call('POST', '/api/command/incidents', duty, {
    title: `基准事件 ${i}`,
    subkind: 'waterlogging',
    severity: 4,
    district: '420303',
    source: 'api',
  });
  if (r.status !== 201) throw new Error(`incident: ${r.status}`);
  return r.body.id as string;
};

// 1. Activation latency, one at a time.
const activation: number[] = [];
for (let i = 0; i < ACTIVATIONS; i++) {
  const id = await newIncident(i);
  const t0 = performance.now();
  const r = await call('POST', `/api/command/incidents/${id}/activate`, duty, { planId: 'bench-twenty-tasks', level: 4 });
  activation.push(performance.now() - t0);
  if (r.status !== 200) throw new Error(`activate: ${r.status} ${JSON.stringify(r.body)}`);
}
console.log(`activation of 20 tasks: p50 ${pct(activation, 0.5).toFixed(1)} ms, p95 ${pct(activation, 0.95).toFixed(1)} ms (${ACTIVATIONS} incidents)`);
const queued = await w.platform.db
  .selectFrom('notifications')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .where('subject', '=', 'incident')
  .executeTakeFirstOrThrow();
if (Number(queued.n) !== ACTIVATIONS * 20) throw new Error(`expected ${ACTIVATIONS * 20} task SMS queued, found ${queued.n}`);
console.log(`task SMS queued with the activations: ${queued.n}`);

// 2. 100 incidents responding at once, every task worked through while boards are read.
const ids: string[] = [];
for (let i = 0; i < INCIDENTS; i++) {
  const id = await newIncident(1000 + i);
  await call('POST', `/api/command/incidents/${id}/activate`, duty, { planId: 'bench-twenty-tasks', level: 4 });
  ids.push(id);
}
const work: { unit: string; url: string; body: unknown }[][] = [];
for (const id of ids) {
  const b = (await call('GET', `/api/command/incidents/${id}`, duty)).body;
  for (const t of b.tasks as { id: string; unit: string }[])
    work.push([
      { unit: t.unit, url: `/api/command/tasks/${t.id}/accept`, body: {} },
      { unit: t.unit, url: `/api/command/tasks/${t.id}/reports`, body: { text: '到场处置' } },
      { unit: t.unit, url: `/api/command/tasks/${t.id}/reports`, body: { text: '处置过半' } },
      { unit: t.unit, url: `/api/command/tasks/${t.id}/complete`, body: { comment: '完成' } },
    ]);
}
let next = 0;
let updates = 0;
let failed = 0;
const t0 = performance.now();
const workers = Array.from({ length: CONCURRENCY }, async () => {
  for (;;) {
    const chain = work[next++];
    if (!chain) return;
    for (const step of chain) {
      const r = await call('POST', step.url, staff[step.unit]!, step.body);
      if (r.status >= 300) failed++;
      else updates++;
    }
  }
});
const boardMs: number[] = [];
let reading = true;
const reader = (async () => {
  let i = 0;
  while (reading) {
    const s = performance.now();
    await call('GET', `/api/command/incidents/${ids[i++ % ids.length]}`, duty);
    boardMs.push(performance.now() - s);
    // In-process requests can complete in microtasks alone; yield so the updates' I/O runs, as
    // it does between requests arriving over sockets.
    await new Promise((r) => setImmediate(r));
  }
})();
await Promise.all(workers);
const seconds = (performance.now() - t0) / 1000;
reading = false;
await reader;
let behind = 0;
for (const id of ids) {
  const b = (await call('GET', `/api/command/incidents/${id}`, duty)).body;
  behind += (b.tasks as { state: string }[]).filter((t) => t.state !== 'completed').length;
}
const result = {
  activationP50Ms: +pct(activation, 0.5).toFixed(1),
  activationP95Ms: +pct(activation, 0.95).toFixed(1),
  incidents: INCIDENTS,
  tasks: work.length,
  taskUpdates: updates,
  failedUpdates: failed,
  updatesPerSecond: Math.round(updates / seconds),
  boardReads: boardMs.length,
  boardP50Ms: +pct(boardMs, 0.5).toFixed(1),
  boardP95Ms: +pct(boardMs, 0.95).toFixed(1),
  tasksNotCompletedOnBoards: behind,
  dialect: config.databaseUrl ? 'postgres' : 'sqlite',
};
console.log(JSON.stringify(result, null, 1));
await w.close();
// A run whose updates were refused measured nothing: say so instead of reporting it.
if (failed > 0) {
  console.error(`${failed} task updates were refused; the figures above are not a measurement`);
  process.exitCode = 1;
}
rmSync(dir, { recursive: true, force: true });
process.exit();
