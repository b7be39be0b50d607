/**
 * The plan library: validation field by field (unknown units, a level without tasks, deadlines that
 * cannot be met), the seed plans for Shiyan, and the API on SQLite and PostgreSQL: versioned
 * revisions with optimistic concurrency, departments writing only their own plans, audit.
 */
import assert from 'node:assert/strict';
import { pick } from '../../../platform/i18n/index.js';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { DISTRICT_UNIT, type PlanDefinition, validatePlan } from '../plans.js';
import { loadProfile } from '../../../platform/profile/profile.js';

const SHIYAN = loadProfile('shiyan');
const SEED_PLANS = SHIYAN.seed('emergency-plans') as (PlanDefinition & { id: string })[];

const CAT = { departments: new Set(['ZJJ', 'CGW', 'JTJ', 'YJJ']) };

function draft(): PlanDefinition {
  return {
    title: { zh: '测试预案', en: 'Test plan' },
    kind: 'special',
    subkinds: ['waterlogging'],
    owner: 'ZJJ',
    reviewBy: '2027-06-30',
    source: 'GB/T 29639',
    levels: [
      {
        level: 4,
        lead: 'ZJJ',
        units: [
          { unit: 'ZJJ', tasks: [{ key: 'pump_out', title: { zh: '抢排', en: 'Pump out' }, acceptMinutes: 15, deadlineMinutes: 120, reportEveryMinutes: 30 }] },
          {
            unit: DISTRICT_UNIT,
            tasks: [{ key: 'evacuate', title: { zh: '转移', en: 'Evacuate' }, acceptMinutes: 15, deadlineMinutes: 120, reportEveryMinutes: 30 }],
          },
        ],
        resources: [{ type: 'pump_truck', quantity: 2 }],
        endWhen: { zh: '积水退去', en: 'Water gone' },
      },
    ],
  };
}

describe('plan validation', () => {
  test('a sound plan has no errors', () => {
    assert.deepEqual(validatePlan(draft(), CAT), []);
  });

  test('unknown units, a level with no tasks and deadlines that cannot be met are refused at their field', () => {
    const d = draft();
    d.levels[0]!.units[0]!.unit = 'NOPE';
    d.levels[0]!.lead = 'NOPE';
    d.levels[0]!.units[1]!.tasks[0]!.acceptMinutes = 120; // accept no earlier than the deadline
    d.levels[0]!.units[1]!.tasks[0]!.reportEveryMinutes = 600; // first report after the deadline
    d.levels.push({ level: 3, lead: 'ZJJ', units: [], resources: [], endWhen: { zh: '结束', en: 'End' } });
    const errors = validatePlan(d, CAT);
    const at = (pointer: string) => pick(errors.find((e) => e.pointer === pointer)?.detail ?? '', 'en');
    assert.match(at('/body/levels/0/units/0/unit'), /unknown unit NOPE/);
    assert.match(at('/body/levels/0/lead'), /unknown unit NOPE/);
    assert.match(at('/body/levels/0/units/1/tasks/0/deadlineMinutes'), /later than the time to accept/);
    assert.match(at('/body/levels/0/units/1/tasks/0/reportEveryMinutes'), /never come before the deadline/);
    assert.match(at('/body/levels/1/units'), /units with tasks/);
  });

  test('the lead must be one of the units; levels, tasks and subkinds are checked', () => {
    const d = draft();
    d.levels[0]!.lead = 'CGW';
    d.levels[0]!.units[0]!.tasks = [];
    d.levels.push({ ...d.levels[0]!, lead: 'ZJJ' });
    d.subkinds = ['meteor_strike'];
    d.reviewBy = '2027-13-45';
    const pointers = validatePlan(d, CAT).map((e) => e.pointer);
    for (const p of ['/body/levels/0/lead', '/body/levels/0/units/0/tasks', '/body/levels/1/level', '/body/subkinds/0', '/body/reviewBy'])
      assert.ok(pointers.includes(p), p);
  });

  test('every seed plan is sound and cites its source', () => {
    // Against the city's departments: every owner and unit must exist in Shiyan's matrix.
    const departments = new Set(SHIYAN.departments.map((d) => d.code));
    assert.ok(SEED_PLANS.length >= 10);
    for (const { id, ...plan } of SEED_PLANS) {
      assert.deepEqual(validatePlan(plan, { departments }), [], id);
      assert.ok(plan.source.length > 20, id);
      assert.deepEqual(
        plan.levels.map((l) => l.level),
        [4, 3, 2, 1],
        id,
      );
    }
  });
});

