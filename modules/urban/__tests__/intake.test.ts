/**
 * The other ways cases come in and the centre's reference data, on both dialects: an early-warning
 * alert turned into a case; a video-analytics event with its snapshot; a citizen's report followed
 * to closing and rated once; components with their 18-digit IDs; surveyed grids imported from
 * GeoJSON (and bad ones refused); inspectors assigned to grids, who then get the verification;
 * reminders reaching the unit's phone; the evaluation as a PDF; and a deadline that survives a
 * restart of the process.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '../../../platform/bus/memory.js';
import { type TestApp, dialects, startApp, startAppOn } from '../../../test/helpers.js';
import { post, sharedStorage } from '../../../test/ingest.js';

const MONDAY_9 = Date.UTC(2026, 11, 7, 1, 0);
const HOUR = 3_600_000;
const IN_MAOJIAN = { lon: 110.78, lat: 32.62 };
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('synthetic snapshot')]).toString('base64');

for (const d of await dialects()) {
  describe(`urban management: intake and reference data (${d.name})`, () => {
    let t: TestApp;
    let clock = MONDAY_9;
    let admin: string;
    let centre: string;
    let unit: string;
    const act = (token: string, id: string, action: string, body: object = {}) => t.call('POST', `/api/urban/cases/${id}/${action}`, token, body);
    const photo = async (token: string) =>
      (await t.call('POST', '/api/files', token, { name: 'p.jpg', contentType: 'image/jpeg', data: jpeg })).body.id as string;
    before(async () => {
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400 });
      t.platform.now = () => clock;
      admin = await t.login('admin');
      centre = await t.login('cgw.staff');
      const u = await t.call('POST', '/api/users', admin, {
        username: 'mj.cgj',
        displayName: '茅箭区城管局（合成）',
        password: 'Temp-Passw0rd!',
        roles: ['dept_staff'],
        department: 'CGJ-420302',
        districts: ['420302'],
      });
      assert.equal(u.status, 201);
      const first = await t.login('mj.cgj', 'Temp-Passw0rd!');
      await t.call('POST', '/api/auth/password', first, { currentPassword: 'Temp-Passw0rd!', newPassword: 'Urban&Case-2026' });
      unit = await t.login('mj.cgj', 'Urban&Case-2026');
    });
    after(() => t.close());

    test('a waterlogging alert becomes an urgent 道路积水 case; an alert of no urban kind, or unknown, does not', async () => {
      // A ponding sensor in 茅箭区's grids reads 20 cm: the waterlogging rule raises an alert.
      clock = Date.now();
      const dev = await t.call('POST', '/api/devices', admin, {
        id: 'um-ponding-1',
        name: 'um-ponding-1',
        type: 'FloodMonitoring',
        department: 'ZJJ',
        location: IN_MAOJIAN,
      });
      assert.equal(dev.status, 201, JSON.stringify(dev.body));
      await post(t, 'um-ponding-1', dev.body.token, { ts: clock - 5 * 60_000, currentLevel: 0.2 });
      await post(t, 'um-ponding-1', dev.body.token, { ts: clock - 60_000, currentLevel: 0.22 });
      const duty = await t.login('duty');
      const alerts = (await t.call('GET', '/api/alerts?limit=50', duty)).body.items as { id: string; ruleId: string }[];
      const a = alerts.find((x) => x.ruleId === 'waterlogging-depth');
      assert.ok(a, JSON.stringify(alerts.map((x) => x.ruleId)));
      const r = await t.call('POST', '/api/urban/cases/from-alert', duty, { alertId: a.id });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual([r.body.source, r.body.subcategory, r.body.urgent, r.body.externalRef], ['alert', 'E0405', true, a.id]);
      // The same alert again is the same case.
      assert.equal((await t.call('POST', '/api/urban/cases/from-alert', duty, { alertId: a.id })).body.id, r.body.id);
      assert.equal((await t.call('POST', '/api/urban/cases/from-alert', duty, { alertId: 'alr_00000000000000000000000' })).status, 404);
      assert.equal((await t.call('POST', '/api/urban/cases/from-alert', unit, { alertId: a.id })).status, 403, 'only the centre');
      const other = alerts.find((x) => !x.ruleId.startsWith('waterlogging') && !x.ruleId.startsWith('drainage') && !x.ruleId.startsWith('air-quality'));
      if (other) assert.equal((await t.call('POST', '/api/urban/cases/from-alert', duty, { alertId: other.id })).status, 400);
      clock = MONDAY_9;
    });

    test('a video-analytics event with a snapshot becomes a case for filing, once', async () => {
      const key = await t.call('POST', '/api/api-keys', admin, { name: '视频智能分析平台', roles: ['api_client'], department: 'CGW', districts: ['*'] });
      const video = key.body.key as string;
      const snap = await photo(video);
      const body = {
        eventId: 'cam17-20261207-0001',
        camera: 'CAM-017',
        subcategory: 'E0501',
        location: { lon: 110.781, lat: 32.621 },
        confidence: 0.93,
        snapshot: snap,
      };
      const r = await t.call('POST', '/api/urban/video/events', video, body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.source, 'video');
      assert.equal(r.body.photos.length, 1);
      assert.match(r.body.description, /CAM-017.*93%/);
      assert.equal((await t.call('POST', '/api/urban/video/events', video, body)).body.id, r.body.id);
      // Sent five times at once, a new event still makes one case.
      const again = { ...body, eventId: 'cam17-20261207-0002', snapshot: undefined };
      const many = await Promise.all(Array.from({ length: 5 }, () => t.call('POST', '/api/urban/video/events', video, again)));
      assert.ok(
        many.every((m) => m.status === 201),
        JSON.stringify(many.map((m) => m.status)),
      );
      assert.equal(new Set(many.map((m) => m.body.id)).size, 1);
      // The system sees what it sent, nothing else.
      const mine = (await t.call('GET', '/api/urban/cases', video)).body;
      assert.deepEqual(mine.map((c: { id: string }) => c.id).sort(), [r.body.id, many[0]!.body.id].sort());
    });

    test('components get 18-digit IDs: county, major class, subcategory, sequence', async () => {
      const a = await t.call('POST', '/api/urban/components', centre, { subcategory: 'C0111', location: IN_MAOJIAN, name: '示例路灯 1（合成）' });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      assert.equal(a.body.id, '420302011100000001');
      const b = await t.call('POST', '/api/urban/components', centre, { subcategory: 'C0111', location: IN_MAOJIAN });
      assert.equal(b.body.id, '420302011100000002');
      assert.equal(a.body.unit, 'CGW');
      assert.match(a.body.grid_code, /^4203004203020/);
      assert.equal(
        (await t.call('POST', '/api/urban/components', centre, { subcategory: 'E0101', location: IN_MAOJIAN })).status,
        400,
        'events are not components',
      );
      assert.equal((await t.call('POST', '/api/urban/components', unit, { subcategory: 'C0111', location: IN_MAOJIAN })).status, 403);
      // A report may name the component.
      const r = await t.call('POST', '/api/urban/cases', await t.login('grid.maojian'), {
        subcategory: 'C0111',
        location: IN_MAOJIAN,
        description: '路灯不亮（合成）',
        componentId: a.body.id,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.componentId, a.body.id);
    });

    test('surveyed grids import from GeoJSON and replace the district’s; bad files are refused by feature', async () => {
      const square = (x: number, y: number) => ({
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + 0.001, y],
            [x + 0.001, y + 0.0009],
            [x, y + 0.0009],
            [x, y],
          ],
        ],
      });
      const fc = {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: '42030042030400100101', street: '城关镇（测试）', community: '示例社区（测试）' },
            geometry: square(110.81, 32.83),
          },
          { type: 'Feature', properties: { code: '42030042030400100102' }, geometry: square(110.811, 32.83) },
        ],
      };
      assert.equal((await t.call('POST', '/api/urban/grids/import', unit, fc)).status, 403);
      const r = await t.call('POST', '/api/urban/grids/import', centre, fc);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { grids: 2, districts: ['420304'] });
      const at = await t.call('GET', '/api/urban/grids/at?lon=110.8115&lat=32.8304', centre);
      assert.equal(at.body.code, '42030042030400100102');
      assert.equal(at.body.generated, false);
      // 茅箭区's generated grids are untouched.
      assert.equal((await t.call('GET', `/api/urban/grids/at?lon=${IN_MAOJIAN.lon}&lat=${IN_MAOJIAN.lat}`, centre)).body.generated, true);
      const bad = await t.call('POST', '/api/urban/grids/import', centre, {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { code: '4203004203' }, geometry: square(110.81, 32.83) },
          { type: 'Feature', properties: { code: '42030099999900100101' }, geometry: square(110.81, 32.83) },
          { type: 'Feature', properties: { code: '42030042030400100103' }, geometry: { type: 'Point', coordinates: [110.8, 32.8] } },
        ],
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(
        bad.body.errors.map((e: { pointer: string }) => e.pointer),
        ['/body/features/0/properties/code', '/body/features/1/properties/code', '/body/features/2/geometry'],
      );
      assert.equal((await t.call('GET', '/api/urban/grids/at?lon=110.8115&lat=32.8304', centre)).body.code, '42030042030400100102', 'nothing saved');
    });

    test('an inspector assigned to a grid gets the verification of a citizen’s report there; the citizen rates it once', async () => {
      const me = (await t.call('GET', '/api/auth/me', await t.login('grid.maojian'))).body.id;
      const grid = (await t.call('GET', `/api/urban/grids/at?lon=${IN_MAOJIAN.lon}&lat=${IN_MAOJIAN.lat}`, centre)).body.code;
      assert.equal((await t.call('PUT', '/api/urban/grids/inspectors', centre, { grids: [grid], inspectors: [me] })).status, 204);
      const inspector = await t.login('grid.maojian');
      assert.deepEqual(
        (await t.call('GET', '/api/urban/my/grids', inspector)).body.map((g: { code: string }) => g.code),
        [grid],
      );
      const citizen = await t.login('citizen');
      const r = await t.call('POST', '/api/urban/cases', citizen, { subcategory: 'E0201', location: IN_MAOJIAN, description: '电线杆上贴满小广告（合成）' });
      assert.equal(r.status, 201);
      const id = r.body.id;
      await act(centre, id, 'file');
      await act(centre, id, 'dispatch', {});
      const back = await act(unit, id, 'report-back', { comment: '已清除', photos: [await photo(unit)] });
      assert.equal(back.body.verifier, me);
      assert.equal((await act(citizen, id, 'rating', { score: 5 })).status, 409, 'not closed yet');
      await act(inspector, id, 'verify', { ok: true });
      assert.equal((await act(unit, id, 'rating', { score: 1 })).status, 403, 'only the reporter');
      const rated = await act(citizen, id, 'rating', { score: 4, comment: '处理及时' });
      assert.equal(rated.status, 200, JSON.stringify(rated.body));
      assert.equal(rated.body.rating, 4);
      assert.equal((await act(citizen, id, 'rating', { score: 5 })).status, 409, 'once');
      const seen = (await t.call('GET', `/api/urban/cases/${id}`, citizen)).body;
      assert.deepEqual(
        seen.notices.map((n: { kind: string }) => n.kind),
        ['filed', 'result'],
      );
      assert.ok(
        seen.timeline.every((s: { actor: string | null }) => s.actor === null),
        'the public does not see who acted',
      );
      const e = (await t.call('GET', '/api/urban/evaluation?period=2026-12', centre)).body;
      const u = e.units.find((x: { key: string }) => x.key === 'CGJ-420302');
      assert.equal(u.rates.satisfaction, 4);
      assert.equal((await t.call('GET', '/api/urban/evaluation?period=2026-12', citizen)).status, 403);
    });

    test('a reminder before the handling deadline reaches the unit’s phone', async () => {
      const ep = await t.call('POST', '/api/warning/endpoints', admin, { department: 'CGJ-420302', channel: 'sms', address: '13900009999' });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
      const r = await t.call('POST', '/api/urban/cases', await t.login('grid.maojian'), {
        subcategory: 'E0112',
        location: IN_MAOJIAN,
        description: '道路遗撒（合成）',
      });
      await act(centre, r.body.id, 'file');
      const due = (await act(centre, r.body.id, 'dispatch', {})).body.dueAt as number;
      clock = due - 30 * 60_000;
      await t.workflow.runDueTimers();
      await t.bus.settled();
      await t.notificationsDue();
      const sms = await t.platform.db.selectFrom('dev_outbox').select('body').where('address', '=', '13900009999').execute();
      assert.ok(
        sms.some((m) => m.body.startsWith('【数字城管】案件') && m.body.includes('到期')),
        JSON.stringify(sms),
      );
      clock = MONDAY_9;
    });

    test('the evaluation prints as a PDF where the server has Chromium', { skip: !existsSync('/usr/bin/chromium') && 'no Chromium' }, async () => {
      const r = await t.inject({ method: 'GET', url: '/api/urban/evaluation?period=2026-12&format=pdf', headers: { authorization: `Bearer ${centre}` } });
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'application/pdf');
      assert.equal(r.rawPayload.subarray(0, 5).toString(), '%PDF-');
    });
  });

  describe(`urban management: a restart loses no deadline (${d.name})`, () => {
    test('a case dispatched before a restart is marked overdue by the next process', async () => {
      const storage = await sharedStorage(d);
      const quiet = { warn() {}, error() {} };
      try {
        const clock = MONDAY_9;
        let t = await startAppOn(storage, new MemoryBus(quiet), { accessTokenTtl: 30 * 86_400 });
        t.platform.now = () => clock;
        const inspector = await t.login('grid.maojian');
        const centre = await t.login('cgw.staff');
        const r = await t.call('POST', '/api/urban/cases', inspector, { subcategory: 'E0111', location: IN_MAOJIAN, description: '动物尸体（合成）' });
        await t.call('POST', `/api/urban/cases/${r.body.id}/file`, centre, {});
        const due = (await t.call('POST', `/api/urban/cases/${r.body.id}/dispatch`, centre, {})).body.dueAt as number;
        assert.ok(due > clock);
        await t.close();

        const bus = new MemoryBus(quiet);
        t = await startAppOn(storage, bus, { accessTokenTtl: 30 * 86_400 });
        t.platform.now = () => due + HOUR;
        await t.workflow.runDueTimers();
        await bus.settled();
        const c = (await t.call('GET', `/api/urban/cases/${r.body.id}`, await t.login('cgw.staff'))).body;
        assert.equal(c.overdue, true);
        assert.ok(c.timeline.some((s: { action: string }) => s.action === 'deadline.passed'));
        await t.close();
      } finally {
        await storage.close();
      }
    });
  });
}
