import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { verifyPassword } from '../../platform/auth/password.js';
import { openStorage } from '../../platform/storage/db.js';
import { freePort, waitFor } from '../../test/helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'wd-cli-'));
const baseEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', WUDANG_ADMIN_PASSWORD: 'Cli-Admin-2026!', SIMULATE: '0' };

function wudang(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the wudang command line', () => {
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('describes its commands and settings with --help', () => {
    const r = wudang(['--help']);
    assert.equal(r.code, 0);
    for (const word of ['start', 'migrate', 'admin', 'audit', 'PORT', 'DATABASE_URL', 'WUDANG_ADMIN_PASSWORD']) assert.match(r.out, new RegExp(word));
    const admin = wudang(['admin', '--help']);
    assert.match(admin.out, /reset-password/);
  });

  it('stops on a bad setting with a message naming it', () => {
    const r = wudang(['migrate'], { PORT: 'abc' });
    assert.equal(r.code, 2);
    assert.match(r.err, /PORT/);
    assert.match(r.err, /TCP port/);
  });

  it('migrates an empty data directory', () => {
    const r = wudang(['migrate']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Applied: 20261126_0001_foundation/);
    assert.match(wudang(['migrate']).out, /up to date/);
  });

  it('starts, serves /healthz and the console, and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'start'], {
      env: { ...baseEnv, PORT: String(port), HOST: '127.0.0.1', MQTT_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    try {
      await waitFor(
        async () => {
          try {
            return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
          } catch {
            return false;
          }
        },
        30_000,
        'the server to answer',
      );
      assert.match(out, /\/console/);
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'Cli-Admin-2026!' }),
      });
      assert.equal(login.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0);
  });

  it('resets a password', async () => {
    const r = wudang(['admin', 'reset-password', 'duty']);
    assert.equal(r.code, 0, r.err);
    const password = /New password of duty: (\S+)/.exec(r.out)?.[1];
    assert.ok(password, r.out);
    const s = openStorage({ dataDir });
    const u = await s.db.selectFrom('users').selectAll().where('username', '=', 'duty').executeTakeFirstOrThrow();
    await s.close();
    assert.ok(await verifyPassword(password, u.password_hash));
    assert.equal(u.must_change_password, 1);
    assert.equal(wudang(['admin', 'reset-password', 'nobody']).code, 1);
    assert.equal(wudang(['admin', 'reset-password', 'duty', '--password', 'short']).code, 1, 'policy enforced');
  });

  it('lifts the login locks of a user', async () => {
    const s = openStorage({ dataDir });
    const u = await s.db.selectFrom('users').select('id').where('username', '=', 'duty').executeTakeFirstOrThrow();
    await s.db
      .insertInto('login_failures')
      .values({ user_id: u.id, source: '203.0.113.9', failures: 0, locked_until: Date.now() + 600_000, updated_at: Date.now() })
      .execute();
    await s.close();
    const r = wudang(['admin', 'unlock', 'duty']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /duty is unlocked/);
    const after = openStorage({ dataDir });
    const left = await after.db.selectFrom('login_failures').selectAll().where('user_id', '=', u.id).execute();
    await after.close();
    assert.equal(left.length, 0);
    assert.equal(wudang(['admin', 'unlock', 'nobody']).code, 1);
  });

  it('verifies the audit log, and exits 1 when a record was edited', async () => {
    const ok = wudang(['audit', 'verify']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /intact: \d+ records/);
    const s = openStorage({ dataDir });
    await sql`drop trigger audit_log_no_update`.execute(s.db);
    await s.db.updateTable('audit_log').set({ actor_name: 'someone else' }).where('seq', '=', 2).execute();
    await s.close();
    const broken = wudang(['audit', 'verify']);
    assert.equal(broken.code, 1);
    assert.match(broken.out, /BROKEN/);
    assert.match(broken.out, /#2: content does not match its hash/);
  });
});
