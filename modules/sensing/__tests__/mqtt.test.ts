import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { openStorage } from '../../../platform/storage/db.js';
import { dialects, flushed, migrateAll, startApp, type TestApp, waitFor } from '../../../test/helpers.js';

const MAOJIAN = { lon: 110.78621, lat: 32.644463 };
const MOSQUITTO = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

async function provision(t: TestApp, token: string, id: string, type = 'WaterObserved', department = 'SLJ') {
  const r = await t.call('POST', '/api/devices', token, { id, name: id, type, department, location: MAOJIAN });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token as string;
}

function connect(url: string, username: string, password: string, extra: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    username,
    password,
    clientId: `${username}:${randomBytes(3).toString('hex')}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  });
}

function closed(c: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (c.disconnected || !c.connected) resolve();
    c.once('close', () => resolve());
  });
}

async function mosquittoAvailable(): Promise<boolean> {
  try {
    const c = await mqtt.connectAsync(MOSQUITTO, { reconnectPeriod: 0, connectTimeout: 3000 });
    await c.endAsync();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`CI=true but the MQTT broker at ${MOSQUITTO} does not answer: ${(err as Error).message}`);
    console.log(`# NOTICE: no MQTT broker at ${MOSQUITTO}; external-broker tests are skipped`);
    return false;
  }
}

