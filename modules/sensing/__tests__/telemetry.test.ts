import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialects } from '../../../test/helpers.js';
import type { Storage } from '../../../platform/storage/db.js';
import { jsonAdaptor, senmlAdaptor, PayloadError } from '../adaptors.js';
import { parseCsv } from '../../../platform/csv.js';
import { type AttributeSpec, isRejection, validateReading } from '../model.js';
import { DAY, HOUR, MINUTE, type Observation, type TelemetryStore, openTelemetryStore, periodOf } from '../telemetry.store.js';

const T0 = Date.UTC(2026, 10, 26, 8, 0, 0); // 2026-11-26 08:00 UTC

describe('payload adaptors', () => {
  test('JSON: one record or many, ts as epoch ms or ISO-8601', () => {
    assert.deepEqual(jsonAdaptor.decode(Buffer.from('{"ts":1764144000000,"pm25":35,"ok":true}'), T0), [
      { attr: 'pm25', ts: 1764144000000, value: 35 },
      { attr: 'ok', ts: 1764144000000, value: true },
    ]);
    const r = jsonAdaptor.decode('[{"ts":"2026-11-26T08:00:00+08:00","a":1},{"b":"x"}]', T0);
    assert.equal(r[0]!.ts, Date.UTC(2026, 10, 26, 0, 0, 0));
    assert.deepEqual(r[1], { attr: 'b', value: 'x' });
  });
  test('JSON: malformed, empty and time-zone-less times are payload errors', () => {
    assert.throws(() => jsonAdaptor.decode('{"pm25":', T0), PayloadError);
    assert.throws(() => jsonAdaptor.decode('{}', T0), /no values/);
    assert.throws(() => jsonAdaptor.decode('[]', T0), /empty/);
    assert.throws(() => jsonAdaptor.decode('"text"', T0), /object/);
    assert.throws(() => jsonAdaptor.decode('{"ts":"2026-11-26 08:00","a":1}', T0), /ISO-8601/);
  });
  test('SenML: base name, base time, base value, units and relative times (RFC 8428)', () => {
    const pack = [
      { bn: 'urn:dev:ow:10e2073a01080063:', bt: 1.764144e9, bu: 'Cel', n: 'temperature', v: 23.1 },
      { n: 'relativeHumidity', u: '%RH', v: 60, t: 10 },
      { n: 'congested', vb: true },
      { n: 'status', vs: 'free' },
    ];
    const r = senmlAdaptor.decode(JSON.stringify(pack), T0);
    assert.deepEqual(r[0], { attr: 'temperature', ts: 1764144000000, value: 23.1, unit: 'Cel' });
    assert.deepEqual(r[1], { attr: 'relativeHumidity', ts: 1764144010000, value: 60, unit: '%RH' });
    assert.equal(r[2]!.value, true);
    assert.equal(r[3]!.value, 'free');
    // A time below 2^28 is relative to now.
    const rel = senmlAdaptor.decode('[{"n":"level","v":1.5,"t":-60}]', T0);
    assert.equal(rel[0]!.ts, T0 - 60_000);
    assert.throws(() => senmlAdaptor.decode('{"n":"x","v":1}', T0), /array/);
    assert.throws(() => senmlAdaptor.decode('[{"n":"x","v":1,"t":"soon"}]', T0), /t must be a number/);
  });
});

