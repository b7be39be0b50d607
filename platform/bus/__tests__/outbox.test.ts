import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { dialects, waitFor } from '../../../test/helpers.js';
import { transaction } from '../../storage/db.js';
import type { DomainEvent, EventBus } from '../bus.js';
import { MemoryBus } from '../memory.js';
import { Outbox } from '../outbox.js';

declare module '../bus.js' {
  interface EventMap {
    'parcel.sent': { n: number };
  }
}

const quiet = { warn() {}, error() {} };

/** A bus whose broker is away: every publish fails. */
const unreachable: EventBus = {
  kind: 'nats',
  publish: async () => {
    throw new Error('broker unreachable');
  },
  subscribe: async () => ({ unsubscribe: async () => undefined }),
  notify: () => undefined,
  onNotify: async () => ({ unsubscribe: async () => undefined }),
  ping: async () => {
    throw new Error('broker unreachable');
  },
  close: async () => undefined,
};

for (const d of await dialects()) {
  describe(`transactional outbox on ${d.name}`, async () => {
    const s = await d.open();
    after(() => s.close());
    const bus = new MemoryBus(quiet);
    const got: DomainEvent[] = [];
    await bus.subscribe('parcel.sent', (e) => void got.push(e), { group: 'receiver' });
    const outbox = new Outbox(s.db, bus, quiet);

    it('publishes an event only once its transaction has committed', async () => {
      await assert.rejects(
        transaction(s.db, async (trx) => {
          await outbox.add(trx, 'parcel.sent', { n: -1 });
          throw new Error('change refused');
        }),
      );
      await transaction(s.db, async (trx) => {
        await outbox.add(trx, 'parcel.sent', { n: 1 }, { key: 'p1' });
      });
      assert.equal(await outbox.flush(), 1);
      await bus.settled();
      assert.deepEqual(
        got.map((e) => e.data),
        [{ n: 1 }],
      );
      assert.equal(got[0]!.key, 'p1');
      assert.equal(await outbox.pending(), 0);
    });

    it('keeps events while the broker is away and sends them in order when it is back', async () => {
      got.length = 0;
      const away = new Outbox(s.db, unreachable, quiet);
      for (let n = 10; n < 15; n++) {
        await transaction(s.db, async (trx) => {
          await away.add(trx, 'parcel.sent', { n });
        });
      }
      assert.equal(await away.flush(), 0);
      assert.equal(await away.pending(), 5, 'nothing lost');
      // "Restart": a new relay on the same database with the broker reachable again.
      const back = new Outbox(s.db, bus, quiet);
      back.startRelay(20);
      await waitFor(async () => (await back.pending()) === 0, 10_000, 'the relay to drain');
      await back.stop();
      await bus.settled();
      assert.deepEqual(
        got.map((e) => (e.data as { n: number }).n),
        [10, 11, 12, 13, 14],
      );
    });

    it('never holds the database while the broker is slow, and writers stop waiting once it fails', async () => {
      got.length = 0;
      let release!: (fail: boolean) => void;
      const stalled = new Promise<boolean>((r) => {
        release = r;
      });
      const slow: EventBus = {
        ...unreachable,
        publish: async () => {
          if (await stalled) throw new Error('broker timed out');
          throw new Error('unreachable');
        },
      };
      const o = new Outbox(s.db, slow, quiet);
      await transaction(s.db, async (trx) => {
        await o.add(trx, 'parcel.sent', { n: 20 });
      });
      const first = o.flush();
      // The publish hangs; other writes to the same database still go through (on SQLite the
      // connection is shared, so an open transaction here would block them).
      await transaction(s.db, async (trx) => {
        await o.add(trx, 'parcel.sent', { n: 21 });
      });
      release(true);
      assert.equal(await first, 0);
      // The bus has failed: a writer's flush returns at once and leaves the events to the relay.
      let called = false;
      const o2 = o as unknown as { bus: EventBus };
      o2.bus = {
        ...unreachable,
        publish: async () => {
          called = true;
          throw new Error('unreachable');
        },
      };
      assert.equal(await o.flush(), 0);
      assert.equal(called, false);
      assert.equal(await o.pending(), 2);
      const back = new Outbox(s.db, bus, quiet);
      assert.equal(await back.flush(), 2);
      await bus.settled();
      assert.deepEqual(
        got.map((e) => (e.data as { n: number }).n),
        [20, 21],
      );
    });
  });
}
