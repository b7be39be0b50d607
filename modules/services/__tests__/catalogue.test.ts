/**
 * The service item catalogue on both dialects: Shiyan's items seeded (at least 20 across
 * departments, each with its source), search by words, department, kind and applicant; items are
 * kept by 政数局 and by their own department only, every edit a version (a stale one refused);
 * bad items are refused field by field; 一件事 bundles name their departments. And the forms:
 * each field's type checked with the field and the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import type { FormField } from '../catalogue.js';
import { checkForm } from '../forms.js';

describe('service forms', () => {
  const fields: FormField[] = [
    { key: 'name', name: { zh: '姓名', en: 'Name' }, type: 'text', required: true, maxLength: 5 },
    { key: 'id', name: { zh: '身份证号', en: 'ID number' }, type: 'id_number', required: true },
    { key: 'code', name: { zh: '信用代码', en: 'Credit code' }, type: 'credit_code' },
    { key: 'phone', name: { zh: '手机', en: 'Mobile' }, type: 'phone' },
    { key: 'since', name: { zh: '起始日期', en: 'Since' }, type: 'date' },
    { key: 'n', name: { zh: '人数', en: 'People' }, type: 'number', min: 1, max: 20 },
    { key: 'why', name: { zh: '事由', en: 'Reason' }, type: 'select', options: [{ value: 'work', name: { zh: '就业', en: 'Work' } }] },
    { key: 'ok', name: { zh: '同意', en: 'Agree' }, type: 'boolean' },
  ];
  const now = new Date('2026-12-07T02:00:00Z');
  test('good values come back canonical', () => {
    const r = checkForm(
      fields,
      { name: ' 赵晓 ', id: '420302198803160264', code: '91420302ma4dem001p', phone: '19907190001', since: '2024-02-29', n: '3', why: 'work', ok: true },
      now,
    );
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.values, {
      name: '赵晓',
      id: '420302198803160264',
      code: '91420302MA4DEM001P',
      phone: '19907190001',
      since: '2024-02-29',
      n: 3,
      why: 'work',
      ok: true,
    });
  });
  test('each bad value is refused with its field and reason; unknown fields too', () => {
    const r = checkForm(
      fields,
      {
        name: '欧阳很长的名字',
        id: '420302198803160265',
        code: '91420302MA4DEM0010',
        phone: '12345',
        since: '2025-02-29',
        n: 0,
        why: 'fun',
        ok: 'yes',
        extra: 1,
      },
      now,
    );
    const by = Object.fromEntries(r.errors.map((e) => [e.pointer, e.detail]));
    assert.deepEqual(Object.keys(by).sort(), [
      '/body/form/code',
      '/body/form/extra',
      '/body/form/id',
      '/body/form/n',
      '/body/form/name',
      '/body/form/ok',
      '/body/form/phone',
      '/body/form/since',
      '/body/form/why',
    ]);
    assert.match(JSON.stringify(by['/body/form/id']), /校验/);
    assert.deepEqual(r.values, {});
    assert.deepEqual(
      checkForm(fields, {}, now).errors.map((e) => e.pointer),
      ['/body/form/name', '/body/form/id'],
    );
  });
});

for (const d of await dialects()) {
  describe(`service item catalogue (${d.name})`, () => {
    let t: TestApp;
    let zsj: string;
    let gaj: string;
    let scj: string;
    before(async () => {
      t = await startApp(d);
      [zsj, gaj, scj] = (await Promise.all(['zsj.staff', 'gaj.staff', 'zjj.staff'].map((u) => t.login(u)))) as [string, string, string];
    });
    after(() => t.close());

    test('Shiyan’s items are seeded: at least 20 across departments, each with its source and limits', async () => {
      const r = await t.call('GET', '/api/services/items?limit=200');
      assert.equal(r.status, 200);
      assert.ok(r.body.length >= 20, `${r.body.length} items`);
      assert.ok(new Set(r.body.map((i: { department: string }) => i.department)).size >= 10);
      const permit = await t.call('GET', '/api/services/items/SY-GAJ-001');
      assert.equal(permit.status, 200);
      assert.deepEqual(
        [
          permit.body.name.zh,
          permit.body.department,
          permit.body.kindName.zh,
          permit.body.legalDays,
          permit.body.promisedDays,
          permit.body.result.licence,
          permit.body.version,
        ],
        ['居住证申领', 'GAJ', '公共服务', 15, 7, 'JZZ', 1],
      );
      assert.deepEqual(permit.body.materials.find((m: { key: string }) => m.key === 'idCard').replacedBy.record.dataset, 'population');
      assert.match(permit.body.source, /居住证暂行条例/);
      for (const i of r.body) {
        const full = (await t.call('GET', `/api/services/items/${i.code}`)).body;
        assert.ok(full.source.length > 0 && full.basis.zh && full.conditions.zh, i.code);
        assert.ok(full.promisedDays <= full.legalDays, i.code);
      }
    });

    test('search by words, department, kind and applicant', async () => {
      const words = await t.call('GET', `/api/services/items?q=${encodeURIComponent('公积金')}`);
      assert.deepEqual(words.body.map((i: { code: string }) => i.code).sort(), ['SY-GJJ-001', 'SY-GJJ-002', 'SY-GJJ-003']);
      const both = await t.call('GET', `/api/services/items?q=${encodeURIComponent('公积金 租房')}`);
      assert.deepEqual(
        both.body.map((i: { code: string }) => i.code),
        ['SY-GJJ-002'],
      );
      assert.equal(both.body[0].instant, true);
      const byDept = await t.call('GET', '/api/services/items?department=SCJGJ');
      assert.ok(byDept.body.length >= 3 && byDept.body.every((i: { department: string }) => i.department === 'SCJGJ'));
      const licensing = await t.call('GET', '/api/services/items?kind=licensing&applicant=enterprise');
      assert.ok(licensing.body.length >= 4);
      assert.ok(licensing.body.every((i: { kind: string; applicant: string }) => i.kind === 'licensing' && i.applicant !== 'person'));
      assert.equal((await t.call('GET', '/api/services/items?kind=nonsense')).status, 400);
      assert.equal((await t.call('GET', '/api/services/items/NOPE')).status, 404);
    });

    test('政数局 and the item’s department keep it; every edit a version, a stale one refused; others may not', async () => {
      const current = (await t.call('GET', '/api/services/items/SY-GAJ-001')).body;
      const { version, departmentName: _d, kindName: _k, channelNames: _c, updatedAt: _u, ...item } = current;
      const edited = { ...item, promisedDays: 5 };
      // Another department may not.
      assert.equal((await t.call('PUT', '/api/services/items/SY-GAJ-001', scj, { item: edited, version })).status, 403);
      // The item's own department may.
      const byGaj = await t.call('PUT', '/api/services/items/SY-GAJ-001', gaj, { item: edited, version, note: '承诺时限压缩为 5 个工作日' });
      assert.equal(byGaj.status, 200, JSON.stringify(byGaj.body));
      assert.deepEqual([byGaj.body.version, byGaj.body.promisedDays], [2, 5]);
      // From the version read before: refused, nothing lost.
      const stale = await t.call('PUT', '/api/services/items/SY-GAJ-001', zsj, { item: { ...item, promisedDays: 3 }, version });
      assert.equal(stale.status, 409);
      assert.equal((await t.call('GET', '/api/services/items/SY-GAJ-001')).body.promisedDays, 5);
      // The authority may, from the current version; the first version stays readable.
      const byZsj = await t.call('PUT', '/api/services/items/SY-GAJ-001', zsj, { item: { ...item, promisedDays: 3 }, version: 2 });
      assert.equal(byZsj.body.version, 3);
      assert.equal((await t.call('GET', '/api/services/items/SY-GAJ-001?version=1')).body.promisedDays, 7);
      const versions = await t.call('GET', '/api/services/items/SY-GAJ-001/versions', zsj);
      assert.deepEqual(
        versions.body.map((v: { version: number; note: string | null }) => [v.version, v.note]),
        [
          [3, null],
          [2, '承诺时限压缩为 5 个工作日'],
          [1, null],
        ],
      );
      // The public reads the catalogue but keeps nothing.
      const citizen = await t.login('citizen');
      assert.equal((await t.call('PUT', '/api/services/items/SY-GAJ-001', citizen, { item, version: 3 })).status, 403);
      const audit = await t.call('GET', '/api/audit?targetType=service_item&limit=10', await t.login('admin'));
      assert.ok(audit.body.items.some((a: { action: string; targetId: string }) => a.action === 'services.item_updated' && a.targetId === 'SY-GAJ-001'));
    });

    test('a bad item is refused field by field', async () => {
      const base = (await t.call('GET', '/api/services/items/SY-GJJ-002')).body;
      const { version: _v, departmentName: _d, kindName: _k, channelNames: _c, updatedAt: _u, ...item } = base;
      const bad = {
        ...item,
        code: 'SY-GJJ-099',
        promisedDays: 9,
        legalDays: 3,
        department: 'NOPE',
        materials: [{ key: 'deed', name: { zh: '房产证', en: 'Deed' }, required: true, form: 'copy', replacedBy: { licence: 'XXX' } }],
        fields: [...item.fields, { key: 'phone', name: { zh: '电话', en: 'Phone' }, type: 'phone' }],
        result: { licence: 'YYZZ' },
      };
      const r = await t.call('POST', '/api/services/items', zsj, { item: bad });
      assert.equal(r.status, 400);
      const pointers = r.body.errors.map((e: { pointer: string }) => e.pointer);
      for (const p of [
        '/body/department',
        '/body/promisedDays',
        '/body/materials/0/replacedBy/licence',
        `/body/fields/${item.fields.length}/key`,
        '/body/result/licence',
      ])
        assert.ok(pointers.includes(p), `${p} in ${pointers}`);
      // A good new item is added, by the authority.
      const good = await t.call('POST', '/api/services/items', zsj, {
        item: { ...item, code: 'SY-GJJ-004', name: { zh: '住房公积金提取（退休）', en: 'Provident fund withdrawal: retirement' } },
      });
      assert.equal(good.status, 201, JSON.stringify(good.body));
      assert.equal((await t.call('POST', '/api/services/items', zsj, { item: { ...item, code: 'SY-GJJ-004' } })).status, 409);
    });

    test('一件事 bundles name their items and the departments they reach', async () => {
      const all = await t.call('GET', '/api/services/events');
      assert.ok(all.body.length >= 3);
      const restaurant = await t.call('GET', '/api/services/events/EV-RESTAURANT');
      assert.equal(restaurant.status, 200);
      assert.deepEqual(restaurant.body.departments.sort(), ['CGW', 'SCJGJ']);
      const birth = (await t.call('GET', '/api/services/events/EV-BIRTH')).body;
      assert.deepEqual(
        birth.items.map((i: { code: string }) => i.code),
        ['SY-WJW-001', 'SY-GAJ-003', 'SY-YBJ-001', 'SY-RSJ-001'],
      );
      assert.equal((await t.call('GET', '/api/services/events/EV-NOPE')).status, 404);
    });
  });
}
