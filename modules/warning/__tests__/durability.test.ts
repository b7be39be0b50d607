/**
 * Rule state across restarts, crashes and handovers: durations survive a restart; readings a
 * dead evaluator never saw are replayed by the process that takes over; with several processes
 * over NATS and PostgreSQL each rule-and-subject is evaluated by one process, and a handover
 * (graceful or by lease expiry) loses no alert and raises no duplicate. One test kills the
 * platform process with SIGKILL right after its readings were acknowledged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { NatsBus } from '../../../platform/bus/nats.js';
import { type TestApp, dialects, natsAvailable, spawnPlatform, startAppOn, waitFor } from '../../../test/helpers.js';
import type { EventBus } from '../../../platform/bus/bus.js';
import { MemoryBus } from '../../../platform/bus/memory.js';
import { settle, sharedStorage } from '../../../test/ingest.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };
const MIN = 60_000;

/** The engine renews its leases by itself; the returned function stops that (a frozen process). */
function keepLeasing(t: TestApp<EventBus>): () => void {
  t.warning.engine!.startLeasing();
  return () => t.warning.engine!.stopLeasing();
}

async function gasDevice(t: TestApp<EventBus>, admin: string, id: string): Promise<string> {
  const r = await t.call('POST', '/api/devices', admin, { id, name: id, type: 'CombustibleGasObserved', department: 'ZJJ', location: ZHANGWAN });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token;
}

/** Whether every rule partition of the platform in `dir` has checkpointed since `at` (read beside the running process). */
function checkpointedSince(dir: string, at: number): boolean {
  const db = new SqliteDatabase(join(dir, 'wudang.db'), { readonly: true, fileMustExist: true });
  try {
    const r = db.prepare('SELECT min(checkpoint_at) AS cp, count(*) AS n FROM warning_partitions').get() as { cp: number | null; n: number };
    return r.n > 0 && r.cp !== null && r.cp >= at;
  } finally {
    db.close();
  }
}

async function openAlerts(t: TestApp<EventBus>, admin: string, rule: string): Promise<{ deviceId: string; level: number; id: string }[]> {
  const r = await t.call('GET', `/api/alerts?rule=${rule}&open=true&limit=500`, admin);
  return r.body.items;
}

for (const d of await dialects()) {
  describe(`warning state across restarts (${d.name})`, () => {
    test('a duration under way survives a restart', async () => {
      const storage = await sharedStorage(d);
      const bus = new MemoryBus({ warn() {}, error() {} });
      try {
        let t = await startAppOn(storage, bus);
        let admin = await t.login('admin');
        const r = await t.call('POST', '/api/devices', admin, {
          id: 'pond-restart',
          name: '积水点',
          type: 'FloodMonitoring',
          department: 'ZJJ',
          location: ZHANGWAN,
        });
        const token = r.body.token;
        const base = Date.now() - 30 * MIN;
        await t.call('POST', '/api/ingest/pond-restart', token, { ts: base, currentLevel: 0.2 });
        await settle(t);
        assert.equal(t.warning.engine!.stateOf('waterlogging-depth', 'pond-restart')?.levels[0]?.since, base);
        await t.close(); // writes state, hands the partitions back

        t = await startAppOn(storage, bus);
        admin = await t.login('admin');
        assert.equal(t.warning.engine!.ownedPartitions().length, 32);
        assert.equal(t.warning.engine!.stateOf('waterlogging-depth', 'pond-restart')?.levels[0]?.since, base, 'the pending duration was loaded');
        await t.call('POST', '/api/ingest/pond-restart', token, { ts: base + 2 * MIN, currentLevel: 0.21 });
        await settle(t);
        const alerts = await openAlerts(t, admin, 'waterlogging-depth');
        assert.equal(alerts.length, 1, 'two minutes counted across the restart');
        await t.close();
      } finally {
        await bus.close();
        await storage.close();
      }
    });

    test('an engine keeps its leases by itself, so it never stops evaluating (scheduler off)', async () => {
      const storage = await sharedStorage(d);
      const bus = new MemoryBus({ warn() {}, error() {} });
      // The platform's clock is the test's: it moves in steps shorter than a lease (2 s), and
      // after each step the engine must have renewed by itself, however slow the machine is.
      let clock = Date.now();
      try {
        const t = await startAppOn(storage, bus, { warningLease: 2 }, { now: () => clock });
        const admin = await t.login('admin');
        const token = await gasDevice(t, admin, 'gas-lease');
        const earliestLease = async () =>
          Number(
            (
              await storage.db
                .selectFrom('warning_partitions')
                .select((eb) => eb.fn.min('lease_until').as('until'))
                .executeTakeFirstOrThrow()
            ).until,
          );
        for (let step = 0; step < 5; step++) {
          clock += 500; // 2.5 s in all: longer than one lease
          await waitFor(async () => (await earliestLease()) >= clock + 2_000, 30_000, 'the engine renewing its leases');
        }
        assert.equal(t.warning.engine!.ownedPartitions().length, 32);
        await t.call('POST', '/api/ingest/gas-lease', token, { lel: 30 });
        await settle(t);
        assert.equal((await openAlerts(t, admin, 'gas-lel')).length, 1, 'evaluated after the first lease ran out');
        await t.close();
      } finally {
        await bus.close();
        await storage.close();
      }
    });

    test('readings no evaluator saw are replayed by the process that takes over', async () => {
      const storage = await sharedStorage(d);
      const bus = new MemoryBus({ warn() {}, error() {} });
      try {
        // A evaluates, then stops (its state and checkpoint are written).
        const a = await startAppOn(storage, bus);
        const admin = await a.login('admin');
        const tokens = [await gasDevice(a, admin, 'gas-r1'), await gasDevice(a, admin, 'gas-r2')];
        await a.call('POST', '/api/ingest/gas-r1', tokens[0], { lel: 30 });
        await settle(a);
        await a.close();
        // While no process evaluates rules, readings keep arriving (stored and acknowledged).
        const ingestOnly = await startAppOn(storage, bus, { warningEngine: false });
        assert.equal(ingestOnly.warning.engine, undefined);
        assert.equal((await ingestOnly.call('POST', '/api/ingest/gas-r2', tokens[1], { lel: 55 })).status, 202);
        assert.equal((await ingestOnly.call('POST', '/api/ingest/gas-r1', tokens[0], { lel: 52 })).status, 202);
        await ingestOnly.close();
        // B takes over: it replays what arrived since A's checkpoint.
        const b = await startAppOn(storage, bus);
        await settle(b);
        const alerts = await openAlerts(b, admin, 'gas-lel');
        assert.deepEqual(alerts.map((x) => [x.deviceId, x.level]).sort(), [
          ['gas-r1', 2],
          ['gas-r2', 2],
        ]);
        // gas-r1's alert was raised by A at Ⅲ and raised to Ⅱ by the replay: still one alert.
        const all = await b.call('GET', '/api/alerts?rule=gas-lel&device=gas-r1', admin);
        assert.equal(all.body.total, 1);
        await b.close();
      } finally {
        await bus.close();
        await storage.close();
      }
    });
  });
}

