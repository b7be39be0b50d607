/**
 * SQLite latest values kept in memory and written in key order every LATEST_FLUSH_MS: they read the
 * same before and after the flush, an older reading never replaces a newer one, and a crash (no
 * flush, no clean close) loses none of them: the ones not yet written are rebuilt from the raw rows
 * after the recovery mark, and readings from before the mark are written at once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LATEST_FLUSH_MS, LATEST_MARGIN, MINUTE, type Observation, SqliteTelemetryStore } from '../telemetry.store.js';

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const DEVS = 300;

describe('SQLite latest values written every few seconds', () => {
  let dir: string;
  let file: string;
  let store: SqliteTelemetryStore;
  const table = (dev: number) =>
    store.db.prepare('SELECT attr, ts, v, s FROM tm_latest WHERE dev = ? ORDER BY attr').all(dev) as { attr: string; ts: number; v: number | null }[];
  const read = async (dev: number) => (await store.latest([dev])).get(dev)!.map((l) => [l.attr, l.ts, l.v ?? l.s]);
  const readings = (ts: number, v: number): Observation[] =>
    Array.from({ length: DEVS }, (_, i) => [
      { dev: i + 1, attr: 'level', ts, v: v + i, s: null },
      { dev: i + 1, attr: 'state', ts, v: null, s: `s${v}` },
    ]).flat();
  /** A crash: the database closed without the store's flush. */
  const crash = async () => {
    await store.checkpointer?.close();
    store.db.close();
    store = new SqliteTelemetryStore(file);
    await store.init();
    store.maxSliceDevs = 16;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wd-latest-'));
    file = join(dir, 'telemetry.db');
    store = new SqliteTelemetryStore(file);
    await store.init();
    store.maxSliceDevs = 16; // many small slices
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('before the first flush values are written at once; after it they wait for the next', async () => {
    await store.write(readings(T0, 1));
    assert.deepEqual(table(7), [
      { attr: 'level', ts: T0, v: 7, s: null },
      { attr: 'state', ts: T0, v: null, s: 's1' },
    ]);
    // The first flush sets the recovery mark.
    while ((await store.materialize(T0 + 1_000, 1_000)).pending);
    const r = await store.write(readings(T0 + 2_000, 100));
    assert.equal(r.latestMoved, DEVS * 2);
    assert.equal(table(7)[0]!.ts, T0, 'not written yet');
    assert.deepEqual(await read(7), [
      ['level', T0 + 2_000, 106],
      ['state', T0 + 2_000, 's100'],
    ]);
    // An older reading moves nothing, in memory or on disk.
    const older = await store.write([{ dev: 7, attr: 'level', ts: T0 + 1_500, v: -1, s: null }]);
    assert.equal(older.inserted.length, 1);
    assert.equal(older.latestMoved, 0);
    assert.deepEqual((await read(7))[0], ['level', T0 + 2_000, 106]);
    // Not due before LATEST_FLUSH_MS has passed since the last flush.
    await store.materialize(T0 + 1_000 + LATEST_FLUSH_MS - 1, 1_000);
    assert.equal(table(7)[0]!.ts, T0);
    while ((await store.materialize(T0 + 1_000 + LATEST_FLUSH_MS, 1_000)).pending);
    assert.deepEqual(table(7)[0], { attr: 'level', ts: T0 + 2_000, v: 106, s: null });
    assert.deepEqual(table(DEVS)[1], { attr: 'state', ts: T0 + 2_000, v: null, s: 's100' });
  });

  test('a crash loses no latest value: pending ones come back from the raw rows, older ones were written at once', async () => {
    const now = T0 + 1_000 + LATEST_FLUSH_MS;
    // A flush pass in slices, with readings arriving between them (for devices before and after
    // the pass's position).
    await store.write(readings(now + 50, 150));
    await store.materialize(now + LATEST_FLUSH_MS, 0);
    await store.write(readings(now + 100, 200));
    while ((await store.materialize(now + LATEST_FLUSH_MS, 0)).pending);
    // The pass wrote what arrived for devices ahead of it; behind it, values wait for the next pass.
    assert.equal(table(150)[0]!.v, 200 + 149);
    assert.equal(table(3)[0]!.v, 150 + 2);
    assert.deepEqual((await read(3))[0], ['level', now + 100, 200 + 2]);
    // Pending, not on disk.
    await store.write(readings(now + 200, 300));
    // Older than the recovery mark (a device uploading what it buffered offline): written at once.
    const late = now + LATEST_FLUSH_MS - LATEST_MARGIN - 5 * MINUTE;
    await store.write([{ dev: DEVS + 1, attr: 'level', ts: late, v: 42, s: null }]);
    assert.deepEqual(table(DEVS + 1), [{ attr: 'level', ts: late, v: 42, s: null }]);
    await crash();
    for (const dev of [1, 3, 150, DEVS]) {
      assert.deepEqual(await read(dev), [
        ['level', now + 200, 300 + dev - 1],
        ['state', now + 200, 's300'],
      ]);
      assert.deepEqual(table(dev)[0], { attr: 'level', ts: now + 200, v: 300 + dev - 1, s: null }, 'rebuilt on disk');
    }
    assert.deepEqual(await read(DEVS + 1), [['level', late, 42]]);
  });

  test('the recovery mark stays below values still pending, however old they are', async () => {
    const now = T0 + 20 * LATEST_FLUSH_MS;
    while ((await store.materialize(now, 1_000)).pending);
    await store.write(readings(now + 10, 500));
    // A pass ten minutes later (a slow clock, or a backlog): a reading behind its position stays
    // pending, far older than the pass's start.
    await store.materialize(now + 10 * MINUTE, 0);
    await store.write([{ dev: 3, attr: 'level', ts: now + 20, v: 777, s: null }]);
    while ((await store.materialize(now + 10 * MINUTE, 0)).pending);
    assert.equal(table(3)[0]!.v, 502, 'still pending');
    await crash();
    assert.deepEqual((await read(3))[0], ['level', now + 20, 777]);
  });

  test('a clean close writes what is pending', async () => {
    const now = T0 + 30 * LATEST_FLUSH_MS;
    while ((await store.materialize(now, 1_000)).pending);
    await store.write(readings(now + 1, 400));
    assert.notEqual(table(5)[0]!.v, 404);
    await store.close();
    store = new SqliteTelemetryStore(file);
    await store.init();
    assert.deepEqual(table(5)[0], { attr: 'level', ts: now + 1, v: 404, s: null });
  });
});
