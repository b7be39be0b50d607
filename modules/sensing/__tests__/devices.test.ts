import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp, waitFor } from '../../../test/helpers.js';

// Sites in GCJ-02: 茅箭区 (420302), 张湾区 (420303), 丹江口市 (420381).
const MAOJIAN = { lon: 110.78621, lat: 32.644463 };
const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };

for (const d of await dialects()) {
  describe(`devices and HTTP ingestion (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let air: { id: string; token: string; entityId: string };
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
    });
    after(() => t.close());

    test('the seed types follow the Smart Data Models and add the city types', async () => {
      const r = await t.call('GET', '/api/device-types', admin);
      assert.equal(r.status, 200);
      const ids = r.body.map((x: { id: string }) => x.id);
      for (const id of [
        'AirQualityObserved',
        'WaterQualityObserved',
        'WaterObserved',
        'FloodMonitoring',
        'WeatherObserved',
        'TrafficFlowObserved',
        'NoiseLevelObserved',
        'ParkingSpot',
        'Streetlight',
        'WasteContainer',
        'CombustibleGasObserved',
        'BridgeStructureObserved',
        'PipeNetworkObserved',
        'DrainageWellObserved',
        'VisitorCounterObserved',
      ]) {
        assert.ok(ids.includes(id), id);
      }
      const aq = r.body.find((x: { id: string }) => x.id === 'AirQualityObserved');
      const pm25 = aq.attributes.find((a: { key: string }) => a.key === 'pm25');
      assert.equal(pm25.unitCode, 'GQ');
      const gas = r.body.find((x: { id: string }) => x.id === 'CombustibleGasObserved');
      assert.equal(gas.attributes[0].unitText, '%LEL');
    });

    test('POST /api/devices returns the token once and the NGSI-LD entity id; district comes from the location', async () => {
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'aq-maojian-01',
        name: '茅箭区空气站',
        type: 'AirQualityObserved',
        department: 'STHJJ',
        location: MAOJIAN,
        tags: ['national', 'urban'],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.match(r.body.token, /^wdd_/);
      assert.equal(r.body.entityId, 'urn:ngsi-ld:AirQualityObserved:aq-maojian-01');
      assert.equal(r.body.device.district, '420302');
      assert.equal(r.body.mqtt.topics.json, 'devices/aq-maojian-01/telemetry');
      air = { id: 'aq-maojian-01', token: r.body.token, entityId: r.body.entityId };
      const g = await t.call('GET', '/api/devices/aq-maojian-01', admin);
      assert.equal(g.status, 200);
      assert.equal(g.body.token, undefined);
      assert.equal(g.body.health.status, 'unknown');
    });

    test('WGS-84 coordinates are converted to GCJ-02; bad devices are refused field by field', async () => {
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'w-1',
        name: 'WGS',
        type: 'WaterObserved',
        department: 'SLJ',
        location: { ...ZHANGWAN, datum: 'WGS-84' },
      });
      assert.equal(r.status, 201);
      assert.ok(Math.abs(r.body.device.location.lon - ZHANGWAN.lon) > 0.003, 'shifted by the GCJ-02 offset');
      assert.equal(r.body.device.location.givenIn, 'WGS-84');
      const bad = await t.call('POST', '/api/devices', admin, {
        id: 'bad-1',
        name: 'bad',
        type: 'NoSuchType',
        intervalSeconds: 0,
        department: 'NOPE',
        location: { lon: 116.4, lat: 39.9 },
      });
      assert.equal(bad.status, 400);
      const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer).sort();
      assert.deepEqual(pointers, ['/body/intervalSeconds']);
      const bad2 = await t.call('POST', '/api/devices', admin, {
        id: 'bad-1',
        name: 'bad',
        type: 'NoSuchType',
        department: 'NOPE',
        location: { lon: 116.4, lat: 39.9 },
      });
      assert.deepEqual(bad2.body.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/body/department', '/body/location', '/body/type']);
      const dup = await t.call('POST', '/api/devices', admin, {
        id: 'aq-maojian-01',
        name: 'again',
        type: 'AirQualityObserved',
        department: 'STHJJ',
        location: MAOJIAN,
      });
      assert.equal(dup.status, 409);
    });

    test('HTTP ingestion stores values and answers 202 only after commit; latest values and health follow', async () => {
      const now = Date.now();
      const r = await t.inject({
        method: 'POST',
        url: `/api/ingest/${air.id}`,
        headers: { authorization: `Bearer ${air.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ ts: now - 1000, pm25: 35, pm10: 60, temperature: 12.5 }),
      });
      assert.equal(r.statusCode, 202, r.body);
      assert.deepEqual(JSON.parse(r.body), { accepted: 3, duplicates: 0, rejected: [] });
      const g = await t.call('GET', `/api/devices/${air.id}`, admin);
      assert.deepEqual(
        g.body.latest.map((l: { attr: string; v: number }) => [l.attr, l.v]),
        [
          ['pm10', 60],
          ['pm25', 35],
          ['temperature', 12.5],
        ],
      );
      await t.sensing.sweep();
      const h = await t.call('GET', `/api/devices/${air.id}`, admin);
      assert.equal(h.body.health.status, 'online');
      assert.equal(h.body.health.accepted, 1);
      const s = await t.call('GET', `/api/devices/${air.id}/series?attr=pm25&resolution=minute&from=${now - 3_600_000}`, admin);
      assert.equal(s.status, 200);
      assert.equal(s.body.points.length, 1);
      assert.equal(s.body.points[0].avg, 35);
      assert.equal(s.body.unit, 'µg/m³');
    });

    test('SenML over HTTP, and a repeated message is idempotent', async () => {
      const bt = Math.floor(Date.now() / 1000) - 30;
      const pack = JSON.stringify([
        { bn: `${air.id}/`, bt, n: 'o3', u: 'ug/m3', v: 80 },
        { n: 'so2', v: 9 },
      ]);
      const post = () =>
        t.inject({
          method: 'POST',
          url: `/api/ingest/${air.id}`,
          headers: { authorization: `Bearer ${air.token}`, 'content-type': 'application/senml+json' },
          payload: pack,
        });
      const first = await post();
      assert.equal(first.statusCode, 202, first.body);
      assert.equal(JSON.parse(first.body).accepted, 2);
      const again = await post();
      assert.deepEqual(JSON.parse(again.body), { accepted: 0, duplicates: 2, rejected: [] });
    });

    test('bad input is refused with a reason, counted, shown on health, and leaves stored data alone', async () => {
      const send = (payload: string, headers: Record<string, string> = {}) =>
        t.inject({
          method: 'POST',
          url: `/api/ingest/${air.id}`,
          headers: { authorization: `Bearer ${air.token}`, 'content-type': 'application/json', ...headers },
          payload,
        });
      const malformed = await send('{"pm25": 3');
      assert.equal(malformed.statusCode, 400);
      assert.match(String(malformed.headers['content-type']), /^application\/problem\+json/);
      const allBad = await send(JSON.stringify({ pm25: -5, nope: 1, pm10: 'high' }));
      assert.equal(allBad.statusCode, 422);
      assert.equal(JSON.parse(allBad.body).errors.length, 3);
      const huge = await send('{"pm25": 1e999}');
      assert.equal(huge.statusCode, 422, 'JSON 1e999 parses to Infinity and is refused');
      const future = await send(JSON.stringify({ ts: Date.now() + 86_400_000, pm25: 5 }));
      assert.equal(future.statusCode, 422);
      const partial = await send(JSON.stringify({ pm25: 36, co: 999 }));
      assert.equal(partial.statusCode, 202);
      assert.equal(JSON.parse(partial.body).accepted, 1);
      assert.equal(JSON.parse(partial.body).rejected[0].attr, 'co');
      const wrongToken = await send(JSON.stringify({ pm25: 1 }), { authorization: 'Bearer wdd_wrong' });
      assert.equal(wrongToken.statusCode, 401);
      const unknown = await t.inject({
        method: 'POST',
        url: '/api/ingest/nobody',
        headers: { authorization: `Bearer ${air.token}`, 'content-type': 'application/json' },
        payload: '{"pm25":1}',
      });
      assert.equal(unknown.statusCode, 401);
      const xml = await send('<a/>', { 'content-type': 'application/xml' });
      assert.equal(xml.statusCode, 415);

      await t.sensing.sweep();
      const h = await t.call('GET', `/api/devices/${air.id}`, admin);
      assert.ok(h.body.health.rejected >= 5, JSON.stringify(h.body.health));
      assert.match(h.body.health.lastError, /co/);
      assert.equal(h.body.latest.find((l: { attr: string }) => l.attr === 'pm25').v, 36);
      const metrics = await t.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.body, /wudang_ingest_messages_total\{transport="http",outcome="rejected"\} [1-9]/);
      assert.match(metrics.body, /wudang_ingest_messages_total\{transport="http",outcome="unauthorized"\} 2/);
    });

    test('one device flooding is rate limited without touching another device', async () => {
      // The limiter reads the platform clock: held still, the burst (200) is all a device gets,
      // however long the requests take on a busy machine.
      const frozen = Date.now();
      const f = await startApp(d, {}, { now: () => frozen });
      try {
        const root = await f.login('admin');
        const other = await f.call('POST', '/api/devices', root, {
          id: 'noise-1',
          name: 'noise',
          type: 'NoiseLevelObserved',
          department: 'STHJJ',
          location: MAOJIAN,
        });
        const flood = await f.call('POST', '/api/devices', root, {
          id: 'flood-1',
          name: 'flood',
          type: 'NoiseLevelObserved',
          department: 'STHJJ',
          location: MAOJIAN,
        });
        const codes: number[] = [];
        for (let i = 0; i < 260; i++) {
          const r = await f.inject({
            method: 'POST',
            url: '/api/ingest/flood-1',
            headers: { authorization: `Bearer ${flood.body.token}`, 'content-type': 'application/json' },
            payload: JSON.stringify({ ts: frozen - 100_000 + i, LAeq: 50 }),
          });
          codes.push(r.statusCode);
        }
        assert.equal(codes.filter((c) => c === 202).length, 200, 'the burst is accepted');
        assert.equal(codes.filter((c) => c === 429).length, 60, 'the rest of the flood is refused');
        const ok = await f.inject({
          method: 'POST',
          url: '/api/ingest/noise-1',
          headers: { authorization: `Bearer ${other.body.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ LAeq: 48 }),
        });
        assert.equal(ok.statusCode, 202);
      } finally {
        await f.close();
      }
    });

    test('a gateway posts for many devices with an API key; each item stands alone', async () => {
      const noise = await t.call('POST', '/api/devices', admin, {
        id: 'noise-1',
        name: 'noise',
        type: 'NoiseLevelObserved',
        department: 'STHJJ',
        location: MAOJIAN,
      });
      assert.equal(noise.status, 201, JSON.stringify(noise.body));
      const key = await t.call('POST', '/api/api-keys', admin, { name: 'gateway', roles: ['api_client'], department: 'STHJJ', districts: ['*'] });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      const r = await t.call('POST', '/api/ingest', key.body.key, {
        items: [
          { device: air.id, payload: { pm25: 40 } },
          { device: 'noise-1', format: 'senml', payload: [{ n: 'LAeq', v: 51 }] },
          { device: 'ghost', payload: { x: 1 } },
          { device: air.id, payload: { pm25: 'bad' } },
          { device: 'w-1', payload: { waterLevel: 160.2 } },
        ],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.results.map((x: { status: number }) => x.status),
        [202, 202, 404, 422, 404],
      );
    });

    test('data scope: a department sees and manages only its own devices', async () => {
      const cgw = await t.login('cgw.staff');
      const list = await t.call('GET', '/api/devices', cgw);
      assert.equal(list.status, 200);
      assert.equal(list.body.total, 0);
      // Another department's device answers exactly as an unknown id.
      const foreignRead = await t.call('GET', `/api/devices/${air.id}`, cgw);
      const unknownRead = await t.call('GET', '/api/devices/no-such-device', cgw);
      assert.equal(foreignRead.status, 404);
      assert.equal(foreignRead.body.detail.replace(air.id, '<id>'), unknownRead.body.detail.replace('no-such-device', '<id>'));
      const own = await t.call('POST', '/api/devices', cgw, { id: 'lamp-1', name: '路灯', type: 'Streetlight', location: MAOJIAN });
      assert.equal(own.status, 201);
      assert.equal(own.body.device.department, 'CGW', "defaults to the caller's department");
      const foreign = await t.call('POST', '/api/devices', cgw, { id: 'lamp-2', name: '路灯', type: 'Streetlight', department: 'STHJJ', location: MAOJIAN });
      assert.equal(foreign.status, 400);
      const zw = await t.login('zw.staff');
      const outside = await t.call('POST', '/api/devices', zw, { id: 'zw-1', name: 'x', type: 'Streetlight', location: MAOJIAN });
      assert.equal(outside.status, 400, 'a Zhangwan official cannot place a device in Maojian');
      const duty = await t.login('duty');
      assert.ok((await t.call('GET', '/api/devices', duty)).body.total >= 4);
      assert.equal((await t.call('POST', '/api/devices', duty, { name: 'x', type: 'Streetlight', department: 'CGW' })).status, 403);
      const citizen = await t.login('citizen');
      assert.equal((await t.call('GET', '/api/devices', citizen)).status, 403);
    });

    test('bulk import from CSV reports each row; a dry run changes nothing', async () => {
      const csv = [
        'id,name,type,department,lon,lat,datum,tags,intervalSeconds',
        `imp-1,井1,DrainageWellObserved,ZJJ,${MAOJIAN.lon},${MAOJIAN.lat},GCJ-02,drainage;urban,120`,
        'imp-2,井2,DrainageWellObserved,ZJJ,200,95,,,',
        `imp-3,井3,NoSuch,ZJJ,${MAOJIAN.lon},${MAOJIAN.lat},,,`,
        `imp-1,again,DrainageWellObserved,ZJJ,${MAOJIAN.lon},${MAOJIAN.lat},,,`,
      ].join('\n');
      const post = (dry: boolean) =>
        t.inject({
          method: 'POST',
          url: `/api/devices/import?dryRun=${dry}`,
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
          payload: csv,
        });
      const dry = JSON.parse((await post(true)).body);
      assert.equal(dry.failed, 3);
      assert.equal((await t.call('GET', '/api/devices/imp-1', admin)).status, 404);
      const real = JSON.parse((await post(false)).body);
      assert.equal(real.created, 1);
      assert.equal(real.failed, 3);
      assert.match(real.results[0].token, /^wdd_/);
      assert.equal(real.results[1].errors[0].pointer, '/rows/1/location');
      const dev = await t.call('GET', '/api/devices/imp-1', admin);
      assert.deepEqual(dev.body.tags, ['drainage', 'urban']);
      assert.equal(dev.body.intervalSeconds, 120);
    });

    test('bulk import from JSON checks each row on its own: one malformed row does not sink the rest', async () => {
      const r = await t.call('POST', '/api/devices/import', admin, {
        rows: [
          { id: 'json-1', name: '井A', type: 'DrainageWellObserved', department: 'ZJJ', location: MAOJIAN },
          { id: 'json-2', name: '井B', type: 'DrainageWellObserved', location: { lon: 'east', lat: 32.6 }, colour: 'red' },
          { id: 'json-3', type: 'DrainageWellObserved' },
          'not an object',
        ],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.created, 1);
      assert.equal(r.body.failed, 3);
      const pointers = (i: number) => (r.body.results[i].errors as { pointer: string }[]).map((e) => e.pointer).sort();
      assert.deepEqual(pointers(1), ['/rows/1/colour', '/rows/1/location/lon']);
      assert.deepEqual(pointers(2), ['/rows/2/name']);
      assert.deepEqual(pointers(3), ['/rows/3']);
      assert.equal((await t.call('GET', '/api/devices/json-1', admin)).status, 200);
    });

    test('editing needs the current version; a rotated token replaces the old one at once', async () => {
      const cur = await t.call('GET', `/api/devices/${air.id}`, admin);
      const ok = await t.call('PATCH', `/api/devices/${air.id}`, admin, { version: cur.body.version, name: '茅箭区空气站（国控）' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const stale = await t.call('PATCH', `/api/devices/${air.id}`, admin, { version: cur.body.version, name: 'stale' });
      assert.equal(stale.status, 409);
      const rot = await t.call('POST', `/api/devices/${air.id}/token`, admin);
      await waitFor(async () => {
        const old = await t.inject({
          method: 'POST',
          url: `/api/ingest/${air.id}`,
          headers: { authorization: `Bearer ${air.token}`, 'content-type': 'application/json' },
          payload: '{"pm25":1}',
        });
        return old.statusCode === 401;
      });
      const fresh = await t.inject({
        method: 'POST',
        url: `/api/ingest/${air.id}`,
        headers: { authorization: `Bearer ${rot.body.token}`, 'content-type': 'application/json' },
        payload: '{"pm25":2}',
      });
      assert.equal(fresh.statusCode, 202);
      const audit = await t.call('GET', '/api/audit?action=device.token_rotated', admin);
      assert.equal(audit.body.items?.length ?? audit.body.length, 1);
    });

    test('devices fall offline after three silent intervals', async () => {
      const dev = await t.call('POST', '/api/devices', admin, {
        id: 'gas-1',
        name: 'gas',
        type: 'CombustibleGasObserved',
        department: 'ZJJ',
        location: MAOJIAN,
        intervalSeconds: 10,
      });
      const old = Date.now() - 120_000;
      await t.inject({
        method: 'POST',
        url: '/api/ingest/gas-1',
        headers: { authorization: `Bearer ${dev.body.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ ts: old, lel: 2 }),
      });
      await t.sensing.sweep();
      const h = await t.call('GET', '/api/devices/gas-1', admin);
      assert.equal(h.body.health.status, 'unknown', 'a device heard from only long ago never came online');
      await t.inject({
        method: 'POST',
        url: '/api/ingest/gas-1',
        headers: { authorization: `Bearer ${dev.body.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ lel: 3 }),
      });
      await t.sensing.sweep();
      assert.equal((await t.call('GET', '/api/devices/gas-1', admin)).body.health.status, 'online');
      const counts = await t.call('GET', '/api/devices/status', admin);
      assert.ok(counts.body.online >= 2);
    });
  });
}

for (const d of await dialects()) {
  describe(`device health on a controlled clock (${d.name})`, () => {
    let clock = Date.UTC(2026, 10, 26, 8, 0, 0);
    let t: TestApp;
    before(async () => {
      t = await startApp(d, {}, { now: () => clock });
    });
    after(() => t.close());

    test('online on a report, offline after three silent intervals (never under a minute), online again; each change announced once', async () => {
      const admin = await t.login('admin');
      const changes: { id: string; status: string; at: number }[] = [];
      await t.bus.subscribe('device.status_changed', (e) => void changes.push(e.data as { id: string; status: string; at: number }), { group: 'probe' });
      const dev = await t.call('POST', '/api/devices', admin, {
        id: 'well-clock',
        name: '井',
        type: 'DrainageWellObserved',
        department: 'ZJJ',
        location: MAOJIAN,
        intervalSeconds: 30,
      });
      assert.equal(dev.status, 201);
      const report = async (level: number) => {
        const r = await t.inject({
          method: 'POST',
          url: '/api/ingest/well-clock',
          headers: { authorization: `Bearer ${dev.body.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ level }),
        });
        assert.equal(r.statusCode, 202, r.body);
      };
      const status = async () =>
        (await t.call('GET', '/api/devices/well-clock', admin)).body.health as { status: string; statusSince: number; lastSeen: number };

      await t.sensing.sweep();
      assert.equal((await status()).status, 'unknown');
      await report(1.1);
      await t.sensing.sweep();
      assert.deepEqual(await status(), { ...(await status()), status: 'online', lastSeen: clock });
      const wentOnline = clock;

      clock += 89_000; // just under three intervals (90 s)
      await t.sensing.sweep();
      assert.equal((await status()).status, 'online');

      clock += 2_000;
      await t.sensing.sweep();
      const off = await status();
      assert.equal(off.status, 'offline');
      assert.equal(off.statusSince, clock);
      const counts = await t.call('GET', '/api/devices/status', admin);
      assert.equal(counts.body.offline, 1);
      await t.sensing.sweep(); // nothing new: no second announcement
      clock += 60_000;
      await report(1.3);
      await t.sensing.sweep();
      assert.equal((await status()).status, 'online');

      await t.bus.settled();
      assert.deepEqual(
        changes.filter((c) => c.id === 'well-clock').map((c) => [c.status, c.at]),
        [
          ['online', wentOnline],
          ['offline', wentOnline + 91_000],
          ['online', clock],
        ],
      );
    });
  });
}
