/**
 * The demo's rainstorm, end to end on a controlled clock: a waterlogging point reports the
 * simulator's readings minute by minute through one of its rainstorm episodes; the seed rules
 * raise a predicted alert first and the actual one after, both routed to 市住建局 and the
 * district's government; nobody acknowledges, so the alert escalates to the bureau's leaders.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { buildDevices, reading, weather } from '../../../simulator/shiyan.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const SEED = 20261126;

/** The start of the first three-hour window, going back from `before`, that holds a rainstorm. */
function stormStart(before: number): number {
  let w = Math.floor(before / (3 * HOUR)) - 1;
  for (; w > 0; w--) if (weather(SEED, w * 3 * HOUR + 45 * MIN).rain > 0.9) return w * 3 * HOUR;
  throw new Error('no rainstorm in the simulator');
}

for (const d of await dialects()) {
  describe(`a simulated rainstorm (${d.name})`, () => {
    let t: TestApp;
    let clock = 0;
    const sim = buildDevices(SEED, 2_000).find((x) => x.type === 'FloodMonitoring');
    assert.ok(sim, 'the simulator has waterlogging points');
    // A shallow underpass (35 cm at the height of the storm): over 15 cm for about an hour.
    const point = { ...sim, site: { ...sim.site, depth: 0.35 } };
    before(async () => {
      t = await startApp(d);
      const start = stormStart(Date.now() - 2 * HOUR);
      clock = start;
      t.platform.now = () => clock;
      const admin = await t.login('admin');
      const r = await t.call('POST', '/api/devices', admin, {
        id: point.id,
        name: point.name,
        type: point.type,
        department: point.department,
        location: point.location,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      // The demo city's escalation is quicker than the default so the storm shows it.
      const policy = (await t.call('GET', '/api/warning/escalation', admin)).body;
      const put = await t.call('PUT', '/api/warning/escalation', admin, {
        ...policy,
        afterMinutes: { ...policy.afterMinutes, '3': [15, 40], '4': [20, 45] },
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      await t.warning.engine!.lease();
      // Ninety minutes of readings, one a minute, as the device sends them.
      for (let m = 0; m <= 90; m++) {
        clock = start + m * MIN + 2_000;
        await t.warning.engine!.lease();
        const res = await t.call('POST', `/api/ingest/${point.id}`, r.body.token, { ts: start + m * MIN, ...reading(SEED, point, start + m * MIN) });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        await t.sensing.announced();
        await t.warning.engine!.idle();
        await t.warning.engine!.tick();
        await t.notificationsDue();
      }
    });
    after(() => t.close());

    test('the prediction comes first, then the actual waterlogging; both go to 市住建局 and the district', async () => {
      const admin = await t.login('admin');
      const predicted = (await t.call('GET', `/api/alerts?device=${point.id}&rule=waterlogging-predicted`, admin)).body.items;
      const actual = (await t.call('GET', `/api/alerts?device=${point.id}&rule=waterlogging-depth`, admin)).body.items;
      assert.equal(predicted.length, 1, 'one predicted alert');
      assert.equal(actual.length, 1, 'one actual alert');
      assert.equal(predicted[0].predicted, true);
      assert.ok(predicted[0].raisedAt < actual[0].raisedAt, `predicted at ${predicted[0].raisedAt}, actual at ${actual[0].raisedAt}`);
      const p = await t.call('GET', `/api/alerts/${predicted[0].id}`, admin);
      const expected = p.body.evidence.latest.conditions.find((c: { kind: string }) => c.kind === 'predict');
      assert.ok(expected?.expectedAt, 'the prediction carries the expected time');
      assert.ok(expected.confidence >= 0.6);
      const district = actual[0].district;
      assert.ok(district, 'the point lies in a district');
      for (const a of [predicted[0], actual[0]]) {
        const to = a.recipients.map((x: { department: string }) => x.department);
        assert.ok(to.includes('ZJJ'), JSON.stringify(to));
        assert.ok(to.includes(`GOV-${district}`), JSON.stringify(to));
      }
      // The bureau's staff see both in their inbox.
      const zjj = (await t.call('GET', `/api/alerts?device=${point.id}`, await t.login('zjj.staff'))).body.items.map((a: { id: string }) => a.id);
      assert.ok(zjj.includes(predicted[0].id) && zjj.includes(actual[0].id));
    });

    test('nobody acknowledges: the actual alert escalates to the department leaders', async () => {
      const admin = await t.login('admin');
      const actual = (await t.call('GET', `/api/alerts?device=${point.id}&rule=waterlogging-depth`, admin)).body.items[0];
      const detail = await t.call('GET', `/api/alerts/${actual.id}`, admin);
      const steps = detail.body.timeline.map((e: { action: string }) => e.action);
      assert.ok(steps.includes('escalated'), steps.join(', '));
      const esc = detail.body.timeline.find((e: { action: string; data: { role: string; departments: string[] } }) => e.action === 'escalated');
      assert.equal(esc.data.role, 'dept_leader');
      assert.ok(esc.data.departments.includes('ZJJ'));
      // The storm passed: the water went down and the alert was resolved by the engine.
      assert.equal(detail.body.status, 'resolved', steps.join(', '));
    });
  });
}
