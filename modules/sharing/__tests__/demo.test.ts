/**
 * Synthetic demo records (合成数据): made once on first start at the size asked, every one passing
 * the same checks as real data (valid ID numbers and credit codes, the city's districts, real
 * dates), residents in the city's real districts and streets, legal representatives among them,
 * licences held by them, and marked synthetic wherever they are shown (the keepers' record view,
 * the gateway's answers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkCreditCode, checkIdNumber } from '../../../platform/identifiers/index.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

for (const d of await dialects()) {
  describe(`synthetic demo records (${d.name})`, () => {
    let t: TestApp;
    let counts: Record<string, number> | null;
    before(async () => {
      t = await startApp(d, { sharingDemoPeople: 2000 });
      counts = await t.sharing.demo;
    });
    after(() => t.close());

    test('every base database gets records, and no generated row is refused', async () => {
      assert.ok(counts);
      assert.equal(counts.population, 2000);
      assert.equal(counts['legal-entities'], 400);
      for (const k of ['licences', 'credit', 'trading', 'macro-economy', 'spatial']) assert.ok((counts[k] ?? 0) > 0, k);
      const jobs = await t.storage.db.selectFrom('sharing_load_jobs').select(['dataset', 'refused', 'status']).execute();
      assert.equal(jobs.length, 7);
      for (const j of jobs) assert.deepEqual([j.dataset, j.status, j.refused], [j.dataset, 'done', 0]);
    });

    test('records are valid and plausible: check characters, districts, streets, representatives among the residents', async () => {
      const db = t.storage.db;
      const people = await db.selectFrom('sharing_people').selectAll().execute();
      const districts = new Set(t.platform.profile.districts.map((x) => x.adcode));
      for (const p of people) {
        assert.ok(checkIdNumber(p.id_number).ok, p.id_number);
        assert.ok(districts.has(p.district) && p.id_number.startsWith(p.district));
        assert.match(p.household_address ?? '', /^湖北省十堰市.+(区|县|市).+(街道|镇|乡).+号$/);
        assert.equal(p.synthetic, 1);
      }
      const ids = new Set(people.map((p) => p.id_number));
      const entities = await db.selectFrom('sharing_entities').selectAll().execute();
      for (const e of entities) {
        assert.ok(checkCreditCode(e.credit_code).ok, e.credit_code);
        assert.ok(ids.has(e.legal_representative_id!), 'the representative is a resident');
      }
      const licences = await db.selectFrom('sharing_licences').select(['holder_id', 'licence_type']).execute();
      const codes = new Set(entities.map((e) => e.credit_code));
      for (const l of licences) assert.ok(ids.has(l.holder_id) || codes.has(l.holder_id), `${l.licence_type} held by someone who exists`);
      assert.ok(new Set(licences.map((l) => l.licence_type)).size >= 3);
    });

    test('a second start makes nothing more', async () => {
      assert.equal(await import('../demo.js').then((m) => m.seedDemoData(t.platform, t.sharing.loads, { people: 2000 })), null);
    });

    test('shown as synthetic: in the keepers’ record view and in the gateway’s answers', async () => {
      const admin = await t.login('admin');
      const one = await t.storage.db.selectFrom('sharing_people').select('id_number').limit(1).executeTakeFirstOrThrow();
      const rec = await t.call('GET', `/api/sharing/databases/population/records/${one.id_number}`, admin);
      assert.equal(rec.body.synthetic, true);
      const wjw = await t.login('wjw.staff');
      const macro = await t.call('POST', '/api/sharing/requests', wjw, {
        resource: '107001/000001',
        items: ['indicatorCode', 'area', 'period', 'value'],
        purpose: '卫生规划',
        useScope: '规划处',
        periodFrom: '2026-01-01',
        periodTo: '2026-12-31',
      });
      assert.equal(macro.body.state, 'approved', JSON.stringify(macro.body));
      const c = await t.call('POST', '/api/sharing/clients', wjw, { name: '规划系统' });
      const r = await t.inject({
        method: 'POST',
        url: '/api/sharing/gateway/macro-economy/query',
        headers: { 'x-api-key': c.body.secret, 'content-type': 'application/json' },
        payload: JSON.stringify({ filter: { area: '420300' }, limit: 3 }),
      });
      assert.equal(r.statusCode, 200, r.body);
      const body = JSON.parse(r.body);
      assert.equal(body.records.length, 3);
      for (const x of body.records) assert.equal(x.synthetic, true);
    });
  });
}
