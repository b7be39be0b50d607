/**
 * A restart in the middle of a response, on SQLite (a file) and PostgreSQL: the tasks, their
 * deadlines and states are all there afterwards, the escalation of a task nobody accepted fires in
 * the new process and lands on the timeline, and units go on working.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryBus } from '../../../platform/bus/memory.js';
import { dialects, startAppOn } from '../../../test/helpers.js';
import { sharedStorage } from '../../../test/ingest.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };
const MIN = 60_000;
type Task = { id: string; unit: string; state: string; acceptBy: number; dueAt: number; overdue: boolean };
type Event = { kind: string; data: { taskId?: string; notify?: string[] } | null };

for (const d of await dialects()) {
  describe(`a response across a restart (${d.name})`, () => {
    test('no task, deadline or escalation is lost', async () => {
      const storage = await sharedStorage(d);
      const quiet = { warn() {}, error() {} };
      try {
        const clock = Date.now();
        let t = await startAppOn(storage, new MemoryBus(quiet));
        t.platform.now = () => clock;
        let duty = await t.login('duty');
        const inc = await t.call('POST', '/api/command/incidents', duty, {
          title: '人民北路下穿积水',
          subkind: 'waterlogging',
          severity: 4,
          district: '420303',
          location: ZHANGWAN,
          source: 'phone',
        });
        assert.equal(inc.status, 201, JSON.stringify(inc.body));
        const id = inc.body.id as string;
        assert.equal((await t.call('POST', `/api/command/incidents/${id}/activate`, duty, { planId: 'urban-waterlogging', level: 4 })).status, 200);
        const before = (await t.call('GET', `/api/command/incidents/${id}`, duty)).body.tasks as Task[];
        const pump = before.find((x) => x.unit === 'ZJJ')!;
        assert.equal((await t.call('POST', `/api/command/tasks/${pump.id}/accept`, await t.login('zjj.staff'), {})).status, 204);
        await t.close();

        // A new process on the same database, 16 minutes later: every accept deadline (15 min) has passed.
        const bus = new MemoryBus(quiet);
        t = await startAppOn(storage, bus);
        t.platform.now = () => clock + 16 * MIN;
        duty = await t.login('duty');
        await t.workflow.runDueTimers();
        await bus.settled(); // the escalation events are handled
        const b = (await t.call('GET', `/api/command/incidents/${id}`, duty)).body;
        const after = b.tasks as Task[];
        assert.deepEqual(
          after.map((x) => [x.id, x.acceptBy, x.dueAt]),
          before.map((x) => [x.id, x.acceptBy, x.dueAt]),
          'the same tasks with the same deadlines',
        );
        assert.equal(after.find((x) => x.id === pump.id)!.state, 'accepted');
        // Tasks not accepted whose time to accept has passed (the plan gives 15 or 30 minutes).
        const late = after.filter((x) => x.state === 'dispatched' && x.acceptBy < clock + 16 * MIN);
        assert.ok(late.length >= 3, `${late.length} late tasks`);
        assert.ok(late.every((x) => x.overdue));
        const escalated = new Set((b.timeline as Event[]).filter((e) => e.kind === 'task_escalated').map((e) => e.data!.taskId));
        assert.deepEqual([...escalated].sort(), late.map((x) => x.id).sort(), 'every late task escalated, in the new process');
        assert.ok(!escalated.has(pump.id), 'the accepted task is not overdue');

        // Units carry on.
        assert.equal((await t.call('POST', `/api/command/tasks/${pump.id}/complete`, await t.login('zjj.staff'), { comment: '积水已排除' })).status, 204);
        await t.close();
      } finally {
        await storage.close();
      }
    });
  });
}
