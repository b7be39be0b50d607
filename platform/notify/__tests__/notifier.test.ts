/**
 * The notification service on its own, for a subject kind no existing module has (an urban
 * management case): messages queued in the caller's transaction reach each department's endpoints
 * for that severity and audience, read as the subject kind says, are retried and finally failed
 * with the subject's own record of the failure; and a database from before the service (the
 * `alert_id` column) upgrades with its messages kept.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Storage } from '../../storage/db.js';
import { transaction } from '../../storage/db.js';
import { migrateToLatest } from '../../storage/migrate.js';
import { MIGRATIONS, dialects, migrateAll } from '../../../test/helpers.js';
import { type Channel, type Delivery, Notifier } from '../index.js';

const quiet = { warn() {}, error() {} };

for (const d of await dialects()) {
  describe(`notifications for any subject (${d.name})`, () => {
    let s: Storage;
    let clock = Date.UTC(2026, 11, 4, 2);
    const failedCalls: { id: string; attempts: number; error: string }[] = [];
    const hooks: Delivery[] = [];
    let hookFails = false;
    const hook: Channel = {
      name: 'webhook',
      async send(dv) {
        if (hookFails) throw new Error('the endpoint did not accept it');
        hooks.push(dv);
      },
    };
    let n: Notifier;
    const endpoint = (id: string, department: string, channel: string, address: string, minLevel: number, roles: string[] | null) =>
      transaction(s.db, (trx) =>
        n.addEndpoint(trx, {
          id,
          department_code: department,
          channel,
          address,
          secret: null,
          min_level: minLevel,
          roles: roles ? JSON.stringify(roles) : null,
          enabled: 1,
          created_by: null,
          created_at: clock,
        }),
      );

    before(async () => {
      s = await d.open();
      n = new Notifier({ db: s.db, log: quiet, now: () => clock }, { channels: { webhook: hook }, backoffMs: [1000] });
      n.registerSubject('case', {
        text: (m, payload) => `【城管】案件 ${(payload.case as { code: string }).code} ${m.event}`,
        failed: async (m, attempts, error) => {
          failedCalls.push({ id: m.subject_id, attempts, error });
        },
      });
      await endpoint('e-sms', 'CGW', 'sms', '13800000009', 3, null);
      await endpoint('e-lead', 'CGW', 'email', 'leader@cgw.example.cn', 4, ['dept_leader']);
      await endpoint('e-hook', 'ZJJ', 'webhook', 'https://zjj.example.cn/hooks', 4, null);
    });
    after(() => s.close());

    it('queues per endpoint by department, severity and audience, and delivers with the subject’s text', async () => {
      const queued = await transaction(s.db, (trx) =>
        n.queue(trx, {
          subject: 'case',
          subjectId: 'c-1',
          level: 3,
          role: null,
          event: 'dispatched',
          messages: [
            { department: 'CGW', payload: { case: { code: 'SY-0001' } } },
            { department: 'ZJJ', payload: { case: { code: 'SY-0001' } } },
          ],
        }),
      );
      assert.equal(queued, 2, 'the SMS of CGW and the webhook of ZJJ; the leaders’ e-mail takes escalations only');
      assert.equal(await n.deliverDue(), 2);
      const sms = await n.devOutbox(10);
      assert.deepEqual(
        sms.map((m) => [m.channel, m.address, m.body]),
        [['sms', '13800000009', '【城管】案件 SY-0001 dispatched']],
      );
      assert.equal(hooks.length, 1);
      assert.deepEqual(hooks[0]!.payload.case, { code: 'SY-0001' });
      const seen = await n.forSubject('case', 'c-1');
      assert.deepEqual(seen.map((m) => [m.channel, m.status, m.address]).sort(), [
        ['sms', 'sent', '138****0009'],
        ['webhook', 'sent', 'https://zjj.example.cn/hooks'],
      ]);
      assert.deepEqual(await n.forSubject('alert', 'c-1'), [], 'another kind with the same id is another subject');
    });

    it('a level beyond an endpoint’s minimum reaches nobody there; an escalation reaches the role’s endpoints', async () => {
      const q = (level: number, role: string | null) =>
        transaction(s.db, (trx) =>
          n.queue(trx, {
            subject: 'case',
            subjectId: 'c-2',
            level,
            role,
            event: 'overdue',
            messages: [{ department: 'CGW', payload: { case: { code: 'SY-0002' } } }],
          }),
        );
      assert.equal(await q(4, null), 0, 'the SMS endpoint takes level 3 and more severe');
      assert.equal(await q(4, 'dept_leader'), 1);
      assert.equal(await q(4, 'duty_officer'), 0);
    });

    it('retries, then fails and lets the subject record it', async () => {
      hookFails = true;
      await transaction(s.db, (trx) =>
        n.queue(trx, {
          subject: 'case',
          subjectId: 'c-3',
          level: 2,
          role: null,
          event: 'dispatched',
          messages: [{ department: 'ZJJ', payload: { case: { code: 'SY-0003' } } }],
        }),
      );
      await n.deliverDue();
      assert.equal((await n.forSubject('case', 'c-3'))[0]!.status, 'pending');
      clock += 1000;
      await n.deliverDue();
      const [m] = await n.forSubject('case', 'c-3');
      assert.equal(m!.status, 'failed');
      assert.equal(m!.attempts, 2);
      assert.deepEqual(failedCalls, [{ id: 'c-3', attempts: 2, error: 'the endpoint did not accept it' }]);
    });

    it('refuses a subject kind nobody registered, and removing an endpoint cancels what is queued for it', async () => {
      await assert.rejects(
        transaction(s.db, (trx) =>
          n.queue(trx, { subject: 'parcel', subjectId: 'p', level: 1, role: null, event: 'x', messages: [{ department: 'CGW', payload: {} }] }),
        ),
        /parcel is not registered/,
      );
      await transaction(s.db, (trx) =>
        n.queue(trx, {
          subject: 'case',
          subjectId: 'c-4',
          level: 1,
          role: null,
          event: 'dispatched',
          messages: [{ department: 'CGW', payload: { case: { code: 'SY-0004' } } }],
        }),
      );
      assert.equal(await transaction(s.db, (trx) => n.removeEndpoint(trx, 'e-sms')), 1);
      assert.equal(await n.deliverDue(), 0);
      assert.equal((await n.forSubject('case', 'c-4'))[0]!.status, 'cancelled');
    });
  });

  describe(`a database from before notifications were a platform service (${d.name})`, () => {
    it('upgrades: alert_id becomes subject_id and the messages are kept', async () => {
      const before = '20261204_0015_plan_schema_version';
      const s = await d.openEmpty();
      try {
        await migrateToLatest(s.db, Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name <= before)));
        await sql`insert into notifications (id, subject, alert_id, channel, department_code, address, event, payload, status, attempts, next_at, created_at)
                  values ('ntf-old', 'incident', 'inc-7', 'sms', 'YJJ', '13800000001', 'task_dispatched', '{}', 'sent', 1, 0, 0)`.execute(s.db);
        // 0016 is the next to run (later migrations follow it).
        assert.equal((await migrateAll(s.db))[0], '20261204_0016_notification_subject_id');
        const n = new Notifier({ db: s.db, log: quiet, now: () => 0 });
        const kept = await n.forSubject('incident', 'inc-7');
        assert.deepEqual(
          kept.map((m) => [m.id, m.status]),
          [['ntf-old', 'sent']],
        );
      } finally {
        await s.close();
      }
    });
  });
}