describe('validation against the device type', () => {
  const attrs = new Map<string, AttributeSpec>([
    ['pm25', { key: 'pm25', name: { zh: 'PM2.5', en: 'PM2.5' }, valueType: 'number', unitCode: 'GQ', min: 0, max: 1000 }],
    ['temperature', { key: 'temperature', name: { zh: '气温', en: 'T' }, valueType: 'number', unitCode: 'CEL', min: -40, max: 60 }],
    ['pressure', { key: 'pressure', name: { zh: '压力', en: 'P' }, valueType: 'number', unitCode: 'MPA', min: 0, max: 4 }],
    ['congested', { key: 'congested', name: { zh: '拥堵', en: 'C' }, valueType: 'boolean' }],
  ]);
  const check = (attr: string, value: unknown, extra: object = {}) => validateReading(attrs, { attr, value, ...extra }, T0);
  test('accepts what fits and converts SenML units', () => {
    assert.deepEqual(check('pm25', 35), { attr: 'pm25', ts: T0, v: 35, s: null });
    assert.deepEqual(check('congested', true), { attr: 'congested', ts: T0, v: 1, s: null });
    const p = check('pressure', 350_000, { unit: 'Pa' });
    assert.ok(!isRejection(p) && Math.abs(p.v! - 0.35) < 1e-12);
  });
  test('refuses unknown attributes, wrong types, non-finite, out of range, wrong unit and future times', () => {
    const reasons = [
      check('pm100', 1),
      check('pm25', '35'),
      check('pm25', Number.POSITIVE_INFINITY),
      check('pm25', Number.NaN),
      check('pm25', -1),
      check('temperature', 99),
      check('temperature', 20, { unit: 'm' }),
      check('congested', 1),
      check('pm25', 5, { ts: T0 + 3_600_000 }),
    ].map((r) => (isRejection(r) ? r.reason : 'accepted'));
    assert.ok(!reasons.includes('accepted'), reasons.join('\n'));
    assert.match(reasons[0]!, /unknown attribute/);
    assert.match(reasons[2]!, /finite/);
    assert.match(reasons[4]!, /plausible range/);
    assert.match(reasons[8]!, /future/);
  });
});

describe('CSV', () => {
  test('quoted fields, doubled quotes, CRLF and a BOM', () => {
    const rows = parseCsv('\ufeffid,name,tags\r\n"a-1","Station ""A"", east",x;y\r\nb-2,B,\n');
    assert.deepEqual(rows, [
      { id: 'a-1', name: 'Station "A", east', tags: 'x;y' },
      { id: 'b-2', name: 'B', tags: '' },
    ]);
  });
});

test('partitions are UTC days and months', () => {
  assert.deepEqual(periodOf(Date.UTC(2026, 10, 26, 23, 59), 'day'), { suffix: '20261126', from: Date.UTC(2026, 10, 26), to: Date.UTC(2026, 10, 27) });
  assert.equal(periodOf(Date.UTC(2026, 11, 31, 12), 'month').suffix, '202612');
});

