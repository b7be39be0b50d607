/**
 * The EventBus contract, run against the in-process bus and NATS JetStream alike.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NATS_URL, dialects, freePort, natsAvailable, spawnNatsServer, waitFor } from '../../../test/helpers.js';
import { type DomainEvent, type EventBus, matches } from '../bus.js';
import { idempotent } from '../idempotent.js';
import { MemoryBus } from '../memory.js';
import { NatsBus } from '../nats.js';

declare module '../bus.js' {
  interface EventMap {
    'probe.happened': { n: number };
    'probe.changed': { n: number };
    'other.happened': { n: number };
  }
}

const quiet = { warn() {}, error() {} };

interface Harness {
  name: string;
  /** A bus as one process sees it; buses from one harness share the same broker/stream. */
  open(): Promise<EventBus>;
  cleanup(): Promise<void>;
}

function memoryHarness(): Harness {
  const bus = new MemoryBus(quiet, 5);
  return { name: 'memory', open: async () => bus, cleanup: () => bus.close() };
}

function natsHarness(url = NATS_URL): Harness {
  const id = randomBytes(4).toString('hex');
  const opened: NatsBus[] = [];
  return {
    name: 'nats',
    async open() {
      const b = await NatsBus.connect({ url, stream: `WDTEST_${id}`, prefix: `wdt${id}`, logger: quiet });
      opened.push(b);
      return b;
    },
    async cleanup() {
      await opened[0]?.destroyStream();
      for (const b of opened) await b.close();
    },
  };
}

const harnesses: (() => Harness)[] = [memoryHarness];
if (await natsAvailable()) harnesses.push(() => natsHarness());

describe('event type patterns', () => {
  it('match exact types, one-token and rest wildcards', () => {
    assert.ok(matches('alert.raised', 'alert.raised'));
    assert.ok(matches('alert.*', 'alert.raised'));
    assert.ok(!matches('alert.*', 'alert.level.raised'));
    assert.ok(matches('alert.>', 'alert.level.raised'));
    assert.ok(matches('>', 'anything.here'));
    assert.ok(!matches('alert.raised', 'alert.cleared'));
  });
});