for (const d of await dialects()) {
  describe(`embedded MQTT broker (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let url: string;
    let tokenA: string;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      url = `mqtt://127.0.0.1:${t.sensing.broker!.port}`;
      tokenA = await provision(t, admin, 'river-a');
      await provision(t, admin, 'river-b');
    });
    after(() => t.close());

    test('QoS 1 is acknowledged only once the observation is committed', async () => {
      const c = await connect(url, 'river-a', tokenA);
      const ts = Date.now() - 5000;
      await c.publishAsync('devices/river-a/telemetry', JSON.stringify({ ts, waterLevel: 158.3, flow: 1200 }), { qos: 1 });
      // The PUBACK has arrived: the rows must already be readable, with no waiting.
      const latest = (await t.sensing.telemetry.latest([1])).get(1)!;
      assert.deepEqual(
        latest.map((l) => [l.attr, l.ts, l.v]),
        [
          ['flow', ts, 1200],
          ['waterLevel', ts, 158.3],
        ],
      );
      await c.publishAsync('devices/river-a/senml', JSON.stringify([{ n: 'waterLevel', v: 158.4 }]), { qos: 1 });
      await waitFor(async () => (await t.sensing.telemetry.latest([1])).get(1)!.some((l) => l.v === 158.4));
      await c.endAsync();
    });

    test('wrong token or unknown device: the connection is refused', async () => {
      await assert.rejects(connect(url, 'river-a', 'wdd_wrong'), /Bad username or password|Not authorized/i);
      await assert.rejects(connect(url, 'ghost', tokenA), /Bad username or password|Not authorized/i);
    });

    test("publishing to another device's topic disconnects the publisher and stores nothing", async () => {
      const c = await connect(url, 'river-a', tokenA);
      const gone = closed(c);
      c.publish('devices/river-b/telemetry', JSON.stringify({ waterLevel: 1 }), { qos: 1 });
      await gone;
      const b = (await t.sensing.telemetry.latest([2])).get(2)!;
      assert.equal(b.length, 0);
      c.end(true);
    });

    test("a device cannot take over another device's client id (the session takeover would disconnect it)", async () => {
      const a = await connect(url, 'river-a', tokenA, { clientId: 'river-a' });
      const tokenB = (await t.call('POST', '/api/devices/river-b/token', admin)).body.token as string;
      // B with its own valid credentials but A's client id, and with an id that merely starts like A's.
      await assert.rejects(connect(url, 'river-b', tokenB, { clientId: 'river-a' }), /Identifier rejected/i);
      await assert.rejects(connect(url, 'river-b', tokenB, { clientId: 'river-a:b' }), /Identifier rejected/i);
      await assert.rejects(connect(url, 'river-b', tokenB, { clientId: 'river-b-x' }), /Identifier rejected/i);
      assert.ok(a.connected, 'A is still connected');
      await a.publishAsync('devices/river-a/telemetry', JSON.stringify({ waterLevel: 158.6 }), { qos: 1 });
      // B's own id, and its id with a colon suffix, are fine.
      const b1 = await connect(url, 'river-b', tokenB, { clientId: 'river-b' });
      const b2 = await connect(url, 'river-b', tokenB, { clientId: 'river-b:gateway-2' });
      assert.ok(a.connected && b1.connected && b2.connected);
      await Promise.all([a.endAsync(), b1.endAsync(), b2.endAsync()]);
      const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /wudang_ingest_messages_total\{transport="mqtt",outcome="client_id_refused"\} 3/);
    });

    test('a bad payload is acknowledged (redelivery cannot fix it), reported on devices/{id}/errors and counted', async () => {
      const c = await connect(url, 'river-a', tokenA);
      await c.subscribeAsync('devices/river-a/errors', { qos: 0 });
      const errors: string[] = [];
      c.on('message', (_topic, payload) => errors.push(payload.toString()));
      await c.publishAsync('devices/river-a/telemetry', '{"waterLevel": oops', { qos: 1 });
      await c.publishAsync('devices/river-a/telemetry', JSON.stringify({ waterLevel: 5000 }), { qos: 1 });
      // A time beyond what JavaScript dates reach: refused and reported, the connection stays.
      await c.publishAsync('devices/river-a/telemetry', JSON.stringify({ ts: 1e300, waterLevel: 158 }), { qos: 1 });
      await waitFor(() => errors.length === 3);
      assert.match(errors[0]!, /malformed JSON/);
      assert.match(errors[1]!, /plausible range/);
      assert.match(errors[2]!, /timestamp 1e\+300 is in the future/);
      assert.ok(c.connected, 'still connected');
      // Subscribing to someone else's topics is refused.
      await assert.rejects(c.subscribeAsync('devices/river-b/#', { qos: 0 }), /Subscribe error/);
      await c.endAsync();
      await t.sensing.sweep();
      const h = await t.call('GET', '/api/devices/river-a', admin);
      assert.ok(h.body.health.rejected >= 4, JSON.stringify(h.body.health));
      const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /wudang_ingest_messages_total\{transport="mqtt",outcome="acl_denied"\} 1/);
      assert.match(metrics, /wudang_ingest_messages_total\{transport="mqtt",outcome="unauthorized"\} 2/);
    });

    test('live push: observations and status reach WebSocket clients by filter and data scope; slow clients are dropped', async () => {
      const port = await t.app.listen({ port: 0, host: '127.0.0.1' }).then((a) => new URL(a).port);
      const slj = await t.call('POST', '/api/users', admin, {
        username: 'slj.staff',
        displayName: '水利局 科员',
        password: 'Slj-Passw0rd!x',
        roles: ['dept_staff'],
        department: 'SLJ',
        districts: ['*'],
      });
      assert.equal(slj.status, 201, JSON.stringify(slj.body));
      const open = (token: string, query: string) =>
        new Promise<{ ws: WebSocket; messages: { kind: string; device?: string }[] }>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?access_token=${token}&${query}`);
          const messages: { kind: string; device?: string }[] = [];
          ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
          ws.on('open', () => resolve({ ws, messages }));
          ws.on('error', reject);
        });
      const all = await open(admin, '');
      const onlyB = await open(admin, 'devices=river-b');
      const cgw = await open(await t.login('cgw.staff'), '');
      await waitFor(() => all.messages.length > 0 && onlyB.messages.length > 0 && cgw.messages.length > 0);
      const c = await connect(url, 'river-a', tokenA);
      await c.publishAsync('devices/river-a/telemetry', JSON.stringify({ waterLevel: 159.1 }), { qos: 1 });
      await waitFor(() => all.messages.some((m) => m.kind === 'observations'));
      const obs = all.messages.find((m) => m.kind === 'observations') as unknown as { device: string; values: { attr: string; value: number }[] };
      assert.equal(obs.device, 'river-a');
      assert.deepEqual(
        obs.values.map((v) => [v.attr, v.value]),
        [['waterLevel', 159.1]],
      );
      await c.endAsync();
      // The hub handled the reading (another client has it): what was to reach these has arrived.
      await Promise.all([flushed(onlyB.ws), flushed(cgw.ws)]);
      assert.equal(onlyB.messages.filter((m) => m.kind === 'observations').length, 0, 'filtered out by device');
      assert.equal(cgw.messages.filter((m) => m.kind === 'observations').length, 0, 'outside the urban-management data scope');
      const unauth = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
      assert.equal(unauth, 401);
      for (const x of [all, onlyB, cgw]) x.ws.close();
    });
  });
}

describe('LiveHub', () => {
  test('a client whose buffer is full is dropped; the others keep receiving', async () => {
    const { LiveHub } = await import('../live.js');
    const hub = new LiveHub(undefined, 1000);
    const make = (buffered: number) => {
      const s = {
        sent: 0,
        closedWith: 0,
        bufferedAmount: buffered,
        send() {
          s.sent++;
        },
        close(code: number) {
          s.closedWith = code;
        },
      };
      return s;
    };
    const fast = make(0);
    const slow = make(5000);
    hub.add(fast, { departments: '*', districts: '*' }, {});
    hub.add(slow, { departments: '*', districts: '*' }, {});
    const device = { id: 'd', typeId: 'T', department: 'X', district: null, tags: [] };
    hub.observations(device, [{ attr: 'a', ts: 1, value: 1 }]);
    hub.observations(device, [{ attr: 'a', ts: 2, value: 2 }]);
    assert.equal(fast.sent, 2);
    assert.equal(slow.sent, 0);
    assert.equal(slow.closedWith, 1013);
    assert.equal(hub.size, 1);
  });
});

if (await mosquittoAvailable()) {
  for (const d of await dialects()) {
    describe(`external broker mode against Mosquitto (${d.name})`, () => {
      test('two ingest processes share the subscription; every QoS 1 message is stored exactly once', async () => {
        const group = `wd-test-${randomBytes(4).toString('hex')}`;
        // SQLite: a file both processes open (telemetry.db lies beside it); PostgreSQL: one schema.
        const storage = d.name === 'sqlite' ? openStorage({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'wd-ext-')), 'wudang.db') }) : await d.open();
        await migrateAll(storage.db);
        const a = await startApp(d, { mqttUrl: MOSQUITTO, mqttShareGroup: group, mqttClientId: `${group}-a` }, { storage });
        const b = await startApp(d, { mqttUrl: MOSQUITTO, mqttShareGroup: group, mqttClientId: `${group}-b` }, { storage });
        try {
          const admin = await a.login('admin');
          const ids = ['ext-1', 'ext-2', 'ext-3'];
          for (const id of ids) await provision(a, admin, id);
          // Mosquitto on this machine allows anonymous clients; a production broker authenticates devices (docs/sensing.md).
          const pub = await mqtt.connectAsync(MOSQUITTO, { clientId: `${group}-dev`, reconnectPeriod: 0 });
          const base = Date.now() - 60_000;
          const n = 60;
          for (let i = 0; i < n; i++) {
            const id = ids[i % 3]!;
            await pub.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ ts: base + i * 100, waterLevel: 150 + i / 10 }), { qos: 1 });
          }
          await pub.publishAsync('devices/ext-1/telemetry', '{"broken', { qos: 1 });
          await pub.endAsync();
          const count = async () => {
            let total = 0;
            for (const id of ids) {
              const dev = await a.call('GET', `/api/devices/${id}/series?attr=waterLevel&resolution=raw&from=${base - 1}&to=${base + 10_000}`, admin);
              total += dev.body.points.length;
            }
            return total;
          };
          await waitFor(async () => (await count()) === n, 10_000);
          const ma = (await a.inject({ method: 'GET', url: '/metrics' })).body;
          const mb = (await b.inject({ method: 'GET', url: '/metrics' })).body;
          const accepted = (m: string) => Number(/wudang_ingest_messages_total\{transport="mqtt",outcome="accepted"\} (\d+)/.exec(m)?.[1] ?? 0);
          assert.equal(accepted(ma) + accepted(mb), n, 'each message once');
          assert.ok(accepted(ma) > 0 && accepted(mb) > 0, `both processes took a share (${accepted(ma)} / ${accepted(mb)})`);
        } finally {
          await a.close().catch(() => undefined);
          await b.close().catch(() => undefined);
        }
      });
    });
  }
}
