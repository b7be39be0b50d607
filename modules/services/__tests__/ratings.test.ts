/**
 * 好差评 on both dialects: a decided application is rated once on the five levels; a bad rating
 * needs a reason and opens a follow-up for the department that handled it, due in 5 working days;
 * the department reports back (rectified or explained) and the applicant sees it; reasons must
 * suit the level; statistics by item, department and window; and the operations screen's
 * indicators read satisfaction and the open follow-ups.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

for (const d of await dialects()) {
  describe(`好差评 (${d.name})`, () => {
    let t: TestApp;
    let citizen: string;
    let gjj: string;
    const clock = Date.UTC(2026, 11, 7, 2, 0); // Monday 10:00
    const apply = async (amount: number) => {
      const r = await t.call('POST', '/api/people/services/applications', citizen, {
        item: 'SY-GJJ-002',
        form: { name: '赵晓', idNumber: '420302198803160264', phone: '19907190001', amount, bankAccount: '6222020200000000000' },
        materials: { idCard: { reuse: true } },
        consent: true,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };

    before(async () => {
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400, superappDemo: true });
      t.platform.now = () => clock;
      citizen = await t.login('citizen');
      const admin = await t.login('admin');
      const u = await t.call('POST', '/api/users', admin, {
        username: 'gjj.staff',
        displayName: '公积金中心 经办（合成）',
        password: 'Temp-Passw0rd!',
        roles: ['dept_staff'],
        department: 'GJJ',
        districts: [],
      });
      assert.equal(u.status, 201, JSON.stringify(u.body));
      const first = await t.login('gjj.staff', 'Temp-Passw0rd!');
      assert.equal((await t.call('POST', '/api/auth/password', first, { currentPassword: 'Temp-Passw0rd!', newPassword: 'Fund&Centre-2026' })).status, 204);
      gjj = await t.login('gjj.staff', 'Fund&Centre-2026');
    });
    after(() => t.close());

    let good: string;
    let bad: string;
    test('a decided application is rated once; reasons must suit the level; a bad one needs a reason', async () => {
      const open = await apply(20000);
      assert.equal(open.state, 'submitted');
      assert.equal(
        (await t.call('POST', `/api/people/services/applications/${open.id}/rating`, citizen, { level: 5 })).status,
        409,
        'not before it is decided',
      );
      const a = await apply(3000);
      assert.equal(a.state, 'approved');
      good = a.id;
      assert.equal((await t.call('POST', `/api/people/services/applications/${good}/rating`, citizen, { level: 5, reasons: ['slow'] })).status, 400);
      const r = await t.call('POST', `/api/people/services/applications/${good}/rating`, citizen, { level: 5, reasons: ['quick', 'once'] });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.levelName.zh, r.body.followUp], ['非常满意', null]);
      assert.equal((await t.call('POST', `/api/people/services/applications/${good}/rating`, citizen, { level: 4 })).status, 409, 'once');
      // The department decides the other one; the applicant is unhappy.
      assert.equal((await t.call('POST', `/api/services/applications/${open.id}/accept`, gjj, {})).status, 200);
      assert.equal((await t.call('POST', `/api/services/applications/${open.id}/approve`, gjj, {})).status, 200);
      bad = open.id;
      assert.equal((await t.call('POST', `/api/people/services/applications/${bad}/rating`, citizen, { level: 1 })).status, 400, 'a bad rating says why');
      const b = await t.call('POST', `/api/people/services/applications/${bad}/rating`, citizen, {
        level: 1,
        reasons: ['slow', 'not_told_once'],
        comment: '租房提取等了好几天（合成数据）',
      });
      assert.equal(b.status, 200, JSON.stringify(b.body));
      assert.equal(b.body.followUp.state, 'open');
      // Five working days: Monday 10:00 → the end of the following Monday's office hours.
      assert.equal(new Date(b.body.followUp.dueAt + 8 * 3_600_000).toISOString().slice(0, 10), '2026-12-14');
      // Another person cannot rate it.
      assert.equal((await t.call('POST', `/api/people/services/applications/${bad}/rating`, await t.login('enterprise'), { level: 5 })).status, 404);
    });

    test('the department that handled it follows up; the applicant sees the result; others cannot', async () => {
      assert.deepEqual((await t.call('GET', '/api/services/followups?state=open', await t.login('gaj.staff'))).body, []);
      const list = await t.call('GET', '/api/services/followups?state=open', gjj);
      assert.equal(list.body.length, 1);
      const f = list.body[0];
      assert.deepEqual([f.rating.level, f.rating.target.id, f.overdue], [1, bad, false]);
      assert.equal((await t.call('POST', `/api/services/followups/${f.id}/close`, await t.login('gaj.staff'), { result: 'explained', note: 'x' })).status, 404);
      const done = await t.call('POST', `/api/services/followups/${f.id}/close`, gjj, {
        result: 'rectified',
        note: '已回访申请人；租房提取改为即时办结额度内当日到账',
      });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal((await t.call('POST', `/api/services/followups/${f.id}/close`, gjj, { result: 'explained', note: 'again' })).status, 409);
      const seen = await t.call('GET', `/api/services/applications/${bad}/rating`, citizen);
      assert.deepEqual([seen.body.followUp.state, seen.body.followUp.result], ['done', 'rectified']);
    });

    test('statistics by item and department, and the screen’s indicators', async () => {
      const byItem = await t.call('GET', '/api/services/ratings/stats?by=item', gjj);
      const rent = byItem.body.find((g: { key: string }) => g.key === 'SY-GJJ-002');
      assert.deepEqual([rent.ratings, rent.levels['5'], rent.levels['1'], rent.satisfaction, rent.followUp, rent.rectification], [2, 1, 1, 0.5, 1, 1]);
      const byDept = await t.call('GET', '/api/services/ratings/stats?by=department', gjj);
      assert.deepEqual(
        byDept.body.map((g: { key: string; ratings: number }) => [g.key, g.ratings]),
        [['GJJ', 2]],
      );
      const admin = await t.login('admin');
      const all = (await t.call('GET', '/api/brain/indicators?domain=services', admin)).body;
      const value = (id: string) => all.items.find((i: { id: string }) => i.id === id).current.value;
      assert.equal(all.domains.services.zh, '政务服务');
      assert.equal(value('services-satisfaction-30d'), 50, 'per cent: the indicator is scaled by 100');
      // Bad ratings awaiting follow-up: a measure any department may put on the screen.
      assert.equal((await t.services.ratings.figure('followups_open')).value, 0);
      const sat = all.items.find((i: { id: string }) => i.id === 'services-satisfaction-30d').current;
      assert.deepEqual(sat.breakdown, { GJJ: 50 });
    });
  });
}
