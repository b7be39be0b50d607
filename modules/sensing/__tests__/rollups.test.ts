/**
 * SQLite rollups written when their bucket closes (continuous aggregates): the series read the same
 * before and after they are written, late readings are added whichever side of the writer's cursor
 * they fall, an interrupted write is finished after a restart, and the raw rows they come from are
 * kept until then.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HOUR, MINUTE, type Observation, ROLLUP_GRACE, SqliteTelemetryStore } from '../telemetry.store.js';

const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);
const DEVS = 120;

/** Expected rollups straight from the observations: [bucket, min, max, avg, count, last]. */
function expected(rows: Observation[], dev: number, attr: string, bucket: number): [number, number, number, number, number, number][] {
  const by = new Map<number, Observation[]>();
  for (const r of rows) {
    if (r.dev !== dev || r.attr !== attr || r.v === null) continue;
    const b = r.ts - (r.ts % bucket);
    by.set(b, [...(by.get(b) ?? []), r]);
  }
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, xs]) => {
      const vs = xs.map((x) => x.v!);
      const last = xs.reduce((a, x) => (x.ts >= a.ts ? x : a));
      return [b, Math.min(...vs), Math.max(...vs), vs.reduce((a, v) => a + v, 0) / vs.length, vs.length, last.v!];
    });
}

const points = (s: { t: number; min: number | null; max: number | null; avg: number | null; count: number; last: unknown }[]) =>
  s.map((p) => [p.t, p.min, p.max, p.avg, p.count, p.last]);

describe('SQLite rollups written when their bucket closes', () => {
  let dir: string;
  let file: string;
  let store: SqliteTelemetryStore;
  const all: Observation[] = [];
  const write = async (rows: Observation[]) => {
    const r = await store.write(rows);
    all.push(...r.inserted);
    return r;
  };
  const count = (table: string) =>
    store.db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(table)
      ? (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
      : 0;
  const check = async (devs: number[]) => {
    for (const dev of devs) {
      for (const attr of ['level', 'flow']) {
        const m = await store.series({ dev, attr, from: T0 - HOUR, to: T0 + 3 * HOUR, resolution: 'minute' });
        assert.deepEqual(points(m), expected(all, dev, attr, MINUTE), `minutes of ${dev}/${attr}`);
        const h = await store.series({ dev, attr, from: T0 - HOUR, to: T0 + 3 * HOUR, resolution: 'hour' });
        assert.deepEqual(points(h), expected(all, dev, attr, HOUR), `hours of ${dev}/${attr}`);
      }
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wd-rollups-'));
    file = join(dir, 'telemetry.db');
    store = new SqliteTelemetryStore(file);
    await store.init();
    store.maxSliceDevs = 16; // many small slices
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads the same before and after the rollups are written; nothing is written before the grace', async () => {
    // 120 devices, two attributes, a reading every 20 s for 70 minutes (one text value too).
    const rows: Observation[] = [];
    for (let t = T0; t < T0 + 70 * MINUTE; t += 20_000) {
      for (let dev = 1; dev <= DEVS; dev++) {
        rows.push({ dev, attr: 'level', ts: t + dev, v: ((dev * 7 + t / 20_000) % 13) / 4, s: null });
        rows.push({ dev, attr: 'flow', ts: t + dev, v: (dev + t / 60_000) % 5, s: null });
      }
    }
    rows.push({ dev: 1, attr: 'state', ts: T0, v: null, s: 'ok' });
    for (let i = 0; i < rows.length; i += 500) await write(rows.slice(i, i + 500));
    assert.equal(count('tm_min_20261126'), 0, 'no rollup is written as readings arrive');
    await check([1, 60, DEVS]);
    // Within the grace after the last minute nothing is due.
    assert.deepEqual(await store.materialize(T0 + MINUTE + ROLLUP_GRACE - 1, 1_000), { pending: false });
    assert.equal(count('tm_min_20261126'), 0);
  });

  test('late readings are added whether their device is before or after the cursor of a rollup being written', async () => {
    // One slice of the first minute's rollup.
    assert.equal((await store.materialize(T0 + 70 * MINUTE + ROLLUP_GRACE, 0)).pending, true);
    const written = store.db.prepare('SELECT DISTINCT dev FROM tm_min_20261126 ORDER BY dev').all() as { dev: number }[];
    assert.ok(written.length > 0 && written.length < DEVS, `one slice written (${written.length} devices)`);
    const below = written[0]!.dev;
    const above = DEVS;
    await write([
      { dev: below, attr: 'level', ts: T0 + 30_500, v: 99, s: null },
      { dev: above, attr: 'level', ts: T0 + 30_500, v: -5, s: null },
    ]);
    while ((await store.materialize(T0 + 70 * MINUTE + ROLLUP_GRACE, 0)).pending);
    assert.equal(count('tm_min_20261126'), DEVS * 2 * 70);
    assert.equal(count('tm_hour_202611'), DEVS * 2, 'the first hour is written once its minutes are');
    await check([below, 2, 60, above]);
    // Later readings for written buckets go into both rollups at once.
    await write([{ dev: 2, attr: 'flow', ts: T0 + 5 * MINUTE + 1, v: 42, s: null }]);
    await check([2]);
  });

  test('a rollup interrupted by a restart is written again, whole, from the raw rows', async () => {
    // The next hour's data, then a restart in the middle of writing its first minute.
    const rows: Observation[] = [];
    for (let t = T0 + 70 * MINUTE; t < T0 + 125 * MINUTE; t += 30_000) {
      for (let dev = 1; dev <= DEVS; dev++) rows.push({ dev, attr: 'level', ts: t + dev, v: (dev + t / 30_000) % 9, s: null });
    }
    for (let i = 0; i < rows.length; i += 500) await write(rows.slice(i, i + 500));
    await store.materialize(T0 + 125 * MINUTE + ROLLUP_GRACE, 0);
    await store.materialize(T0 + 125 * MINUTE + ROLLUP_GRACE, 0);
    await store.close();
    store = new SqliteTelemetryStore(file);
    await store.init();
    // A reading for a device whose slice was written before the restart: the rewrite must count it.
    const first = (store.db.prepare('SELECT min(dev) AS d FROM tm_min_20261126 WHERE b = ?').get(T0 + 70 * MINUTE) as { d: number }).d;
    assert.ok(first >= 1, 'a slice was written before the restart');
    await write([{ dev: first, attr: 'level', ts: T0 + 70 * MINUTE + 45_000, v: 1000, s: null }]);
    await check([first, 77]);
    while ((await store.materialize(T0 + 125 * MINUTE + ROLLUP_GRACE, 5)).pending);
    await check([first, 2, 77, DEVS]);
    // Hours 08:00 and 09:00 of both attributes; 10:00 is still open.
    assert.equal(count('tm_hour_202611'), DEVS * 4);
  });
});
