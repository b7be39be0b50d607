/**
 * Test helpers: both storage dialects, an app per test, logins. PostgreSQL tests use their
 * own schema in TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
 * drop it afterwards. Outside CI they are skipped with a notice when no server answers;
 * with CI=true a missing server fails the run.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { type Storage, openStorage } from '../platform/storage/db.js';
import { type BuildOptions, type Wudang, buildApp } from '../server/app.js';
import { type Config, loadConfig } from '../server/config.js';
import type { EventBus } from '../platform/bus/bus.js';
import { MemoryBus } from '../platform/bus/memory.js';
import { MIGRATIONS, migrateAll, migrationNames } from '../server/migrations.js';

export { MIGRATIONS, migrateAll, migrationNames };

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ADMIN_PASSWORD = 'Admin-Passw0rd!';
export const DEMO_PASSWORD = 'Wudang@2026';

let pgAvailable: Promise<boolean> | undefined;
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`CI=true but PostgreSQL at ${PG_URL} does not answer: ${(err as Error).message}`);
      console.log(`# NOTICE: PostgreSQL at ${PG_URL} does not answer; PostgreSQL tests are skipped (${(err as Error).message})`);
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

export interface DialectFixture {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty database. */
  open(): Promise<Storage>;
  /** A fresh database with no tables at all (migration tests). */
  openEmpty(): Promise<Storage>;
}

const sqliteFixture: DialectFixture = {
  name: 'sqlite',
  async open() {
    const s = await this.openEmpty();
    await migrateAll(s.db);
    return s;
  },
  async openEmpty() {
    return openStorage({ sqliteFile: ':memory:' });
  },
};

const postgresFixture: DialectFixture = {
  name: 'postgres',
  async open() {
    const s = await this.openEmpty();
    await migrateAll(s.db);
    return s;
  },
  async openEmpty() {
    const schema = `wd_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const s = openStorage({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 5 });
    return {
      ...s,
      close: async () => {
        await s.close();
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      },
    };
  },
};

/** The dialects to run store tests on: SQLite always, PostgreSQL when it answers (always in CI). */
export async function dialects(): Promise<DialectFixture[]> {
  return (await postgresAvailable()) ? [sqliteFixture, postgresFixture] : [sqliteFixture];
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {
      LOG_LEVEL: 'silent',
      WUDANG_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SIMULATE: '0',
      MQTT_PORT: '0',
      HOST: '127.0.0.1',
      SHARING_DEMO_PEOPLE: '0',
      // The base databases hold only what a test loads; tests of the super app turn its demo on.
      SUPERAPP_DEMO: '0',
      LICENCE_KEY_SECRET: Buffer.alloc(32, 7).toString('base64'),
      // Photos go to a directory outside the working tree.
      FILES_DIR: join(tmpdir(), 'wudang-test-files'),
    },
    overrides,
  );
}

export interface TestApp<B extends EventBus = MemoryBus> extends Wudang {
  storage: Storage;
  bus: B;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  login(username: string, password?: string): Promise<string>;
  /** GET/POST/... with a bearer token, returning status and parsed JSON. */
  call(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** One turn of what the scheduler does every second for messages: due escalations fire, then due messages go out. */
  notificationsDue(): Promise<void>;
}

export async function startApp(d: DialectFixture, config: Partial<Config> = {}, opts: BuildOptions = {}): Promise<TestApp> {
  const storage = opts.storage ?? (await d.open());
  const bus = new MemoryBus({ warn() {}, error() {} });
  const w = await buildApp(testConfig(config), { storage, bus, scheduler: false, ...opts });
  return asTestApp(w, storage, bus, true);
}

/**
 * An app over a database and a bus the test owns (several apps in turn, or side by side, as
 * processes of one deployment): closing the app leaves them open.
 */
export async function startAppOn(storage: Storage, bus: EventBus, config: Partial<Config> = {}, opts: BuildOptions = {}): Promise<TestApp<EventBus>> {
  const w = await buildApp(testConfig(config), { storage, bus, scheduler: false, ...opts });
  return asTestApp(w, storage, bus, false);
}

function asTestApp<B extends EventBus>(w: Wudang, storage: Storage, bus: B, owns: boolean): TestApp<B> {
  const call: TestApp['call'] = async (method, url, token, body) => {
    const res = await w.app.inject({
      method: method as 'GET',
      url,
      // The tests are an API client that reads English (the platform answers in Chinese by default).
      headers: {
        'accept-language': 'en',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    let parsed: unknown = res.body;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  };
  return {
    ...w,
    storage,
    bus,
    inject: (o) => w.app.inject(o),
    call,
    async notificationsDue() {
      await w.warning.escalation.escalateDue();
      await w.platform.notifier.deliverDue();
    },
    async login(username, password) {
      const r = await call('POST', '/api/auth/login', undefined, { username, password: password ?? (username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD) });
      if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async close() {
      await w.close();
      if (owns) {
        await bus.close();
        await storage.close();
      }
    },
  };
}

export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

let natsOk: Promise<boolean> | undefined;
/** Whether NATS answers; in CI a missing server fails the run. */
export function natsAvailable(): Promise<boolean> {
  natsOk ??= (async () => {
    const { connect } = await import('nats');
    const u = new URL(NATS_URL);
    try {
      const nc = await connect({ servers: `${u.hostname}:${u.port || 4222}`, timeout: 3000, maxReconnectAttempts: 0 });
      const jsm = await nc.jetstreamManager();
      await jsm.getAccountInfo();
      await nc.close();
      return true;
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`CI=true but NATS JetStream at ${NATS_URL} does not answer: ${(err as Error).message}`);
      console.log(`# NOTICE: NATS JetStream at ${NATS_URL} does not answer; NATS tests are skipped (${(err as Error).message})`);
      return false;
    }
  })();
  return natsOk;
}