for (const make of harnesses) {
  const h = make();
  describe(`event bus contract: ${h.name}`, () => {
    after(() => h.cleanup());

    it('delivers typed events with id, type, time, key and data', async () => {
      const bus = await h.open();
      const got: DomainEvent[] = [];
      await bus.subscribe('probe.happened', (e) => void got.push(e), { group: 'deliver' });
      const sent = await bus.publish('probe.happened', { n: 1 }, { key: 'k1' });
      await waitFor(() => got.length === 1, 10_000, 'delivery');
      assert.equal(got[0]!.id, sent.id);
      assert.equal(got[0]!.type, 'probe.happened');
      assert.equal(got[0]!.key, 'k1');
      assert.deepEqual(got[0]!.data, { n: 1 });
      assert.ok(Math.abs(got[0]!.at - Date.now()) < 10_000);
    });

    it('refuses event types that are not <entity>.<past-verb>', async () => {
      const bus = await h.open();
      await assert.rejects(bus.publish('Bad Type' as 'probe.happened', { n: 0 }), /Event type/);
    });

    it('filters by pattern', async () => {
      const bus = await h.open();
      const got: string[] = [];
      await bus.subscribe('probe.*', (e) => void got.push(e.type), { group: 'pattern' });
      await bus.publish('other.happened', { n: 0 });
      await bus.publish('probe.changed', { n: 0 });
      // A consumer gets events in the order they were stored: once the later one is here, an
      // earlier event that matched would be here too.
      await bus.publish('probe.happened', { n: 1 });
      await waitFor(() => got.includes('probe.happened'), 30_000, 'pattern delivery');
      assert.deepEqual(got, ['probe.changed', 'probe.happened']);
    });

    it('keeps per-subject order', async () => {
      const bus = await h.open();
      const seen: number[] = [];
      await bus.subscribe('probe.changed', (e) => void seen.push((e.data as { n: number }).n), { group: 'order' });
      for (let n = 0; n < 100; n++) await bus.publish('probe.changed', { n });
      await waitFor(() => seen.length === 100, 15_000, '100 events');
      assert.deepEqual(
        seen,
        Array.from({ length: 100 }, (_, i) => i),
      );
    });

    it('redelivers after a handler failure (at least once) and an idempotent consumer applies it once', async () => {
      const [fixture] = await dialects();
      const storage = await fixture!.open();
      try {
        const bus = await h.open();
        let attempts = 0;
        await bus.subscribe(
          'probe.happened',
          idempotent(storage.db, 'counter', async (event, trx) => {
            attempts++;
            await trx
              .insertInto('settings')
              .values({ key: `applied.${event.id}`, value: '1', updated_at: 0, updated_by: null })
              .execute();
            if (attempts === 1) throw new Error('transient failure');
          }),
          { group: 'retry', maxDeliver: 5 },
        );
        const e = await bus.publish('probe.happened', { n: 7 });
        await waitFor(() => attempts >= 2, 15_000, 'redelivery');
        // Deliver the same event again, as a broker would after a lost ack.
        const handler = idempotent(storage.db, 'counter', async (_ev, trx) => {
          await trx
            .insertInto('settings')
            .values({ key: `applied.${e.id}`, value: '2', updated_at: 0, updated_by: null })
            .execute();
        });
        await handler(e);
        const rows = await storage.db.selectFrom('settings').selectAll().where('key', '=', `applied.${e.id}`).execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.value, '1');
      } finally {
        await storage.close();
      }
    });

    it('hands each event to one member of a group, and to every group', async () => {
      const a = await h.open();
      const b = await h.open();
      const byMember = { a: [] as string[], b: [] as string[] };
      const audit: string[] = [];
      await a.subscribe('probe.changed', (e) => void byMember.a.push(e.id), { group: 'workers' });
      await b.subscribe('probe.changed', (e) => void byMember.b.push(e.id), { group: 'workers' });
      await a.subscribe('probe.changed', (e) => void audit.push(e.id), { group: 'audit-trail' });
      const ids: string[] = [];
      for (let n = 0; n < 60; n++) ids.push((await a.publish('probe.changed', { n })).id);
      await waitFor(() => byMember.a.length + byMember.b.length >= 60 && audit.length >= 60, 30_000, 'group delivery');
      const handled = [...byMember.a, ...byMember.b];
      assert.equal(handled.length, 60, 'each event once within the group');
      assert.deepEqual(new Set(handled), new Set(ids));
      assert.deepEqual(new Set(audit), new Set(ids), 'the other group got every event');
    });
  });
}

describe('NATS bus across a server restart', { skip: !(await natsAvailable()) && 'NATS is not available' }, () => {
  let server: ChildProcess | undefined;
  const storeDir = mkdtempSync(join(tmpdir(), 'wd-nats-'));
  after(() => {
    server?.kill('SIGKILL');
    rmSync(storeDir, { recursive: true, force: true });
  });

  const startServer = async (port: number) => {
    server = await spawnNatsServer(port, storeDir);
  };

  it('reconnects and loses no published event', async () => {
    const port = await freePort();
    await startServer(port);
    const h = natsHarness(`nats://127.0.0.1:${port}`);
    try {
      const bus = await h.open();
      const seen = new Set<number>();
      await bus.subscribe('probe.happened', (e) => void seen.add((e.data as { n: number }).n), { group: 'survivor' });
      for (let n = 0; n < 5; n++) await bus.publish('probe.happened', { n });
      await waitFor(() => seen.size === 5, 10_000, 'first five');

      server!.kill('SIGKILL');
      await new Promise((r) => server!.once('exit', r));
      // Published while the server is down: publish keeps retrying until it is back.
      const pending = Promise.all(Array.from({ length: 5 }, (_, i) => bus.publish('probe.happened', { n: 5 + i })));
      // The bus has noticed the outage (the publishes above are retrying) before the server returns.
      await waitFor(
        async () => {
          try {
            await bus.ping();
            return false;
          } catch {
            return true;
          }
        },
        30_000,
        'the bus to notice the server is gone',
      );
      await startServer(port);
      await pending;
      for (let n = 10; n < 15; n++) await bus.publish('probe.happened', { n });
      await waitFor(() => seen.size === 15, 30_000, 'all fifteen after restart');
      assert.deepEqual(
        [...seen].sort((x, y) => x - y),
        Array.from({ length: 15 }, (_, i) => i),
      );
    } finally {
      await h.cleanup();
    }
  });
});
