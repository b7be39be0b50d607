/**
 * Urban management benchmark (issue 20), the platform in this process on SQLite:
 * 0. A database with `--cases` (10,000,000) closed cases over the past year (ten times Shiyan's
 *    rate) and their workflow instances, their daily counters, and 2,000 open cases of one unit;
 *    built once into .tmp/bench-urban (a few minutes) and reused while its case count matches.
 * 1. Creating a case through `POST /api/urban/cases` (grid lookup, duplicate search, workflow
 *    instance, case row, counters, audit), `--creates` (300) one after another: p50/p95. Target
 *    p95 < 50 ms.
 * 2. Listing a unit's open cases (`GET /api/urban/cases?open=true`, its first page by deadline):
 *    p50/p95 of 200. Target p95 < 100 ms.
 * 3. A monthly evaluation for every district, unit and post (`GET /api/urban/evaluation`): median
 *    of 5. Target < 5 s.
 * 4. Point-to-grid lookup over 20,000 grids: p50/p95 of 100,000 random points. Target p95 < 1 ms.
 *
 *   npx tsx bench/urban.ts [--cases 10000000] [--creates 300]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BENCH_ADMIN_PASSWORD, benchApp } from './app.js';
import { benchArgs } from './args.js';

const args = benchArgs();
const CASES = Number(args.cases ?? 10_000_000);
const CREATES = Number(args.creates ?? 300);
const OPEN = 2_000;
const UNIT = 'CGJ-420302';
const dir = resolve(args.dir ?? '.tmp/bench-urban');
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
const DAY = 86_400_000;
const NOW = Date.now();

mkdirSync(dir, { recursive: true });
const file = join(dir, 'wudang.db');

/** Builds the year of closed cases straight into the tables (the schema and seeds come from a first start). */
async function build(): Promise<void> {
  const { w } = await benchApp('urban-build', { DATA_DIR: dir });
  const cls = await w.urban.urban.classification();
  const grids = w.urban.urban.grids.all();
  await w.close();
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -400000');
  const had = Number((db.prepare('select count(*) n from um_cases').get() as { n: number }).n);
  if (had > 0) {
    db.exec("delete from um_cases; delete from workflow_instances where definition_key = 'urban.case'; delete from um_stats;");
  }
  const caseCols = [
    'id',
    'instance_id',
    'state',
    'source',
    'class_version',
    'subcategory',
    'urgent',
    'district',
    'street',
    'community',
    'grid_code',
    'lon',
    'lat',
    'address',
    'description',
    'component_id',
    'photos',
    'media_url',
    'result_photos',
    'reporter_id',
    'reporter_name',
    'reporter_phone',
    'external_ref',
    'unit',
    'operator_id',
    'verifier_id',
    'duplicate_of',
    'merged_into',
    'reported_at',
    'filed_at',
    'dispatched_at',
    'due_at',
    'remaining_ms',
    'handled_at',
    'closed_at',
    'handled_on_time',
    'closed_on_time',
    'overdue',
    'returns',
    'reworks',
    'extensions',
    'hangs',
    'rating',
    'rating_comment',
    'rev',
    'updated_at',
  ];
  const insCase = db.prepare(`insert into um_cases (${caseCols.join(',')}) values (${caseCols.map(() => '?').join(',')})`);
  const insInst = db.prepare(
    `insert into workflow_instances (id, definition_key, definition_version, state, subject_type, subject_id, department_code, district_adcode, data, created_by, created_at, updated_at, state_entered_at, deadline_at, rev, closed_at)
     values (?, 'urban.case', 1, ?, 'urban_case', ?, 'CGW', ?, '{}', null, ?, ?, ?, ?, ?, ?)`,
  );
  const subs = cls.subcategories;
  const inspectors = Array.from({ length: 120 }, (_, i) => `usr_bench_inspector_${i}`);
  const operators = Array.from({ length: 12 }, (_, i) => `usr_bench_operator_${i}`);
  const stats = new Map<string, number>();
  const stat = (day: string, district: string, unit: string, actor: string, metric: string) => {
    const k = `${day}|${district}|${unit}|${actor}|${metric}`;
    stats.set(k, (stats.get(k) ?? 0) + 1);
  };
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  // Loading is faster with the indexes built once at the end.
  const indexes = db
    .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name in ('um_cases', 'workflow_instances') and sql is not null")
    .all() as { name: string; sql: string }[];
  for (const ix of indexes) db.exec(`drop index ${ix.name}`);
  const t0 = performance.now();
  const BATCH = 50_000;
  const insertBatch = db.transaction((from: number, to: number, open: boolean) => {
    for (let i = from; i < to; i++) {
      const s = subs[i % subs.length]!;
      const g = grids[Math.floor(rnd() * grids.length)]!;
      const unit = open ? UNIT : (s.districtUnits?.[g.district] ?? s.unit);
      const reported = open ? NOW - Math.floor(rnd() * 2 * DAY) : NOW - 2 * DAY - Math.floor(rnd() * 363 * DAY);
      const dispatched = reported + 30 * 60_000;
      const handled = dispatched + Math.floor(rnd() * 20 * 3_600_000);
      const due = dispatched + 24 * 3_600_000;
      const closed = handled + 2 * 3_600_000;
      const onTime = handled <= due ? 1 : 0;
      const rework = rnd() < 0.05 ? 1 : 0;
      const ret = rnd() < 0.03 ? 1 : 0;
      const id = `case_bench${String(i).padStart(10, '0')}`;
      const inst = `wfi_bench${String(i).padStart(10, '0')}`;
      const lon = (g.bbox[0] + g.bbox[2]) / 2;
      const lat = (g.bbox[1] + g.bbox[3]) / 2;
      const state = open ? 'handling' : 'closed';
      insCase.run(
        id,
        inst,
        state,
        'inspector',
        cls.version,
        s.code,
        0,
        g.district,
        g.street,
        g.community,
        g.code,
        lon,
        lat,
        null,
        '基准测试案件（合成数据）',
        null,
        '[]',
        null,
        open ? null : '[]',
        inspectors[i % inspectors.length],
        null,
        null,
        null,
        unit,
        operators[i % operators.length],
        open ? null : inspectors[i % inspectors.length],
        null,
        null,
        reported,
        reported + 10 * 60_000,
        dispatched,
        open ? due : null,
        null,
        open ? null : handled,
        open ? null : closed,
        open ? null : onTime,
        open ? null : onTime,
        open ? 0 : 1 - onTime,
        ret,
        rework,
        0,
        0,
        null,
        null,
        6,
        open ? dispatched : closed,
      );
      insInst.run(
        inst,
        state,
        id,
        g.district,
        reported,
        open ? dispatched : closed,
        open ? dispatched : handled,
        open ? due : null,
        open ? 4 : 6,
        open ? null : closed,
      );
      if (open) continue;
      const day = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
      stat(day(reported), g.district, '', inspectors[i % inspectors.length]!, 'reported');
      stat(day(reported), g.district, '', operators[i % operators.length]!, 'filed');
      stat(day(dispatched), g.district, unit, operators[i % operators.length]!, 'dispatched');
      stat(day(handled), g.district, unit, '', 'handled');
      if (onTime) stat(day(handled), g.district, unit, '', 'handled_on_time');
      else stat(day(due), g.district, unit, '', 'overdue');
      stat(day(closed), g.district, unit, inspectors[i % inspectors.length]!, 'closed');
      if (onTime) stat(day(closed), g.district, unit, '', 'closed_on_time');
      if (rework) stat(day(handled), g.district, unit, inspectors[i % inspectors.length]!, 'rework');
      if (ret) stat(day(dispatched), g.district, unit, '', 'returned');
    }
  });
  for (let i = 0; i < CASES; i += BATCH) {
    insertBatch(i, Math.min(CASES, i + BATCH), false);
    if ((i / BATCH) % 20 === 0) process.stdout.write(`\r  built ${(i / 1e6).toFixed(1)} M cases in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  insertBatch(CASES, CASES + OPEN, true);
  const insStat = db.prepare('insert into um_stats (day, district, unit, actor, metric, n) values (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const [k, n] of stats) {
      const [day, district, unit, actor, metric] = k.split('|');
      insStat.run(day, district, unit, actor, metric, n);
    }
  })();
  process.stdout.write('\n  building the indexes…');
  for (const ix of indexes) db.exec(ix.sql);
  db.exec(`create table if not exists bench_meta (k text primary key, v text); insert or replace into bench_meta values ('cases', '${CASES}');`);
  db.pragma('journal_mode = WAL');
  db.exec('analyze');
  db.close();
  console.log(
    `\n  built ${CASES.toLocaleString('en')} closed cases, ${OPEN} open and ${stats.size.toLocaleString('en')} counter rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}

function builtCount(): number | null {
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true });
  try {
    return Number((db.prepare("select v from bench_meta where k = 'cases'").get() as { v: string } | undefined)?.v ?? Number.NaN);
  } catch {
    return null;
  } finally {
    db.close();
  }
}