describe('several processes over NATS and PostgreSQL', () => {
  test('partitions are shared; handover by release and by lease expiry loses no alert and raises none twice', { timeout: 120_000 }, async (ctx) => {
    const all = await dialects();
    const pgFixture = all.find((x) => x.name === 'postgres');
    if (!pgFixture || !(await natsAvailable())) return ctx.skip('PostgreSQL and NATS are needed');
    const { NATS_URL } = await import('../../../test/helpers.js');
    const storage = await pgFixture.open();
    const natsOpts = { url: NATS_URL, stream: `WD_WARN_${process.pid}`, prefix: `wdwarn${process.pid}`, logger: { warn() {}, error() {} } };
    const buses: NatsBus[] = [];
    const apps: TestApp<EventBus>[] = [];
    // One clock for the three processes: leases run out when the test moves it, not when the machine is slow.
    let clock = Date.now();
    const start = async () => {
      const bus = await NatsBus.connect(natsOpts);
      buses.push(bus);
      const t = await startAppOn(storage, bus, { warningLease: 2 }, { now: () => clock });
      apps.push(t);
      return t;
    };
    try {
      const a = await start();
      a.warning.engine!.stopLeasing(); // rebalancing by hand below
      const admin = await a.login('admin');
      const b = await start();
      b.warning.engine!.stopLeasing();
      assert.equal(b.warning.engine!.ownedPartitions().length, 0, 'A holds everything until it rebalances');
      await a.warning.engine!.lease(); // two workers: A gives back half
      await b.warning.engine!.lease(); // and B takes it
      const stopA = keepLeasing(a);
      const stopB = keepLeasing(b);
      const pa = a.warning.engine!.ownedPartitions();
      const pb = b.warning.engine!.ownedPartitions();
      assert.equal(pa.length, 16);
      assert.equal(pb.length, 16);
      assert.equal(new Set([...pa, ...pb]).size, 32);

      // Twenty gas detectors: seq 1–20 falls in both processes' partitions (A kept 0–15).
      const tokens = new Map<string, string>();
      for (let i = 0; i < 20; i++) tokens.set(`gas-m${i}`, await gasDevice(a, admin, `gas-m${i}`));
      await waitFor(() => [...tokens.keys()].every((id) => b.warning.engine!.knowsDevice(id)), 30_000, 'device.created to reach B over NATS');
      for (const [id, tok] of tokens) assert.equal((await a.call('POST', `/api/ingest/${id}`, tok, { lel: 30 })).status, 202);
      await waitFor(async () => (await openAlerts(a, admin, 'gas-lel')).length === 20, 15_000, 'twenty alerts');
      await Promise.all([a.warning.engine!.idle(), b.warning.engine!.idle()]);
      // Each device was evaluated by exactly one process.
      let byA = 0;
      let byB = 0;
      for (const id of tokens.keys()) {
        const sa = a.warning.engine!.stateOf('gas-lel', id);
        const sb = b.warning.engine!.stateOf('gas-lel', id);
        assert.ok(!!sa !== !!sb, `${id} evaluated by one process`);
        if (sa) byA++;
        else byB++;
      }
      assert.ok(byA > 0 && byB > 0, `both processes took part (${byA}/${byB})`);

      // Graceful handover: A stops; B takes everything and continues the same alerts.
      await a.warning.engine!.checkpoint();
      stopA();
      await a.warning.close();
      await b.warning.engine!.lease();
      assert.equal(b.warning.engine!.ownedPartitions().length, 32);
      clock += 1_000; // a later reading (the clock stands still otherwise), within the leases
      for (const [id, tok] of tokens) assert.equal((await b.call('POST', `/api/ingest/${id}`, tok, { lel: 60 })).status, 202);
      await waitFor(async () => (await openAlerts(b, admin, 'gas-lel')).every((x) => x.level === 2), 15_000, 'all raised to Ⅱ');
      assert.equal((await b.call('GET', '/api/alerts?rule=gas-lel&limit=500', admin)).body.total, 20, 'no duplicates');

      // Handover by lease expiry: B stops renewing (as if frozen or killed); C takes over.
      await b.warning.engine!.checkpoint();
      stopB();
      const c = await start();
      c.warning.engine!.stopLeasing(); // C takes over by hand below, after readings nobody evaluates
      assert.equal(c.warning.engine!.ownedPartitions().length, 0);
      clock += 2_300; // B's leases run out
      // Readings arrive while nobody holds the partitions: B no longer evaluates, C not yet.
      for (const [id, tok] of tokens) assert.equal((await c.call('POST', `/api/ingest/${id}`, tok, { lel: 2 })).status, 202);
      await c.warning.engine!.lease();
      const stopC = keepLeasing(c);
      assert.equal(c.warning.engine!.ownedPartitions().length, 32);
      await settle(c);
      // C replayed them: every alert cleared, none raised twice.
      await waitFor(async () => (await openAlerts(c, admin, 'gas-lel')).length === 0, 15_000, 'alerts cleared by the replay');
      assert.equal((await c.call('GET', '/api/alerts?rule=gas-lel&limit=500', admin)).body.total, 20);
      stopC();
    } finally {
      for (const t of apps) await t.close().catch(() => undefined);
      for (const bus of buses) await bus.close().catch(() => undefined);
      await storage.close();
    }
  });
});

