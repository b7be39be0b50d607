/**
 * The government services benchmark (issue 22), the platform in this process on SQLite (or
 * PostgreSQL with DATABASE_URL):
 * 1. Submitting an application with three reused materials (the ID card from the population
 *    database, the residence permit and the title deed from the wallet), signed with the
 *    applicant's SM2 key: `--submits` (300) one after another over the API, p50/p95. Target p95
 *    under 100 ms. The same with nothing reused (three uploaded files) is the reference.
 * 2. Appointments: `--rounds` (5) rushes of 200 residents at once over HTTP for a window's slot
 *    with 50 places: how many succeed (target exactly 50), the slot's count after, latency.
 * 3. OCR: `--docs` (20) synthetic documents of each kind (ID card fronts, business licences,
 *    household register pages), drawn by Chromium with Noto CJK, turned, blurred and saved as JPEG,
 *    read by Tesseract 5 (chi_sim) on one thread: the time per image (target under 2 s on one core)
 *    and the share of fields read exactly, per kind and per field.
 *
 *   npx tsx bench/services.ts [--submits 300] [--rounds 5] [--docs 20]
 */
import { benchApp } from './app.js';
import { benchArgs } from './args.js';

const args = benchArgs();
const SUBMITS = Number(args.submits ?? 300);
const DOCS = Number(args.docs ?? 20);
const ROUNDS = Number(args.rounds ?? 5);

