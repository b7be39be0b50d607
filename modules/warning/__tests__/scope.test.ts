/**
 * Early warning keeps to data scopes: a rule watches only its owner's devices, so its alerts never
 * carry another department's readings; a backtest reads only devices the caller may read; rules
 * and maintenance windows of other departments are not listed and answer as unknown ids.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventBus } from '../../../platform/bus/bus.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { post } from '../../../test/ingest.js';

const MIN = 60_000;
const ZHANGWAN = { lon: 110.772365, lat: 32.652516 }; // 420303
const MAOJIAN = { lon: 110.78621, lat: 32.644463 }; // 420302

for (const d of await dialects()) {
  describe(`warning data scopes (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let cgw: string;
    let zw: string;
    let zjjKey: string;
    const tokens: Record<string, string> = {};
    const base = Date.now() - 60 * MIN;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      cgw = await t.login('cgw.staff');
      zw = await t.login('zw.staff');
      for (const [id, department, location] of [
        ['zjj-pond-zw', 'ZJJ', ZHANGWAN],
        ['zjj-pond-mj', 'ZJJ', MAOJIAN],
        ['zw-pond', 'GOV-420303', ZHANGWAN],
      ] as const) {
        const r = await t.call('POST', '/api/devices', admin, { id, name: id, type: 'FloodMonitoring', department, location });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        tokens[id] = r.body.token;
      }
      const key = await t.call('POST', '/api/api-keys', admin, { name: '住建局系统', department: 'ZJJ', districts: ['*'], roles: ['api_client'] });
      zjjKey = key.body.key;
      // CGW's own rule over every flood sensor "of the type": it may only watch CGW's devices.
      const rule = await t.call('POST', '/api/warning/rules', cgw, {
        id: 'cgw-flood',
        name: { zh: '城管积水巡查', en: 'CGW ponding patrol' },
        source: 'test',
        owner: 'CGW',
        task: 'urban-management',
        scope: { types: ['FloodMonitoring'] },
        levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.05 } }],
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      for (const [i, v] of [0.06, 0.3, 0.55].entries()) {
        await post(t as TestApp<EventBus>, 'zjj-pond-zw', tokens['zjj-pond-zw']!, { ts: base + i * 3 * MIN, currentLevel: v });
        await post(t as TestApp<EventBus>, 'zw-pond', tokens['zw-pond']!, { ts: base + i * 3 * MIN, currentLevel: v });
      }
    });
    after(() => t.close());

    test("a rule never raises alerts on another department's devices, so its alerts carry none of their readings", async () => {
      const own = await t.call('GET', '/api/alerts?rule=cgw-flood', admin);
      assert.equal(own.body.total, 0, JSON.stringify(own.body.items.map((a: { subject: string }) => a.subject)));
      // ZJJ's own rule raised its alerts on its devices; CGW sees none of them.
      const zjjAlerts = await t.call('GET', '/api/alerts?rule=waterlogging-depth', admin);
      assert.ok(zjjAlerts.body.total >= 1);
      const seen = await t.call('GET', '/api/alerts', cgw);
      assert.ok(!JSON.stringify(seen.body).includes('zjj-pond'), 'no ZJJ device in what CGW reads');
      // A rule listing another department's device by id is refused at that id.
      const listed = await t.call('POST', '/api/warning/rules/validate', cgw, {
        name: { zh: 'x', en: 'x' },
        source: 'test',
        owner: 'CGW',
        task: 'urban-management',
        scope: { devices: ['zjj-pond-zw'] },
        levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.05 } }],
      });
      assert.equal(listed.body.valid, false);
      assert.deepEqual(
        listed.body.errors.map((e: { pointer: string }) => e.pointer),
        ['/body/scope/devices/0'],
      );
    });

    test('a backtest reads only devices the caller may read, with a user token or a department API key', async () => {
      const draft = {
        name: { zh: '积水', en: 'Ponding' },
        source: 'backtest',
        owner: 'GOV-420303',
        task: 'drainage',
        scope: { types: ['FloodMonitoring'] },
        levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.05 } }],
      };
      const foreign = await t.call('POST', '/api/warning/backtest', zw, { rule: draft, from: base - MIN, to: Date.now(), devices: ['zjj-pond-zw'] });
      assert.equal(foreign.status, 400, JSON.stringify(foreign.body));
      const unknown = await t.call('POST', '/api/warning/backtest', zw, { rule: draft, from: base - MIN, to: Date.now(), devices: ['no-such-device'] });
      assert.equal(unknown.body.errors[0].detail.replace('no-such-device', '<id>'), foreign.body.errors[0].detail.replace('zjj-pond-zw', '<id>'));
      assert.ok(!JSON.stringify(foreign.body).includes('0.55'));
      // Without a list: the caller's own devices of the type, nothing else.
      const all = await t.call('POST', '/api/warning/backtest', zw, { rule: draft, from: base - MIN, to: Date.now() });
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.devices, 1);
      assert.deepEqual([...new Set(all.body.transitions.map((x: { subject: string }) => x.subject))], ['zw-pond']);
      // A department API key: its department's devices only, and a saved rule of another department is not found.
      const zjjDraft = { ...draft, owner: 'ZJJ' };
      const byKey = await t.call('POST', '/api/warning/backtest', zjjKey, { rule: zjjDraft, from: base - MIN, to: Date.now(), devices: ['zw-pond'] });
      assert.equal(byKey.status, 400);
      const keyAll = await t.call('POST', '/api/warning/backtest', zjjKey, { rule: zjjDraft, from: base - MIN, to: Date.now() });
      assert.ok(!JSON.stringify(keyAll.body).includes('zw-pond'));
      const saved = await t.call('POST', '/api/warning/backtest', zjjKey, { ruleId: 'cgw-flood', from: base - MIN, to: Date.now() });
      assert.equal(saved.status, 404);
    });

    test("another department's rules and maintenance windows are not listed, and answer as unknown ids", async () => {
      const rules = await t.call('GET', '/api/warning/rules', cgw);
      assert.ok(rules.body.length >= 1);
      assert.deepEqual([...new Set(rules.body.map((r: { owner: string }) => r.owner))], ['CGW']);
      const other = await t.call('GET', '/api/warning/rules/waterlogging-depth', cgw);
      const none = await t.call('GET', '/api/warning/rules/no-such-rule', cgw);
      assert.equal(other.status, 404);
      assert.equal(other.body.detail.replace('waterlogging-depth', '<id>'), none.body.detail.replace('no-such-rule', '<id>'));
      assert.equal((await t.call('GET', '/api/warning/rules/waterlogging-depth/versions', cgw)).status, 404);

      const zjj = await t.login('zjj.staff');
      const w = await t.call('POST', '/api/warning/maintenance', zjj, { deviceId: 'zjj-pond-mj', endsAt: Date.now() + 3_600_000, reason: '检修 (ZJJ)' });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      const listed = await t.call('GET', '/api/warning/maintenance', cgw);
      assert.ok(!listed.body.some((x: { id: string }) => x.id === w.body.id), 'CGW does not list ZJJ’s window');
      assert.ok((await t.call('GET', '/api/warning/maintenance', zjj)).body.some((x: { id: string }) => x.id === w.body.id));
      assert.equal((await t.call('DELETE', `/api/warning/maintenance/${w.body.id}`, cgw)).status, 404, 'nor ends it');
      // Silencing another department's device: the same answer as an unknown device.
      const silence = await t.call('POST', '/api/warning/maintenance', cgw, { deviceId: 'zjj-pond-mj', endsAt: Date.now() + 3_600_000, reason: 'x' });
      const ghost = await t.call('POST', '/api/warning/maintenance', cgw, { deviceId: 'ghost-01', endsAt: Date.now() + 3_600_000, reason: 'x' });
      assert.deepEqual([silence.status, ghost.status], [400, 400]);
      assert.equal(silence.body.errors[0].detail.replace('zjj-pond-mj', '<id>'), ghost.body.errors[0].detail.replace('ghost-01', '<id>'));
    });
  });
}
