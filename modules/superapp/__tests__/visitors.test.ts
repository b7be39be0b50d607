/**
 * Visitors and "my city" on both dialects: a scenic area's live load from its visitor counter
 * (green, amber, red at 80 % and 100 %), the public warning it raises reaching the residents who
 * asked, reservations within capacity (200 at once for the last 50 places: exactly 50), cancelled
 * places coming back, admission by the city code at the gate, the timeline, and who used my data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makePrincipal } from '../../../platform/auth/scope.js';
import { SYSTEM_CONTEXT } from '../../../platform/context.js';
import { newSecret } from '../../../platform/ids.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { post } from '../../../test/ingest.js';
import { DEMO_RESIDENT } from '../index.js';

for (const d of await dialects()) {
  describe(`super app: visitors and my city (${d.name})`, () => {
    let t: TestApp;
    // 10:00 in Shiyan on a Monday: the morning slots are open.
    const MONDAY_10 = Date.UTC(2026, 11, 7, 2, 0);
    let clock = MONDAY_10;
    let citizen: string;
    let admin: string;

    before(async () => {
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400, superappDemo: true });
      t.platform.now = () => clock;
      citizen = await t.login('citizen');
      admin = await t.login('admin');
    });
    after(() => t.close());

    test('the live load of a scenic area, and its public warning in the inbox of residents who asked', async () => {
      // Readings are stamped by the sensing hub's clock, which is the wall clock.
      clock = Date.now();
      const dev = await t.call('POST', '/api/devices', admin, {
        id: 'sim-vc-4',
        name: '赛武当客流',
        type: 'VisitorCounterObserved',
        department: 'WLJ',
        location: { lon: 110.7812, lat: 32.6201 },
        properties: { capacity: 8000 },
      });
      assert.equal(dev.status, 201, JSON.stringify(dev.body));
      await post(t, 'sim-vc-4', dev.body.token, { ts: clock - 60_000, visitorsInside: 4000, entries: 100, capacity: 8000 });
      let swd = (await t.call('GET', '/api/people/scenic')).body.find((a: { code: string }) => a.code === 'SWD');
      assert.deepEqual(swd.load, { inside: 4000, at: clock - 60_000, share: 0.5, level: 'green' });
      await post(t, 'sim-vc-4', dev.body.token, { ts: clock - 30_000, visitorsInside: 6800, entries: 100, capacity: 8000 });
      swd = (await t.call('GET', '/api/people/scenic')).body.find((a: { code: string }) => a.code === 'SWD');
      assert.equal(swd.load.level, 'amber');

      // The capacity rule tells the public: the alert is a warning for the district, with advice.
      const warnings = await t.call('GET', '/api/people/warnings', citizen);
      assert.equal(warnings.status, 200);
      const w = warnings.body.find((x: { title: { zh: string } }) => x.title.zh.includes('景区'));
      assert.ok(w, JSON.stringify(warnings.body));
      assert.equal(w.district, '420302');
      assert.match(w.advice.zh, /错峰/);
      // The demo resident asked for warnings (push); the inbox has it.
      const inbox = await t.call('GET', '/api/people/notifications', citizen);
      assert.ok(inbox.body.some((n: { kind: string; ref: string }) => n.kind === 'warning' && n.ref === w.id));
      // Another district's residents do not see it.
      assert.equal((await t.call('GET', '/api/people/warnings?district=420325', citizen)).body.length, 0);
      // A reading older than a quarter of an hour says nothing about now; an area without a counter neither.
      clock += 16 * 60_000;
      const later = await t.call('GET', '/api/people/scenic');
      assert.equal(later.body.find((a: { code: string }) => a.code === 'SWD').load.level, 'unknown');
      assert.equal(later.body.find((a: { code: string }) => a.code === 'YY-KLD').load.level, 'unknown');
    });

    test('reservations: within the week, five at most, one a day per area, places back on cancelling, admitted at the gate', async () => {
      clock = MONDAY_10;
      // Looking writes nothing: a slot's row is made by the first booking.
      const rowsOf = (area: string) => t.platform.db.selectFrom('sa_slots').select('start').where('area', '=', area).execute();
      assert.equal((await t.call('GET', '/api/people/scenic/DJK-DB/slots?day=2026-12-09')).body.slots.length, 3);
      assert.equal((await t.call('GET', '/api/people/scenic')).status, 200);
      assert.deepEqual(await rowsOf('DJK-DB'), []);
      const slots = await t.call('GET', '/api/people/scenic/SWD/slots?day=2026-12-07');
      assert.equal(slots.status, 200);
      assert.deepEqual(
        slots.body.slots.map((s: { start: string; open: boolean; left: number }) => [s.start, s.open, s.left]),
        [
          ['08:00', true, 4000],
          ['11:00', true, 4000],
          ['14:00', true, 4000],
        ],
      );
      assert.equal((await t.call('GET', '/api/people/scenic/SWD/slots?day=2026-12-20')).status, 400, 'beyond the week');
      const book = (body: object) => t.call('POST', '/api/people/reservations', citizen, body);
      assert.equal((await book({ area: 'SWD', day: '2026-12-07', start: '11:00', party: 6 })).status, 400);
      assert.equal((await book({ area: 'SWD', day: '2026-12-06', start: '11:00', party: 2 })).status, 400, 'yesterday');
      assert.equal((await book({ area: 'SWD', day: '2026-12-07', start: '10:00', party: 2 })).status, 400, 'no such slot');
      const ok = await book({ area: 'SWD', day: '2026-12-07', start: '11:00', party: 2 });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal((await book({ area: 'SWD', day: '2026-12-07', start: '14:00', party: 1 })).status, 409, 'one a day per area');
      let left = (await t.call('GET', '/api/people/scenic/SWD/slots?day=2026-12-07')).body.slots[1].left;
      assert.equal(left, 3998);
      const cancel = await t.call('POST', `/api/people/reservations/${ok.body.id}/cancel`, citizen);
      assert.equal(cancel.body.status, 'cancelled');
      left = (await t.call('GET', '/api/people/scenic/SWD/slots?day=2026-12-07')).body.slots[1].left;
      assert.equal(left, 4000);
      assert.equal((await t.call('POST', `/api/people/reservations/${ok.body.id}/cancel`, citizen)).status, 409);
      const other = await t.login('enterprise');
      const again = await book({ area: 'SWD', day: '2026-12-07', start: '11:00', party: 3 });
      assert.equal((await t.call('POST', `/api/people/reservations/${again.body.id}/cancel`, other)).status, 404, 'not theirs');

      // At the gate (文旅局's scan point for the area) the city code admits the booking, once.
      const wlj = await t.call('POST', '/api/citycode/points', admin, {
        name: { zh: '赛武当南门闸机', en: 'Saiwudang south gate' },
        kind: 'scenic',
        reveals: 'booking',
        target: 'SWD',
        department: 'WLJ',
      });
      assert.equal(wlj.status, 201, JSON.stringify(wlj.body));
      const code = (await t.call('GET', '/api/people/citycode', citizen)).body.code;
      const gate = await t.call('POST', '/api/citycode/scans', admin, { point: wlj.body.id, code });
      assert.equal(gate.body.verdict, 'valid');
      assert.deepEqual(gate.body.revealed.booking, { id: again.body.id, start: '11:00', party: 3 });
      assert.equal(gate.body.revealed.identity.name, '赵*', 'a gate sees the name masked');
      const code2 = (await t.call('GET', '/api/people/citycode', citizen)).body.code;
      assert.equal((await t.call('POST', '/api/citycode/scans', admin, { point: wlj.body.id, code: code2 })).body.revealed.booking, null, 'used once');
      const mine = await t.call('GET', '/api/people/reservations', citizen);
      assert.equal(mine.body.find((r: { id: string }) => r.id === again.body.id).status, 'used');
    });

    test('200 requests at once for the last 50 places of a slot: exactly 50 succeed', async () => {
      // 200 verified residents (synthetic), each asking for one place.
      const now = MONDAY_10;
      const ids: string[] = [];
      for (let i = 0; i < 200; i++) {
        const id = `usr-rush-${i}`;
        ids.push(id);
        await t.storage.db
          .insertInto('sa_accounts')
          .values({
            user_id: id,
            kind: 'resident',
            subject: `RUSH${String(i).padStart(14, '0')}`,
            name: `游客${i}`,
            phone: '19907190100',
            district: '420302',
            legal_rep_id: null,
            legal_rep_name: null,
            holder_ref: newSecret(15),
            verified_at: now,
            elder_mode: 0,
            push_warnings: 0,
            synthetic: 1,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const seen = await t.call('GET', '/api/people/scenic/YY-KLD/slots?day=2026-12-08');
      assert.equal(seen.body.slots[0].capacity, 4500);
      await t.storage.db.insertInto('sa_slots').values({ area: 'YY-KLD', day: '2026-12-08', start: '09:00', capacity: 4500, booked: 4450 }).execute();
      const results = await Promise.allSettled(
        ids.map((id) =>
          t.superapp.scenic.reserve(
            makePrincipal({ kind: 'user', id, name: id, roles: ['citizen'], department: null, districts: [] }),
            undefined,
            { area: 'YY-KLD', day: '2026-12-08', start: '09:00', party: 1 },
            SYSTEM_CONTEXT,
          ),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(won, 50);
      for (const r of results) if (r.status === 'rejected') assert.match(String((r.reason as Error).message), /Not enough places|余量不足/);
      const slot = (await t.call('GET', '/api/people/scenic/YY-KLD/slots?day=2026-12-08')).body.slots[0];
      assert.equal(slot.left, 0);
      assert.equal(slot.booked, 4500);
      const rows = await t.storage.db
        .selectFrom('sa_reservations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('area', '=', 'YY-KLD')
        .executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 50);
    });

    test('a complaint about a scenic area is a case at the tourism bureau, in the area’s own grids, that the visitor follows', async () => {
      clock = MONDAY_10;
      const r = await t.call('POST', '/api/people/scenic/WDS-JD/complaints', citizen, {
        topic: 'prices',
        description: '金顶售卖点矿泉水每瓶 20 元，未明码标价（合成数据）',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      const mine = await t.call('GET', `/api/urban/cases/${id}`, citizen);
      assert.equal(mine.status, 200);
      assert.deepEqual(
        [mine.body.subcategory, mine.body.state, mine.body.district, mine.body.address, mine.body.description],
        ['E0605', 'reported', '420381', '武当山金顶', '【价格收费】金顶售卖点矿泉水每瓶 20 元，未明码标价（合成数据）'],
      );
      // The area's own grids (景区网格, street 901 of 丹江口市).
      assert.match(mine.body.grid, /^420300420381901\d{5}$/);
      // The centre files it and it goes to the tourism bureau.
      const centre = await t.login('cgw.staff');
      const file = await t.call('POST', `/api/urban/cases/${id}/file`, centre, {});
      assert.equal(file.status, 200, JSON.stringify(file.body));
      const sent = await t.call('POST', `/api/urban/cases/${id}/dispatch`, centre, {});
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual([sent.body.state, sent.body.unit], ['handling', 'WLJ']);
      // Another person's account does not see it; a staff token cannot complain; bad input is refused.
      const enterprise = await t.login('enterprise');
      assert.equal((await t.call('GET', `/api/urban/cases/${id}`, enterprise)).status, 404);
      assert.ok(!(await t.call('GET', '/api/urban/cases', enterprise)).body.some((c: { id: string }) => c.id === id));
      assert.equal((await t.call('POST', '/api/people/scenic/WDS-JD/complaints', centre, { topic: 'prices', description: 'x' })).status, 403);
      const bad = await t.call('POST', '/api/people/scenic/WDS-JD/complaints', citizen, { topic: 'weather', description: 'x' });
      assert.equal(bad.status, 400);
      const blank = await t.call('POST', '/api/people/scenic/WDS-JD/complaints', citizen, { topic: 'other', description: '   ' });
      assert.equal(blank.status, 400);
      assert.match(blank.body.detail, /描述|Describe/);
      assert.equal((await t.call('POST', '/api/people/scenic/NOPE/complaints', citizen, { topic: 'other', description: 'x' })).status, 404);
      // It is in the visitor's timeline among the reports.
      const timeline = await t.call('GET', '/api/people/timeline', citizen);
      assert.ok(
        timeline.body.some((x: { kind: string; ref: string }) => x.kind === 'report' && x.ref === id),
        JSON.stringify(timeline.body),
      );
    });

    test('my timeline, and who used my data through the exchange gateway', async () => {
      const timeline = await t.call('GET', '/api/people/timeline', citizen);
      assert.equal(timeline.status, 200);
      const kinds = new Set(timeline.body.map((i: { kind: string }) => i.kind));
      assert.ok(kinds.has('booking') && kinds.has('scan') && kinds.has('notification'), JSON.stringify([...kinds]));
      const times = timeline.body.map((i: { at: number }) => i.at);
      assert.deepEqual(
        times,
        [...times].sort((a: number, b: number) => b - a),
        'newest first',
      );

      // Nobody has read the resident's records yet; then 卫健委's system does, through an approved request.
      assert.deepEqual((await t.call('GET', '/api/people/data-use', citizen)).body, []);
      const [wjw, zsj, gaj] = await Promise.all(['wjw.staff', 'zsj.staff', 'gaj.staff'].map((u) => t.login(u)));
      const req = await t.call('POST', '/api/sharing/requests', wjw, {
        resource: '101001/000001',
        items: ['idNumber', 'name'],
        purpose: '家庭医生签约服务核验居民身份',
        legalBasis: '《基本医疗卫生与健康促进法》第三十一条',
        useScope: '市卫生健康委家庭医生签约系统',
        periodFrom: '2026-01-01',
        periodTo: '2027-12-31',
      });
      assert.equal(req.status, 201, JSON.stringify(req.body));
      const act = (token: string, action: string) => t.call('POST', `/api/sharing/requests/${req.body.id}/actions`, token, { action });
      assert.equal((await act(zsj!, 'pass_compliance')).status, 200);
      assert.equal((await act(gaj!, 'approve')).body.state, 'approved');
      const client = await t.call('POST', '/api/sharing/clients', wjw, { name: '家庭医生签约系统' });
      const read = await t.inject({
        method: 'POST',
        url: '/api/sharing/gateway/population/lookup',
        headers: { 'x-api-key': client.body.secret, 'content-type': 'application/json', 'x-purpose': encodeURIComponent('签约核验') },
        payload: JSON.stringify({ keys: [DEMO_RESIDENT.idNumber] }),
      });
      assert.equal(read.statusCode, 200, read.body);
      const used = await t.call('GET', '/api/people/data-use', citizen);
      assert.equal(used.body.length, 1, JSON.stringify(used.body));
      assert.deepEqual([used.body[0].consumer, used.body[0].consumerName.zh, used.body[0].purpose], ['WJW', '市卫生健康委员会', '签约核验']);
      // The enterprise's account sees none of it.
      assert.deepEqual((await t.call('GET', '/api/people/data-use', await t.login('enterprise'))).body, []);
    });
  });
}
