/**
 * Emergency resources on SQLite and PostgreSQL: the registry with contacts masked outside the
 * owner department, the nearest available of a type, allocation refused beyond stock (also when
 * two officers allocate at once), returns, and stock that cannot drop below what is out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };

for (const d of await dialects()) {
  describe(`emergency resources (${d.name})`, () => {
    let t: TestApp;
    let duty: string;
    let incidentId: string;
    before(async () => {
      t = await startApp(d);
      duty = await t.login('duty');
      // Reported by 住建局 (ZJJ), so its leader is involved in the incident and may allocate to it.
      const r = await t.call('POST', '/api/command/incidents', await t.login('zjj.staff'), {
        title: '人民北路下穿积水',
        subkind: 'waterlogging',
        severity: 4,
        location: ZHANGWAN,
        source: 'report',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      incidentId = r.body.id;
    });
    after(() => t.close());

    test('the sample registry; contacts in full for the owner and the duty officer, masked for other departments', async () => {
      const all = await t.call('GET', '/api/command/resources?type=rescue_team', duty);
      assert.equal(all.status, 200);
      assert.equal(all.body[0].contact, '13800000001');
      const cgw = await t.call('GET', '/api/command/resources?type=rescue_team', await t.login('cgw.staff'));
      assert.equal(cgw.body[0].contact, '138****0001');
      const shelters = await t.call('GET', '/api/command/resources?kind=shelter', duty);
      assert.deepEqual(shelters.body.map((x: { district: string }) => x.district).sort(), ['420302', '420303']);
    });

    test('nearest available pump trucks, closest first', async () => {
      const r = await t.call('GET', `/api/command/resources/nearest?type=pump_truck&lon=${ZHANGWAN.lon}&lat=${ZHANGWAN.lat}`, duty);
      assert.equal(r.status, 200);
      assert.equal(r.body.length, 2);
      assert.match(r.body[0].name, /张湾/);
      assert.ok(r.body[0].distanceM < r.body[1].distanceM);
      assert.ok(r.body[0].distanceM < 1000, `${r.body[0].distanceM} m`);
    });

    test('allocation is refused beyond what is available, even when two officers allocate at once; returns restore it', async () => {
      const near = (await t.call('GET', `/api/command/resources/nearest?type=pump_truck&lon=${ZHANGWAN.lon}&lat=${ZHANGWAN.lat}`, duty)).body[0];
      assert.equal(near.available, 4);
      const too = await t.call('POST', `/api/command/incidents/${incidentId}/allocations`, duty, { resourceId: near.id, quantity: 5 });
      assert.equal(too.status, 409);
      assert.match(too.body.detail, /Only 4/);
      const leader = await t.login('zjj.leader');
      const [a, b] = await Promise.all([
        t.call('POST', `/api/command/incidents/${incidentId}/allocations`, duty, { resourceId: near.id, quantity: 3 }),
        t.call('POST', `/api/command/incidents/${incidentId}/allocations`, leader, { resourceId: near.id, quantity: 3 }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`);
      const won = a.status === 201 ? a.body : b.body;
      let after = (await t.call('GET', '/api/command/resources?type=pump_truck', duty)).body.find((x: { id: string }) => x.id === near.id);
      assert.equal(after.available, 1);
      // Stock cannot be cut below what is out.
      const put = await t.call('PUT', `/api/command/resources/${near.id}`, await t.login('zjj.staff'), {
        rev: after.rev,
        kind: 'vehicle',
        type: 'pump_truck',
        name: after.name,
        department: 'ZJJ',
        location: after.location,
        quantity: 2,
      });
      assert.equal(put.status, 409);
      const board = (await t.call('GET', `/api/command/incidents/${incidentId}`, duty)).body;
      assert.deepEqual(
        board.allocations.map((x: { quantity: number; status: string }) => [x.quantity, x.status]),
        [[3, 'allocated']],
      );
      assert.ok(board.timeline.some((e: { kind: string }) => e.kind === 'resource_allocated'));
      assert.equal((await t.call('POST', `/api/command/allocations/${won.id}/return`, duty)).status, 200);
      assert.equal((await t.call('POST', `/api/command/allocations/${won.id}/return`, duty)).status, 409, 'returned once');
      after = (await t.call('GET', '/api/command/resources?type=pump_truck', duty)).body.find((x: { id: string }) => x.id === near.id);
      assert.equal(after.available, 4);
    });

    test('departments register their own resources; staff cannot allocate', async () => {
      const zjj = await t.login('zjj.staff');
      const body = { kind: 'supply', type: 'sandbags', name: '测试仓库', department: 'ZJJ', location: ZHANGWAN, quantity: 100, unit: '袋' };
      const ok = await t.call('POST', '/api/command/resources', zjj, body);
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.district, '420303');
      assert.equal((await t.call('POST', '/api/command/resources', zjj, { ...body, department: 'CGW' })).status, 403);
      assert.equal((await t.call('POST', '/api/command/resources', zjj, { ...body, department: 'NOPE' })).status, 403);
      assert.equal((await t.call('POST', `/api/command/incidents/${incidentId}/allocations`, zjj, { resourceId: ok.body.id, quantity: 1 })).status, 403);
    });
  });
}