if (builtCount() !== CASES) await build();
if (process.argv.includes('--build-only')) process.exit(0);

const { w } = await benchApp('urban', { DATA_DIR: dir });
const inject = async (method: string, url: string, token?: string, body?: unknown) => {
  const r = await w.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: r.statusCode, body: r.body };
};
const login = async (username: string, password: string) => {
  const r = await inject('POST', '/api/auth/login', undefined, { username, password });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.body}`);
  return JSON.parse(r.body).token as string;
};
const admin = await login('admin', BENCH_ADMIN_PASSWORD);
const inspector = await login('grid.maojian', 'Wudang@2026');
const centre = await login('cgw.staff', 'Wudang@2026');
let unitToken: string;
{
  const exists = await inject('POST', '/api/users', admin, {
    username: 'bench.cgj',
    displayName: '基准测试 茅箭区城管局（合成）',
    password: 'Temp-Passw0rd!',
    roles: ['dept_staff'],
    department: UNIT,
    districts: ['420302'],
  });
  if (exists.status === 201) {
    const t = await login('bench.cgj', 'Temp-Passw0rd!');
    await inject('POST', '/api/auth/password', t, { currentPassword: 'Temp-Passw0rd!', newPassword: 'Bench&Unit-2026' });
  }
  unitToken = await login('bench.cgj', 'Bench&Unit-2026');
}

// 1. Creating cases.
const grids = w.urban.urban.grids.all().filter((g) => g.district === '420302');
const codes = (await w.urban.urban.classification()).subcategories.filter((s) => !s.retired).map((s) => s.code);
const started = Date.now();
const create: number[] = [];
for (let i = 0; i < CREATES; i++) {
  const g = grids[(i * 7919) % grids.length]!;
  const s = performance.now();
  const r = await inject('POST', '/api/urban/cases', inspector, {
    subcategory: codes[i % codes.length],
    location: { lon: g.bbox[0] + (g.bbox[2] - g.bbox[0]) * 0.37, lat: g.bbox[1] + (g.bbox[3] - g.bbox[1]) * 0.61 },
    description: `基准测试上报 ${i}（合成数据）`,
  });
  create.push(performance.now() - s);
  if (r.status !== 201) throw new Error(`create: ${r.status} ${r.body.slice(0, 300)}`);
}

// 2. A unit's open cases.
const list: number[] = [];
let listed = 0;
for (let i = 0; i < 200; i++) {
  const s = performance.now();
  const r = await inject('GET', `/api/urban/cases?open=true&limit=50&offset=${(i % 10) * 50}`, unitToken);
  list.push(performance.now() - s);
  if (r.status !== 200) throw new Error(`list: ${r.status} ${r.body.slice(0, 300)}`);
  listed = JSON.parse(r.body).length;
}

// 3. The month's evaluation.
const lastMonth = new Date(NOW + 8 * 3_600_000 - 31 * DAY).toISOString().slice(0, 7);
const evalMs: number[] = [];
let units = 0;
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  const r = await inject('GET', `/api/urban/evaluation?period=${lastMonth}`, centre);
  evalMs.push(performance.now() - s);
  if (r.status !== 200) throw new Error(`evaluation: ${r.status} ${r.body.slice(0, 300)}`);
  units = JSON.parse(r.body).units.length;
}

// The cases this run made are removed, so the next run starts from the same state.
{
  const db = new Database(file);
  const made = db.prepare("select instance_id from um_cases where reported_at >= ? and id not like 'case_bench%'").all(started) as { instance_id: string }[];
  db.transaction(() => {
    for (const m of made) {
      db.prepare('delete from workflow_steps where instance_id = ?').run(m.instance_id);
      db.prepare('delete from workflow_timers where instance_id = ?').run(m.instance_id);
      db.prepare('delete from workflow_instances where id = ?').run(m.instance_id);
    }
    db.prepare("delete from um_cases where reported_at >= ? and id not like 'case_bench%'").run(started);
  })();
  db.close();
}
await w.close();

// 4. Point-to-grid lookup over 20,000 grids.
const { GridIndex, generateGrids } = await import('../modules/urban/grids.js');
const { loadProfile } = await import('../platform/profile/profile.js');
const profile = loadProfile('shiyan');
// 100 m grids over a 14.2 km square of the central city and its surroundings.
const spec = {
  id: 'bench',
  bbox: [110.7, 32.56, 110.852, 32.688] as [number, number, number, number],
  cellM: 100,
  districts: ['420302', '420303', '420304'],
  streetCells: 20,
  communityCells: 5,
};
const { grids: many } = generateGrids(
  spec,
  '420300',
  (lon, lat) => profile.districtAt(lon, lat),
  (d) => ({ zh: d, en: d }),
);
const index = new GridIndex(many.slice(0, 20_000));
const lookups: number[] = [];
let hits = 0;
for (let i = 0; i < 100_000; i++) {
  const lon = spec.bbox[0] + Math.random() * (spec.bbox[2] - spec.bbox[0]);
  const lat = spec.bbox[1] + Math.random() * (spec.bbox[3] - spec.bbox[1]);
  const s = performance.now();
  if (index.find(lon, lat)) hits++;
  lookups.push(performance.now() - s);
}

const out = {
  cases: CASES,
  createP50: pct(create, 0.5),
  createP95: pct(create, 0.95),
  listP50: pct(list, 0.5),
  listP95: pct(list, 0.95),
  evaluationMedian: pct(evalMs, 0.5),
  evaluationMax: Math.max(...evalMs),
  gridLookupP50: pct(lookups, 0.5),
  gridLookupP95: pct(lookups, 0.95),
  grids: index.size,
};
console.log(`urban management over ${CASES.toLocaleString('en')} closed cases (SQLite)`);
console.log(`  create a case        p50 ${fmt(out.createP50)}  p95 ${fmt(out.createP95)}   (target p95 < 50 ms; ${CREATES} one after another)`);
console.log(`  a unit's open cases  p50 ${fmt(out.listP50)}  p95 ${fmt(out.listP95)}   (target p95 < 100 ms; ${OPEN} open, pages of ${listed})`);
console.log(`  monthly evaluation   median ${fmt(out.evaluationMedian)}  max ${fmt(out.evaluationMax)}   (target < 5 s; ${units} units, ${lastMonth})`);
console.log(
  `  point-to-grid        p50 ${(out.gridLookupP50 * 1000).toFixed(1)} µs  p95 ${(out.gridLookupP95 * 1000).toFixed(1)} µs   (target p95 < 1 ms; ${index.size} grids, ${hits} of 100,000 points in one)`,
);
console.log(`RESULT ${JSON.stringify(out)}`);
process.exit(0);
