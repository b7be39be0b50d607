import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Storage } from '../../../platform/storage/db.js';
import { dialects } from '../../../test/helpers.js';
import { HealthTracker } from '../ingest.js';

const DEVICES = 2_500; // more than one slice of the flush

for (const d of await dialects()) {
  describe(`health counters (${d.name})`, () => {
    let storage: Storage;
    before(async () => {
      storage = await d.open();
      const rows = Array.from({ length: DEVICES }, (_, i) => ({ dev: i + 1, accepted: 0, rejected: 0, duplicates: 0, status: 'unknown' }));
      for (let i = 0; i < rows.length; i += 500)
        await storage.db
          .insertInto('device_health')
          .values(rows.slice(i, i + 500))
          .execute();
    });
    after(async () => {
      await storage.close();
    });

    test('a flush of many devices, in slices, adds every count once and moves last seen only forward', async () => {
      const health = new HealthTracker(storage.db);
      for (let dev = 1; dev <= DEVICES; dev++) health.accepted(dev, 2, dev % 2, 1_000 + dev);
      health.rejected(7, 'out of range', 5_000);
      await health.flush();
      for (let dev = 1; dev <= DEVICES; dev++) health.accepted(dev, 1, 0, 500); // older: last seen stays
      await health.flush();
      await health.flush(); // nothing new: changes nothing
      const sums = await storage.db
        .selectFrom('device_health')
        .select((eb) => [eb.fn.sum<number>('accepted').as('a'), eb.fn.sum<number>('duplicates').as('dup'), eb.fn.sum<number>('rejected').as('r')])
        .executeTakeFirstOrThrow();
      assert.deepEqual([Number(sums.a), Number(sums.dup), Number(sums.r)], [DEVICES * 3, DEVICES / 2, 1]);
      const last = await storage.db
        .selectFrom('device_health')
        .select(['dev', 'last_seen', 'last_error'])
        .where('dev', 'in', [1, 7, DEVICES])
        .orderBy('dev')
        .execute();
      assert.deepEqual(
        last.map((r) => [r.dev, Number(r.last_seen), r.last_error]),
        [
          [1, 1_001, null],
          [7, 1_007, 'out of range'],
          [DEVICES, 1_000 + DEVICES, null],
        ],
      );
    });
  });
}
