/**
 * The other five base databases (spatial, licences, credit, trading, macro economy): each loads
 * from CSV with its own checks (coordinates inside the city, a licence holder's ID number or
 * credit code, an expiry that may lie ahead, credit codes, amounts, statistical periods), merges
 * by its key (a statistic's indicator, area and period together), and is kept by its provider only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeCreditCode, makeIdNumber } from '../../../platform/identifiers/index.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const csv = (header: string[], rows: (string | number)[][]) => [header.join(','), ...rows.map((r) => r.join(','))].join('\n');
const ORG = makeCreditCode('9', '1', '420300', 'MA4900001');
const PERSON = makeIdNumber('420302', '19900101', 123);

for (const d of await dialects()) {
  describe(`the five other base databases (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let cgw: string;
    const load = (dataset: string, content: string, token = admin) =>
      t.call('POST', `/api/sharing/databases/${dataset}/loads`, token, { format: 'csv', content, source: `${dataset}.csv` });
    const where = (job: { errors: { at: number; field: string }[] }) => job.errors.map((e) => `${e.at}:${e.field}`).sort();

    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      cgw = await t.login('cgw.staff');
    });
    after(() => t.close());

    test('spatial: standard addresses with coordinates inside the city', async () => {
      const r = await load(
        'spatial',
        csv(
          ['addressCode', 'district', 'street', 'fullAddress', 'lon', 'lat', 'gridCode'],
          [
            ['420303001000001', '420303', '花果街道', '湖北省十堰市张湾区花果街道人民北路1号', 110.77, 32.65, 'G420303001'],
            ['420303001000002', '420303', '花果街道', '湖北省十堰市张湾区花果街道人民北路2号', 116.4, 39.9, ''], // Beijing
            ['420303001000003', '110105', '花果街道', '某地址', 110.77, 32.65, ''], // not the city's
          ],
        ),
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual([r.body.inserted, r.body.refused], [1, 2]);
      assert.deepEqual(where(r.body), ['3:lat', '3:lon', '4:district']);
      assert.equal((await load('spatial', csv(['addressCode'], [['x']]), cgw)).status, 403, 'kept by 自然资源和规划局');
    });

    test('licences: the holder is a person or an organisation; an expiry may lie ahead', async () => {
      const r = await load(
        'licences',
        csv(
          ['licenceNumber', 'licenceType', 'holderName', 'holderId', 'issuer', 'issuedOn', 'expiresOn', 'status'],
          [
            ['SY-YYZZ-0001', '营业执照', '十堰示例商贸有限公司', ORG, '十堰市市场监督管理局', '2024-05-01', '2044-04-30', 'valid'],
            ['SY-JZZ-0001', '居住证', '李四', PERSON, '十堰市公安局', '2025-01-10', '2028-01-09', 'valid'],
            ['SY-JZZ-0002', '居住证', '王五', '420302199001011230', '十堰市公安局', '2025-01-10', '', 'valid'], // wrong check character
            ['SY-JZZ-0003', '居住证', '赵六', PERSON, '十堰市公安局', '2099-01-01', '', 'valid'], // issued in the future
            ['SY-JZZ-0004', '居住证', '钱七', PERSON, '十堰市公安局', '2025-01-10', '', 'lost'],
          ],
        ),
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual([r.body.inserted, r.body.refused], [2, 3]);
      assert.deepEqual(where(r.body), ['4:holderId', '5:issuedOn', '6:status']);
      const rec = await t.call('GET', '/api/sharing/databases/licences/records/SY-JZZ-0001', admin);
      assert.equal(rec.body.values.holderId, PERSON);
    });

    test('another module writes one record (a licence issued elsewhere): checked, merged, its change kept; no load job', async () => {
      const ctx = { principal: null, ip: null, requestId: null };
      const jobs = (await t.storage.db.selectFrom('sharing_load_jobs').select('id').execute()).length;
      const row = {
        licenceNumber: 'SY-JZZ-0009',
        licenceType: '居住证',
        holderName: '孙九',
        holderId: PERSON,
        issuer: '十堰市公安局',
        issuedOn: '2025-02-01',
        status: 'valid',
      };
      assert.deepEqual(await t.sharing.loads.put('licences', row, ctx, 'licence issued'), []);
      assert.deepEqual(await t.sharing.loads.put('licences', { ...row, status: 'revoked' }, ctx, 'licence revoked'), []);
      const rec = await t.call('GET', '/api/sharing/databases/licences/records/SY-JZZ-0009', admin);
      assert.equal(rec.body.values.status, 'revoked');
      assert.deepEqual(rec.body.history[0].after, { status: 'revoked' });
      const bad = await t.sharing.loads.put('licences', { ...row, holderId: '420302199001011230' }, ctx, 'x');
      assert.deepEqual(
        bad.map((p) => p.field),
        ['holderId'],
      );
      assert.equal((await t.storage.db.selectFrom('sharing_load_jobs').select('id').execute()).length, jobs, 'no job listed');
    });

    test('credit: 双公示 decisions by number, with the subject’s credit code checked', async () => {
      const r = await load(
        'credit',
        csv(
          ['decisionNumber', 'subjectCode', 'subjectName', 'rating', 'listKind', 'recordKind', 'decidedOn', 'authority'],
          [
            ['十市监罚〔2026〕12号', ORG, '十堰示例商贸有限公司', 'B', 'none', 'penalty', '2026-03-02', '十堰市市场监督管理局'],
            ['十市监罚〔2026〕13号', '91420300MA4900001X', '某公司', 'E', 'grey', 'penalty', '2026-03-02', '十堰市市场监督管理局'],
          ],
        ),
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(where(r.body), ['3:listKind', '3:rating', '3:subjectCode']);
    });

    test('trading: projects with a category, a winner’s credit code and an amount not below zero', async () => {
      const r = await load(
        'trading',
        csv(
          ['projectCode', 'projectName', 'category', 'tenderer', 'winner', 'winnerCode', 'amount', 'awardedOn'],
          [
            ['SYGGZY-2026-001', '十堰市某道路改造工程', 'construction', '十堰市住房和城乡建设局', '十堰示例建设有限公司', ORG, 1280.5, '2026-06-18'],
            ['SYGGZY-2026-002', '某采购', 'auction', '某单位', '', '', -3, ''],
          ],
        ),
      );
      assert.deepEqual(where(r.body), ['3:amount', '3:category']);
    });

    test('macro economy: a value by indicator, area and period; loading a revised value updates that one record', async () => {
      const header = ['indicatorCode', 'indicatorName', 'area', 'period', 'value', 'unit'];
      const first = await load(
        'macro-economy',
        csv(header, [
          ['GDP', '地区生产总值', '420300', '2025', 2352.1, '亿元'],
          ['GDP', '地区生产总值', '420300', '2025-Q3', 1702.4, '亿元'],
          ['CPI', '居民消费价格指数', '420300', '2025-09', 100.6, '上年同月=100'],
          ['CPI', '居民消费价格指数', '420300', '2025-13', 100.6, '上年同月=100'],
        ]),
      );
      assert.deepEqual([first.body.inserted, first.body.refused], [3, 1]);
      assert.deepEqual(where(first.body), ['5:period']);
      const revised = await load('macro-economy', csv(header, [['GDP', '地区生产总值', '420300', '2025', 2360.8, '亿元']]));
      assert.deepEqual([revised.body.inserted, revised.body.updated], [0, 1]);
      const rec = await t.call('GET', `/api/sharing/databases/macro-economy/records/${encodeURIComponent('GDP|420300|2025')}`, admin);
      assert.equal(rec.status, 200, JSON.stringify(rec.body));
      assert.equal(rec.body.values.value, 2360.8);
      assert.equal(rec.body.history[0].before.value, 2352.1);
    });

    test('each base database tells its record count and provider', async () => {
      const r = await t.call('GET', '/api/sharing/databases', admin);
      const by = Object.fromEntries(r.body.map((x: { key: string; records: number; provider: string }) => [x.key, [x.records, x.provider]]));
      assert.deepEqual(by.spatial, [1, 'ZRZYJ']);
      assert.deepEqual(by.licences, [3, 'ZSJ'], 'two loaded, one put');
      assert.deepEqual(by.credit, [1, 'FGW']);
      assert.deepEqual(by.trading, [1, 'GGZY']);
      assert.deepEqual(by['macro-economy'], [3, 'TJJ']);
    });
  });
}