/**
 * Resolves once everything the server sent on a WebSocket before now has arrived: a ping's pong
 * travels behind every earlier frame. To show that a message was NOT sent, wait for the server to
 * have handled the event (another client got it), then for this, and look.
 */
export function flushed(ws: { ping(): void; once(event: 'pong', cb: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => {
    ws.once('pong', () => resolve());
    ws.ping();
  });
}

/** Polls until fn returns true, or fails after timeoutMs (a generous limit: it only matters when the condition never comes). */
export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface SpawnedPlatform {
  child: import('node:child_process').ChildProcess;
  /** http://127.0.0.1:<port> */
  http: string;
  /** mqtt://127.0.0.1:<port> of the embedded broker */
  mqtt: string;
  stderr(): string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * The platform as its own process (`wudang start`), on free ports, with the simulator off.
 * `env` adds or overrides settings (DATA_DIR, DATABASE_URL, WUDANG_ADMIN_PASSWORD, ...).
 */
export async function spawnPlatform(env: Record<string, string>): Promise<SpawnedPlatform> {
  const { spawn } = await import('node:child_process');
  const port = await freePort();
  const mqttPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'start'], {
    env: {
      ...process.env,
      SIMULATE: '0',
      LOG_LEVEL: 'warn',
      SHARING_DEMO_PEOPLE: '0',
      // The base databases hold only what a test loads; tests of the super app turn its demo on.
      SUPERAPP_DEMO: '0',
      ...env,
      PORT: String(port),
      MQTT_PORT: String(mqttPort),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const http = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the platform exited: ${err}`);
      try {
        return (await fetch(`${http}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    60_000,
    'the platform to start',
  );
  return {
    child,
    http,
    mqtt: `mqtt://127.0.0.1:${mqttPort}`,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts a command and waits until `ready` answers true; the caller kills the process. */
async function spawnServer(cmd: string, args: string[], ready: () => Promise<boolean>, what: string) {
  const { spawn } = await import('node:child_process');
  const child = spawn(cmd, args, { stdio: 'ignore' });
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}`);
      try {
        return await ready();
      } catch {
        return false;
      }
    },
    15_000,
    what,
  );
  return child;
}

/** A private NATS server with JetStream on `port`, storing in `storeDir` (for restart tests). */
export async function spawnNatsServer(port: number, storeDir: string) {
  const { connect } = await import('nats');
  return spawnServer(
    'nats-server',
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
    async () => {
      const nc = await connect({ servers: `127.0.0.1:${port}`, timeout: 500, maxReconnectAttempts: 0 });
      await nc.close();
      return true;
    },
    'nats-server to start',
  );
}

/** A private Mosquitto on `port` (loopback only, anonymous clients, no persistence). */
export async function spawnMosquitto(port: number) {
  const mqtt = (await import('mqtt')).default;
  return spawnServer(
    'mosquitto',
    ['-p', String(port)],
    async () => {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 500 });
      await c.endAsync();
      return true;
    },
    'mosquitto to start',
  );
}
