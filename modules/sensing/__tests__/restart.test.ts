/**
 * Ingestion across restarts of the engines it runs on: an external MQTT broker (Mosquitto) and the
 * NATS JetStream event bus. Each test runs its own server on a free port so it can kill and start it.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { NatsBus } from '../../../platform/bus/nats.js';
import { type TestApp, dialects, freePort, natsAvailable, spawnMosquitto, spawnNatsServer, startApp, waitFor } from '../../../test/helpers.js';

const MAOJIAN = { lon: 110.78621, lat: 32.644463 };
const [sqlite] = await dialects();

function hasCommand(cmd: string): boolean {
  return ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'].some((d) => existsSync(join(d, cmd)));
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((r) => child.once('exit', r));
}

async function stored(t: TestApp, deviceId: string, attr: string, value: number): Promise<boolean> {
  const d = await t.sensing.directory.get(deviceId);
  if (!d) return false;
  const latest = (await t.sensing.telemetry.latest([d.seq])).get(d.seq) ?? [];
  return latest.some((l) => l.attr === attr && l.v === value);
}

async function provision(t: TestApp, admin: string, id: string): Promise<string> {
  const r = await t.call('POST', '/api/devices', admin, { id, name: id, type: 'WaterObserved', department: 'SLJ', location: MAOJIAN });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token as string;
}

describe('external MQTT broker restart', () => {
  let broker: ChildProcess | undefined;
  let t: TestApp | undefined;
  after(async () => {
    await t?.close();
    broker?.kill('SIGKILL');
  });

  const startBroker = async (port: number) => {
    // Mosquitto 2 with only -p listens on the loopback interface and allows anonymous clients.
    broker = await spawnMosquitto(port);
  };

  test('ingestion resumes by itself after the broker comes back', { timeout: 90_000 }, async (ctx) => {
    if (!hasCommand('mosquitto')) {
      if (process.env.CI === 'true') throw new Error('CI=true but mosquitto is not installed');
      return ctx.skip('mosquitto is not installed');
    }
    const port = await freePort();
    await startBroker(port);
    const url = `mqtt://127.0.0.1:${port}`;
    t = await startApp(sqlite!, { mqttUrl: url, mqttClientId: 'wd-restart-ingest' });
    const admin = await t.login('admin');
    await provision(t, admin, 'han-restart');

    const publish = async (value: number) => {
      const c = await mqtt.connectAsync(url, { clientId: 'han-restart', reconnectPeriod: 0 });
      await c.publishAsync('devices/han-restart/telemetry', JSON.stringify({ waterLevel: value }), { qos: 1 });
      await c.endAsync();
    };
    await publish(158.1);
    await waitFor(() => stored(t!, 'han-restart', 'waterLevel', 158.1), 10_000, 'the first reading');

    broker!.kill('SIGKILL');
    await exited(broker!);
    await waitFor(() => !t!.sensing.external!.connected, 10_000, 'the consumer to notice');
    await startBroker(port);
    // The broker kept no session (no persistence): the consumer must subscribe again by itself.
    await waitFor(() => t!.sensing.external!.connected, 15_000, 'the consumer to reconnect');
    await waitFor(
      async () => {
        await publish(158.2);
        return waitFor(() => stored(t!, 'han-restart', 'waterLevel', 158.2), 1_000, 'x').then(
          () => true,
          () => false,
        );
      },
      20_000,
      'a reading after the restart to be stored',
    );
  });
});

describe('NATS restart', () => {
  let server: ChildProcess | undefined;
  let t: TestApp | undefined;
  let bus: NatsBus | undefined;
  const storeDir = mkdtempSync(join(tmpdir(), 'wd-nats-sensing-'));
  after(async () => {
    await t?.close();
    await bus?.close();
    server?.kill('SIGKILL');
    rmSync(storeDir, { recursive: true, force: true });
  });

  const startServer = async (port: number) => {
    server = await spawnNatsServer(port, storeDir);
  };

  test('ingestion goes on while NATS is down, and device events flow again when it is back', { timeout: 90_000 }, async (ctx) => {
    if (!(await natsAvailable())) return ctx.skip('NATS is not available');
    const port = await freePort();
    await startServer(port);
    bus = await NatsBus.connect({ url: `nats://127.0.0.1:${port}`, stream: 'WD_SENSING_RESTART', prefix: 'wdsr', logger: { warn() {}, error() {} } });
    t = await startApp(sqlite!, {}, { bus });
    const admin = await t.login('admin');
    const tokenA = await provision(t, admin, 'river-nats-a');
    const created = new Set<string>();
    await bus.subscribe('device.created', (e) => void created.add((e.data as { id: string }).id), { group: 'restart-probe' });

    server!.kill('SIGKILL');
    await exited(server!);

    // Telemetry does not travel over the bus: QoS 1 is still acknowledged promptly, and stored.
    const url = `mqtt://127.0.0.1:${t.sensing.broker!.port}`;
    const c = await mqtt.connectAsync(url, { clientId: 'river-nats-a', username: 'river-nats-a', password: tokenA, reconnectPeriod: 0 });
    const acked = c.publishAsync('devices/river-nats-a/telemetry', JSON.stringify({ waterLevel: 160.5 }), { qos: 1 });
    // NATS stays down until after this: were the acknowledgement waiting on the bus, it would never come.
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no PUBACK while NATS is down')), 60_000));
    await Promise.race([acked, timeout]);
    await c.endAsync();
    assert.ok(await stored(t, 'river-nats-a', 'waterLevel', 160.5));

    // A device provisioned during the outage is accepted; its event waits in the outbox.
    const tokenB = await provision(t, admin, 'river-nats-b');
    const queued = await t.storage.db.selectFrom('outbox').select('data').where('type', '=', 'device.created').execute();
    assert.ok(
      queued.some((r) => r.data.includes('river-nats-b')),
      'device.created waits in the outbox',
    );
    assert.ok(!created.has('river-nats-b'));

    await startServer(port);
    await waitFor(() => created.has('river-nats-b'), 30_000, 'device.created of the device made during the outage');
    // And the new device ingests normally.
    const r = await t.call('POST', '/api/ingest/river-nats-b', tokenB, { waterLevel: 161.25 });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.ok(await stored(t, 'river-nats-b', 'waterLevel', 161.25));
  });
});

describe('live push across processes', () => {
  test('a WebSocket client on one process sees observations ingested by another (NATS)', { timeout: 60_000 }, async (ctx) => {
    if (!(await natsAvailable())) return ctx.skip('NATS is not available');
    const { NATS_URL } = await import('../../../test/helpers.js');
    const WebSocket = (await import('ws')).default;
    const opts = { url: NATS_URL, stream: `WD_LIVE_${process.pid}`, prefix: `wdlive${process.pid}`, logger: { warn() {}, error() {} } };
    const busA = await NatsBus.connect(opts);
    const busB = await NatsBus.connect(opts);
    const a = await startApp(sqlite!, {}, { bus: busA });
    const b = await startApp(sqlite!, {}, { bus: busB });
    try {
      const token = await provision(a, await a.login('admin'), 'river-live');
      const port = await b.app.listen({ port: 0, host: '127.0.0.1' }).then((u) => new URL(u).port);
      const messages: { kind: string; device?: string; values?: { attr: string; value: number }[] }[] = [];
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?access_token=${await b.login('admin')}&kinds=observations`);
      await new Promise((resolve, reject) => {
        ws.on('open', resolve);
        ws.on('error', reject);
      });
      ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
      // Ingested by process A; the client is connected to process B.
      const r = await a.call('POST', '/api/ingest/river-live', token, { waterLevel: 162.75 });
      assert.equal(r.status, 202);
      await waitFor(() => messages.some((m) => m.kind === 'observations'), 10_000, 'the observation on the other process');
      const obs = messages.find((m) => m.kind === 'observations')!;
      assert.equal(obs.device, 'river-live');
      assert.deepEqual(
        obs.values?.map((v) => [v.attr, v.value]),
        [['waterLevel', 162.75]],
      );
      ws.close();
    } finally {
      await a.close();
      await b.close();
      await busA.destroyStream();
      await busA.close();
      await busB.close();
    }
  });
});
