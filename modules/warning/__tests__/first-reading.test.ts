/**
 * A device's first reading can reach the rule engine before the event that announces the device
 * (the bus is slower than the device). The engine then reads the device from the database and
 * evaluates the reading; it used to drop it, and the alert it called for never came.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryBus } from '../../../platform/bus/memory.js';
import { dialects, startAppOn } from '../../../test/helpers.js';
import { settle, sharedStorage } from '../../../test/ingest.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };

for (const d of await dialects()) {
  describe(`a reading before its device's announcement (${d.name})`, () => {
    test('is evaluated, not dropped', async () => {
      const storage = await sharedStorage(d);
      const quiet = { warn() {}, error() {} };
      const busA = new MemoryBus(quiet);
      const busB = new MemoryBus(quiet);
      try {
        // A evaluates; the device is made through B, whose events A never hears.
        const a = await startAppOn(storage, busA);
        const b = await startAppOn(storage, busB, { warningEngine: false });
        const admin = await b.login('admin');
        const r = await b.call('POST', '/api/devices', admin, {
          id: 'gas-first',
          name: '燃气',
          type: 'CombustibleGasObserved',
          department: 'ZJJ',
          location: ZHANGWAN,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(a.warning.engine!.knowsDevice('gas-first'), false, 'A has not heard of it');
        assert.equal((await a.call('POST', '/api/ingest/gas-first', r.body.token, { lel: 30 })).status, 202);
        await settle(a);
        await a.warning.engine!.idle(); // the lookup, then the reading
        const alerts = await a.call('GET', '/api/alerts?rule=gas-lel&device=gas-first', await a.login('admin'));
        assert.equal(alerts.body.total, 1, 'the first reading raised its alert');
        await b.close();
        await a.close();
      } finally {
        await busA.close();
        await busB.close();
        await storage.close();
      }
    });
  });
}
