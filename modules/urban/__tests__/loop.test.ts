/**
 * The case loop end to end on both dialects: an inspector reports exposed garbage with a photo,
 * the centre files it, it goes to the district's urban-management bureau, which reports back with
 * a photo; the inspector verifies and it closes within its working-time limit. A second case is
 * returned, re-dispatched and reworked; a 12345 work order's caller is told the result; the
 * month's evaluation ranks the units. And the refusals: no location, outside every grid, a unit
 * that does not own the subcategory, closing without verification, an extension beyond the
 * limit, another unit's case, a stale revision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

// Monday 2026-12-07 09:00 in Shiyan (UTC+8): a working morning.
const MONDAY_9 = Date.UTC(2026, 11, 7, 1, 0);
const HOUR = 3_600_000;
const IN_MAOJIAN = { lon: 110.78, lat: 32.62 };
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('synthetic photo')]).toString('base64');

/** The entries of a ZIP archive (the XLSX export), by name. */
function unzip(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    const method = buf.readUInt16LE(at + 8);
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const extra = buf.readUInt16LE(at + 28);
    const name = buf.subarray(at + 30, at + 30 + nameLen).toString('utf8');
    const data = buf.subarray(at + 30 + nameLen + extra, at + 30 + nameLen + extra + size);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 30 + nameLen + extra + size;
  }
  return out;
}