const { w, config } = await benchApp('services', { SUPERAPP_DEMO: '1' });
const { SYSTEM_CONTEXT } = await import('../platform/context.js');
const { DEMO_RESIDENT } = await import('../modules/superapp/index.js');
const { DOCUMENT_FIELDS, TesseractOcr, readDocument } = await import('../modules/services/ocr.js');
const { makePrincipal } = await import('../platform/auth/scope.js');
const { syntheticDocuments } = await import('../test/ocr-cards.js');
const { launch } = await import('../e2e/browser.js');
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(1)} ms, p95 ${pct(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
const call = async (method: string, url: string, token: string, body?: unknown) => {
  const r = await w.app.inject({
    method: method as 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : null };
};
const login = async (username: string, password: string) =>
  JSON.parse((await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })).body).token as string;
const citizen = await login('citizen', 'Wudang@2026');
const zsj = await login('zsj.staff', 'Wudang@2026');
const db = config.databaseUrl ? 'PostgreSQL' : 'SQLite';

// ---- 1. submissions ----
// An item whose three materials a resident's records stand in for: the ID card (population
// database), a residence permit and a title deed (licences in the wallet).
await w.licences.licences.issue(
  {
    type: 'BDCQZ',
    holder: { id: DEMO_RESIDENT.idNumber, name: DEMO_RESIDENT.name },
    fields: { unitNumber: '420302001001GB00001F00010001', location: '茅箭区人民北路18号（合成数据）', use: '住宅', area: 89.5 },
  },
  SYSTEM_CONTEXT,
);
const base = (await call('GET', '/api/services/items/SY-GAJ-002', citizen)).body;
const { version: _v, departmentName: _d, kindName: _k, channelNames: _c, updatedAt: _u, instant: _i, ...item } = base;
const reuse3 = {
  ...item,
  code: 'BENCH-REUSE-3',
  name: { zh: '基准测试事项（三项免提交）', en: 'Benchmark item (three materials reused)' },
  materials: [
    item.materials[0],
    { key: 'permit', name: { zh: '居住证', en: 'Residence permit' }, required: true, form: 'original', replacedBy: { licence: 'JZZ' } },
    { key: 'deed', name: { zh: '不动产权证书', en: 'Title deed' }, required: true, form: 'original', replacedBy: { licence: 'BDCQZ' } },
  ],
};
const uploads3 = {
  ...reuse3,
  code: 'BENCH-UPLOAD-3',
  name: { zh: '基准测试事项（三项上传）', en: 'Benchmark item (three uploads)' },
  materials: reuse3.materials.map((m: { key: string; name: unknown }) => ({ key: m.key, name: m.name, required: true, form: 'copy', accept: ['image'] })),
};
for (const it of [reuse3, uploads3]) {
  const r = await call('POST', '/api/services/items', zsj, { item: it });
  if (r.status !== 201) throw new Error(`item: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
}
const form = { name: DEMO_RESIDENT.name, idNumber: DEMO_RESIDENT.idNumber, phone: DEMO_RESIDENT.phone, address: DEMO_RESIDENT.address };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64').toString('base64');
async function submits(code: string, materials: () => Promise<Record<string, unknown>>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SUBMITS; i++) {
    const m = await materials();
    const s = performance.now();
    const r = await call('POST', '/api/people/services/applications', citizen, { item: code, form, materials: m, consent: true });
    times.push(performance.now() - s);
    if (r.status !== 201) throw new Error(`submit: ${r.status} ${JSON.stringify(m)} ${JSON.stringify(r.body).slice(0, 300)}`);
  }
  return times;
}
const reused = await submits('BENCH-REUSE-3', async () => ({ idCard: { reuse: true }, permit: { reuse: true }, deed: { reuse: true } }));
// The uploads themselves go through the files service (the upload route's rate limit is per person).
const me = (await call('GET', '/api/auth/me', citizen)).body;
const payer = makePrincipal({ kind: 'user', id: me.id, name: me.username, roles: ['citizen'], department: null, districts: [] });
const uploaded = await submits('BENCH-UPLOAD-3', async () => {
  const ids: Record<string, unknown> = {};
  for (const k of ['idCard', 'permit', 'deed'])
    ids[k] = { files: [(await w.platform.files.upload(payer, { name: `${k}.png`, contentType: 'image/png', data: Buffer.from(PNG, 'base64') })).id] };
  return ids;
});

// ---- 2. appointments: 200 at once for 50 places ----
const { newSecret } = await import('../platform/ids.js');
const { openSession } = await import('../modules/identity/index.js');
const { hashPassword } = await import('../platform/auth/password.js');
const hash = await hashPassword('Bench-Resident-2026!');
const tokens: string[] = [];
for (let i = 0; i < 200; i++) {
  const id = `usr-bench-appt-${i}`;
  const now = Date.now();
  await w.platform.db
    .insertInto('users')
    .values({
      id,
      username: `bench-appt-${i}`,
      display_name: `办事人${i}（合成）`,
      password_hash: hash,
      department_code: null,
      districts: '[]',
      roles: '["citizen"]',
      status: 'active',
      failed_logins: 0,
      locked_until: null,
      must_change_password: 0,
      password_changed_at: now,
      phone: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await w.platform.db
    .insertInto('sa_accounts')
    .values({
      user_id: id,
      kind: 'resident',
      subject: `BENCHAPPT${String(i).padStart(9, '0')}`,
      name: `办事人${i}`,
      phone: '19907190100',
      district: '420302',
      legal_rep_id: null,
      legal_rep_name: null,
      holder_ref: newSecret(15),
      verified_at: now,
      elder_mode: 0,
      push_warnings: 0,
      synthetic: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  tokens.push((await openSession(w.identity, { principal: null, ip: null, requestId: null }, id, 'bench', 'bench')).token);
}
const cal = await w.platform.calendar.get();
const rushes: { won: number; refused: number; booked: number; p50: number; p95: number }[] = [];
let day = cal.localDate(Date.now() + 86_400_000);
for (let round = 0; round < ROUNDS; round++) {
  while (!cal.isWorkingDay(day)) day = cal.localDate(cal.instantOf(day, 0) + 36 * 3_600_000);
  await w.platform.db.insertInto('gs_appt_slots').values({ hall: 'HALL-SY', window: 'W01', day, start: '09:00', capacity: 50, booked: 0 }).execute();
  const lat: number[] = [];
  const answers = await Promise.all(
    tokens.map(async (token) => {
      const s = performance.now();
      const r = await w.app.inject({
        method: 'POST',
        url: '/api/people/services/appointments',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ hall: 'HALL-SY', window: 'W01', day, start: '09:00' }),
      });
      lat.push(performance.now() - s);
      return r.statusCode;
    }),
  );
  const slot = await w.platform.db
    .selectFrom('gs_appt_slots')
    .selectAll()
    .where('hall', '=', 'HALL-SY')
    .where('window', '=', 'W01')
    .where('day', '=', day)
    .executeTakeFirstOrThrow();
  rushes.push({
    won: answers.filter((x) => x === 201).length,
    refused: answers.filter((x) => x === 409).length,
    booked: slot.booked,
    p50: pct(lat, 0.5),
    p95: pct(lat, 0.95),
  });
  day = cal.localDate(cal.instantOf(day, 0) + 36 * 3_600_000);
}
await w.close();

// ---- 2. OCR ----
const browser = await launch();
const ocr = new TesseractOcr();
if (!(await ocr.available())) throw new Error('tesseract with chi_sim is not installed: apt-get install tesseract-ocr tesseract-ocr-chi-sim');
const ocrLines: string[] = [];
const allTimes: number[] = [];
for (const [k, kind] of (['id_card', 'business_licence', 'household_page'] as const).entries()) {
  const docs = await syntheticDocuments(browser, kind, DOCS, 20261205 + k);
  const times: number[] = [];
  const right: Record<string, number> = {};
  for (const d of docs) {
    const s = performance.now();
    const text = await ocr.text(d.image);
    times.push(performance.now() - s);
    const f = readDocument(kind, text);
    for (const key of DOCUMENT_FIELDS[kind]) right[key] = (right[key] ?? 0) + (f[key] === d.truth[key] ? 1 : 0);
  }
  allTimes.push(...times);
  const fields: string[] = DOCUMENT_FIELDS[kind];
  const total = fields.reduce((a, key) => a + (right[key] ?? 0), 0);
  ocrLines.push(
    `  ${kind}: ${DOCS} images, ${fmt(times)}; fields exact ${total}/${DOCS * fields.length} (${((100 * total) / (DOCS * fields.length)).toFixed(1)} %): ${fields.map((key) => `${key} ${right[key] ?? 0}/${DOCS}`).join(', ')}`,
  );
}
await browser.close();

console.log(`government services, ${db}:`);
console.log(
  `  submit with three materials reused (population record, two wallet licences), ${SUBMITS} one after another: ${fmt(reused)} (target p95 < 100 ms)`,
);
console.log(`  submit with three uploaded files instead (reference; uploads not timed): ${fmt(uploaded)}`);
for (const [i, r] of rushes.entries())
  console.log(
    `  appointments rush ${i + 1}: 200 at once for 50 places: ${r.won} booked, ${r.refused} refused (full), slot ${r.booked}/50; latency p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms`,
  );
console.log(`  rushes with exactly 50 booked: ${rushes.filter((r) => r.won === 50 && r.booked === 50).length} of ${rushes.length}`);
console.log('  OCR (Tesseract 5 chi_sim, one thread, JPEG photos of synthetic documents):');
for (const l of ocrLines) console.log(l);
console.log(`  OCR time per image, all kinds: ${fmt(allTimes)} (target under 2 s on one core)`);
