/**
 * Notification and escalation on SQLite and PostgreSQL, on a controlled clock: a signed webhook,
 * the development SMS and e-mail outbox, retries then failure shown on the alert, and escalation
 * to department leaders when nobody acknowledges (stopped by an acknowledgement).
 */
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { RETRY_BACKOFF_MS, signWebhook } from '../../../platform/notify/index.js';
import { post } from '../../../test/ingest.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };
const MIN = 60_000;

interface Hook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function hookServer(status: () => number): Promise<{ server: Server; url: string; got: Hook[] }> {
  const got: Hook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}/hooks/wudang`, got };
}

for (const d of await dialects()) {
  describe(`alert notification and escalation (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let clock = Date.now();
    let ok: Awaited<ReturnType<typeof hookServer>>;
    let failing: Awaited<ReturnType<typeof hookServer>>;
    const secret = 'zjj-webhook-secret-2026';
    /** Moves the clock (sessions expire on it too, so log in again). */
    const advance = async (ms: number) => {
      clock += ms;
      admin = await t.login('admin');
      await t.warning.engine!.lease(); // leases run on the same clock
    };
    before(async () => {
      // The webhooks here listen on loopback over plain http: allowed by configuration only.
      t = await startApp(d, { webhookAllowHttp: true, webhookAllowPrivate: true });
      t.platform.now = () => clock;
      admin = await t.login('admin');
      ok = await hookServer(() => 204);
      failing = await hookServer(() => 500);
      const add = async (body: Record<string, unknown>) => {
        const r = await t.call('POST', '/api/warning/endpoints', admin, body);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body;
      };
      await add({ department: 'ZJJ', channel: 'webhook', address: ok.url, secret });
      await add({ department: 'GOV-420303', channel: 'sms', address: '13800001234', minLevel: 3 });
      await add({ department: 'ZJJ', channel: 'email', address: 'leader@zjj.shiyan.gov.cn', roles: ['dept_leader'] });
      await add({ department: 'YJJ', channel: 'webhook', address: failing.url });
    });
    after(async () => {
      ok.server.close();
      failing.server.close();
      await t.close();
    });

    test('endpoints are validated and listed with addresses masked', async () => {
      const bad = await t.call('POST', '/api/warning/endpoints', admin, { department: 'ZJJ', channel: 'sms', address: 'not-a-number' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].pointer, '/body/address');
      const list = await t.call('GET', '/api/warning/endpoints', admin);
      const sms = list.body.find((e: { channel: string }) => e.channel === 'sms');
      assert.equal(sms.address, '138****1234');
      assert.ok(!JSON.stringify(list.body).includes(secret), 'secrets are never returned');
      // A department sets up only its own endpoints.
      const cgw = await t.login('cgw.staff');
      assert.equal((await t.call('POST', '/api/warning/endpoints', cgw, { department: 'ZJJ', channel: 'email', address: 'a@b.cn' })).status, 403);
    });

    test('a raised alert reaches the signed webhook and the district’s SMS; escalation reaches the leader; acknowledging stops it', async () => {
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'gas-n1',
        name: '燃气监测点 N1',
        type: 'CombustibleGasObserved',
        department: 'ZJJ',
        location: ZHANGWAN,
      });
      await post(t, 'gas-n1', r.body.token, { lel: 30 }); // Ⅲ
      const alert = (await t.call('GET', '/api/alerts?device=gas-n1&rule=gas-lel', admin)).body.items[0];
      assert.equal(alert.level, 3);
      await t.notificationsDue();

      const hook = ok.got.find((h) => JSON.parse(h.body).alert.id === alert.id)!;
      assert.ok(hook, 'the webhook was called');
      assert.equal(hook.headers['x-wudang-event'], 'raised');
      const ts = hook.headers['x-wudang-timestamp'] as string;
      assert.equal(hook.headers['x-wudang-signature'], signWebhook(secret, ts, hook.body));
      assert.equal(JSON.parse(hook.body).alert.title.zh, '可燃气体浓度报警：燃气监测点 N1');

      const outbox = await t.call('GET', '/api/dev/outbox', admin);
      const sms = outbox.body.filter((m: { channel: string; address: string }) => m.channel === 'sms' && m.address === '13800001234');
      assert.equal(sms.length, 1);
      assert.match(sms[0].body, /Ⅲ级 黄色 可燃气体浓度报警：燃气监测点 N1（发布）/);
      assert.equal(outbox.body.filter((m: { channel: string }) => m.channel === 'email').length, 0, 'the leader is told only on escalation');

      // Nobody acknowledges: after 30 minutes (level Ⅲ, stage 1) the department leaders are told.
      await advance(29 * MIN);
      await t.notificationsDue();
      assert.equal((await t.call('GET', '/api/dev/outbox', admin)).body.filter((m: { channel: string }) => m.channel === 'email').length, 0);
      await advance(2 * MIN);
      await t.notificationsDue();
      const mails = (await t.call('GET', '/api/dev/outbox', admin)).body.filter((m: { channel: string }) => m.channel === 'email');
      assert.equal(mails.length, 1);
      assert.match(mails[0].subject, /超时未确认/);
      let detail = await t.call('GET', `/api/alerts/${alert.id}`, admin);
      const esc = detail.body.timeline.find((e: { action: string }) => e.action === 'escalated');
      assert.equal(esc.data.role, 'dept_leader');
      assert.deepEqual(esc.data.departments, ['ZJJ', 'YJJ', 'ZRZYJ', 'WJW', 'CGW', 'LYJ', 'GOV-420303']);

      // Acknowledged: stage 2 (duty officers, at 60 minutes) does not happen.
      const ack = await t.call('POST', `/api/alerts/${alert.id}/acknowledge`, admin, {});
      assert.equal(ack.status, 200);
      await advance(60 * MIN);
      await t.notificationsDue();
      detail = await t.call('GET', `/api/alerts/${alert.id}`, admin);
      assert.equal(detail.body.timeline.filter((e: { action: string }) => e.action === 'escalated').length, 1);
      // The alert shows its messages, addresses masked.
      const channels = detail.body.notifications.map((n: { channel: string; status: string; address: string }) => [n.channel, n.status, n.address]);
      assert.ok(
        channels.some((c: string[]) => c[0] === 'sms' && c[1] === 'sent' && c[2] === '138****1234'),
        JSON.stringify(channels),
      );
    });

    test('a failing webhook is retried with backoff, then marked failed on the alert; evaluation goes on', async () => {
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'gas-n2',
        name: '燃气监测点 N2',
        type: 'CombustibleGasObserved',
        department: 'ZJJ',
        location: ZHANGWAN,
      });
      await post(t, 'gas-n2', r.body.token, { lel: 55 });
      const listed = await t.call('GET', '/api/alerts?device=gas-n2&rule=gas-lel', admin);
      const alert = listed.body.items[0];
      assert.ok(alert, JSON.stringify(listed.body));
      const calls = () => failing.got.filter((h) => JSON.parse(h.body).alert.id === alert.id).length;
      await t.notificationsDue();
      assert.equal(calls(), 1);
      let n = (await t.call('GET', `/api/alerts/${alert.id}`, admin)).body.notifications.find((x: { department: string }) => x.department === 'YJJ');
      assert.equal(n.status, 'pending');
      assert.equal(n.attempts, 1);
      // What the user reads is generic: an endpoint cannot be used to find out what answers where.
      assert.equal(n.lastError, 'delivery failed: the endpoint did not accept it');
      // Not retried before its backoff, then once per step.
      await t.notificationsDue();
      assert.equal(calls(), 1);
      for (const wait of RETRY_BACKOFF_MS) {
        await advance(wait);
        await t.notificationsDue();
      }
      assert.equal(calls(), 1 + RETRY_BACKOFF_MS.length);
      const detail = await t.call('GET', `/api/alerts/${alert.id}`, admin);
      n = detail.body.notifications.find((x: { department: string }) => x.department === 'YJJ');
      assert.equal(n.status, 'failed');
      assert.ok(detail.body.timeline.some((e: { action: string; comment: string }) => e.action === 'notify_failed' && /YJJ/.test(e.comment)));
      // The same device keeps being evaluated: the level falls to Ⅲ.
      await post(t, 'gas-n2', r.body.token, { lel: 30 });
      assert.equal((await t.call('GET', `/api/alerts/${alert.id}`, admin)).body.level, 3);
    });

    test('the escalation policy is data for the operations centre', async () => {
      const cur = await t.call('GET', '/api/warning/escalation', admin);
      assert.deepEqual(cur.body.afterMinutes['1'], [5, 15]);
      const bad = await t.call('PUT', '/api/warning/escalation', admin, { ...cur.body, afterMinutes: { ...cur.body.afterMinutes, '1': [10, 5] } });
      assert.equal(bad.status, 400);
      const zw = await t.login('zw.staff');
      assert.equal((await t.call('PUT', '/api/warning/escalation', zw, cur.body)).status, 403);
      const upd = await t.call('PUT', '/api/warning/escalation', admin, { ...cur.body, afterMinutes: { ...cur.body.afterMinutes, '1': [3, 10] } });
      assert.equal(upd.status, 200);
      assert.deepEqual(upd.body.afterMinutes['1'], [3, 10]);
    });
  });
}