for (const d of await dialects()) {
  describe(`telemetry store (${d.name})`, () => {
    let storage: Storage;
    let store: TelemetryStore;
    before(async () => {
      storage = await d.open();
      store = openTelemetryStore(storage);
      await store.init();
    });
    after(async () => {
      await store.close();
      await storage.close();
    });
    const obs = (dev: number, attr: string, ts: number, v: number | null, s: string | null = null): Observation => ({ dev, attr, ts, v, s });

    test('stores, rolls up per minute and hour, and keeps the latest value', async () => {
      const rows = [
        obs(1, 'level', T0, 1),
        obs(1, 'level', T0 + 20_000, 3),
        obs(1, 'level', T0 + 40_000, 2),
        obs(1, 'level', T0 + 60_000, 10),
        obs(1, 'state', T0, null, 'ok'),
      ];
      const r = await store.write(rows);
      assert.equal(r.inserted.length, 5);
      assert.equal(r.duplicates, 0);
      const minutes = await store.series({ dev: 1, attr: 'level', from: T0, to: T0 + 2 * MINUTE, resolution: 'minute' });
      assert.deepEqual(minutes, [
        { t: T0, min: 1, max: 3, avg: 2, count: 3, last: 2 },
        { t: T0 + MINUTE, min: 10, max: 10, avg: 10, count: 1, last: 10 },
      ]);
      const hours = await store.series({ dev: 1, attr: 'level', from: T0, to: T0 + HOUR, resolution: 'hour' });
      assert.deepEqual(hours, [{ t: T0, min: 1, max: 10, avg: 4, count: 4, last: 10 }]);
      const raw = await store.series({ dev: 1, attr: 'level', from: T0, to: T0 + HOUR, resolution: 'raw' });
      assert.deepEqual(
        raw.map((p) => p.last),
        [1, 3, 2, 10],
      );
      const latest = (await store.latest([1])).get(1)!;
      assert.deepEqual(latest, [
        { attr: 'level', ts: T0 + 60_000, v: 10, s: null },
        { attr: 'state', ts: T0, v: null, s: 'ok' },
      ]);
    });

    test('a repeated (device, attribute, time) is ignored and does not count twice in rollups', async () => {
      const r = await store.write([obs(1, 'level', T0 + 20_000, 999), obs(2, 'level', T0, 5)]);
      assert.equal(r.duplicates, 1);
      assert.equal(r.inserted.length, 1);
      const minute = await store.series({ dev: 1, attr: 'level', from: T0, to: T0 + MINUTE, resolution: 'minute' });
      assert.deepEqual(minute[0], { t: T0, min: 1, max: 3, avg: 2, count: 3, last: 2 });
      const raw = await store.series({ dev: 1, attr: 'level', from: T0 + 20_000, to: T0 + 20_001, resolution: 'raw' });
      assert.equal(raw[0]!.last, 3, 'the first value stays');
    });

    test('late data goes into history and rollups without moving the latest value', async () => {
      const late = T0 - 2 * HOUR;
      const r = await store.write([obs(1, 'level', late, 0.5)]);
      assert.equal(r.latestMoved, 0);
      const latest = (await store.latest([1])).get(1)!.find((l) => l.attr === 'level')!;
      assert.equal(latest.v, 10);
      const hour = await store.series({ dev: 1, attr: 'level', from: late, to: late + HOUR, resolution: 'hour' });
      assert.deepEqual(hour, [{ t: late, min: 0.5, max: 0.5, avg: 0.5, count: 1, last: 0.5 }]);
      // A later value in an existing bucket updates `last` only if it is newer.
      await store.write([obs(1, 'level', T0 + 10_000, 7)]);
      const minute = await store.series({ dev: 1, attr: 'level', from: T0, to: T0 + MINUTE, resolution: 'minute' });
      assert.deepEqual(minute[0], { t: T0, min: 1, max: 7, avg: 13 / 4, count: 4, last: 2 });
    });

    test('a series across a day boundary reads both partitions', async () => {
      const midnight = Date.UTC(2026, 10, 27);
      await store.write([obs(3, 'x', midnight - MINUTE, 1), obs(3, 'x', midnight, 2)]);
      const s = await store.series({ dev: 3, attr: 'x', from: midnight - HOUR, to: midnight + HOUR, resolution: 'minute' });
      assert.deepEqual(
        s.map((p) => p.last),
        [1, 2],
      );
      const parts = (await store.partitions()).filter((p) => p.kind === 'raw').map((p) => p.name);
      assert.ok(parts.includes('tm_raw_20261126') && parts.includes('tm_raw_20261127'), parts.join());
    });

    test('retention drops whole partitions past every type and trims rows of shorter-lived types', async () => {
      const old = Date.UTC(2026, 9, 1, 12); // 2026-10-01
      await store.write([obs(10, 'a', old, 1), obs(11, 'a', old, 2), obs(10, 'a', T0, 3)]);
      const now = T0 + DAY;
      // Type A (dev 10) keeps raw data 30 days, type B (dev 11) 90 days: Oct 1 stays for B only.
      let report = await store.applyRetention(now, [
        { devs: [10], rawDays: 30, minuteDays: 400, hourDays: 4000 },
        { devs: [11], rawDays: 90, minuteDays: 400, hourDays: 4000 },
      ]);
      assert.equal(report.droppedPartitions.length, 0);
      assert.equal(report.deletedRows, 1);
      assert.equal((await store.series({ dev: 10, attr: 'a', from: old - HOUR, to: old + HOUR, resolution: 'raw' })).length, 0);
      assert.equal((await store.series({ dev: 11, attr: 'a', from: old - HOUR, to: old + HOUR, resolution: 'raw' })).length, 1);
      assert.equal((await store.series({ dev: 10, attr: 'a', from: old - HOUR, to: old + HOUR, resolution: 'minute' })).length, 1, 'rollups kept longer');
      report = await store.applyRetention(now, [
        { devs: [10], rawDays: 30, minuteDays: 400, hourDays: 4000 },
        { devs: [11], rawDays: 30, minuteDays: 400, hourDays: 4000 },
      ]);
      assert.ok(report.droppedPartitions.includes('tm_raw_20261001'), report.droppedPartitions.join());
      assert.equal((await store.series({ dev: 10, attr: 'a', from: T0, to: T0 + 1, resolution: 'raw' })).length, 1, 'recent data untouched');
    });
  });
}