describe('SIGKILL right after readings are acknowledged', () => {
  test('every alert the acknowledged readings call for exists after the restart, once', { timeout: 120_000 }, async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'wd-warn-crash-'));
    const PASSWORD = 'Crash-Admin-2026!';
    const env = { DATA_DIR: dir, WUDANG_ADMIN_PASSWORD: PASSWORD, WARNING_LEASE: '2s' };
    const api = async (base: string, method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    try {
      const first = await spawnPlatform(env);
      const admin = (await api(first.http, 'POST', '/api/auth/login', undefined, { username: 'admin', password: PASSWORD })).body.token;
      const tokens: [string, string][] = [];
      for (let i = 0; i < 100; i++) {
        const r = await api(first.http, 'POST', '/api/devices', admin, {
          id: `gas-k${i}`,
          name: `gas ${i}`,
          type: 'CombustibleGasObserved',
          department: 'ZJJ',
          location: ZHANGWAN,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        tokens.push([`gas-k${i}`, r.body.token]);
      }
      // A checkpoint passes after the devices were made (read from the platform's own database).
      const created = Date.now();
      await waitFor(() => checkpointedSince(dir, created), 30_000, 'a checkpoint after the devices were made');
      // A hundred readings acknowledged at once, then the process is killed at once.
      const posts = await Promise.all(tokens.map(([id, tok]) => api(first.http, 'POST', `/api/ingest/${id}`, tok, { lel: 40 })));
      for (const p of posts) assert.equal(p.status, 202, JSON.stringify(p.body));
      first.child.kill('SIGKILL');
      const killedAt = Date.now();
      await new Promise((r) => first.child.once('exit', r));

      const second = await spawnPlatform(env);
      try {
        const admin2 = (await api(second.http, 'POST', '/api/auth/login', undefined, { username: 'admin', password: PASSWORD })).body.token;
        await waitFor(
          async () => (await api(second.http, 'GET', '/api/alerts?rule=gas-lel&limit=500', admin2)).body.total >= 100,
          30_000,
          'a hundred alerts after the restart',
        );
        // The restarted process has replayed and checkpointed: nothing more is to come.
        await waitFor(() => checkpointedSince(dir, killedAt), 30_000, 'a checkpoint of the restarted process');
        const list = await api(second.http, 'GET', '/api/alerts?rule=gas-lel&limit=500', admin2);
        assert.equal(list.body.total, 100);
        assert.equal(new Set(list.body.items.map((a: { deviceId: string }) => a.deviceId)).size, 100, 'one alert per device');
        const afterRestart = list.body.items.filter((a: { raisedAt: number }) => a.raisedAt > killedAt).length;
        ctx.diagnostic(`${afterRestart} of 100 alerts were raised by the restarted process from replayed readings`);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
