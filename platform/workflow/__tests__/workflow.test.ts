import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { dialects } from '../../../test/helpers.js';
import type { Role } from '../../auth/roles.js';
import { ALL, makePrincipal } from '../../auth/scope.js';
import type { DomainEvent } from '../../bus/bus.js';
import { MemoryBus } from '../../bus/memory.js';
import { Outbox } from '../../bus/outbox.js';
import { CalendarService } from '../../calendar/calendar.service.js';
import { AppError } from '../../http/errors.js';
import type { Db } from '../../storage/db.js';
import { type WorkflowDefinition, validateDefinition } from '../definition.js';
import { WorkflowEngine } from '../engine.js';

/** A sample workflow: a document submitted to a department for review. */
const REVIEW: WorkflowDefinition = {
  key: 'sample.document_review',
  version: 1,
  label: { zh: '文件审核（示例）', en: 'Document review (sample)' },
  initial: 'submitted',
  states: {
    submitted: { label: { zh: '已提交', en: 'Submitted' } },
    reviewing: {
      label: { zh: '审核中', en: 'In review' },
      deadline: { workingDays: 2 },
      remindBeforeHours: 2,
      escalation: [{ notify: ['dept_leader'] }, { after: { workingHours: 4 }, notify: ['duty_officer'] }],
    },
    returned: { label: { zh: '退回补正', en: 'Returned for correction' }, deadline: { workingDays: 3 }, onOverdue: { transition: 'expire' } },
    approved: { final: true },
    rejected: { final: true },
    withdrawn: { final: true },
  },
  transitions: {
    accept: { from: ['submitted'], to: 'reviewing', roles: ['dept_staff', 'dept_leader'] },
    approve: { from: ['reviewing'], to: 'approved', roles: ['dept_leader'] },
    reject: { from: ['reviewing'], to: 'rejected', roles: ['dept_leader'], requireComment: true },
    send_back: { from: ['reviewing'], to: 'returned', roles: ['dept_staff', 'dept_leader'], requireComment: true },
    resubmit: { from: ['returned'], to: 'reviewing', roles: ['dept_staff', 'citizen'] },
    expire: { from: ['returned'], to: 'withdrawn', roles: ['system'] },
  },
};

const person = (id: string, roles: Role[], department: string | null = 'CGW', districts: typeof ALL | string[] = ALL) =>
  makePrincipal({ kind: 'user', id, name: id, roles, department, districts });
const staff = person('usr_staff', ['dept_staff']);
const leader = person('usr_leader', ['dept_leader']);
const otherDept = person('usr_other', ['dept_leader'], 'JTJ');
const at = (local: string) => Date.parse(`${local}+08:00`);
const OFFICE = [
  { start: 8 * 60 + 30, end: 12 * 60 },
  { start: 14 * 60 + 30, end: 17 * 60 + 30 },
];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

describe('workflow definitions', () => {
  it('accepts the sample', () => assert.deepEqual(validateDefinition(REVIEW), []));

  it('reports unknown states, unreachable states, roles and overdue transitions', () => {
    const bad: WorkflowDefinition = {
      ...REVIEW,
      initial: 'nowhere',
      states: { ...REVIEW.states, orphan: {}, submitted: { onOverdue: { transition: 'accept' } } },
      transitions: { ...REVIEW.transitions, fly: { from: ['approved'], to: 'moon', roles: ['wizard' as Role] } },
    };
    const errors = validateDefinition(bad).join('\n');
    assert.match(errors, /initial state nowhere/);
    assert.match(errors, /orphan cannot be reached/);
    assert.match(errors, /undeclared state moon/);
    assert.match(errors, /final state approved/);
    assert.match(errors, /unknown role wizard/);
    assert.match(errors, /escalates or reminds but has no deadline/);
  });
});

