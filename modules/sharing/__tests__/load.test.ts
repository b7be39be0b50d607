/**
 * Loading the base databases: every row checked (GB 11643 ID numbers with their birth date and sex,
 * GB 32100 credit codes, the city's districts, real dates, lists), refused rows reported by line
 * and field without stopping the load, records merged by key with their history of changes, a
 * re-run changing nothing, the audited exception for early credit codes, and only the keepers
 * (the provider, the data authority) loading or reading records.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { creditCodeCheckChar, makeCreditCode, makeIdNumber } from '../../../platform/identifiers/index.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const HEADER = 'idNumber,name,gender,birthDate,ethnicity,householdAddress,residenceAddress,phone,district';
const person = (i: number, over: Partial<Record<string, string>> = {}) => {
  const birth = `19${String(60 + (i % 40)).padStart(2, '0')}0${1 + (i % 9)}1${i % 10}`;
  const seq = 100 + i * 2 + 1; // odd: male
  const p = {
    idNumber: makeIdNumber('420303', birth, seq),
    name: `测试人${i}`,
    gender: '1',
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    ethnicity: '01',
    householdAddress: `湖北省十堰市张湾区花果街道人民北路${i}号`,
    residenceAddress: `湖北省十堰市张湾区车城路街道公园路${i}号`,
    phone: `1380719${String(i).padStart(4, '0')}`,
    district: '420303',
    ...over,
  };
  return HEADER.split(',')
    .map((k) => p[k as keyof typeof p] ?? '')
    .join(',');
};

for (const d of await dialects()) {
  describe(`loading the base databases (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let cgw: string;
    const load = (token: string, dataset: string, format: 'csv' | 'json', content: string) =>
      t.call('POST', `/api/sharing/databases/${dataset}/loads`, token, { format, content, source: `test.${format}` });
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      cgw = await t.login('cgw.staff');
    });
    after(() => t.close());

    const good = [1, 2, 3, 4, 5].map((i) => person(i));
    const badCheck = person(6).replace(/^(\d{17})(.)/, (_m, a: string, c: string) => a + (c === '0' ? '1' : '0'));
    const file = [
      HEADER,
      ...good, // lines 2–6
      badCheck, // line 7: wrong check character
      person(7, { idNumber: makeIdNumber('420303', '19900230', 111), birthDate: '1990-02-30' }), // line 8: no such date
      person(8, { district: '110105' }), // line 9: not the city's
      person(9, { gender: '2' }), // line 10: the ID number says male
      person(10, { name: '' }), // line 11: no name
      person(1, { residenceAddress: '湖北省十堰市张湾区汉江路街道' }), // line 12: person 1 again
    ].join('\n');

    test('each row is checked; refused rows are named by line and field; the rest load', async () => {
      const r = await load(admin, 'population', 'csv', file);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const job = r.body;
      assert.deepEqual([job.status, job.rowsRead, job.inserted, job.updated, job.unchanged, job.refused], ['done', 11, 5, 0, 0, 6]);
      const where = job.errors.map((e: { at: number; field: string }) => `${e.at}:${e.field}`).sort();
      assert.deepEqual(where, ['10:gender', '11:name', '2:idNumber', '7:idNumber', '8:birthDate', '8:idNumber', '9:district']);
      const reasons = Object.fromEntries(job.errors.map((e: { at: number; field: string; detail: { en: string } }) => [`${e.at}:${e.field}`, e.detail.en]));
      assert.match(reasons['7:idNumber'], /check character/);
      assert.match(reasons['8:idNumber'], /19900230 does not exist/);
      assert.match(reasons['8:birthDate'], /not a real date/);
      assert.match(reasons['2:idNumber'], /appears again at 12/, 'a key given twice keeps its later row');
      // The later row of person 1 is what was kept.
      const one = await t.call('GET', `/api/sharing/databases/population/records/${good[0]!.split(',')[0]}`, admin);
      assert.equal(one.status, 200, JSON.stringify(one.body));
      assert.equal(one.body.values.residenceAddress, '湖北省十堰市张湾区汉江路街道');
      assert.equal((await t.call('GET', '/api/sharing/databases', cgw)).body.find((x: { key: string }) => x.key === 'population').records, 5);
    });

    test('loading the same file again changes nothing; a changed row updates its record and keeps before and after', async () => {
      const again = (await load(admin, 'population', 'csv', file)).body;
      assert.deepEqual([again.inserted, again.updated, again.unchanged, again.refused], [0, 0, 5, 6]);
      const changed = [HEADER, person(2, { phone: '13907190000' })].join('\n');
      const job = (await load(admin, 'population', 'csv', changed)).body;
      assert.deepEqual([job.inserted, job.updated, job.unchanged], [0, 1, 0]);
      const id = good[1]!.split(',')[0]!;
      const rec = (await t.call('GET', `/api/sharing/databases/population/records/${id}`, admin)).body;
      assert.equal(rec.version, 2);
      assert.deepEqual(
        rec.history.map((h: { before: unknown; after: unknown; loadId: string }) => [h.before, h.after, h.loadId]),
        [[{ phone: '13807190002' }, { phone: '13907190000' }, job.id]],
      );
      const jobs = (await t.call('GET', '/api/sharing/databases/population/loads', admin)).body;
      assert.equal(jobs[0].id, job.id);
      const audit = await t.call('GET', '/api/audit?action=sharing.records_loaded&limit=10', admin);
      assert.ok(audit.body.items.some((e: { details: { job: string } }) => e.details.job === job.id));
    });

    test('Chinese column names and JSON (an array, or a line each) load the same way', async () => {
      const zhHeader = '公民身份号码,姓名,性别,出生日期,所在区县';
      const idA = makeIdNumber('420302', '19851203', 222);
      const a = await load(admin, 'population', 'csv', `${zhHeader}\n${idA},甲某,2,1985-12-03,420302\n`);
      assert.deepEqual([a.body.inserted, a.body.refused], [1, 0], JSON.stringify(a.body.errors));
      const idB = makeIdNumber('420302', '19700101', 333);
      const arr = await load(
        admin,
        'population',
        'json',
        JSON.stringify([{ idNumber: idB, name: '乙某', gender: '1', birthDate: '1970-01-01', district: '420302' }]),
      );
      assert.equal(arr.body.inserted, 1);
      const nd = await load(
        admin,
        'population',
        'json',
        `${JSON.stringify({ idNumber: idB, name: '乙某某', gender: '1', birthDate: '1970-01-01', district: '420302' })}\nnot json\n`,
      );
      assert.deepEqual([nd.body.updated, nd.body.refused], [1, 1]);
      const missing = await load(admin, 'population', 'csv', '姓名,性别\n甲,1\n');
      assert.equal(missing.status, 400);
      assert.match(missing.body.detail, /idNumber|公民身份号码/);
    });

    test('an early credit code failing only its check character loads once the data authority registers an exception', async () => {
      const valid = makeCreditCode('9', '1', '420303', 'MA4905XX0');
      const first17 = makeCreditCode('9', '1', '420303', 'MA4905XX1').slice(0, 17);
      const wrong = CHARS.find((c) => c !== creditCodeCheckChar(first17))!;
      const early = first17 + wrong;
      const HEAD = 'creditCode,name,entityType,foundedOn,status,district';
      const csv = `${HEAD}\n${valid},十堰某某合成有限公司,1100,2010-05-01,10,420303\n${early},十堰早期合成厂,1100,1995-03-01,10,420303\n`;
      const r1 = (await load(admin, 'legal-entities', 'csv', csv)).body;
      assert.deepEqual([r1.inserted, r1.refused], [1, 1]);
      assert.match(r1.errors[0].detail.en, /exception/);
      const zjj = await t.login('zjj.staff');
      assert.equal((await t.call('POST', '/api/sharing/code-exceptions', zjj, { code: early, reason: '1995 年登记的早期代码' })).status, 403);
      assert.equal((await t.call('POST', '/api/sharing/code-exceptions', admin, { code: valid, reason: '不需要' })).status, 400, 'a valid code needs none');
      assert.equal((await t.call('POST', '/api/sharing/code-exceptions', admin, { code: early, reason: '1995 年登记的早期代码' })).status, 204);
      const r2 = (await load(admin, 'legal-entities', 'csv', csv)).body;
      assert.deepEqual([r2.inserted, r2.unchanged, r2.refused], [1, 1, 0]);
      const audit = await t.call('GET', '/api/audit?action=sharing.code_exception_granted', admin);
      assert.equal(audit.body.items[0].targetId, early);
    });

    test('only the keepers load a base database or read its records', async () => {
      const r = await load(cgw, 'population', 'csv', [HEADER, person(20)].join('\n'));
      assert.equal(r.status, 403);
      assert.equal((await t.call('GET', `/api/sharing/databases/population/records/${good[0]!.split(',')[0]}`, cgw)).status, 403);
      assert.equal((await t.call('GET', '/api/sharing/databases/population/loads', cgw)).status, 403);
      assert.equal(
        (await t.call('POST', '/api/sharing/databases/spatial/loads', admin, { format: 'csv', content: 'a\n1' })).status,
        400,
        'not a database kept here yet',
      );
    });
  });
}

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('');
