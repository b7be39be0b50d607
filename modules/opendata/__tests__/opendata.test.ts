/**
 * The open data portal: the city's seed datasets are published from the catalogue; a provider
 * publishes an entry, and an entry with personal items is refused unless they are removed or
 * counted; anyone searches, previews and downloads an open dataset (CSV and JSON, counted, never a
 * personal item); a conditionally open one needs an application its provider approves; DCAT-AP
 * JSON-LD expands to RDF with the properties DCAT-AP requires.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

/** Catalogue items graded personal (masked or sensitive) anywhere in the seed catalogue. */
const PERSONAL = ['idNumber', 'legalRepresentative', 'legalRepresentativeId', 'holderName', 'holderId', 'phoneNumber', 'householdAddress', 'residenceAddress'];

for (const d of await dialects()) {
  describe(`open data portal (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let zsj: string;
    let citizen: string;
    let enterprise: string;
    let cgw: string;
    before(async () => {
      t = await startApp(d, { sharingDemoPeople: 300 });
      await t.sharing.demo;
      admin = await t.login('admin');
      zsj = await t.login('zsj.staff');
      citizen = await t.login('citizen');
      enterprise = await t.login('enterprise');
      cgw = await t.login('cgw.staff');
    });
    after(() => t.close());

    test('the seed datasets are on the portal, found by Chinese and English words, with counts by provider and theme', async () => {
      const all = await t.call('GET', '/api/open/datasets?limit=100');
      assert.equal(all.status, 200);
      const names = all.body.items.map((x: { name: string }) => x.name);
      for (const n of ['macro-economy-indicators', 'public-resource-trading', 'standard-addresses', 'legal-entities', 'legal-entities-by-district'])
        assert.ok(names.includes(n), `${n} in ${names}`);
      assert.equal(all.body.facets.provider.TJJ, 1);
      const zh = await t.call('GET', `/api/open/datasets?q=${encodeURIComponent('招标')}`);
      assert.deepEqual(
        zh.body.items.map((x: { name: string }) => x.name),
        ['public-resource-trading'],
      );
      const en = await t.call('GET', '/api/open/datasets?q=indicator&theme=economy');
      assert.ok(en.body.items.some((x: { name: string }) => x.name === 'macro-economy-indicators'));
      // Records loaded after publishing are counted as they are now.
      const trading = all.body.items.find((x: { name: string }) => x.name === 'public-resource-trading');
      assert.ok(trading.rows > 0, `trading rows ${trading.rows}`);
      const cond = await t.call('GET', '/api/open/datasets?openType=conditional');
      assert.deepEqual(
        cond.body.items.map((x: { name: string }) => x.name),
        ['legal-entities'],
      );
    });

    test('publishing refuses personal items, names them, and saves nothing; counts by items that are not personal are published open', async () => {
      const before = (await t.call('GET', '/api/open/datasets?limit=100')).body.total;
      const bad = await t.call('POST', '/api/open/datasets', zsj, {
        resource: '104001/000001',
        name: 'licence-holders',
        themes: ['government'],
        items: ['licenceNumber', 'holderName', 'holderId'],
      });
      // The licence catalogue entry is not open at all.
      assert.equal(bad.status, 400);
      const personal = await t.call('POST', '/api/open/datasets', admin, {
        resource: '102001/000001',
        name: 'entities-with-representatives',
        themes: ['economy'],
        items: ['creditCode', 'name', 'legalRepresentative', 'legalRepresentativeId'],
      });
      assert.equal(personal.status, 400);
      const detail = JSON.stringify(personal.body);
      assert.match(detail, /Legal representative/);
      assert.match(personal.body.detail, /personal|个人信息/);
      assert.equal((await t.call('GET', '/api/open/datasets?limit=100')).body.total, before);
      const counted = await t.call('POST', '/api/open/datasets', admin, {
        resource: '102001/000001',
        name: 'entities-by-district',
        themes: ['economy'],
        items: ['district'],
        aggregate: true,
      });
      assert.equal(counted.status, 201, JSON.stringify(counted.body));
      assert.equal(counted.body.openType, 'open');
      const counted2 = await t.call('POST', '/api/open/datasets', admin, {
        resource: '102001/000001',
        name: 'entities-by-representative',
        themes: ['economy'],
        items: ['legalRepresentative'],
        aggregate: true,
      });
      assert.equal(counted2.status, 400, 'a personal item is not a grouping either');
    });

    test('a department publishes only its own entries', async () => {
      const r = await t.call('POST', '/api/open/datasets', cgw, { resource: '107001/000001', name: 'macro-again', themes: ['economy'], items: ['value'] });
      assert.equal(r.status, 403);
    });

    test('anyone downloads an open dataset as CSV and JSON, counted; no personal item in any format', async () => {
      const page = await t.call('GET', '/api/open/datasets/legal-entities-by-district');
      assert.equal(page.status, 200);
      assert.equal(page.body.mayDownload, true);
      const csv = await t.inject({ method: 'GET', url: '/api/open/datasets/legal-entities-by-district/data?format=csv' });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      const lines = csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      assert.equal(lines[0], 'district,entityType,status,count');
      assert.ok(lines.length > 1);
      for (const l of lines.slice(1)) assert.ok(Number(l.split(',')[3]) >= 5, `a group under 5 published: ${l}`);
      const js = await t.inject({ method: 'GET', url: '/api/open/datasets/legal-entities-by-district/data?format=json' });
      const body = JSON.parse(js.body);
      assert.equal(body.records.length, lines.length - 1);
      const after = await t.call('GET', '/api/open/datasets/legal-entities-by-district');
      assert.equal(after.body.downloads, page.body.downloads + 2);
      for (const name of ['macro-economy-indicators', 'public-resource-trading', 'standard-addresses', 'legal-entities-by-district']) {
        for (const format of ['csv', 'json']) {
          const r = await t.inject({ method: 'GET', url: `/api/open/datasets/${name}/data?format=${format}` });
          assert.equal(r.statusCode, 200);
          for (const k of PERSONAL) assert.ok(!r.body.includes(`"${k}"`) && !r.body.split('\r\n')[0]!.split(',').includes(k), `${k} in ${name}.${format}`);
        }
        const preview = await t.call('GET', `/api/open/datasets/${name}/preview`);
        for (const k of PERSONAL) assert.ok(!JSON.stringify(preview.body).includes(`"${k}"`));
      }
    });

    test('synthetic records are marked synthetic in downloads and previews', async () => {
      const preview = await t.call('GET', '/api/open/datasets/standard-addresses/preview');
      assert.equal(preview.status, 200);
      assert.ok(preview.body.rows.length > 0);
      assert.equal(preview.body.synthetic, true);
      const csv = await t.inject({ method: 'GET', url: '/api/open/datasets/standard-addresses/data?format=csv' });
      assert.ok(csv.body.split('\r\n')[0]!.endsWith(',synthetic'));
    });

    test('a conditionally open dataset: no preview or download without an approved application; the provider decides', async () => {
      const anon = await t.call('GET', '/api/open/datasets/legal-entities/data?format=csv');
      assert.equal(anon.status, 401);
      const preview = await t.call('GET', '/api/open/datasets/legal-entities/preview', enterprise);
      assert.ok(preview.body.refused);
      assert.equal((await t.call('GET', '/api/open/datasets/legal-entities/data?format=json', enterprise)).status, 403);
      const app = await t.call('POST', '/api/open/datasets/legal-entities/applications', enterprise, {
        organisation: '十堰示例数据服务有限公司（合成数据）',
        purpose: '市场主体分布研究',
        contact: '13800000000',
      });
      assert.equal(app.status, 201, JSON.stringify(app.body));
      assert.equal(
        (
          await t.call(
            'POST',
            '/api/open/datasets/legal-entities/applications',
            enterprise,
            app.body && { organisation: 'x公司', purpose: '再次申请看看', contact: '13800000000' },
          )
        ).status,
        409,
      );
      // The applicant sees its own; another department's staff cannot decide it.
      const mine = await t.call('GET', '/api/open/applications', enterprise);
      assert.deepEqual(
        mine.body.map((a: { id: string }) => a.id),
        [app.body.id],
      );
      assert.equal((await t.call('POST', `/api/open/applications/${app.body.id}/decision`, cgw, { approve: true })).status, 403);
      const refuse = await t.call('POST', `/api/open/applications/${app.body.id}/decision`, admin, { approve: false });
      assert.equal(refuse.status, 400, 'a refusal states its reason');
      const ok = await t.call('POST', `/api/open/applications/${app.body.id}/decision`, admin, { approve: true });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.status, 'approved');
      const dl = await t.inject({
        method: 'GET',
        url: '/api/open/datasets/legal-entities/data?format=csv',
        headers: { authorization: `Bearer ${enterprise}` },
      });
      assert.equal(dl.statusCode, 200);
      assert.equal(
        dl.body.replace(/^\uFEFF/, '').split('\r\n')[0],
        'creditCode,name,entityType,registeredCapital,foundedOn,businessScope,status,district,synthetic',
      );
      // Another user still may not.
      assert.equal((await t.call('GET', '/api/open/datasets/legal-entities/data?format=csv', citizen)).status, 403);
      const audit = await t.call('GET', '/api/audit?action=opendata.downloaded', admin);
      assert.ok(JSON.stringify(audit.body).includes('legal-entities'));
    });

    test('rows uploaded for a dataset not kept in a base database: only its items, of their types', async () => {
      const bad = await t.call('PUT', '/api/open/datasets/medical-institutions/data', admin, [
        { institutionCode: 'X1', name: '示例医院（合成数据）', beds: 'many' },
      ]);
      assert.equal(bad.status, 400);
      const extra = await t.call('PUT', '/api/open/datasets/medical-institutions/data', admin, [
        { institutionCode: 'X1', name: '示例医院', patientName: '张三' },
      ]);
      assert.equal(extra.status, 400);
      assert.match(JSON.stringify(extra.body), /patientName/);
      const ok = await t.call('PUT', '/api/open/datasets/medical-institutions/data', admin, [
        { institutionCode: 'X1', name: '示例医院（合成数据）', category: 'A100', grade: '3A', address: '示例路 1 号', beds: 800, phone: '0719-0000000' },
        { institutionCode: 'X2', name: '示例卫生院（合成数据）', category: 'B100', grade: '1', address: '示例镇', beds: 40, phone: '' },
      ]);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.rows, 2);
      const js = JSON.parse((await t.inject({ method: 'GET', url: '/api/open/datasets/medical-institutions/data?format=json' })).body);
      assert.deepEqual(
        js.records.map((r: { beds: number }) => r.beds),
        [800, 40],
      );
    });

    test('a withdrawn dataset leaves the search and stops downloads', async () => {
      const r = await t.call('POST', '/api/open/datasets/entities-by-district/withdraw', admin, { reason: '数据口径调整' });
      assert.equal(r.status, 200);
      assert.ok(!(await t.call('GET', '/api/open/datasets?limit=100')).body.items.some((x: { name: string }) => x.name === 'entities-by-district'));
      assert.equal((await t.call('GET', '/api/open/datasets/entities-by-district/data')).status, 409);
    });
  });
}