for (const d of await dialects()) {
  describe(`workflow kernel on ${d.name}`, async () => {
    const s = await d.open();
    after(() => s.close());
    let clock = at('2026-02-13T10:00'); // Friday before the 2026 Spring Festival
    const events: DomainEvent[] = [];

    const makeEngine = async (db: Db) => {
      const bus = new MemoryBus({ warn() {}, error() {} });
      await bus.subscribe('workflow.>', (e) => void events.push(e), { group: 'test' });
      const calendar = new CalendarService(db, bus, OFFICE, 480);
      await calendar.seedMissingYears();
      const engine = new WorkflowEngine(db, new Outbox(db, bus), calendar, () => clock);
      await engine.register(REVIEW);
      return { engine, bus };
    };
    const { engine, bus } = await makeEngine(s.db);

    it('runs an instance along its transitions with a timeline of who, when and what', async () => {
      const inst = await engine.start(
        'sample.document_review',
        { subjectType: 'document', subjectId: 'doc-1', department: 'CGW', district: '420302' },
        { principal: staff },
      );
      assert.equal(inst.state, 'submitted');
      assert.equal(inst.deadline_at, null);
      await engine.fire(inst.id, 'accept', { principal: staff }, { comment: '受理', expectedRev: 1 });
      clock += 3_600_000;
      const done = await engine.fire(inst.id, 'approve', { principal: leader }, { comment: '同意', attachments: [{ name: '批复.pdf', url: '/files/f1' }] });
      assert.equal(done.state, 'approved');
      assert.notEqual(done.closed_at, null);
      const steps = await engine.timeline(inst.id);
      assert.deepEqual(
        steps.map((x) => [x.seq, x.action, x.from_state, x.to_state, x.actor_id, x.comment]),
        [
          [1, 'created', null, 'submitted', 'usr_staff', null],
          [2, 'accept', 'submitted', 'reviewing', 'usr_staff', '受理'],
          [3, 'approve', 'reviewing', 'approved', 'usr_leader', '同意'],
        ],
      );
      assert.deepEqual(JSON.parse(steps[2]!.attachments), [{ name: '批复.pdf', url: '/files/f1' }]);
      assert.equal(steps[2]!.at, clock);
      assert.deepEqual(await engine.pendingTimers(inst.id), [], 'a final state leaves no timers');
      await bus.settled();
      assert.ok(events.some((e) => e.type === 'workflow.transitioned' && (e.data as { transition: string }).transition === 'approve'));
    });

    it('refuses the wrong role, state, missing comment, stale revision and another department', async () => {
      const inst = await engine.start('sample.document_review', { department: 'CGW' }, { principal: staff });
      assert.equal(await code(engine.fire(inst.id, 'approve', { principal: leader })), 'WD_ERR_CONFLICT', 'not from submitted');
      await engine.fire(inst.id, 'accept', { principal: staff });
      assert.equal(await code(engine.fire(inst.id, 'approve', { principal: staff })), 'WD_ERR_FORBIDDEN');
      assert.equal(await code(engine.fire(inst.id, 'reject', { principal: leader })), 'WD_ERR_VALIDATION', 'comment required');
      assert.equal(await code(engine.fire(inst.id, 'approve', { principal: leader }, { expectedRev: 1 })), 'WD_ERR_VERSION_CONFLICT');
      assert.equal(await code(engine.fire(inst.id, 'approve', { principal: otherDept })), 'WD_ERR_OUT_OF_SCOPE');
      assert.equal(await code(engine.fire(inst.id, 'expire', { principal: leader })), 'WD_ERR_CONFLICT');
      assert.equal(await code(engine.fire(inst.id, 'fly', { principal: leader })), 'WD_ERR_VALIDATION');
      assert.equal((await engine.get(inst.id, null)).state, 'reviewing', 'nothing changed');
    });

    it('writes the caller’s own records in the transition’s transaction: both or neither', async () => {
      const inst = await engine.start('sample.document_review', { department: 'CGW' }, { principal: staff });
      const failing = engine.fire(
        inst.id,
        'accept',
        { principal: staff },
        {
          also: async (trx) => {
            await trx.insertInto('settings').values({ key: 'also-test', value: '"x"', updated_at: clock, updated_by: null }).execute();
            throw new Error('the module’s record failed');
          },
        },
      );
      await assert.rejects(failing, /the module’s record failed/);
      assert.equal((await engine.get(inst.id, null)).state, 'submitted', 'the transition rolled back with the record');
      assert.equal((await engine.timeline(inst.id)).length, 1);
      assert.equal(await s.db.selectFrom('settings').select('key').where('key', '=', 'also-test').executeTakeFirst(), undefined);
      const done = await engine.fire(
        inst.id,
        'accept',
        { principal: staff },
        {
          also: async (trx, next) => {
            await trx
              .insertInto('settings')
              .values({ key: 'also-test', value: JSON.stringify(next.state), updated_at: clock, updated_by: null })
              .execute();
          },
        },
      );
      assert.equal(done.state, 'reviewing');
      const row = await s.db.selectFrom('settings').select('value').where('key', '=', 'also-test').executeTakeFirstOrThrow();
      assert.equal(row.value, '"reviewing"');
    });

    it('lets only one of two simultaneous transitions win', async () => {
      const inst = await engine.start('sample.document_review', { department: 'CGW' }, { principal: staff });
      await engine.fire(inst.id, 'accept', { principal: staff });
      const results = await Promise.all([
        code(engine.fire(inst.id, 'approve', { principal: leader }, { expectedRev: 2 })),
        code(engine.fire(inst.id, 'send_back', { principal: leader }, { expectedRev: 2, comment: '补充材料' })),
      ]);
      assert.deepEqual(results.sort(), ['WD_ERR_VERSION_CONFLICT', 'ok']);
      assert.equal((await engine.timeline(inst.id)).length, 3);
    });

    it('computes deadlines in working days across the Spring Festival and fires reminders and escalations in order', async () => {
      clock = at('2026-02-13T10:00');
      const inst = await engine.start('sample.document_review', { department: 'CGW', district: '420302' }, { principal: staff });
      const reviewing = await engine.fire(inst.id, 'accept', { principal: staff });
      // Fri 13 → Sat 14 (make-up day) → Tue 24 (after the holiday), end of office hours.
      assert.equal(reviewing.deadline_at, at('2026-02-24T17:30'));
      const timers = await engine.pendingTimers(inst.id);
      assert.deepEqual(
        timers.map((t) => [t.kind, t.due_at]),
        [
          ['reminder', at('2026-02-24T15:30')],
          ['deadline', at('2026-02-24T17:30')],
          ['escalation:0', at('2026-02-24T17:30')],
          ['escalation:1', at('2026-02-25T15:00')], // 4 working hours: 08:30–12:00 and 14:30–15:00
        ],
      );

      events.length = 0;
      const actionsNow = async () => (await engine.timeline(inst.id)).map((x) => x.action).slice(2);
      clock = at('2026-02-24T16:00');
      await engine.runDueTimers();
      assert.deepEqual(await actionsNow(), ['deadline.reminded']);
      clock = at('2026-02-25T09:00');
      await engine.runDueTimers();
      assert.deepEqual(await actionsNow(), ['deadline.reminded', 'deadline.passed', 'deadline.escalated']);
      clock = at('2026-02-25T15:00');
      await engine.runDueTimers();
      assert.equal(await engine.runDueTimers(), 0, 'fired once only');
      await bus.settled();
      const mine = events.filter((e) => (e.data as { instanceId: string }).instanceId === inst.id);
      assert.deepEqual(
        mine.map((e) => e.type),
        ['workflow.reminder_due', 'workflow.deadline_passed', 'workflow.escalated', 'workflow.escalated'],
      );
      assert.deepEqual(
        mine.filter((e) => e.type === 'workflow.escalated').map((e) => (e.data as { notify: string[] }).notify),
        [['dept_leader'], ['duty_officer']],
      );
      const actions = (await engine.timeline(inst.id)).map((x) => x.action);
      assert.deepEqual(actions, ['created', 'accept', 'deadline.reminded', 'deadline.passed', 'deadline.escalated', 'deadline.escalated']);
    });

    it('drops the old state’s timers when the instance moves on', async () => {
      clock = at('2026-03-02T09:00');
      const inst = await engine.start('sample.document_review', { department: 'CGW' }, { principal: staff });
      await engine.fire(inst.id, 'accept', { principal: staff });
      await engine.fire(inst.id, 'approve', { principal: leader });
      clock = at('2026-03-10T09:00');
      await engine.runDueTimers();
      assert.deepEqual(
        (await engine.timeline(inst.id)).map((x) => x.action),
        ['created', 'accept', 'approve'],
      );
    });

    it('keeps timers across a restart and fires the overdue transition', async () => {
      clock = at('2026-04-01T10:00'); // Wednesday
      const inst = await engine.start('sample.document_review', { department: 'CGW' }, { principal: staff });
      await engine.fire(inst.id, 'accept', { principal: staff });
      const returned = await engine.fire(inst.id, 'send_back', { principal: staff }, { comment: '缺少附件' });
      // 3 working days from Wed 1 Apr: Thu 2, Fri 3, then Qingming (4–6 Apr) → Tue 7 Apr.
      assert.equal(returned.deadline_at, at('2026-04-07T17:30'));

      // "Restart": a new engine on the same database, nothing kept in memory.
      const restarted = await makeEngine(s.db);
      clock = at('2026-04-08T09:00');
      assert.equal(await restarted.engine.runDueTimers(), 1);
      const after = await restarted.engine.get(inst.id, null);
      assert.equal(after.state, 'withdrawn');
      const last = (await restarted.engine.timeline(inst.id)).at(-1)!;
      assert.equal(last.action, 'expire');
      assert.equal(last.actor_name, 'system');
    });

    it('lets two processes share due timers without firing any twice', async () => {
      clock = at('2026-05-11T09:00');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const inst = await engine.start('sample.document_review', { department: 'CGW' }, { principal: staff });
        await engine.fire(inst.id, 'accept', { principal: staff });
        ids.push(inst.id);
      }
      const other = await makeEngine(s.db);
      clock = at('2026-05-30T09:00');
      const [a, b] = await Promise.all([engine.runDueTimers(), other.engine.runDueTimers()]);
      assert.equal(a + b, 6 * 4);
      for (const id of ids) {
        const actions = (await engine.timeline(id)).map((x) => x.action).filter((x) => x.startsWith('deadline.'));
        assert.deepEqual(actions.sort(), ['deadline.escalated', 'deadline.escalated', 'deadline.passed', 'deadline.reminded']);
      }
    });

    it('refuses to change a stored version in place', async () => {
      await assert.rejects(engine.register({ ...REVIEW, label: { zh: '改', en: 'changed' } }), /raise the version/);
      await engine.register({ ...REVIEW, version: 2, label: { zh: '文件审核 v2', en: 'Document review v2' } });
      const v2 = await engine.start('sample.document_review', { department: 'CGW' }, { principal: staff });
      assert.equal(v2.definition_version, 2);
    });
  });
}
