/** Searching devices in Chinese or English finds them by id, by name, and by what their type is called. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

for (const d of await dialects()) {
  describe(`device search (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      const at = { lon: 110.78, lat: 32.65 };
      for (const [id, name, type] of [
        ['pond-a', '人民北路下穿积水点', 'FloodMonitoring'],
        ['well-a', '车城路 3 号井', 'DrainageWellObserved'],
        ['gas-a', '火车站燃气监测', 'CombustibleGasObserved'],
      ] as const)
        assert.equal((await t.call('POST', '/api/devices', admin, { id, name, type, department: 'ZJJ', location: at })).status, 201);
    });
    after(() => t.close());
    const ids = async (q: string) =>
      ((await t.call('GET', `/api/devices?q=${encodeURIComponent(q)}&limit=100`, admin)).body.items as { id: string }[]).map((x) => x.id).sort();

    test('防汛 finds the flood monitoring points, 排水 the drainage wells, by their type', async () => {
      assert.deepEqual(await ids('防汛'), ['pond-a']);
      assert.deepEqual(await ids('排水'), ['well-a']);
      assert.deepEqual(await ids('gas'), ['gas-a']);
    });
    test('names and ids still match as before', async () => {
      assert.deepEqual(await ids('车城路'), ['well-a']);
      assert.deepEqual(await ids('pond'), ['pond-a']);
      assert.deepEqual(await ids('没有这个'), []);
    });
  });
}
