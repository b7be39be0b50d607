/**
 * Data sharing benchmark (issue 18), the platform in this process on SQLite (or PostgreSQL with
 * DATABASE_URL), through its HTTP API with authentication:
 * 1. Catalogue search over `--entries` (5,000) entries of 29 departments, each with 6–20 data
 *    items: Chinese words, two words, an English word, a word within one provider, a class
 *    prefix; p50/p95 of `--queries` (600) searches as a department's staff member sees them.
 *    Target: p95 under 50 ms.
 *
 * 2. Loading `--people` (1,000,000) population rows with validation (GB 11643 check characters,
 *    birth dates, districts, codes) and merge by key, against a raw batched insert of the same
 *    rows into the same table on the same engine, in the same run (1,000 rows a transaction both).
 *    Target: the load at least 0.5× the raw insert's rate. `--runs` (3) alternates the two.
 *
 * 3. Gateway lookups by ID number over the `--people` residents just loaded: a consumer system
 *    (市卫生健康委's, approved for three items in clear) asks for one random resident a call, with
 *    masking of the other items, the daily quota, the call record, whose record it returned, and
 *    the hash-chained audit entry, each call a transaction. In process through the full route
 *    (Fastify's inject: routing, validation, the system's credential, masking, audit), no network:
 *    `--concurrency` (8) calls in flight for `--seconds` (10) a run, `--runs` runs. Targets on
 *    SQLite: p95 under 10 ms and at least 2,000 lookups/s.
 *
 *   npx tsx bench/sharing.ts [--entries 5000 --queries 600 --people 1000000 --runs 3 --concurrency 8 --seconds 10]
 */
import { benchApp } from './app.js';
import { benchArgs } from './args.js';

const args = benchArgs();
const ENTRIES = Number(args.entries ?? 5000);
const QUERIES = Number(args.queries ?? 600);
const PEOPLE = Number(args.people ?? 1_000_000);
const RUNS = Number(args.runs ?? 3);
const { w, config } = await benchApp('sharing');
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const login = async (username: string, password = 'Wudang@2026') =>
  JSON.parse((await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })).body).token as string;

// ---- a catalogue of many departments' entries ----
const SUBJECTS = [
  '人口',
  '法人',
  '证照',
  '信用',
  '交易',
  '排水',
  '供水',
  '燃气',
  '道路',
  '桥梁',
  '学校',
  '医院',
  '药品',
  '环境',
  '空气',
  '水质',
  '林地',
  '景区',
  '就业',
  '社保',
  '医保',
  '养老',
  '救助',
  '税务',
  '统计',
  '规划',
  '建设',
  '交通',
  '公交',
  '停车',
];
const THINGS = ['基本信息', '登记信息', '监测数据', '许可信息', '处罚信息', '统计数据', '台账', '名录', '档案', '业务数据'];
const ITEMS = [
  ['name', '名称', 'Name'],
  ['code', '编码', 'Code'],
  ['address', '地址', 'Address'],
  ['phone', '联系电话', 'Phone'],
  ['date', '日期', 'Date'],
  ['amount', '金额', 'Amount'],
  ['status', '状态', 'Status'],
  ['district', '所在区县', 'District'],
  ['owner', '责任人', 'Person in charge'],
  ['type', '类别', 'Type'],
  ['count', '数量', 'Count'],
  ['remark', '备注', 'Remark'],
] as const;
const departments = (await w.platform.db.selectFrom('departments').select('code').where('district_adcode', 'is', null).execute()).map((d) => d.code);
const t0 = performance.now();
const entries = [];
for (let i = 0; i < ENTRIES; i++) {
  const subject = SUBJECTS[i % SUBJECTS.length]!;
  const thing = THINGS[Math.floor(i / SUBJECTS.length) % THINGS.length]!;
  const nItems = 6 + (i % 15);
  entries.push({
    at: i,
    entry: {
      classCode: `3${String(10 + (i % 80)).padStart(2, '0')}${String(1 + (Math.floor(i / 80) % 999)).padStart(3, '0')}`,
      name: { zh: `${subject}${thing}${i}`, en: `${subject} records ${i}` },
      kind: 'departmental' as const,
      provider: departments[i % departments.length]!,
      abstract: `${subject}领域的${thing}，供相关部门依职责共享使用（基准测试数据 ${i}）。`,
      format: 'table' as const,
      items: Array.from({ length: nItems }, (_, k) => {
        const [key, zh, en] = ITEMS[k % ITEMS.length]!;
        return {
          key: `${key}${k}`,
          name: { zh: `${subject}${zh}`, en },
          type: 'string' as const,
          sharing: 'unconditional' as const,
          grade: 'general' as const,
          level: 1,
          mask: 'none' as const,
        };
      }),
      sharingType: 'unconditional' as const,
      sharingMethods: ['api' as const],
      openType: 'closed' as const,
      updateCycle: 'monthly' as const,
      publishedAt: '2026-11-01',
      keywords: [subject, thing],
      status: 'published' as const,
    },
  });
}
const report = await w.sharing.catalogue.import(entries, { principal: null, ip: null, requestId: null }, false);
if (report.failed) throw new Error(`${report.failed} entries failed: ${JSON.stringify(report.results.find((r) => r.outcome === 'failed'))}`);
const loadS = (performance.now() - t0) / 1000;

