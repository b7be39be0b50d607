/**
 * Durability under a crash: the platform runs as its own process, many devices publish QoS 1 as fast
 * as they can, the process is killed with SIGKILL mid-stream, and every observation whose PUBACK
 * reached a device must be in the telemetry store afterwards. The platform then starts again on the
 * same data and takes new observations.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { openStorage } from '../../../platform/storage/db.js';
import { PG_URL, postgresAvailable, spawnPlatform, waitFor } from '../../../test/helpers.js';
import { openTelemetryStore } from '../telemetry.store.js';

const PASSWORD = 'Crash-Admin-2026!';
const DEVICES = 24;
const IN_FLIGHT = 8;
// The per-device limit would otherwise throttle a device publishing flat out.
const FLAT_OUT = { DEVICE_RATE_LIMIT: '100000', DEVICE_RATE_BURST: '100000' };

async function api(base: string, method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Publishes QoS 1 flat out, IN_FLIGHT at a time, recording the times whose PUBACK arrived. */
function publishUntilStopped(client: MqttClient, device: string, acked: number[], start: number): { stop: () => void; done: Promise<void> } {
  let stopped = false;
  let next = start;
  const worker = async () => {
    while (!stopped) {
      const ts = next++;
      try {
        await client.publishAsync(`devices/${device}/telemetry`, JSON.stringify({ ts, temperature: (ts % 400) / 10 }), { qos: 1 });
        acked.push(ts);
      } catch {
        return; // the connection went away with the platform
      }
    }
  };
  const done = Promise.all(Array.from({ length: IN_FLIGHT }, worker)).then(() => undefined);
  return { stop: () => (stopped = true), done };
}

async function crashDuringIngestion(env: Record<string, string>, open: () => ReturnType<typeof openStorage>) {
  const first = await spawnPlatform({ ...env, WUDANG_ADMIN_PASSWORD: PASSWORD, ...FLAT_OUT });
  const login = await api(first.http, 'POST', '/api/auth/login', undefined, { username: 'admin', password: PASSWORD });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const tokens: string[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const r = await api(first.http, 'POST', '/api/devices', login.body.token, {
      id: `crash-${i}`,
      name: `崩溃测试 ${i}`,
      type: 'WeatherObserved',
      department: 'QXJ',
      location: { lon: 110.79 + i / 1000, lat: 32.64 },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    tokens.push(r.body.token);
  }

  const start = Date.now() - 3_600_000;
  const acked: number[][] = tokens.map(() => []);
  const clients = await Promise.all(
    tokens.map((password, i) =>
      mqtt.connectAsync(first.mqtt, { clientId: `crash-${i}`, username: `crash-${i}`, password, reconnectPeriod: 0, connectTimeout: 10_000 }),
    ),
  );
  for (const c of clients) c.on('error', () => undefined);
  const publishers = clients.map((c, i) => publishUntilStopped(c, `crash-${i}`, acked[i]!, start));
  const total = () => acked.reduce((n, a) => n + a.length, 0);
  // Heavy ingestion is under way: kill the platform in the middle of it.
  await waitFor(() => total() >= 3000, 60_000, '3000 acknowledged observations');
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  // Snapshot of what was acknowledged before the process died.
  const snapshot = acked.map((a) => [...a]);
  for (const p of publishers) p.stop();
  // Ending the clients fails their pending publishes, which ends the workers.
  for (const c of clients) c.end(true);
  await Promise.all(publishers.map((p) => p.done));
  const count = snapshot.reduce((n, a) => n + a.length, 0);
  assert.ok(count >= 3000, `${count} acknowledged`);

  const storage = open();
  const telemetry = openTelemetryStore(storage);
  await telemetry.init();
  try {
    const devs = await storage.db.selectFrom('devices').select(['seq', 'id']).where('id', 'like', 'crash-%').execute();
    const seqOf = new Map(devs.map((d) => [d.id, d.seq]));
    let missing = 0;
    for (let i = 0; i < DEVICES; i++) {
      const rows = await telemetry.series({
        dev: seqOf.get(`crash-${i}`)!,
        attr: 'temperature',
        from: start,
        to: start + 3_600_000,
        resolution: 'raw',
        limit: 1_000_000,
      });
      const stored = new Set(rows.map((r) => r.t));
      for (const ts of snapshot[i]!) if (!stored.has(ts)) missing++;
    }
    assert.equal(missing, 0, `${missing} of ${count} acknowledged observations were lost`);
  } finally {
    await telemetry.close();
    await storage.close();
  }

  // The platform starts again on the same data and goes on ingesting.
  const second = await spawnPlatform({ ...env, WUDANG_ADMIN_PASSWORD: PASSWORD, ...FLAT_OUT });
  try {
    const c = await mqtt.connectAsync(second.mqtt, { clientId: 'crash-0', username: 'crash-0', password: tokens[0], reconnectPeriod: 0 });
    await c.publishAsync('devices/crash-0/telemetry', JSON.stringify({ temperature: 21.5 }), { qos: 1 });
    await c.endAsync();
    const login2 = await api(second.http, 'POST', '/api/auth/login', undefined, { username: 'admin', password: PASSWORD });
    const dev = await api(second.http, 'GET', '/api/devices/crash-0', login2.body.token);
    assert.equal(dev.status, 200);
    const latest = (dev.body.latest as { attr: string; v: number }[]).find((l) => l.attr === 'temperature');
    assert.equal(latest?.v, 21.5);
  } finally {
    await second.stop();
  }
}

describe('kill -9 during heavy ingestion', () => {
  test('SQLite: no acknowledged observation is lost, and the platform restarts', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wd-crash-'));
    try {
      await crashDuringIngestion({ DATA_DIR: dataDir }, () => openStorage({ dataDir }));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: no acknowledged observation is lost, and the platform restarts', { timeout: 180_000 }, async (t) => {
    if (!(await postgresAvailable())) return t.skip('PostgreSQL is not available');
    const db = `wd_crash_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${db}`);
    const url = new URL(PG_URL);
    url.pathname = `/${db}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'wd-crash-pg-'));
    try {
      await crashDuringIngestion({ DATA_DIR: dataDir, DATABASE_URL: url.toString() }, () => openStorage({ databaseUrl: url.toString() }));
    } finally {
      await admin.query(`drop database if exists ${db} with (force)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
