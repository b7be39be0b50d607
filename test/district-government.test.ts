/**
 * A district government (张湾区人民政府, GOV-420303, governing 420303) reads every department's
 * devices, alerts and incidents in its district, read-only (属地管理); it acts only on its own
 * devices, the alerts routed to it and the incidents it is involved in. Outside its district, and
 * for the city-level records of other departments, it sees nothing. (The route-by-role sweep checks
 * the same over every route; this test tells the story of one official's day.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { EventBus } from '../platform/bus/bus.js';
import { post } from './ingest.js';
import { type TestApp, dialects, flushed, startApp, waitFor } from './helpers.js';

const MIN = 60_000;
const MAOJIAN = { lon: 110.78621, lat: 32.644463 }; // 茅箭区 420302
const ZHANGWAN = { lon: 110.772365, lat: 32.652516 }; // 张湾区 420303

for (const d of await dialects()) {
  describe(`a district government reads its district (${d.name})`, () => {
    let t: TestApp<EventBus>;
    let admin: string;
    let zw: string;
    let cgw: string;
    let duty: string;
    const tokens: Record<string, string> = {};

    before(async () => {
      t = (await startApp(d)) as TestApp<EventBus>;
      admin = await t.login('admin');
      zw = await t.login('zw.staff');
      cgw = await t.login('cgw.staff');
      duty = await t.login('duty');
      for (const [id, department, location] of [
        ['dg-cgw-zw', 'CGW', ZHANGWAN],
        ['dg-cgw-mj', 'CGW', MAOJIAN],
        ['dg-gov-zw', 'GOV-420303', ZHANGWAN],
      ] as const) {
        const r = await t.call('POST', '/api/devices', admin, { id, name: `${id} 积水点`, type: 'FloodMonitoring', department, location });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        tokens[id] = r.body.token;
      }
    });
    after(() => t.close());

    test('it says what it reads: its own scope to act, its district to read', async () => {
      const me = (await t.call('GET', '/api/auth/me', zw)).body;
      assert.deepEqual(me.scope, { departments: ['GOV-420303'], districts: ['420303'] });
      assert.deepEqual(me.view, { departments: ['*'], districts: ['420303'], cityLevel: false });
      const other = (await t.call('GET', '/api/auth/me', cgw)).body;
      assert.deepEqual(other.view, { ...other.scope, cityLevel: true }, 'nobody else reads beyond their scope');
    });

    test('devices: every department’s in its district, read-only; none elsewhere', async () => {
      const ids = (await t.call('GET', '/api/devices?limit=1000', zw)).body.items.map((x: { id: string }) => x.id);
      assert.ok(ids.includes('dg-cgw-zw') && ids.includes('dg-gov-zw'), JSON.stringify(ids));
      assert.ok(!ids.includes('dg-cgw-mj'));
      assert.ok((await t.call('GET', '/api/devices?district=420303&limit=1', zw)).body.total >= 2, 'its own district is not empty');
      assert.equal((await t.call('GET', '/api/devices?district=420302&limit=1', zw)).body.total, 0);
      assert.equal((await t.call('GET', '/api/devices/dg-cgw-zw', zw)).status, 200);
      assert.equal((await t.call('GET', '/api/devices/dg-cgw-zw/series?attr=currentLevel', zw)).status, 200);
      assert.equal((await t.call('GET', '/api/devices/dg-cgw-mj', zw)).status, 404);
      const counts = (await t.call('GET', '/api/devices/status', zw)).body as Record<string, number>;
      assert.ok(Object.values(counts).reduce((a, b) => a + b, 0) >= 2, JSON.stringify(counts));

      // Another department's device: a clear refusal, in Chinese for the console, and nothing changes.
      const before = (await t.call('GET', '/api/devices/dg-cgw-zw', admin)).body;
      const patch = await t.inject({
        method: 'PATCH',
        url: '/api/devices/dg-cgw-zw',
        headers: { authorization: `Bearer ${zw}`, 'accept-language': 'zh-CN', 'content-type': 'application/json' },
        payload: JSON.stringify({ version: before.version, name: '改名' }),
      });
      assert.equal(patch.statusCode, 403);
      const problem = patch.json();
      assert.equal(problem.code, 'WD_ERR_READ_ONLY');
      assert.match(problem.detail, /只能查看/);
      assert.equal((await t.call('DELETE', '/api/devices/dg-cgw-zw', zw)).status, 403);
      assert.equal((await t.call('POST', '/api/devices/dg-cgw-zw/token', zw, {})).status, 403);
      const after = (await t.call('GET', '/api/devices/dg-cgw-zw', admin)).body;
      assert.equal(after.version, before.version);
      assert.equal(after.name, before.name);
      // Its own device it changes.
      const own = (await t.call('GET', '/api/devices/dg-gov-zw', zw)).body;
      assert.equal((await t.call('PATCH', '/api/devices/dg-gov-zw', zw, { version: own.version, name: '张湾区积水点' })).status, 200);
      // A device it provisions lies in its district: one without a place would be one it cannot read.
      const placeless = await t.call('POST', '/api/devices', zw, { id: 'dg-nowhere', name: '无位置', type: 'FloodMonitoring' });
      assert.equal(placeless.status, 400, JSON.stringify(placeless.body));
    });

    test('the live stream carries the readings of its district’s devices, and no others', async () => {
      const port = await t.app.listen({ port: 0, host: '127.0.0.1' }).then((a) => new URL(a).port);
      const open = (token: string) =>
        new Promise<{ ws: WebSocket; devices: string[] }>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?access_token=${token}&kinds=observations`);
          const devices: string[] = [];
          ws.on('message', (m) => {
            const msg = JSON.parse(m.toString());
            if (msg.kind === 'observations') devices.push(msg.device);
          });
          ws.on('open', () => resolve({ ws, devices }));
          ws.on('error', reject);
        });
      const mine = await open(zw);
      const all = await open(admin);
      const at = Date.now() - MIN;
      await post(t, 'dg-cgw-mj', tokens['dg-cgw-mj']!, { ts: at, currentLevel: 0.01 });
      await post(t, 'dg-cgw-zw', tokens['dg-cgw-zw']!, { ts: at, currentLevel: 0.01 });
      await waitFor(() => all.devices.includes('dg-cgw-mj') && all.devices.includes('dg-cgw-zw'));
      await waitFor(() => mine.devices.includes('dg-cgw-zw'));
      await flushed(mine.ws);
      assert.ok(!mine.devices.includes('dg-cgw-mj'), JSON.stringify(mine.devices));
      for (const c of [mine, all]) c.ws.close();
    });

    test('alerts: those in its district are read-only unless routed to it; the inbox holds only its own', async () => {
      // A device-health style rule of 城管执法委, routed by the device's owner only (not to the district government).
      const rule = await t.call('POST', '/api/warning/rules', admin, {
        id: 'dg-cgw-ponding',
        name: { zh: '城管积水巡查', en: 'CGW ponding patrol' },
        source: '城管积水巡查',
        owner: 'CGW',
        task: 'urban-management',
        routing: 'device',
        scope: { devices: ['dg-cgw-zw', 'dg-cgw-mj'] },
        levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.15 } }],
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      const base = Date.now() - 10 * MIN;
      for (const id of ['dg-cgw-zw', 'dg-cgw-mj']) {
        await post(t, id, tokens[id]!, { ts: base, currentLevel: 0.2 });
        await post(t, id, tokens[id]!, { ts: base + 3 * MIN, currentLevel: 0.22 });
      }
      const all = (await t.call('GET', '/api/alerts?rule=dg-cgw-ponding&limit=50', admin)).body.items as { id: string; deviceId: string }[];
      const inZw = all.find((a) => a.deviceId === 'dg-cgw-zw');
      const inMj = all.find((a) => a.deviceId === 'dg-cgw-mj');
      assert.ok(inZw && inMj, JSON.stringify(all));

      const seen = (await t.call('GET', '/api/alerts?rule=dg-cgw-ponding&limit=50', zw)).body.items as { id: string; readOnly?: boolean }[];
      assert.deepEqual(
        seen.map((a) => [a.id, a.readOnly]),
        [[inZw.id, true]],
      );
      assert.equal((await t.call('GET', '/api/alerts?rule=dg-cgw-ponding&inbox=true', zw)).body.total, 0, 'not in its inbox');
      const detail = await t.call('GET', `/api/alerts/${inZw.id}`, zw);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.readOnly, true);
      assert.equal((await t.call('GET', `/api/alerts/${inMj.id}`, zw)).status, 404);
      const ack = await t.call('POST', `/api/alerts/${inZw.id}/acknowledge`, zw, {});
      assert.equal(ack.status, 403);
      assert.equal(ack.body.code, 'WD_ERR_READ_ONLY');
      assert.equal((await t.call('GET', `/api/alerts/${inZw.id}`, admin)).body.status, 'raised', 'unchanged');
      const made = await t.call('POST', '/api/command/incidents', zw, { fromAlert: inZw.id });
      assert.equal(made.status, 403, 'making an incident of another department’s alert acts on it');
      // The owner's own staff still see it as theirs.
      const mine = (await t.call('GET', `/api/alerts/${inZw.id}`, cgw)).body;
      assert.equal(mine.readOnly, undefined);
      assert.equal((await t.call('POST', `/api/alerts/${inZw.id}/acknowledge`, cgw, {})).status, 200);
    });

    test('incidents: those in its district are read-only where it is not involved; none elsewhere, and not the city’s', async () => {
      const report = (token: string, title: string, location?: { lon: number; lat: number }) =>
        t.call('POST', '/api/command/incidents', token, { title, subkind: 'waterlogging', severity: 4, source: 'report', ...(location ? { location } : {}) });
      const zhangwan = await report(cgw, '城管上报 张湾', ZHANGWAN);
      const maojian = await report(cgw, '城管上报 茅箭', MAOJIAN);
      const city = await report(duty, '全市 电话报告');
      for (const r of [zhangwan, maojian, city]) assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(city.body.district, null);
      const listed = (await t.call('GET', '/api/command/incidents', zw)).body.map((x: { id: string }) => x.id);
      assert.ok(listed.includes(zhangwan.body.id));
      assert.ok(!listed.includes(maojian.body.id) && !listed.includes(city.body.id), JSON.stringify(listed));
      const board = await t.call('GET', `/api/command/incidents/${zhangwan.body.id}`, zw);
      assert.equal(board.status, 200);
      assert.equal(board.body.readOnly, true);
      assert.equal((await t.call('GET', `/api/command/incidents/${zhangwan.body.id}`, cgw)).body.readOnly, false);
      assert.equal((await t.call('GET', `/api/command/incidents/${maojian.body.id}`, zw)).status, 404);
      assert.equal((await t.call('GET', `/api/command/incidents/${city.body.id}`, zw)).status, 404);
      // Its own report it is involved in.
      const own = await report(zw, '张湾区政府上报', ZHANGWAN);
      assert.equal((await t.call('GET', `/api/command/incidents/${own.body.id}`, zw)).body.readOnly, false);
    });

    test('a department that stops governing a district stops reading it, at once', async () => {
      assert.equal((await t.call('GET', '/api/devices/dg-cgw-zw', zw)).status, 200);
      const off = await t.call('PATCH', '/api/departments/GOV-420303', admin, { district: null });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.equal((await t.call('GET', '/api/devices/dg-cgw-zw', zw)).status, 404);
      assert.equal((await t.call('PATCH', '/api/departments/GOV-420303', admin, { district: '420303' })).status, 200);
      assert.equal((await t.call('GET', '/api/devices/dg-cgw-zw', zw)).status, 200);
    });
  });
}