// ---- searches as a department's staff member ----
const staff = await login('zjj.staff');
const queries: [string, string][] = [
  ['one Chinese word', 'q=排水'],
  ['two words', `q=${encodeURIComponent('医院 档案')}`],
  ['an English word', 'q=address'],
  ['a word within one provider', 'q=信用&provider=FGW'],
  ['a class prefix', 'classCode=345'],
  ['a word in few entries', 'q=4999'],
];
const times = new Map<string, number[]>();
for (let i = 0; i < QUERIES; i++) {
  const [name, q] = queries[i % queries.length]!;
  const s = performance.now();
  const r = await w.app.inject({ method: 'GET', url: `/api/sharing/catalogue?${q}&limit=20`, headers: { authorization: `Bearer ${staff}` } });
  const ms = performance.now() - s;
  if (r.statusCode !== 200) throw new Error(`${q}: ${r.statusCode} ${r.body.slice(0, 200)}`);
  times.set(name, [...(times.get(name) ?? []), ms]);
}
const all = [...times.values()].flat();
console.log(
  `catalogue: ${ENTRIES} entries loaded through the import in ${loadS.toFixed(1)} s (${(ENTRIES / loadS).toFixed(0)}/s), ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}`,
);
for (const [name, xs] of times) console.log(`  search, ${name.padEnd(28)} p50 ${pct(xs, 0.5).toFixed(1)} ms  p95 ${pct(xs, 0.95).toFixed(1)} ms`);
console.log(
  `  search, all ${all.length} queries${' '.repeat(14)} p50 ${pct(all, 0.5).toFixed(1)} ms  p95 ${pct(all, 0.95).toFixed(1)} ms  (target p95 < 50 ms)`,
);

