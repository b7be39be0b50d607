/**
 * Emergency linkage command on SQLite and PostgreSQL: a waterlogging alert becomes an incident in
 * one click, the urban waterlogging plan is proposed and activated at Ⅳ, tasks reach 市住建局,
 * 市城管执法委, 市交通运输局 and the district, units accept, report and complete, an overdue task
 * escalates, the level is raised to Ⅲ and lowered, the response ends; concurrent decisions
 * conflict cleanly; only duty officers and leaders decide; drills are marked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { toGcj02 } from '../../../platform/profile/datum.js';
import { MIN, ZHANGWAN, pondingAlert } from '../../../test/command-fixtures.js';

type Task = { id: string; unit: string; key: string; state: string; level: number; overdue: boolean; dueAt: number; acceptBy: number };

for (const d of await dialects()) {
  describe(`incidents and the response (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let duty: string;
    let clock = Date.now();
    let alertId: string;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      duty = await t.login('duty');
      alertId = await pondingAlert(t, admin);
      t.platform.now = () => clock;
    });
    after(() => t.close());

    let incidentId: string;
    const board = async () => (await t.call('GET', `/api/command/incidents/${incidentId}`, duty)).body;

    test('one click from an alert: the incident takes its place, district and level; the waterlogging plan is proposed', async () => {
      // What the alert would become, before anyone decides (the wall shows it beside the alert).
      const before = await t.call('GET', `/api/command/alerts/${alertId}/proposal`, duty);
      assert.equal(before.status, 200, JSON.stringify(before.body));
      assert.deepEqual([before.body.subkind, before.body.planId, before.body.level, before.body.incidentId], ['waterlogging', 'urban-waterlogging', 4, null]);
      const r = await t.call('POST', '/api/command/incidents', duty, { fromAlert: alertId });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      incidentId = r.body.id;
      assert.equal((await t.call('GET', `/api/command/alerts/${alertId}/proposal`, duty)).body.incidentId, incidentId);
      assert.equal(r.body.subkind, 'waterlogging');
      assert.equal(r.body.kind, 'natural');
      assert.equal(r.body.district, '420303');
      assert.equal(r.body.severity, 4);
      assert.equal(r.body.status, 'open');
      const again = await t.call('POST', '/api/command/incidents', duty, { fromAlert: alertId });
      assert.equal(again.status, 409, 'an alert belongs to one open incident');
      const p = await t.call('GET', `/api/command/incidents/${incidentId}/proposal`, duty);
      assert.deepEqual([p.body.planId, p.body.level], ['urban-waterlogging', 4]);
      assert.deepEqual((await board()).alerts, [alertId]);
    });

    test('only duty officers and leaders activate; a stale revision is a conflict', async () => {
      const staff = await t.login('zjj.staff');
      const denied = await t.call('POST', `/api/command/incidents/${incidentId}/activate`, staff, { planId: 'urban-waterlogging', level: 4 });
      assert.equal(denied.status, 403);
      const stale = await t.call('POST', `/api/command/incidents/${incidentId}/activate`, duty, { planId: 'urban-waterlogging', level: 4, rev: 99 });
      assert.equal(stale.status, 409, JSON.stringify(stale.body));
      assert.equal(stale.body.code, 'WD_ERR_VERSION_CONFLICT');
    });

    test('activation at Ⅳ dispatches every unit’s tasks with the plan’s deadlines, the district’s included', async () => {
      const before = (await board()).incident.rev;
      const r = await t.call('POST', `/api/command/incidents/${incidentId}/activate`, duty, { planId: 'urban-waterlogging', level: 4, rev: before });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'responding');
      assert.equal(r.body.level, 4);
      const b = await board();
      const units = [...new Set(b.tasks.map((x: Task) => x.unit))].sort();
      assert.deepEqual(units, ['CGW', 'GOV-420303', 'JTJ', 'ZJJ']);
      const pump = b.tasks.find((x: Task) => x.key === 'pump_out');
      assert.equal(pump.state, 'dispatched');
      assert.equal(pump.acceptBy - clock, 15 * MIN);
      assert.equal(pump.dueAt - clock, 120 * MIN);
      const activated = b.timeline.find((e: { kind: string }) => e.kind === 'activated');
      // The timeline reads in both languages, from templates (not the English of the code).
      assert.match(activated.summary.zh, /^启动《.+》Ⅳ级响应$/);
      assert.match(activated.summary.en, /: level Ⅳ response launched$/);
      // Twice is a conflict: the incident is responding.
      assert.equal((await t.call('POST', `/api/command/incidents/${incidentId}/activate`, duty, { planId: 'urban-waterlogging', level: 4 })).status, 409);
    });

    test('each unit sees its own tasks in hand, soonest deadline first, with the time left', async () => {
      const zjj = await t.login('zjj.staff');
      const mine = (await t.call('GET', '/api/command/my-tasks', zjj)).body as { incidentId: string; state: string; msLeft: number; title: { zh: string } }[];
      const board = (await t.call('GET', `/api/command/incidents/${incidentId}`, duty)).body;
      const zjjTasks = (board.tasks as Task[]).filter((x) => x.unit === 'ZJJ');
      assert.equal(mine.length, zjjTasks.length);
      assert.ok(mine.length >= 1 && mine.every((x) => x.incidentId === incidentId && x.state === 'dispatched'));
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1]!.msLeft <= mine[i]!.msLeft, 'sorted by time left');
      assert.equal(mine[0]!.msLeft, 15 * MIN, 'time left to accept, at the moment of dispatch');
      const cgw = (await t.call('GET', '/api/command/my-tasks', await t.login('cgw.staff'))).body as { title: { zh: string } }[];
      assert.deepEqual(
        cgw.map((x) => x.title.zh).sort(),
        (board.tasks as (Task & { title: { zh: string } })[])
          .filter((x) => x.unit === 'CGW')
          .map((x) => x.title.zh)
          .sort(),
      );
      // The operations centre is no unit of this plan: nothing in its hands.
      assert.deepEqual((await t.call('GET', '/api/command/my-tasks', duty)).body, []);
    });

    test('units accept, report with photo and location, and complete their own tasks only', async () => {
      const b = await board();
      const zjj = await t.login('zjj.staff');
      const cgw = await t.login('cgw.staff');
      const pump = b.tasks.find((x: Task) => x.key === 'pump_out');
      assert.equal((await t.call('POST', `/api/command/tasks/${pump.id}/accept`, cgw, {})).status, 403, 'not CGW’s task');
      assert.equal((await t.call('POST', `/api/command/tasks/${pump.id}/reports`, zjj, { text: 'on the way' })).status, 409, 'report once accepted');
      assert.equal((await t.call('POST', `/api/command/tasks/${pump.id}/accept`, zjj, {})).status, 204);
      // A photo is uploaded first, then named in the report; only platform files are accepted.
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('synthetic photo of the scene')]);
      const up = await t.call('POST', '/api/files', zjj, { name: '现场.jpg', contentType: 'image/jpeg', data: jpeg.toString('base64') });
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const notJpeg = await t.call('POST', '/api/files', zjj, { name: 'x.jpg', contentType: 'image/jpeg', data: Buffer.from('<svg/>').toString('base64') });
      assert.equal(notJpeg.status, 400, 'bytes that are not the declared type are refused');
      const elsewhere = await t.call('POST', `/api/command/tasks/${pump.id}/reports`, zjj, { text: 'x', photos: [{ name: 'a.jpg', url: '/files/scene.jpg' }] });
      assert.equal(elsewhere.status, 400, 'a photo must be uploaded to the platform');
      const rep = await t.call('POST', `/api/command/tasks/${pump.id}/reports`, zjj, {
        text: '2 台泵车到场抽排',
        photos: [{ name: '现场.jpg', url: up.body.url }],
        location: ZHANGWAN,
      });
      assert.equal(rep.status, 201, JSON.stringify(rep.body));
      // Whoever sees the incident sees the photo; a department not involved does not; it cannot be reused.
      const seen = await t.inject({ method: 'GET', url: up.body.url, headers: { authorization: `Bearer ${duty}` } });
      assert.equal(seen.statusCode, 200);
      assert.equal(seen.headers['content-type'], 'image/jpeg');
      assert.deepEqual(seen.rawPayload, jpeg);
      const yjj = await t.login('yjj.leader');
      assert.equal((await t.call('GET', up.body.url, yjj)).status, 404);
      const again = await t.call('POST', `/api/command/tasks/${pump.id}/reports`, zjj, { text: 'again', photos: [{ name: 'x.jpg', url: up.body.url }] });
      assert.equal(again.status, 400, 'an attached photo is not attached twice');
      // A phone's GPS position (WGS-84) is kept in the city's datum (GCJ-02).
      const gps = await t.call('POST', `/api/command/tasks/${pump.id}/reports`, zjj, { text: '现场定位', location: { ...ZHANGWAN, datum: 'WGS-84' } });
      assert.equal(gps.status, 201, JSON.stringify(gps.body));
      const kept = (await board()).timeline.find((e: { words: string | null }) => e.words === '现场定位').data.location;
      const [lon, lat] = toGcj02(ZHANGWAN.lon, ZHANGWAN.lat, 'WGS-84');
      assert.deepEqual(kept, { lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)) });
      assert.notDeepEqual(kept, { lon: ZHANGWAN.lon, lat: ZHANGWAN.lat });
      assert.equal((await t.call('POST', `/api/command/tasks/${pump.id}/reports`, cgw, { text: 'not mine' })).status, 403);
      assert.equal((await t.call('POST', `/api/command/tasks/${pump.id}/complete`, zjj, { comment: '积水已排除' })).status, 204);
      const after = await board();
      assert.equal(after.tasks.find((x: Task) => x.id === pump.id).state, 'completed');
      const kinds = after.timeline.filter((e: { data: { taskId?: string } | null }) => e.data?.taskId === pump.id).map((e: { kind: string }) => e.kind);
      assert.deepEqual(kinds, ['task_dispatched', 'task_accepted', 'task_reported', 'task_reported', 'task_completed']);
    });

    test('a task not accepted in time escalates to the unit’s leader, then the duty officer, on the timeline', async () => {
      clock += 16 * MIN;
      await t.workflow.runDueTimers();
      clock += 16 * MIN;
      await t.workflow.runDueTimers();
      await t.bus.settled(); // the escalation events are handled
      // Sessions end after 30 idle minutes of the test clock.
      duty = await t.login('duty');
      admin = await t.login('admin');
      const b = await board();
      const jtj = b.tasks.find((x: Task) => x.unit === 'JTJ');
      assert.equal(jtj.overdue, true);
      const esc = b.timeline.filter((e: { kind: string; data: { taskId?: string } | null }) => e.kind === 'task_escalated' && e.data?.taskId === jtj.id);
      assert.deepEqual(
        esc.map((e: { data: { notify: string[] } }) => e.data.notify),
        [['dept_leader'], ['duty_officer']],
      );
      assert.match(esc[0].summary.zh, /超时未接收，已督办：部门领导$/);
      assert.match(esc[1].summary.en, /overdue \(not accepted\), escalated to Operations duty officer$/);
    });

    test('the list shows each incident’s progress; the board’s map has the devices around it with their readings, and resources', async () => {
      const list = await t.call('GET', '/api/command/incidents?status=responding', duty);
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const mine = list.body.find((x: { id: string }) => x.id === incidentId);
      const b = await board();
      const live = b.tasks.filter((x: Task) => x.state !== 'cancelled');
      assert.equal(mine.progress.tasks, live.length);
      assert.equal(mine.progress.completed, live.filter((x: Task) => x.state === 'completed').length);
      assert.equal(mine.progress.completed, 1, 'the pump-out task was completed');
      assert.equal(mine.progress.overdue, live.filter((x: Task) => x.overdue).length);
      assert.ok(mine.progress.overdue >= 1, 'the transport bureau’s task is overdue');

      const s = await t.call('GET', `/api/command/incidents/${incidentId}/surroundings?radiusM=2000`, duty);
      assert.equal(s.status, 200, JSON.stringify(s.body));
      assert.equal(s.body.centerFrom, 'incident');
      const pond = s.body.devices.find((x: { id: string }) => x.id === 'pond-renmin');
      assert.ok(pond, 'the flood sensor at the incident is on the map');
      assert.equal(pond.latest.find((v: { attr: string }) => v.attr === 'currentLevel').value, 0.2);
      assert.ok(pond.distanceM < 50);
      const distances = s.body.resources.map((r: { distanceM: number }) => r.distanceM);
      assert.ok(distances.length > 0, 'the sample resources are listed');
      assert.deepEqual(
        distances,
        [...distances].sort((a: number, b: number) => a - b),
        'closest first',
      );
      assert.ok(
        s.body.resources.some((r: { kind: string }) => r.kind === 'shelter'),
        'shelters are always shown',
      );
      // A reader outside the device's department and district does not see it.
      const cgw = await t.login('cgw.staff');
      const other = await t.call('GET', `/api/command/incidents/${incidentId}/surroundings?radiusM=2000`, cgw);
      assert.equal(other.status, 200);
      assert.equal(
        other.body.devices.some((x: { id: string }) => x.id === 'pond-renmin'),
        false,
      );
    });

    test('raising to Ⅲ keeps the tasks under way; Ⅱ adds the emergency bureau and lowering removes it; ending cancels what is open', async () => {
      const up = await t.call('POST', `/api/command/incidents/${incidentId}/level`, duty, { level: 3, reason: '积水深度超过 30 cm' });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.equal(up.body.level, 3);
      let b = await board();
      const raised = b.timeline.find((e: { kind: string }) => e.kind === 'level_raised');
      assert.match(raised.summary.zh, /^响应级别由Ⅳ级升至Ⅲ级：/);
      assert.match(raised.summary.en, /^Response raised from level Ⅳ to Ⅲ: /);
      // Same units and keys at Ⅲ: nothing new dispatched, nothing cancelled.
      assert.equal(b.tasks.filter((x: Task) => x.state === 'cancelled').length, 0);
      // Ⅱ brings the emergency bureau in to coordinate; back at Ⅲ its task is cancelled.
      const two = await t.call('POST', `/api/command/incidents/${incidentId}/level`, duty, { level: 2, reason: '多处积水、险情扩大', rev: up.body.rev });
      assert.equal(two.status, 200, JSON.stringify(two.body));
      b = await board();
      const yjj = b.tasks.find((x: Task) => x.unit === 'YJJ');
      assert.equal(yjj?.state, 'dispatched');
      assert.equal(yjj.level, 2);
      const leader = await t.login('zjj.leader');
      const down = await t.call('POST', `/api/command/incidents/${incidentId}/level`, leader, { level: 3, reason: '雨停，积水回落', rev: two.body.rev });
      assert.equal(down.status, 200, JSON.stringify(down.body));
      b = await board();
      assert.equal(b.tasks.find((x: Task) => x.id === yjj.id).state, 'cancelled');
      assert.ok(b.timeline.some((e: { kind: string }) => e.kind === 'level_lowered'));
      assert.equal(b.tasks.filter((x: Task) => x.state === 'cancelled').length, 1, 'only the task Ⅲ does not have');
      const end = await t.call('POST', `/api/command/incidents/${incidentId}/end`, duty, { reason: '积水退去，交通恢复', rev: down.body.rev });
      assert.equal(end.status, 200, JSON.stringify(end.body));
      assert.equal(end.body.status, 'ended');
      b = await board();
      for (const x of b.tasks as Task[]) assert.ok(x.state === 'completed' || x.state === 'cancelled', `${x.unit} ${x.key} ${x.state}`);
      assert.ok(b.tasks.some((x: Task) => x.state === 'completed'));
      assert.equal(b.timeline.at(-1).kind === 'task_cancelled' || b.timeline.at(-1).kind === 'ended', true);
      const audit = await t.call('GET', `/api/audit?targetId=${incidentId}`, admin);
      const actions = (audit.body.items ?? audit.body).map((e: { action: string }) => e.action);
      for (const a of ['incident.created', 'incident.activated', 'incident.level_changed', 'incident.ended']) assert.ok(actions.includes(a), a);
    });

    test('the review: time to accept and complete per unit, overdue tasks, lessons; as HTML and PDF', async () => {
      const r = await t.call('GET', `/api/command/incidents/${incidentId}/review`, duty);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const zjj = r.body.units.find((u: { unit: string }) => u.unit === 'ZJJ');
      assert.equal(zjj.completed, 1);
      assert.equal(zjj.acceptMinutes, 0);
      const jtj = r.body.units.find((u: { unit: string }) => u.unit === 'JTJ');
      assert.equal(jtj.overdue, 1, 'JTJ never accepted within 15 minutes');
      assert.ok(r.body.overdue.some((o: { unit: string }) => o.unit === 'JTJ'));
      assert.ok(!r.body.overdue.some((o: { unit: string; title: string }) => o.unit === 'ZJJ' && o.title.includes('抢排')), 'ZJJ pumped in time');
      const staff = await t.login('zjj.staff');
      assert.equal((await t.call('PUT', `/api/command/incidents/${incidentId}/lessons`, staff, { lessons: 'x' })).status, 403);
      const lessons = '交通局未在 15 分钟内接收任务：值班电话需 24 小时有人。';
      assert.equal((await t.call('PUT', `/api/command/incidents/${incidentId}/lessons`, duty, { lessons })).status, 204);
      const html = await t.call('GET', `/api/command/incidents/${incidentId}/review?format=html`, duty);
      assert.equal(html.status, 200);
      assert.match(String(html.headers['content-type']), /text\/html/);
      const text = String(html.body);
      assert.ok(text.includes(lessons) && text.includes('JTJ'), 'lessons and units in the HTML');
      const pdf = await t.call('GET', `/api/command/incidents/${incidentId}/review?format=pdf`, duty);
      if (pdf.status === 503) {
        assert.notEqual(process.env.CI, 'true', 'CI has Chromium');
        return;
      }
      assert.equal(pdf.status, 200);
      assert.match(String(pdf.headers['content-type']), /application\/pdf/);
      assert.ok(String(pdf.body).startsWith('%PDF-'), 'a PDF file');
    });

    test('a plan that gives tasks to the district needs an incident with a district', async () => {
      const r = await t.call('POST', '/api/command/incidents', duty, { title: '电话报告：某处积水', subkind: 'waterlogging', source: 'phone', severity: 4 });
      assert.equal(r.status, 201);
      const a = await t.call('POST', `/api/command/incidents/${r.body.id}/activate`, duty, { planId: 'urban-waterlogging', level: 4 });
      assert.equal(a.status, 400);
      assert.ok(a.body.errors.some((e: { pointer: string }) => e.pointer === '/body/district'));
      assert.equal((await t.call('POST', '/api/command/incidents', duty, { title: 'x', subkind: 'meteor', severity: 4 })).status, 400);
    });

    test('a drill is marked as one and kept apart from real incidents', async () => {
      const figures = async (drill: boolean) => {
        const r = await t.call('GET', `/api/command/stats?drill=${drill}`, duty);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const { at: _at, ...rest } = r.body;
        return rest;
      };
      const realBefore = await figures(false);
      assert.ok(realBefore.incidents.ended >= 1, 'the response that ended counts');
      assert.equal(typeof realBefore.medianMinutesToAccept, 'number');
      const r = await t.call('POST', '/api/command/incidents', duty, { fromAlert: alertId, drill: true });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.drill, true);
      const a = await t.call('POST', `/api/command/incidents/${r.body.id}/activate`, duty, { planId: 'urban-waterlogging', level: 4 });
      assert.equal(a.status, 200);
      const real = await t.call('GET', '/api/command/incidents?drill=false', duty);
      assert.ok(!real.body.some((x: { id: string }) => x.id === r.body.id));
      const drills = await t.call('GET', '/api/command/incidents?drill=true', duty);
      assert.deepEqual(
        drills.body.map((x: { id: string }) => x.id),
        [r.body.id],
      );
      const b = (await t.call('GET', `/api/command/incidents/${r.body.id}`, duty)).body;
      assert.match(b.timeline[0].text, /演练 drill/);
      // Real figures do not move; the drill counts among drills.
      assert.deepEqual(await figures(false), realBefore);
      const drillFigures = await figures(true);
      assert.equal(drillFigures.incidents.responding, 1);
      assert.deepEqual(drillFigures.currentBySubkind, { waterlogging: 1 });
      assert.equal(drillFigures.tasks.inForce, b.tasks.length);
    });

    test('task messages reach each unit’s endpoints; an overdue task reaches its leader’s; a drill sends none', async () => {
      for (const body of [
        { department: 'ZJJ', channel: 'sms', address: '13800000001' },
        { department: 'JTJ', channel: 'sms', address: '13800000002', roles: ['dept_leader'] },
      ]) {
        const r = await t.call('POST', '/api/warning/endpoints', admin, body);
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      const inc = await t.call('POST', '/api/command/incidents', duty, {
        title: '北京路口积水',
        subkind: 'waterlogging',
        severity: 4,
        district: '420303',
        location: ZHANGWAN,
        source: 'phone',
      });
      assert.equal((await t.call('POST', `/api/command/incidents/${inc.body.id}/activate`, duty, { planId: 'urban-waterlogging', level: 4 })).status, 200);
      type Msg = { department: string; channel: string; event: string; address: string; status: string };
      let b = (await t.call('GET', `/api/command/incidents/${inc.body.id}`, duty)).body;
      const zjjTasks = b.tasks.filter((x: Task) => x.unit === 'ZJJ').length;
      assert.equal(b.notifications.filter((m: Msg) => m.department === 'ZJJ' && m.event === 'task_dispatched').length, zjjTasks, 'one SMS per ZJJ task');
      assert.equal(b.notifications.filter((m: Msg) => m.department === 'JTJ').length, 0, 'the leader’s phone is for escalations only');
      assert.ok(
        b.notifications.every((m: Msg) => m.address !== '13800000001'),
        'addresses are masked',
      );
      await t.notificationsDue();
      const sms = (address: string) => t.platform.db.selectFrom('dev_outbox').select('body').where('address', '=', address).execute();
      const zjj = await sms('13800000001');
      assert.equal(zjj.length, zjjTasks);
      assert.ok(
        zjj.every((m) => m.body.startsWith('【十堰应急指挥】Ⅳ级响应 北京路口积水：任务「') && m.body.includes('前接收')),
        zjj[0]?.body,
      );

      // Nobody at JTJ accepts: the escalation to its leader goes to the leader's phone.
      clock += 16 * MIN;
      await t.workflow.runDueTimers();
      await t.bus.settled(); // the escalation events are handled
      duty = await t.login('duty');
      admin = await t.login('admin');
      b = (await t.call('GET', `/api/command/incidents/${inc.body.id}`, duty)).body;
      assert.equal(b.notifications.filter((m: Msg) => m.department === 'JTJ' && m.event === 'task_escalated').length, 1);
      await t.notificationsDue();
      const jtj = await sms('13800000002');
      assert.equal(jtj.length, 1);
      assert.match(jtj[0]!.body, /督办，任务「.+」超时未接收/);

      // A drill of the same plan: tasks in-app only.
      const drill = await t.call('POST', '/api/command/incidents', duty, {
        title: '演练：北京路口积水',
        subkind: 'waterlogging',
        severity: 4,
        district: '420303',
        source: 'phone',
        drill: true,
      });
      assert.equal((await t.call('POST', `/api/command/incidents/${drill.body.id}/activate`, duty, { planId: 'urban-waterlogging', level: 4 })).status, 200);
      const db = (await t.call('GET', `/api/command/incidents/${drill.body.id}`, duty)).body;
      assert.ok(db.tasks.length > 0);
      assert.deepEqual(db.notifications, []);
      await t.call('POST', `/api/command/incidents/${inc.body.id}/end`, duty, { reason: 'test over' });
      await t.call('POST', `/api/command/incidents/${drill.body.id}/end`, duty, { reason: 'test over' });
    });
  });
}
