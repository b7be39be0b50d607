/**
 * The resource catalogue (政务数据资源目录): the city's base databases registered by their
 * providers, search in Chinese and English, browse by provider and class, entries kept by their
 * provider (the data authority governs all), versions with what changed, drafts seen only by their
 * keepers, and the catalogue as JSON and CSV files, in and out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCsv } from '../../../platform/csv.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const url = (code: string) => `/api/sharing/catalogue/${encodeURIComponent(code)}`;

/** A departmental entry of 住建局 as a provider would write it. */
const entry = (over: Record<string, unknown> = {}) => ({
  classCode: '301003',
  name: { zh: '城市排水管网', en: 'Urban drainage network' },
  kind: 'departmental',
  provider: 'ZJJ',
  abstract: '中心城区排水管网的管段、检查井和泵站。',
  format: 'table',
  items: [
    {
      key: 'segmentId',
      name: { zh: '管段编号', en: 'Segment id' },
      type: 'code',
      length: 20,
      sharing: 'unconditional',
      grade: 'general',
      level: 1,
      mask: 'none',
    },
    { key: 'diameter', name: { zh: '管径（毫米）', en: 'Diameter (mm)' }, type: 'integer', sharing: 'unconditional', grade: 'general', level: 1, mask: 'none' },
  ],
  sharingType: 'unconditional',
  sharingMethods: ['api'],
  openType: 'closed',
  updateCycle: 'monthly',
  publishedAt: '2026-11-30',
  keywords: ['排水', '管网'],
  status: 'published',
  ...over,
});

