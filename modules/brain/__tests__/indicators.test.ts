/**
 * City indicators on SQLite and PostgreSQL: the seeded definitions evaluate over real devices,
 * readings, alerts and incidents (AQI by district per HJ 633, ponding points over 15 cm, stations
 * over their own warning level, devices online, open alerts, incidents without drills); stale
 * readings do not count; a department adds its own indicator without code, and bad ones are
 * refused at their fields; snapshots give history and the trend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { pondingAlert } from '../../../test/command-fixtures.js';
import { post } from '../../../test/ingest.js';
import { computeAqi } from '../../warning/index.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 }; // 420303
const MAOJIAN = { lon: 110.78621, lat: 32.644463 }; // 420302
const MIN = 60_000;

type Item = { id: string; current: { value: number | null; status: string | null; breakdown: Record<string, number> | null; previous: number | null } };

for (const d of await dialects()) {
  describe(`city indicators (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let clock = Date.now();
    let riverToken: string;
    const device = async (id: string, type: string, department: string, location: { lon: number; lat: number }, properties?: Record<string, unknown>) => {
      const r = await t.call('POST', '/api/devices', admin, { id, name: id, type, department, location, ...(properties ? { properties } : {}) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.token as string;
    };
    const values = async (token = admin) => {
      const r = await t.call('GET', '/api/brain/indicators', token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return new Map((r.body.items as Item[]).map((i) => [i.id, i.current]));
    };
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      const now = Date.now();
      const a1 = await device('aq-zhangwan', 'AirQualityObserved', 'STHJJ', ZHANGWAN);
      const a2 = await device('aq-maojian', 'AirQualityObserved', 'STHJJ', MAOJIAN);
      await post(t, 'aq-zhangwan', a1, { ts: now - MIN, pm25: 80 });
      await post(t, 'aq-maojian', a2, { ts: now - MIN, pm25: 30 });
      // A station whose only reading is three hours old: it does not count (fresh within 120 min).
      const a3 = await device('aq-stale', 'AirQualityObserved', 'STHJJ', MAOJIAN);
      await post(t, 'aq-stale', a3, { ts: now - 180 * MIN, pm25: 400 });
      const f = await device('pond-maojian', 'FloodMonitoring', 'ZJJ', MAOJIAN);
      await post(t, 'pond-maojian', f, { ts: now - MIN, currentLevel: 0.05 });
      await pondingAlert(t, admin); // pond-renmin at 20 cm in 张湾区, and its alert
      const w1 = await device('river-huanglong', 'WaterObserved', 'SLJ', ZHANGWAN, { warningLevel: 2.0 });
      await post(t, 'river-huanglong', w1, { ts: now - MIN, waterLevel: 2.4 });
      riverToken = await device('river-maojian', 'WaterObserved', 'SLJ', MAOJIAN, { warningLevel: 3.0 });
      await post(t, 'river-maojian', riverToken, { ts: now - MIN, waterLevel: 2.4 });
      await t.sensing.sweep();
      t.platform.now = () => clock;
    });
    after(() => t.close());

    test('air: the HJ 633 AQI averaged over fresh stations, by district; the worst station', async () => {
      const v = await values();
      const zw = computeAqi({ PM25_24h: 80 }).aqi;
      const mj = computeAqi({ PM25_24h: 30 }).aqi;
      assert.equal(v.get('air-aqi')!.value, Math.round((zw + mj) / 2));
      assert.deepEqual(v.get('air-aqi')!.breakdown, { '420302': mj, '420303': zw });
      assert.equal(v.get('air-aqi-worst')!.value, zw, 'the stale 400 µg/m³ station is left out');
      assert.equal(v.get('air-aqi-worst')!.status, zw >= 101 ? 'yellow' : 'green');
    });

    test('drainage and water: ponding points over 15 cm; stations over their own warning level', async () => {
      const v = await values();
      assert.equal(v.get('drainage-ponding')!.value, 1);
      assert.deepEqual(v.get('drainage-ponding')!.breakdown, { '420302': 0, '420303': 1 });
      assert.equal(v.get('drainage-ponding')!.status, 'yellow');
      assert.equal(v.get('water-stations-over-warning')!.value, 1, '2.4 m is over 2.0 but not over 3.0');
    });

    test('devices online, open alerts by department, incidents without drills', async () => {
      const v = await values();
      const devices = (await t.call('GET', '/api/devices/status', admin)).body as Record<string, number>;
      const all = Object.values(devices).reduce((a, b) => a + b, 0);
      assert.equal(v.get('devices-online')!.value, Number(((100 * (devices.online ?? 0)) / all).toFixed(1)));
      // The ponding alert and the river over its warning level, each to its rule's owner.
      const open = (await t.call('GET', '/api/alerts?open=true&limit=100', admin)).body.items as { department: string }[];
      assert.ok(open.length >= 2);
      assert.equal(v.get('alerts-open')!.value, open.length);
      const byDept: Record<string, number> = {};
      for (const a of open) byDept[a.department] = (byDept[a.department] ?? 0) + 1;
      assert.deepEqual(v.get('alerts-open')!.breakdown, byDept);
      assert.equal(byDept.ZJJ, 1);
      assert.equal(v.get('incidents-current')!.value, 0);
      const duty = await t.login('duty');
      const body = { title: '积水', subkind: 'waterlogging', severity: 4, district: '420303', source: 'phone' };
      assert.equal((await t.call('POST', '/api/command/incidents', duty, body)).status, 201);
      assert.equal((await t.call('POST', '/api/command/incidents', duty, { ...body, drill: true })).status, 201);
      clock += 11_000; // past the evaluation cache
      const after = await values();
      assert.equal(after.get('incidents-current')!.value, 1, 'the drill does not count');
      assert.deepEqual(after.get('incidents-current')!.breakdown, { '420303': 1 });
    });

    test('a department adds its own indicator without code; bad ones are refused at their fields; others’ are not its to write', async () => {
      const zjj = await t.login('zjj.staff');
      const def = {
        id: 'pond-depth-max',
        name: { zh: '积水点最大深度', en: 'Deepest ponding' },
        domain: 'drainage',
        owner: 'ZJJ',
        unit: 'm',
        source: { kind: 'reading', types: ['FloodMonitoring'], attr: 'currentLevel', agg: 'max' },
        breakdown: 'district',
        status: { direction: 'up', warn: 0.15, alarm: 0.3 },
      };
      const r = await t.call('POST', '/api/brain/indicators', zjj, def);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      clock += 11_000;
      const v = await values(zjj);
      assert.equal(v.get('pond-depth-max')!.value, 0.2);
      assert.equal(v.get('pond-depth-max')!.status, 'yellow');
      assert.equal((await t.call('POST', '/api/brain/indicators', zjj, { ...def, id: 'cgw-thing', owner: 'CGW' })).status, 403);
      const bad = await t.call('POST', '/api/brain/indicators', zjj, {
        ...def,
        id: 'bad-one',
        source: { kind: 'reading', types: ['NoSuchType', 'FloodMonitoring'], attr: 'pm25', agg: 'count_over' },
        status: { direction: 'up', warn: 3, alarm: 1 },
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort(), [
        '/body/source/attr',
        '/body/source/threshold',
        '/body/source/types/0',
        '/body/status/alarm',
      ]);
      // Revisions carry the version; disabling takes it off the screen.
      const stale = await t.call('PUT', '/api/brain/indicators/pond-depth-max', zjj, { ...def, id: undefined, version: 7 });
      assert.equal(stale.status, 409, JSON.stringify(stale.body));
      const { id: _id, ...rest } = def;
      const off = await t.call('PUT', '/api/brain/indicators/pond-depth-max', zjj, { ...rest, version: 1, enabled: false });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.equal(off.body.version, 2);
      clock += 11_000;
      assert.equal((await values(zjj)).has('pond-depth-max'), false);
      assert.equal((await t.call('GET', '/api/brain/indicators', await t.login('citizen'))).status, 403, 'citizens do not read the operations figures');
    });

    test('the device layer: cells of the grid with counts, health and types, within the reader’s scope', async () => {
      const r = await t.call('GET', '/api/brain/layers/devices?grid=0.1', admin);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const all = (await t.call('GET', '/api/devices?limit=500', admin)).body.total as number;
      assert.equal(r.body.total, all);
      const cells = r.body.cells as {
        lon: number;
        lat: number;
        count: number;
        online: number;
        offline: number;
        unknown: number;
        types: Record<string, number>;
      }[];
      assert.equal(
        cells.reduce((a, c) => a + c.count, 0),
        all,
        'every device in exactly one cell',
      );
      for (const c of cells) {
        assert.equal(c.online + c.offline + c.unknown, c.count);
        assert.equal(
          Object.values(c.types).reduce((a, b) => a + b, 0),
          c.count,
        );
      }
      // 张湾 and 茅箭 points are 1.6 km apart: one cell at 0.1°, two at 0.005°.
      const fine = (await t.call('GET', '/api/brain/layers/devices?grid=0.005', admin)).body.cells.length;
      assert.equal(cells.length, 1);
      assert.equal(fine, 2);
      // Coloured by the HJ 633 AQI: the cell's mean and worst over its fresh stations (the stale one has none).
      const air = await t.call('GET', '/api/brain/layers/devices?grid=0.1&type=AirQualityObserved&attr=%24aqi', admin);
      assert.equal(air.status, 200, JSON.stringify(air.body));
      const zw = computeAqi({ PM25_24h: 80 }).aqi;
      const mj = computeAqi({ PM25_24h: 30 }).aqi;
      assert.deepEqual(
        air.body.cells.map((c: { count: number; value: unknown }) => [c.count, c.value]),
        [[3, { mean: (zw + mj) / 2, max: zw, n: 2 }]],
      );
      // 市住建局's staff see only their department's devices.
      const zjj = await t.call('GET', '/api/brain/layers/devices?grid=0.1', await t.login('zjj.staff'));
      const zjjDevices = (await t.call('GET', '/api/devices?department=ZJJ&limit=500', admin)).body.total as number;
      assert.equal(zjj.body.total, zjjDevices);
      assert.ok(zjjDevices < all);
    });

    test('snapshots keep the values: history over 24 hours, and the trend against an hour ago', async () => {
      // A snapshot an hour ago (the platform's clock set back), then the river rises over the other station's warning level.
      const first = Date.now() - 60 * MIN;
      clock = first;
      assert.ok((await t.brain.indicators.snapshot()) >= 15);
      clock = Date.now() + MIN; // and past the evaluation cache
      await post(t, 'river-maojian', riverToken, { ts: Date.now() - 1000, waterLevel: 3.2 });
      admin = await t.login('admin');
      const v = await values();
      assert.equal(v.get('water-stations-over-warning')!.value, 2);
      assert.equal(v.get('water-stations-over-warning')!.previous, 1, 'the trend compares with the snapshot an hour ago');
      await t.brain.indicators.snapshot();
      const h = await t.call('GET', '/api/brain/indicators/water-stations-over-warning/history?hours=24', admin);
      assert.equal(h.status, 200, JSON.stringify(h.body));
      const slot = (ms: number) => ms - (ms % (5 * MIN));
      assert.deepEqual(
        h.body.map((x: { at: number; value: number }) => [x.at, x.value]),
        [
          [slot(first), 1],
          [slot(clock), 2],
        ],
      );
      // A second process's snapshot in the same slot changes nothing.
      await t.brain.indicators.snapshot();
      assert.equal((await t.call('GET', '/api/brain/indicators/water-stations-over-warning/history?hours=24', admin)).body.length, 2);
      assert.deepEqual(h.body[1].breakdown, { '420302': 1, '420303': 1 });
    });

    test('replay: indicator frames from the snapshots; the alerts open and the incidents under way at a time', async () => {
      const slot = (ms: number) => ms - (ms % (5 * MIN));
      const then = await t.call('GET', `/api/brain/indicators?at=${slot(Date.now() - 60 * MIN) + 1000}`, admin);
      assert.equal(then.status, 200, JSON.stringify(then.body));
      const frame = new Map((then.body.items as Item[]).map((i) => [i.id, i.current]));
      assert.equal(frame.get('water-stations-over-warning')!.value, 1, 'the river was under the second warning level an hour ago');
      assert.equal(then.body.at, slot(Date.now() - 60 * MIN));

      const ponding = (await t.call('GET', '/api/alerts?rule=waterlogging-depth', admin)).body.items[0] as { id: string; raisedAt: number; rev: number };
      const openAt = async (at: number) =>
        ((await t.call('GET', `/api/alerts?openAt=${at}&limit=500`, admin)).body.items as { id: string }[]).some((a) => a.id === ponding.id);
      assert.equal(await openAt(ponding.raisedAt - 1), false, 'not yet raised');
      assert.equal(await openAt(ponding.raisedAt), true);
      const duty = await t.login('duty');
      const resolved = await t.call('POST', `/api/alerts/${ponding.id}/resolve`, duty, { comment: '积水已排除', rev: ponding.rev });
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      const resolvedAt = (await t.call('GET', `/api/alerts/${ponding.id}`, admin)).body.resolvedAt as number;
      assert.equal(await openAt(resolvedAt - 1), true, 'open until resolved');
      assert.equal(await openAt(resolvedAt), false);

      const inc = await t.call('POST', '/api/command/incidents', duty, {
        title: '回放',
        subkind: 'waterlogging',
        severity: 4,
        district: '420303',
        source: 'phone',
      });
      const created = inc.body.createdAt as number;
      clock += MIN;
      const ended = await t.call('POST', `/api/command/incidents/${inc.body.id}/end`, duty, { reason: '误报' });
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
      const activeAt = async (at: number) =>
        ((await t.call('GET', `/api/command/incidents?activeAt=${at}`, duty)).body as { id: string }[]).some((i) => i.id === inc.body.id);
      assert.deepEqual(
        [await activeAt(created - 1), await activeAt(created), await activeAt(ended.body.endedAt - 1), await activeAt(ended.body.endedAt)],
        [false, true, true, false],
      );
    });
  });
}
