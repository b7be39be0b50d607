/**
 * In-app notification of emergency command over the live stream: a unit's staff receive the tasks
 * dispatched to their unit and the changes of incidents they act in; other units' staff do not
 * (the district government reads every unit's in its district);
 * the duty officer sees everything; `kinds` filters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type TestApp, dialects, flushed, startApp, waitFor } from '../../../test/helpers.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };
const [sqlite] = await dialects();

describe('incidents on the live stream', () => {
  let t: TestApp;
  let port: string;
  before(async () => {
    t = await startApp(sqlite!);
    port = await t.app.listen({ port: 0, host: '127.0.0.1' }).then((a) => new URL(a).port);
  });
  after(() => t.close());

  const open = (token: string, query = '') =>
    new Promise<{ ws: WebSocket; messages: { kind: string; event?: string; unit?: string; units?: string[]; action?: string }[] }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?access_token=${token}&${query}`);
      const messages: { kind: string }[] = [];
      ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
      ws.on('open', () => resolve({ ws, messages }));
      ws.on('error', reject);
    });

  test('tasks reach their unit, incident changes the units acting, the duty officer all', async () => {
    const duty = await t.login('duty');
    const zjj = await open(await t.login('zjj.staff'));
    const dutyIncidents = await open(duty, 'kinds=incidents');
    const noIncidents = await open(duty, 'kinds=alerts');
    const zw = await open(await t.login('zw.staff'));
    const inc = await t.call('POST', '/api/command/incidents', duty, {
      title: '人民北路下穿积水',
      subkind: 'waterlogging',
      severity: 4,
      location: ZHANGWAN,
      source: 'phone',
    });
    assert.equal(inc.status, 201);
    const act = await t.call('POST', `/api/command/incidents/${inc.body.id}/activate`, duty, { planId: 'urban-waterlogging', level: 4 });
    assert.equal(act.status, 200);
    await waitFor(() => dutyIncidents.messages.filter((m) => m.event === 'task_dispatched').length === 5);
    await waitFor(() => zjj.messages.some((m) => m.kind === 'incident' && m.event === 'changed' && m.action === 'activated'));
    const zjjTasks = zjj.messages.filter((m) => m.event === 'task_dispatched');
    assert.deepEqual([...new Set(zjjTasks.map((m) => m.unit))], ['ZJJ'], 'only its own unit’s tasks');
    assert.equal(zjjTasks.length, 2);
    // 张湾区人民政府 governs the district: it reads every unit's tasks there (read-only), its own among them.
    await waitFor(() => zw.messages.filter((m) => m.event === 'task_dispatched').length === 5);
    assert.deepEqual([...new Set(zw.messages.filter((m) => m.event === 'task_dispatched').map((m) => m.unit))].sort(), ['CGW', 'GOV-420303', 'JTJ', 'ZJJ']);
    const activated = zjj.messages.find((m) => m.action === 'activated')!;
    // Everyone involved: the units given tasks and the reporter's department (the duty officer's).
    assert.deepEqual(activated.units, ['CGW', 'DSJZX', 'GOV-420303', 'JTJ', 'ZJJ']);
    // The hub has handled the activation (the duty officer's other stream has it): whatever was sent has arrived.
    await flushed(noIncidents.ws);
    assert.equal(noIncidents.messages.filter((m) => m.kind === 'incident').length, 0, 'kinds=alerts filters incidents out');
    // A unit's progress reaches every board on the incident (the other units and the duty officer).
    const task = (await t.call('GET', `/api/command/incidents/${inc.body.id}`, duty)).body.tasks.find((x: { unit: string }) => x.unit === 'ZJJ');
    assert.equal((await t.call('POST', `/api/command/tasks/${task.id}/accept`, await t.login('zjj.staff'), {})).status, 204);
    await waitFor(() => zw.messages.some((m) => m.event === 'changed' && m.action === 'task_accepted'));
    await waitFor(() => dutyIncidents.messages.some((m) => m.event === 'changed' && m.action === 'task_accepted'));
    for (const c of [zjj, dutyIncidents, noIncidents, zw]) c.ws.close();
  });
});