for (const d of await dialects()) {
  describe(`the resource catalogue (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let zjj: string;
    let cgw: string;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      zjj = await t.login('zjj.staff');
      cgw = await t.login('cgw.staff');
    });
    after(() => t.close());

    test('the seven base databases are registered, each by the provider the plan names', async () => {
      const base = await t.call('GET', '/api/sharing/catalogue?kind=base', cgw);
      assert.equal(base.status, 200);
      const byDataset = Object.fromEntries(base.body.items.map((r: { dataset: string; provider: string }) => [r.dataset, r.provider]));
      assert.deepEqual(byDataset, {
        population: 'GAJ',
        'legal-entities': 'SCJGJ',
        spatial: 'ZRZYJ',
        licences: 'ZSJ',
        credit: 'FGW',
        trading: 'GGZY',
        'macro-economy': 'TJJ',
      });
      // 市统计局 is a department of the city, though the plan's matrix does not list it.
      assert.equal((await t.call('GET', '/api/departments/TJJ', admin)).body.name.zh, '市统计局');
      const population = await t.call('GET', url('101001/000001'), cgw);
      assert.equal(population.status, 200);
      const id = population.body.items.find((i: { key: string }) => i.key === 'idNumber');
      assert.deepEqual([id.sensitive, id.grade, id.level, id.mask], [true, 'general', 4, 'id_number']);
    });

    test('search finds entries by Chinese and English words anywhere in them; browse by provider, class and sharing class', async () => {
      const codes = async (q: string) => (await t.call('GET', `/api/sharing/catalogue?${q}`, cgw)).body.items.map((r: { code: string }) => r.code).sort();
      assert.deepEqual(await codes(`q=${encodeURIComponent('人口')}`), ['101001/000001']);
      assert.ok((await codes(`q=${encodeURIComponent('身份证')}`)).includes('101001/000001'), 'a keyword');
      assert.deepEqual(await codes(`q=${encodeURIComponent('黑名单 信用')}`), ['105001/000001'], 'every word must appear');
      assert.ok((await codes(`q=${encodeURIComponent('ID number')}`)).includes('104001/000001'), 'an item’s English name');
      assert.deepEqual(await codes(`q=${encodeURIComponent('市公安局')}`), ['101001/000001', '301001/000001'], 'the provider’s name');
      assert.deepEqual(await codes('q=%25'), [], 'a % is a character, not a wildcard');
      assert.deepEqual(await codes('provider=GAJ'), ['101001/000001', '301001/000001']);
      assert.equal((await codes('classCode=1')).length, 7);
      const none = (await t.call('GET', '/api/sharing/catalogue?sharingType=none', cgw)).body.items;
      assert.deepEqual(
        none.map((r: { code: string }) => r.code),
        ['301001/000001'],
      );
      assert.match(none[0].legalBasis, /刑事诉讼法/);
    });

    test('a provider registers its own resources, numbered within their class; not another department’s', async () => {
      const a = await t.call('POST', '/api/sharing/catalogue', zjj, entry());
      assert.equal(a.status, 201, JSON.stringify(a.body));
      assert.equal(a.body.code, '301003/000001');
      assert.equal(a.body.version, 1);
      const b = await t.call('POST', '/api/sharing/catalogue', zjj, entry({ name: { zh: '排水泵站', en: 'Pumping stations' } }));
      assert.equal(b.body.code, '301003/000002');
      const foreign = await t.call('POST', '/api/sharing/catalogue', zjj, entry({ provider: 'GAJ' }));
      assert.equal(foreign.status, 403);
      assert.equal(foreign.body.code, 'WD_ERR_OUT_OF_SCOPE');
      // The data authority (市政务服务和大数据管理局, here the administrator) keeps any department's.
      assert.equal((await t.call('POST', '/api/sharing/catalogue', admin, entry({ provider: 'CGW', name: { zh: '城管案件', en: 'Cases' } }))).status, 201);
      const audit = await t.call('GET', '/api/audit?action=sharing.resource_created&limit=50', admin);
      assert.ok(audit.body.items.some((e: { targetId: string }) => e.targetId === '301003/000001'));
    });

    test('what the rules forbid is refused in words: an unshared resource without its legal basis, sensitive data graded low, a class of the wrong kind', async () => {
      const problems = async (body: unknown) => {
        const r = await t.call('POST', '/api/sharing/catalogue', zjj, body);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        return r.body.errors.map((e: { pointer: string }) => e.pointer);
      };
      const items = entry().items.map((i) => ({ ...i, sharing: 'none' }));
      assert.deepEqual(await problems(entry({ sharingType: 'none', items, sharingMethods: [] })), ['/body/legalBasis']);
      const sensitive = [{ ...entry().items[0], key: 'ownerId', sensitive: true, level: 2, mask: 'none', sharing: 'unconditional' }];
      assert.deepEqual(await problems(entry({ items: sensitive })), ['/body/items/0/level', '/body/items/0/mask']);
      assert.deepEqual(await problems(entry({ kind: 'base' })), ['/body/classCode']);
      const mixed = [entry().items[0], { ...entry().items[1], sharing: 'conditional' }];
      assert.deepEqual(await problems(entry({ items: mixed })), ['/body/items/1/sharing'], 'an unconditional resource shares every item');
      // A conditional resource may share some items with all ("part of it to all").
      const partly = await t.call(
        'POST',
        '/api/sharing/catalogue',
        zjj,
        entry({ sharingType: 'conditional', sharingCondition: '用于排水防涝', items: mixed, name: { zh: '部分共享', en: 'Partly' } }),
      );
      assert.equal(partly.status, 201, JSON.stringify(partly.body));
    });

    test('each save is a version with what changed and who; a stale version is refused', async () => {
      const cur = (await t.call('GET', url('301003/000001'), zjj)).body;
      const { code: _c, version, updatedBy: _b, updatedAt: _a, ...def } = cur;
      const items = [
        ...def.items,
        { key: 'material', name: { zh: '材质', en: 'Material' }, type: 'string', sharing: 'unconditional', grade: 'general', level: 1, mask: 'none' },
      ];
      const put = await t.call('PUT', url('301003/000001'), zjj, { ...def, version, abstract: `${def.abstract}含材质。`, items });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.body.version, version + 1);
      const stale = await t.call('PUT', url('301003/000001'), zjj, { ...def, version, abstract: 'x' });
      assert.equal(stale.status, 409);
      const history = (await t.call('GET', `${url('301003/000001')}/history`, cgw)).body;
      assert.deepEqual(
        history.map((h: { version: number; changes: string[] }) => [h.version, h.changes]),
        [
          [2, ['abstract', 'items.material+']],
          [1, ['created']],
        ],
      );
      assert.equal(history[0].changedBy.name.includes('zjj') || history[0].changedBy.name.length > 0, true);
      assert.equal(history[1].definition.items.length, 2, 'the old version as it was');
      const foreign = await t.call('PUT', url('301003/000001'), cgw, { ...def, version: version + 1 });
      assert.equal(foreign.status, 403);
    });

    test('a draft is seen by its provider and the data authority only, and answers others as unknown', async () => {
      const draft = await t.call('POST', '/api/sharing/catalogue', zjj, entry({ status: 'draft', name: { zh: '草稿资源', en: 'Draft' } }));
      assert.equal(draft.status, 201);
      const code = draft.body.code;
      assert.equal((await t.call('GET', url(code), zjj)).status, 200);
      assert.equal((await t.call('GET', url(code), admin)).status, 200);
      const hidden = await t.call('GET', url(code), cgw);
      const unknown = await t.call('GET', url('301003/999999'), cgw);
      assert.equal(hidden.status, 404);
      assert.equal(hidden.body.detail.replace(code, '<c>'), unknown.body.detail.replace('301003/999999', '<c>'));
      const listed = (await t.call('GET', '/api/sharing/catalogue?limit=500', cgw)).body.items.map((r: { code: string }) => r.code);
      assert.ok(!listed.includes(code));
      assert.ok((await t.call('GET', '/api/sharing/catalogue?limit=500&status=draft', zjj)).body.items.some((r: { code: string }) => r.code === code));
    });

    test('the catalogue goes out as CSV and JSON and comes back: unchanged entries stay, a revised row revises, a bad row is reported by its line', async () => {
      const csv = await t.inject({ method: 'GET', url: '/api/sharing/catalogue/export?format=csv&provider=ZJJ', headers: { authorization: `Bearer ${zjj}` } });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      const rows = parseCsv(csv.body);
      assert.ok(rows.length >= 5 && rows.every((r) => r.provider === 'ZJJ'), `${rows.length} rows`);
      const again = await t.call('POST', '/api/sharing/catalogue/import', zjj, { format: 'csv', content: csv.body });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual([again.body.created, again.body.updated, again.body.failed], [0, 0, 0], JSON.stringify(again.body.results));
      // Revise one item's name, add an entry without a code, and break one.
      const lines = csv.body.split('\r\n');
      const edited = [
        ...lines.slice(0, -1).map((l) => (l.startsWith('301003/000001,') ? l.replace('管径（毫米）', '管径（mm）') : l)),
        lines[1]!.replace(/^301003\/000001/, '').replace('城市排水管网', '雨水口'),
        lines[1]!.replace(/^301003\/000001/, '301003/000077').replace(',table,', ',tablet,'),
        '',
      ].join('\r\n');
      const dry = await t.call('POST', '/api/sharing/catalogue/import', zjj, { format: 'csv', content: edited, dryRun: true });
      assert.deepEqual([dry.body.created, dry.body.updated, dry.body.failed], [1, 1, 1], JSON.stringify(dry.body.results));
      const failed = dry.body.results.find((r: { outcome: string }) => r.outcome === 'failed');
      assert.equal(failed.at, lines.length + 1, 'reported by its line in the file (the header is line 1)');
      assert.deepEqual(
        failed.errors.map((e: { pointer: string }) => e.pointer),
        ['/body/format'],
      );
      assert.equal((await t.call('GET', url('301003/000001'), zjj)).body.version, 2, 'a dry run changes nothing');
      const done = await t.call('POST', '/api/sharing/catalogue/import', zjj, { format: 'csv', content: edited });
      assert.deepEqual([done.body.created, done.body.updated, done.body.failed], [1, 1, 1]);
      assert.equal((await t.call('GET', url('301003/000001'), zjj)).body.items.find((i: { key: string }) => i.key === 'diameter').name.zh, '管径（mm）');
      assert.equal((await t.call('GET', url('301003/000077'), zjj)).status, 404, 'the bad entry is not half-written');
      // JSON: what the export gives, the import takes back unchanged.
      const json = await t.inject({ method: 'GET', url: '/api/sharing/catalogue/export?provider=ZJJ', headers: { authorization: `Bearer ${zjj}` } });
      const back = await t.call('POST', '/api/sharing/catalogue/import', zjj, { format: 'json', content: json.body });
      assert.equal(back.body.unchanged, JSON.parse(json.body).length);
      const broken = await t.call('POST', '/api/sharing/catalogue/import', zjj, { format: 'json', content: '{"not": "a list"' });
      assert.equal(broken.status, 400);
    });

    test('an exported spreadsheet cannot run a formula someone typed', async () => {
      const r = await t.call(
        'POST',
        '/api/sharing/catalogue',
        zjj,
        entry({ name: { zh: '公式', en: 'Formula' }, abstract: '=HYPERLINK("http://evil.example","点击")' }),
      );
      assert.equal(r.status, 201);
      const csv = await t.inject({ method: 'GET', url: '/api/sharing/catalogue/export?format=csv&provider=ZJJ', headers: { authorization: `Bearer ${zjj}` } });
      assert.ok(csv.body.includes(`"'=HYPERLINK(""http://evil.example"",""点击"")"`), csv.body.slice(0, 300));
    });
  });
}