describe('SQLite telemetry partitions made before time-bucketed keys', () => {
  test('are still written, read and trimmed alongside bucketed ones', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SqliteTelemetryStore } = await import('../telemetry.store.js');
    const dir = mkdtempSync(join(tmpdir(), 'wd-tm-legacy-'));
    try {
      const file = join(dir, 'telemetry.db');
      const day1 = Date.UTC(2026, 10, 20);
      const day2 = Date.UTC(2026, 10, 21);
      // A day partition and its minute rollups with the earlier (dev, attr, time) keys.
      const old = new SqliteTelemetryStore(file);
      old.db.exec(`CREATE TABLE tm_raw_20261120 (dev INTEGER NOT NULL, attr TEXT NOT NULL, ts INTEGER NOT NULL, v REAL, s TEXT,
        PRIMARY KEY (dev, attr, ts)) WITHOUT ROWID`);
      old.db.exec(`CREATE TABLE tm_min_20261120 (dev INTEGER NOT NULL, attr TEXT NOT NULL, b INTEGER NOT NULL,
        mn REAL NOT NULL, mx REAL NOT NULL, sm REAL NOT NULL, n INTEGER NOT NULL, lv REAL NOT NULL, lts INTEGER NOT NULL,
        PRIMARY KEY (dev, attr, b)) WITHOUT ROWID`);
      await old.close();

      const store = new SqliteTelemetryStore(file);
      await store.init();
      const rows: Observation[] = [];
      for (const day of [day1, day2]) for (let i = 0; i < 30; i++) rows.push({ dev: 1, attr: 'level', ts: day + 23 * HOUR + i * 2 * MINUTE, v: i, s: null });
      const w = await store.write(rows);
      assert.equal(w.inserted.length, 60);
      assert.equal((await store.write(rows.slice(0, 5))).duplicates, 5, 'idempotent in the old layout too');
      const raw = await store.series({ dev: 1, attr: 'level', from: day1, to: day2 + DAY, resolution: 'raw', limit: 1000 });
      assert.equal(raw.length, 60);
      const minutes = await store.series({ dev: 1, attr: 'level', from: day1, to: day2 + DAY, resolution: 'minute' });
      assert.equal(minutes.length, 60);
      assert.deepEqual(
        minutes.slice(0, 2).map((p) => [p.t, p.avg]),
        [
          [day1 + 23 * HOUR, 0],
          [day1 + 23 * HOUR + 2 * MINUTE, 1],
        ],
      );
      // A window inside one bucketed day reads only its buckets.
      const part = await store.series({ dev: 1, attr: 'level', from: day2 + 23 * HOUR + 10 * MINUTE, to: day2 + 23 * HOUR + 20 * MINUTE, resolution: 'raw' });
      assert.deepEqual(
        part.map((p) => p.avg),
        [5, 6, 7, 8, 9],
      );
      const kinds = store.db.prepare(`SELECT name, sql FROM sqlite_master WHERE name IN ('tm_raw_20261120', 'tm_raw_20261121')`).all() as {
        name: string;
        sql: string;
      }[];
      assert.deepEqual(kinds.map((k) => [k.name, /\bbk\b/.test(k.sql)]).sort(), [
        ['tm_raw_20261120', false],
        ['tm_raw_20261121', true],
      ]);
      // Rollups are written into both layouts, and read the same as when computed from raw rows.
      const hours = await store.series({ dev: 1, attr: 'level', from: day1, to: day2 + DAY, resolution: 'hour' });
      assert.equal(
        (await store.applyRetention(day2 + DAY, [{ devs: [1], rawDays: 1, minuteDays: 30, hourDays: 30 }])).droppedPartitions.length,
        0,
        'raw rows not yet rolled up are kept',
      );
      while ((await store.materialize(day2 + DAY, 1_000)).pending);
      assert.deepEqual(await store.series({ dev: 1, attr: 'level', from: day1, to: day2 + DAY, resolution: 'minute' }), minutes);
      assert.deepEqual(await store.series({ dev: 1, attr: 'level', from: day1, to: day2 + DAY, resolution: 'hour' }), hours);
      assert.equal((store.db.prepare('SELECT count(*) AS n FROM tm_min_20261120').get() as { n: number }).n, 30);
      const report = await store.applyRetention(day2 + DAY, [{ devs: [1], rawDays: 1, minuteDays: 30, hourDays: 30 }]);
      assert.ok(report.droppedPartitions.includes('tm_raw_20261120'));
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