// ---- loading the population database: validated load vs raw batched insert ----
const { makeIdNumber } = await import('../platform/identifiers/index.js');
const districts = w.platform.profile.districts.filter((d) => d.kind !== 'special_zone').map((d) => d.adcode);
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';
function personRow(i: number): Record<string, string> {
  // Day, month, year and sequence from the digits of i: a million distinct ID numbers.
  let k = i;
  const d = 1 + (k % 28);
  k = Math.floor(k / 28);
  const m = 1 + (k % 12);
  k = Math.floor(k / 12);
  const y = 1940 + (k % 80);
  const seq = Math.floor(k / 80) % 1000;
  const birth = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  const district = districts[(i * 7) % districts.length]!;
  const id = makeIdNumber(district, birth, seq);
  return {
    idNumber: id,
    name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 13) % GIVEN.length]}`,
    gender: seq % 2 === 1 ? '1' : '2',
    birthDate: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    ethnicity: '01',
    householdAddress: `湖北省十堰市某区某街道合成路${i % 500}号`,
    residenceAddress: `湖北省十堰市某区某街道合成路${i % 700}号`,
    phone: `138${String(i).padStart(8, '0')}`,
    district,
  };
}
const loadAs = { principal: null, ip: null, requestId: null };
const db = w.platform.db;
const clear = () => db.deleteFrom('sharing_people').execute();
async function raw(): Promise<number> {
  await clear();
  const s = performance.now();
  const { transaction } = await import('../platform/storage/db.js');
  for (let i = 0; i < PEOPLE; i += 1000) {
    const rows: Record<string, unknown>[] = [];
    for (let k = i; k < Math.min(PEOPLE, i + 1000); k++) {
      const r = personRow(k);
      rows.push({
        id_number: r.idNumber!,
        name: r.name!,
        gender: r.gender!,
        birth_date: r.birthDate!,
        ethnicity: r.ethnicity!,
        household_address: r.householdAddress!,
        residence_address: r.residenceAddress!,
        phone: r.phone!,
        district: r.district!,
        synthetic: 1,
        version: 1,
        load_id: null,
        created_at: Date.now(),
        updated_at: Date.now(),
      });
    }
    await transaction(db, (trx) =>
      trx
        .insertInto('sharing_people')
        .values(rows as never)
        .execute(),
    );
  }
  return PEOPLE / ((performance.now() - s) / 1000);
}
async function loaded(): Promise<number> {
  await clear();
  const s = performance.now();
  function* rows() {
    for (let i = 0; i < PEOPLE; i++) yield { at: i + 2, raw: personRow(i) };
  }
  const job = await w.sharing.loads.load('population', 'bench', rows(), loadAs, { synthetic: true });
  if (job.inserted !== PEOPLE) throw new Error(`inserted ${job.inserted} of ${PEOPLE}`);
  if (job.refused) throw new Error(`${job.refused} refused: ${JSON.stringify(job.errors.slice(0, 3))}`);
  return job.inserted / ((performance.now() - s) / 1000);
}
const ratios: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const a = await raw();
  const b = await loaded();
  ratios.push(b / a);
  console.log(`population load, run ${r + 1}: raw insert ${a.toFixed(0)} rows/s, validated load ${b.toFixed(0)} rows/s, ratio ${(b / a).toFixed(2)}`);
}
console.log(`population load: ${PEOPLE} rows, median ratio ${pct(ratios, 0.5).toFixed(2)} (target ≥ 0.5)`);

// ---- gateway lookups by ID number over the residents just loaded ----
const CONCURRENCY = Number(args.concurrency ?? 8);
const SECONDS = Number(args.seconds ?? 10);
{
  const wjw = await login('wjw.staff');
  const zsj = await login('zsj.staff');
  const gaj = await login('gaj.staff');
  const call = async (method: string, url: string, token: string, body?: unknown) => {
    const r = await w.app.inject({
      method: method as 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body);
  };
  const req = await call('POST', '/api/sharing/requests', wjw, {
    resource: '101001/000001',
    items: ['idNumber', 'name', 'birthDate', 'phone', 'district'],
    legalBasis: '《基本医疗卫生与健康促进法》',
    purpose: '基准测试',
    useScope: '基准测试',
    periodFrom: '2026-01-01',
    periodTo: '2028-12-31',
    ratePerMinute: 600_000,
    quotaPerDay: 10_000_000,
  });
  await call('POST', `/api/sharing/requests/${req.id}/actions`, zsj, { action: 'pass_compliance' });
  await call('POST', `/api/sharing/requests/${req.id}/actions`, gaj, { action: 'approve', scope: { items: ['idNumber', 'name', 'district'] } });
  const { secret } = await call('POST', '/api/sharing/clients', wjw, { name: '基准测试系统' });
  const ids = Array.from({ length: 20_000 }, () => personRow(Math.floor(Math.random() * PEOPLE)).idNumber!);
  const rates: number[] = [];
  const p95s: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const lat: number[] = [];
    let n = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const until = t0 + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const s = performance.now();
          const r = await w.app.inject({
            method: 'POST',
            url: '/api/sharing/gateway/population/lookup',
            headers: { 'x-api-key': secret, 'content-type': 'application/json' },
            payload: `{"keys":["${ids[n % ids.length]}"]}`,
          });
          lat.push(performance.now() - s);
          if (r.statusCode !== 200) throw new Error(`lookup: ${r.statusCode} ${r.body.slice(0, 200)}`);
          n++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    rates.push(n / secs);
    p95s.push(pct(lat, 0.95));
    cpus.push((cpu.user + cpu.system) / 1000 / n);
    console.log(
      `gateway lookup, run ${run + 1}: ${(n / secs).toFixed(0)} lookups/s, p50 ${pct(lat, 0.5).toFixed(2)} ms, p95 ${pct(lat, 0.95).toFixed(2)} ms, CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms a lookup (${CONCURRENCY} in flight)`,
    );
  }
  const audited = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'sharing.gateway_call')
    .executeTakeFirstOrThrow();
  console.log(
    `gateway lookup over ${PEOPLE} residents, ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}: median ${pct(rates, 0.5).toFixed(0)} lookups/s (target ≥ 2,000 on SQLite), median p95 ${pct(p95s, 0.5).toFixed(2)} ms (target < 10 ms), CPU ${pct(cpus, 0.5).toFixed(3)} ms a lookup; ${Number(audited.n)} calls audited`,
  );
}
await w.close();