for (const d of await dialects()) {
  describe(`plan library (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
    });
    after(() => t.close());

    test('the seed plans are stored and valid against the city’s departments', async () => {
      const r = await t.call('GET', '/api/command/plans', admin);
      assert.equal(r.status, 200);
      assert.equal(r.body.length, SEED_PLANS.length);
      const water = await t.call('GET', '/api/command/plans?subkind=waterlogging', admin);
      assert.deepEqual(
        water.body.map((p: { id: string }) => p.id),
        ['urban-waterlogging'],
      );
      const iv = water.body[0].levels.find((l: { level: number }) => l.level === 4);
      assert.deepEqual(iv.units.map((u: { unit: string }) => u.unit).sort(), ['$district', 'CGW', 'JTJ', 'ZJJ']);
      assert.equal(iv.lead, 'ZJJ');
      for (const plan of r.body) {
        const { id: _id, version: _v, status: _s, createdBy: _c, updatedBy: _u, updatedAt: _a, ...def } = plan;
        const v = await t.call('POST', '/api/command/plans/validate', admin, def);
        assert.deepEqual(v.body, { valid: true, errors: [] }, plan.id);
      }
    });

    test('a department writes its own plans; revisions are versions; a stale save is a conflict; all audited', async () => {
      const zjj = await t.login('zjj.staff');
      const cgw = await t.login('cgw.staff');
      const created = await t.call('POST', '/api/command/plans', zjj, { id: 'underpass-ponding', ...draft() });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.version, 1);
      const other = await t.call('POST', '/api/command/plans', cgw, { id: 'cgw-writes-zjj', ...draft() });
      assert.equal(other.status, 403);
      const revised = { ...draft(), reviewBy: '2027-12-31' };
      assert.equal((await t.call('PUT', '/api/command/plans/underpass-ponding', cgw, { version: 1, ...revised })).status, 403);
      const v2 = await t.call('PUT', '/api/command/plans/underpass-ponding', zjj, { version: 1, note: 'drill: pumps arrived late', ...revised });
      assert.equal(v2.status, 200, JSON.stringify(v2.body));
      assert.equal(v2.body.version, 2);
      assert.equal(v2.body.reviewBy, '2027-12-31');
      const stale = await t.call('PUT', '/api/command/plans/underpass-ponding', zjj, { version: 1, ...draft() });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.code, 'WD_ERR_VERSION_CONFLICT');
      const versions = await t.call('GET', '/api/command/plans/underpass-ponding/versions', zjj);
      assert.deepEqual(
        versions.body.map((x: { version: number; note: string | null }) => [x.version, x.note]),
        [
          [2, 'drill: pumps arrived late'],
          [1, null],
        ],
      );
      const retired = await t.call('PUT', '/api/command/plans/underpass-ponding', zjj, { version: 2, status: 'retired', ...revised });
      assert.equal(retired.body.status, 'retired');
      const audit = await t.call('GET', '/api/audit?targetId=underpass-ponding', admin);
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      const actions = (audit.body.items ?? audit.body).map((e: { action: string }) => e.action);
      for (const a of ['plan.created', 'plan.revised', 'plan.retired']) assert.ok(actions.includes(a), `${a} in ${actions}`);
    });

    test('an invalid plan is refused with every field and reason; readers without the permission are refused', async () => {
      const bad = draft();
      bad.levels[0]!.units[0]!.unit = 'GHOST';
      const r = await t.call('POST', '/api/command/plans', admin, { id: 'bad-plan', ...bad });
      assert.equal(r.status, 400);
      assert.equal(r.headers['content-type']?.toString().startsWith('application/problem+json'), true);
      assert.ok(r.body.errors.some((e: { pointer: string; detail: string }) => e.pointer === '/body/levels/0/units/0/unit' && /GHOST/.test(e.detail)));
      assert.equal((await t.call('GET', '/api/command/plans', await t.login('citizen'))).status, 403);
      assert.equal((await t.call('GET', '/api/command/plans')).status, 401);
    });
  });
}
