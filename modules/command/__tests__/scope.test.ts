/**
 * Incidents have a data scope: the departments involved (who reported it, whom its alerts were
 * routed to, the units given tasks) within their districts, and city-wide roles. Anyone else gets
 * exactly the answer an unknown id gets, for the board, the review, the proposal, the map and every
 * action, and does not find the incident in the list or the figures.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { pondingAlert } from '../../../test/command-fixtures.js';

const MAOJIAN = { lon: 110.78621, lat: 32.644463 }; // 茅箭区 420302

/** A problem body without what differs per request (the instance path and request id). */
function shape(r: { status: number; body: any }, id: string, unknown: string) {
  const body = typeof r.body === 'object' && r.body ? { ...r.body } : r.body;
  if (body && typeof body === 'object') {
    delete body.requestId;
    delete body.instance;
    if (typeof body.detail === 'string') body.detail = body.detail.replaceAll(id, '<id>').replaceAll(unknown, '<id>');
  }
  return { status: r.status, body };
}

for (const d of await dialects()) {
  describe(`incident scope (${d.name})`, () => {
    let t: TestApp;
    let duty: string;
    let admin: string;
    let incidentId: string;
    let zjjKey: string;
    const who: Record<string, string> = {};
    before(async () => {
      t = await startApp(d);
      duty = await t.login('duty');
      admin = await t.login('admin');
      for (const u of ['zw.staff', 'cgw.staff', 'zjj.staff', 'yjj.leader']) who[u] = await t.login(u);
      const key = await t.call('POST', '/api/api-keys', admin, { name: '住建局排水系统', department: 'ZJJ', districts: ['*'], roles: ['api_client'] });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      zjjKey = key.body.key;
      // A gas leak in 茅箭区 reported by the duty officer by phone: no department is involved yet.
      const r = await t.call('POST', '/api/command/incidents', duty, {
        title: '茅箭区燃气泄漏',
        subkind: 'waterlogging',
        severity: 3,
        location: MAOJIAN,
        source: 'phone',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      incidentId = r.body.id;
    });
    after(() => t.close());

    const reads = (id: string) => [
      ['GET', `/api/command/incidents/${id}`],
      ['GET', `/api/command/incidents/${id}/surroundings`],
      ['GET', `/api/command/incidents/${id}/proposal`],
      ['GET', `/api/command/incidents/${id}/review`],
      ['GET', `/api/command/incidents/${id}/review?format=html`],
    ];

    test('a department not involved, a district outside, and an API key get what an unknown id gets, and find nothing in the list', async () => {
      for (const [name, token] of [
        ['zw.staff', who['zw.staff']!],
        ['cgw.staff', who['cgw.staff']!],
        ['zjj.staff', who['zjj.staff']!],
        ['ZJJ API key', zjjKey],
      ] as const) {
        for (const [method, url] of reads(incidentId)) {
          const seen = await t.call(method!, url!, token);
          const unknown = await t.call(method!, url!.replace(incidentId, 'inc_00000000000000000000000'), token);
          assert.equal(seen.status, 404, `${name} ${url}: ${JSON.stringify(seen.body)}`);
          assert.deepEqual(shape(seen, incidentId, 'inc_00000000000000000000000'), shape(unknown, incidentId, 'inc_00000000000000000000000'), `${name} ${url}`);
        }
        const list = await t.call('GET', '/api/command/incidents', token);
        assert.equal(list.status, 200);
        assert.ok(!list.body.some((i: { id: string }) => i.id === incidentId), `${name} lists it`);
        const stats = await t.call('GET', '/api/command/stats', token);
        assert.equal(stats.body.incidents.open, 0, `${name} counts it`);
      }
      // The duty officer sees it.
      assert.equal((await t.call('GET', `/api/command/incidents/${incidentId}`, duty)).status, 200);
      assert.equal((await t.call('GET', '/api/command/stats', duty)).body.incidents.open, 1);
    });

    test('actions on an incident out of scope answer as for an unknown one', async () => {
      const leader = who['yjj.leader']!;
      const activate = await t.call('POST', `/api/command/incidents/${incidentId}/activate`, leader, { planId: 'urban-waterlogging', level: 4 });
      assert.equal(activate.status, 404, JSON.stringify(activate.body));
      const end = await t.call('POST', `/api/command/incidents/${incidentId}/end`, leader, { reason: 'x' });
      assert.equal(end.status, 404);
      const lessons = await t.call('PUT', `/api/command/incidents/${incidentId}/lessons`, leader, { lessons: 'x' });
      assert.equal(lessons.status, 404);
      // Denied reads are audited as such.
      const audit = await t.call('GET', '/api/audit?action=access.denied&limit=500', admin);
      assert.ok(audit.body.items.some((e: { details: { code: string } }) => e.details.code === 'WD_ERR_OUT_OF_SCOPE'));
    });

    test('once activated, the units given tasks see it within their districts; other districts still do not', async () => {
      const act = await t.call('POST', `/api/command/incidents/${incidentId}/activate`, duty, { planId: 'urban-waterlogging', level: 4 });
      assert.equal(act.status, 200, JSON.stringify(act.body));
      const board = await t.call('GET', `/api/command/incidents/${incidentId}`, who['zjj.staff']!);
      assert.equal(board.status, 200);
      const units = new Set(board.body.tasks.map((x: { unit: string }) => x.unit));
      assert.ok(units.has('ZJJ') && units.has('GOV-420302') && !units.has('GOV-420303'));
      assert.equal((await t.call('GET', `/api/command/incidents/${incidentId}`, zjjKey)).status, 200, 'the ZJJ key sees it now');
      assert.equal((await t.call('GET', `/api/command/incidents/${incidentId}`, who['zw.staff']!)).status, 404, '张湾区 is not involved');
      // Another district's unit cannot act on its tasks either: the task is not found.
      const task = board.body.tasks.find((x: { unit: string }) => x.unit === 'GOV-420302');
      const accept = await t.call('POST', `/api/command/tasks/${task.id}/accept`, who['zw.staff']!, {});
      assert.equal(accept.status, 404);
    });

    test('an alert the caller may not read cannot be made into an incident, and does not block the one who may', async () => {
      const alertId = await pondingAlert(t, admin); // 张湾区, routed to 市住建局 and 张湾区人民政府
      const alert = await t.call('GET', `/api/alerts/${alertId}`, admin);
      const recipients = new Set(alert.body.recipients.map((r: { department: string }) => r.department));
      assert.ok(!recipients.has('CGW'), JSON.stringify(alert.body.recipients));
      const cgw = who['cgw.staff']!;
      const proposal = await t.call('GET', `/api/command/alerts/${alertId}/proposal`, cgw);
      assert.equal(proposal.status, 404);
      const unknownProposal = await t.call('GET', '/api/command/alerts/alr_00000000000000000000000/proposal', cgw);
      assert.deepEqual(shape(proposal, alertId, 'alr_00000000000000000000000'), shape(unknownProposal, alertId, 'alr_00000000000000000000000'));
      const made = await t.call('POST', '/api/command/incidents', cgw, { fromAlert: alertId });
      assert.equal(made.status, 404, JSON.stringify(made.body));
      // The duty officer's own incident from it is not blocked.
      const own = await t.call('POST', '/api/command/incidents', duty, { fromAlert: alertId });
      assert.equal(own.status, 201, JSON.stringify(own.body));
      // 张湾区人民政府 received the alert, so it sees the incident made from it.
      assert.equal((await t.call('GET', `/api/command/incidents/${own.body.id}`, who['zw.staff']!)).status, 200);
    });
  });
}