for (const d of await dialects()) {
  describe(`urban management: the case loop (${d.name})`, () => {
    let t: TestApp;
    let clock = MONDAY_9;
    let admin: string;
    let centre: string;
    let inspector: string;
    let unit: string;
    let other: string;
    let citizen: string;
    const photo = async (token: string) => {
      const r = await t.call('POST', '/api/files', token, { name: 'photo.jpg', contentType: 'image/jpeg', data: jpeg });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const user = async (username: string, department: string, districts: string[], roles = ['dept_staff']) => {
      const r = await t.call('POST', '/api/users', admin, {
        username,
        displayName: `${username}（合成）`,
        password: 'Temp-Passw0rd!',
        roles,
        department,
        districts,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const tok = await t.login(username, 'Temp-Passw0rd!');
      assert.equal((await t.call('POST', '/api/auth/password', tok, { currentPassword: 'Temp-Passw0rd!', newPassword: 'Urban&Case-2026' })).status, 204);
      return t.login(username, 'Urban&Case-2026');
    };
    const setClock = async (at: number) => {
      clock = at;
    };
    const act = async (token: string, id: string, action: string, body: object = {}) => t.call('POST', `/api/urban/cases/${id}/${action}`, token, body);
    const get = async (token: string, id: string) => (await t.call('GET', `/api/urban/cases/${id}`, token)).body;

    before(async () => {
      // The test's clock moves days ahead: sessions that long keep their tokens.
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400 });
      t.platform.now = () => clock;
      admin = await t.login('admin');
      centre = await t.login('cgw.staff');
      inspector = await t.login('grid.maojian');
      citizen = await t.login('citizen');
      unit = await user('mj.cgj', 'CGJ-420302', ['420302']);
      other = await user('zw.cgj', 'CGJ-420303', ['420303']);
    });
    after(() => t.close());

    test('the classification is data: at least 60 subcategories, each with its unit, limits, conditions and source', async () => {
      const c = (await t.call('GET', '/api/urban/classification', inspector)).body;
      assert.ok(c.subcategories.length >= 60);
      const majors = new Set(c.subcategories.map((s: { major: { code: string } }) => s.major.code));
      for (const m of ['C01', 'C02', 'C03', 'C04', 'C05', 'C06', 'E01', 'E02', 'E03', 'E04', 'E05', 'E06']) assert.ok(majors.has(m), m);
      const garbage = c.subcategories.find((s: { code: string }) => s.code === 'E0101');
      assert.deepEqual([garbage.name.zh, garbage.limits.normal, garbage.districtUnits['420302']], ['暴露垃圾', { workingDays: 1 }, 'CGJ-420302']);
      assert.ok(c.subcategories.every((s: { source: string; filing: { zh: string }; closing: { zh: string } }) => s.source && s.filing.zh && s.closing.zh));
    });

    let first: string;
    test('an inspector reports exposed garbage with a photo; it lands in its grid, waiting for filing', async () => {
      const r = await t.call('POST', '/api/urban/cases', inspector, {
        subcategory: 'E0101',
        location: IN_MAOJIAN,
        description: '人行道旁堆放生活垃圾约 2 袋（合成数据）',
        photos: [await photo(inspector)],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.state, 'reported');
      assert.equal(r.body.source, 'inspector');
      assert.match(r.body.grid, /^4203004203020\d{7}$/);
      assert.equal(r.body.district, '420302');
      assert.equal(r.body.photos.length, 1);
      first = r.body.id;
      // The photo is the case's: the centre sees it, another district's unit does not.
      const seen = await t.inject({ method: 'GET', url: r.body.photos[0].url, headers: { authorization: `Bearer ${centre}` } });
      assert.equal(seen.statusCode, 200);
      const hidden = await t.inject({ method: 'GET', url: r.body.photos[0].url, headers: { authorization: `Bearer ${other}` } });
      assert.equal(hidden.statusCode, 404);
    });

    test('the centre files and dispatches it to the district bureau automatically; the clock runs in working time', async () => {
      const before = await get(centre, first);
      assert.deepEqual(before.actions.sort(), ['file', 'reject']);
      // A stale revision is refused: no lost update.
      const stale = await act(centre, first, 'file', { rev: before.rev + 5 });
      assert.equal(stale.status, 409);
      assert.equal((await act(centre, first, 'file', { rev: before.rev })).status, 200);
      // A unit that does not own the subcategory is refused, with the ones that do.
      const wrong = await act(centre, first, 'dispatch', { unit: 'GAJ' });
      assert.equal(wrong.status, 400);
      assert.match(JSON.stringify(wrong.body), /CGJ-420302/);
      const r = await act(centre, first, 'dispatch', {});
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.state, 'handling');
      assert.equal(r.body.unit, 'CGJ-420302');
      // One working day from Monday 09:00: the end of Tuesday's office hours.
      assert.equal(new Date(r.body.dueAt + 8 * HOUR).toISOString().slice(0, 10), '2026-12-08');
    });

    test('another unit, the inspector and the centre cannot handle it; the unit cannot close it without verification', async () => {
      assert.equal((await act(other, first, 'report-back', { comment: 'x', photos: [await photo(other)] })).status, 404);
      assert.equal((await act(centre, first, 'report-back', { comment: 'x', photos: [await photo(centre)] })).status, 403);
      assert.equal((await act(unit, first, 'verify', { ok: true })).status, 403);
      // Without a photo of the result, no report back; a PDF is a file, not a photo.
      assert.equal((await act(unit, first, 'report-back', { comment: '已清理', photos: [] })).status, 400);
      const pdf = await t.call('POST', '/api/files', unit, {
        name: 'result.pdf',
        contentType: 'application/pdf',
        data: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
      });
      assert.equal(pdf.status, 201);
      const notPhoto = await act(unit, first, 'report-back', { comment: '已清理', photos: [pdf.body.id] });
      assert.equal(notPhoto.status, 400);
      assert.equal(notPhoto.body.errors[0].pointer, '/body/photos/0');
      // A file that says it is a PDF but is not.
      assert.equal((await t.call('POST', '/api/files', unit, { name: 'x.pdf', contentType: 'application/pdf', data: jpeg })).status, 400);
    });

    test('the unit reports back with a photo; the inspector verifies on site and the case closes on time', async () => {
      await setClock(MONDAY_9 + 3 * HOUR);
      const back = await act(unit, first, 'report-back', { comment: '已清运并冲洗地面', photos: [await photo(unit)] });
      assert.equal(back.status, 200, JSON.stringify(back.body));
      assert.equal(back.body.state, 'verifying');
      assert.equal(back.body.verifier !== null, true, 'the reporting inspector verifies');
      assert.equal(back.body.resultPhotos.length, 1);
      const mine = (await t.call('GET', '/api/urban/cases?mine=true', inspector)).body;
      assert.ok(mine.some((c: { id: string }) => c.id === first));
      await setClock(clock + HOUR);
      const closed = await act(inspector, first, 'verify', { ok: true, comment: '现场已整洁' });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(closed.body.state, 'closed');
      assert.equal(closed.body.handledOnTime, true);
      assert.deepEqual(
        closed.body.timeline.map((s: { action: string }) => s.action),
        ['created', 'file', 'dispatch', 'report_back', 'close'],
      );
    });

    let second: string;
    test('a second case is returned, re-dispatched and reworked before it closes', async () => {
      const r = await t.call('POST', '/api/urban/cases', inspector, {
        subcategory: 'E0501',
        location: { lon: 110.79, lat: 32.63 },
        description: '流动摊贩占道经营（合成数据）',
      });
      second = r.body.id;
      await act(centre, second, 'file');
      assert.equal((await act(centre, second, 'dispatch', {})).body.unit, 'CGJ-420302');
      // Returning needs a reason; once returned the unit no longer holds it.
      assert.equal((await act(unit, second, 'return', {})).status, 400);
      const ret = await act(unit, second, 'return', { comment: '该路段属开发区管辖（合成）' });
      assert.equal(ret.body.state, 'returned');
      assert.equal(ret.body.unit, null);
      assert.equal(ret.body.returns, 1);
      assert.equal((await act(centre, second, 'dispatch', { unit: 'CGJ-420302', comment: '经核实属茅箭区' })).body.state, 'handling');
      await act(unit, second, 'report-back', { comment: '已劝离', photos: [await photo(unit)] });
      // Rework needs what is still wrong.
      assert.equal((await act(inspector, second, 'verify', { ok: false })).status, 400);
      const rework = await act(inspector, second, 'verify', { ok: false, comment: '摊贩又返回' });
      assert.equal(rework.body.state, 'handling');
      assert.equal(rework.body.reworks, 1);
      await act(unit, second, 'report-back', { comment: '已依法暂扣', photos: [await photo(unit)] });
      assert.equal((await act(inspector, second, 'verify', { ok: true })).body.state, 'closed');
    });

    test('extensions within the limit are decided by the centre; beyond it, refused; hang-up stops the clock', async () => {
      const r = await t.call('POST', '/api/urban/cases', inspector, { subcategory: 'E0305', location: IN_MAOJIAN, description: '楼顶违法搭建（合成数据）' });
      const id = r.body.id;
      await act(centre, id, 'file');
      const dispatched = (await act(centre, id, 'dispatch', {})).body;
      assert.equal((await act(unit, id, 'requests', { kind: 'extension', reason: '需走法定程序', days: 16 })).status, 400, 'beyond the 15-day limit');
      assert.equal((await act(other, id, 'requests', { kind: 'extension', reason: 'x', days: 1 })).status, 404, 'not their case');
      const asked = await act(unit, id, 'requests', { kind: 'extension', reason: '需走法定程序', days: 5 });
      assert.equal(asked.status, 200, JSON.stringify(asked.body));
      const pending = (await t.call('GET', '/api/urban/requests', centre)).body;
      const req = pending.find((x: { case_id: string }) => x.case_id === id);
      assert.equal((await t.call('POST', `/api/urban/requests/${req.id}/decision`, unit, { approve: true })).status, 403);
      const ok = await t.call('POST', `/api/urban/requests/${req.id}/decision`, centre, { approve: true });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(ok.body.dueAt > dispatched.dueAt);
      assert.equal(ok.body.extensions, 1);
      // Hang-up: approved, the deadline is cleared; on resumption it is as far away as it was.
      await act(unit, id, 'requests', { kind: 'hang', reason: '涉及产权纠纷，待法院判决' });
      const hang = (await t.call('GET', '/api/urban/requests', centre)).body.find((x: { case_id: string }) => x.case_id === id);
      const hung = await t.call('POST', `/api/urban/requests/${hang.id}/decision`, centre, { approve: true });
      assert.equal(hung.body.state, 'hung');
      assert.equal(hung.body.dueAt, null);
      await setClock(clock + 24 * HOUR * 3);
      const resumed = await act(centre, id, 'resume', {});
      assert.equal(resumed.body.state, 'handling');
      assert.ok(resumed.body.dueAt > clock);
    });

    test('a 12345 work order arrives by API, once; its caller is told of filing and of the result with the photo', async () => {
      const key = await t.call('POST', '/api/api-keys', admin, { name: '12345 热线平台', roles: ['api_client'], department: 'ZSJ', districts: ['*'] });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      const hotline = key.body.key as string;
      const order = {
        orderNo: 'GD20261207001',
        subcategory: 'E0103',
        location: { lon: 110.781, lat: 32.621 },
        description: '市民来电：路面油污（合成数据）',
        caller: { name: '王某（合成）', phone: '13800001234' },
      };
      const a = await t.call('POST', '/api/urban/hotline/orders', hotline, order);
      assert.equal(a.status, 201, JSON.stringify(a.body));
      const again = await t.call('POST', '/api/urban/hotline/orders', hotline, order);
      assert.equal(again.body.caseId, a.body.caseId, 'the same order is the same case');
      const id = a.body.caseId;
      await act(centre, id, 'file');
      await act(centre, id, 'dispatch', {});
      await act(unit, id, 'report-back', { comment: '已清洗', photos: [await photo(unit)] });
      // No inspector reported it: any inspector of the district verifies.
      await act(inspector, id, 'verify', { ok: true });
      const status = await t.call('GET', `/api/urban/hotline/orders/${order.orderNo}`, hotline);
      assert.equal(status.status, 200, JSON.stringify(status.body));
      assert.equal(status.body.state, 'closed');
      assert.deepEqual(
        status.body.notices.map((n: { kind: string }) => n.kind),
        ['filed', 'result'],
      );
      assert.match(status.body.notices[1].text.zh, /\/api\/files\//);
      assert.equal(status.body.notices[0].to, '138****1234', 'the caller’s number, masked');
      // Staff see the caller masked; the hotline system reads only its own orders.
      const seen = await get(centre, id);
      assert.equal(seen.reporter.phone, '138****1234');
      assert.equal((await t.call('GET', `/api/urban/cases/${first}`, hotline)).status, 404);
    });

    test('bad reports are refused with reasons: no location, no category, outside every grid', async () => {
      const noLoc = await t.call('POST', '/api/urban/cases', inspector, { subcategory: 'E0101', description: 'x' });
      assert.equal(noLoc.status, 400);
      assert.match(JSON.stringify(noLoc.body), /location/);
      const noCat = await t.call('POST', '/api/urban/cases', inspector, { location: IN_MAOJIAN, description: 'x' });
      assert.equal(noCat.status, 400);
      assert.match(JSON.stringify(noCat.body), /subcategory/);
      const outside = await t.call('POST', '/api/urban/cases', inspector, { subcategory: 'E0101', location: { lon: 110.2, lat: 32.2 }, description: 'x' });
      assert.equal(outside.status, 400);
      assert.match(outside.body.detail, /grid/);
      const unknown = await t.call('POST', '/api/urban/cases', inspector, { subcategory: 'E9999', location: IN_MAOJIAN, description: 'x' });
      assert.equal(unknown.status, 400);
    });

    test('a second report nearby is proposed as a duplicate and merged; its reporter follows the case it joined', async () => {
      const a = await t.call('POST', '/api/urban/cases', inspector, {
        subcategory: 'E0114',
        location: { lon: 110.785, lat: 32.625 },
        description: '垃圾桶满溢',
      });
      const b = await t.call('POST', '/api/urban/cases', citizen, {
        subcategory: 'E0114',
        location: { lon: 110.7852, lat: 32.6251 },
        description: '这里的垃圾桶满了（合成）',
      });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      assert.equal(b.body.source, 'citizen');
      assert.equal(b.body.duplicateOf, a.body.id);
      const dups = (await t.call('GET', '/api/urban/cases?duplicates=true', centre)).body;
      assert.ok(dups.some((c: { id: string }) => c.id === b.body.id));
      const merged = await act(centre, b.body.id, 'merge', {});
      assert.equal(merged.body.state, 'merged');
      assert.equal(merged.body.mergedInto, a.body.id);
      await act(centre, a.body.id, 'file');
      // The citizen sees their own report only, and was told of both.
      const mine = (await t.call('GET', '/api/urban/cases', citizen)).body;
      assert.deepEqual(
        mine.map((c: { id: string }) => c.id),
        [b.body.id],
      );
      assert.equal((await t.call('GET', `/api/urban/cases/${a.body.id}`, citizen)).status, 404);
    });

    test('a handling deadline that passes marks the case overdue (timers survive in the database)', async () => {
      const r = await t.call('POST', '/api/urban/cases', inspector, { subcategory: 'E0112', location: IN_MAOJIAN, description: '道路遗撒（合成）' });
      await act(centre, r.body.id, 'file');
      const d1 = (await act(centre, r.body.id, 'dispatch', {})).body;
      await setClock(d1.dueAt + 1000);
      await t.workflow.runDueTimers();
      // The overdue mark is made by the bus consumer; wait for it.
      for (let i = 0; i < 200 && !(await get(centre, r.body.id)).overdue; i++) await new Promise((res) => setImmediate(res));
      const after1 = await get(centre, r.body.id);
      assert.equal(after1.overdue, true);
      const late = (await t.call('GET', '/api/urban/cases?overdue=true&open=true', centre)).body;
      assert.ok(late.some((c: { id: string }) => c.id === r.body.id));
    });

    test('the month’s evaluation ranks units and districts, and exports XLSX', async () => {
      const e = await t.call('GET', '/api/urban/evaluation?period=2026-12', centre);
      assert.equal(e.status, 200, JSON.stringify(e.body));
      const u = e.body.units.find((x: { key: string }) => x.key === 'CGJ-420302');
      assert.ok(u, JSON.stringify(e.body.units));
      assert.equal(u.figures.returned, 1);
      assert.equal(u.figures.rework, 1);
      assert.ok(u.figures.closed >= 3);
      assert.equal(u.figures.overdue, 1);
      assert.equal(u.rank >= 1, true);
      assert.ok(u.score > 0 && u.score <= 100);
      assert.ok(e.body.inspectors.some((x: { figures: { reported: number } }) => x.figures.reported >= 4));
      const x = await t.inject({ method: 'GET', url: '/api/urban/evaluation?period=2026-12&format=xlsx', headers: { authorization: `Bearer ${centre}` } });
      assert.equal(x.statusCode, 200);
      const files = unzip(x.rawPayload);
      assert.ok(files.has('xl/workbook.xml') && files.has('xl/worksheets/sheet1.xml'));
      assert.match(files.get('xl/worksheets/sheet1.xml')!, /CGJ-420302/);
      assert.match(files.get('xl/workbook.xml')!, /部门评价/);
    });

    test('a classification edit is a new version; a filed case keeps the version it was filed under', async () => {
      const cur = (await t.call('GET', '/api/urban/classification', centre)).body;
      const s = cur.subcategories.find((x: { code: string }) => x.code === 'E0101');
      const { code: _c, ...body } = s;
      assert.equal(
        (await t.call('PUT', '/api/urban/classification/subcategories/E0101', unit, { ...body, limits: { normal: { workingHours: 4 } } })).status,
        403,
      );
      const saved = await t.call('PUT', '/api/urban/classification/subcategories/E0101', centre, {
        ...body,
        limits: { normal: { workingHours: 4 } },
        note: '提速',
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.version, cur.version + 1);
      const old = await get(centre, first);
      assert.deepEqual(old.classification.limit, { workingDays: 1 });
      assert.equal(old.classification.version, cur.version);
      const bad = await t.call('PUT', '/api/urban/classification/subcategories/E0199', centre, { ...body, unit: 'NOPE' });
      assert.equal(bad.status, 400);
      // Two editors at once: one new version, the other told to reload (not a server error).
      const both = await Promise.all(
        [4, 5].map((h) => t.call('PUT', '/api/urban/classification/subcategories/E0101', centre, { ...body, limits: { normal: { workingHours: h } } })),
      );
      assert.ok(
        both.every((r) => r.status === 200 || r.status === 409),
        JSON.stringify(both.map((r) => r.status)),
      );
      const saved2 = both.filter((r) => r.status === 200).length;
      assert.ok(saved2 >= 1);
      assert.equal((await t.call('GET', '/api/urban/classification', centre)).body.version, saved.body.version + saved2, 'each success is one version');
    });
  });
}
