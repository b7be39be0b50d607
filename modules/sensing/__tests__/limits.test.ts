/**
 * Queries over time are bounded: a series request past the span of its resolution, or with
 * instants outside the platform's date range, is a 400 naming the limit, and the store reads only
 * the partitions that exist whatever range it is asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };
const DAY = 86_400_000;

for (const d of await dialects()) {
  describe(`bounded series queries (${d.name})`, () => {
    let t: TestApp;
    let zw: string;
    let dev: { id: string; token: string };
    const now = Date.now();
    // Both readings fall in the same clock hour (the one before now), so that the hourly series
    // has one bucket whatever minute the suite runs at (now - 60 s and now - 30 s straddle an
    // hour at hh:00:45, and CI once ran then).
    const hour = Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000;
    before(async () => {
      t = await startApp(d);
      const admin = await t.login('admin');
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'zw-ponding-01',
        name: '张湾区积水点',
        type: 'FloodMonitoring',
        department: 'GOV-420303',
        location: ZHANGWAN,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      dev = { id: r.body.device.id, token: r.body.token };
      const post = await t.inject({
        method: 'POST',
        url: `/api/ingest/${dev.id}`,
        headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify([
          { ts: hour + 60_000, currentLevel: 0.1 },
          { ts: hour + 90_000, currentLevel: 0.2 },
        ]),
      });
      assert.equal(post.statusCode, 202, post.body);
      zw = await t.login('zw.staff');
    });
    after(() => t.close());

    test('the reading that crashed the platform: a raw series from the earliest JavaScript date is a 400 naming the range', async () => {
      const r = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&resolution=raw&from=-8640000000000000&to=${now}`, zw);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.code, 'WD_ERR_VALIDATION');
      assert.equal(r.body.errors[0].pointer, '/querystring/from');
    });

    test('a raw span longer than QUERY_MAX_SPAN_RAW is refused, naming the limit; minutes and hours go further', async () => {
      const raw = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&resolution=raw&from=${now - 10_000_000 * DAY}&to=${now}`, zw);
      assert.equal(raw.status, 400);
      const eight = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&resolution=raw&from=${now - 8 * DAY}&to=${now}`, zw);
      assert.equal(eight.status, 400);
      assert.match(eight.body.detail, /7 days \(QUERY_MAX_SPAN_RAW\)/);
      const week = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&resolution=raw&from=${now - 7 * DAY}&to=${now}`, zw);
      assert.equal(week.status, 200);
      assert.deepEqual(
        week.body.points.map((p: { last: number }) => p.last),
        [0.1, 0.2],
      );
      assert.equal(week.body.truncated, false);
      const minutes = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&resolution=minute&from=${now - 90 * DAY}&to=${now}`, zw);
      assert.equal(minutes.status, 200);
      const hours = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&resolution=hour&from=${now - 3000 * DAY}&to=${now}`, zw);
      assert.equal(hours.status, 200, JSON.stringify(hours.body));
      const tooLong = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&resolution=minute&from=${now - 100 * DAY}&to=${now}`, zw);
      assert.match(tooLong.body.detail, /QUERY_MAX_SPAN_MINUTE/);
    });

    test('auto resolution picks a coarser step for a long range instead of failing', async () => {
      const r = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&from=${now - 365 * DAY}&to=${now}`, zw);
      assert.equal(r.status, 200);
      assert.equal(r.body.resolution, 'hour');
    });

    test('instants past 2100 are a 400, not a 500', async () => {
      const r = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&from=${now}&to=8640000000000000`, zw);
      assert.equal(r.status, 400);
      const huge = await t.call('GET', `/api/devices/${dev.id}/series?attr=currentLevel&from=1&to=1e300`, zw);
      assert.equal(huge.status, 400);
    });

    test('a reading whose time JavaScript cannot print is refused (422 on HTTP), not a 500', async () => {
      for (const ts of [1e300, -1e300, 8.7e15]) {
        const r = await t.inject({
          method: 'POST',
          url: `/api/ingest/${dev.id}`,
          headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ ts, currentLevel: 0.3 }),
        });
        assert.equal(r.statusCode, 422, `${ts}: ${r.body}`);
        assert.match(JSON.parse(r.body).errors[0].detail, /timestamp/);
      }
    });

    test('the store itself walks only existing partitions, whatever range it is given', async () => {
      const seq = (await t.sensing.directory.get(dev.id))?.seq;
      assert.ok(seq !== undefined);
      const points = await t.sensing.telemetry.series({
        dev: seq,
        attr: 'currentLevel',
        from: -8_640_000_000_000_000,
        to: 8_640_000_000_000_000,
        resolution: 'raw',
      });
      assert.equal(points.length, 2);
      const hours = await t.sensing.telemetry.series({
        dev: seq,
        attr: 'currentLevel',
        from: -8_640_000_000_000_000,
        to: 8_640_000_000_000_000,
        resolution: 'hour',
      });
      assert.equal(hours.length, 1);
    });
  });
}
