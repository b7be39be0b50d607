/**
 * The sealed issuers' keys survive a restart: without LICENCE_KEY_SECRET a platform makes its
 * key-sealing key once in the data directory (readable by its owner only); after a restart a
 * licence issued before still verifies, and the department signs on with the same key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeIdNumber } from '../../../platform/identifiers/index.js';
import { spawnPlatform } from '../../../test/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wd-licences-restart-'));
const env = { DATA_DIR: join(dir, 'data'), WUDANG_ADMIN_PASSWORD: 'Licence-Restart-2026!', LOG_LEVEL: 'warn' };

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('licence keys across a restart', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a licence issued before a restart verifies after it; the same key signs on', async () => {
    const issue = async (base: string, n: number) => {
      const admin = (await call(base, 'POST', '/api/auth/login', undefined, { username: 'admin', password: env.WUDANG_ADMIN_PASSWORD })).body.token as string;
      const r = await call(base, 'POST', '/api/licences', admin, {
        type: 'JZZ',
        holder: { id: makeIdNumber('420302', '19900101', 120 + n), name: '赵六（合成数据）' },
        fields: { address: '湖北省十堰市茅箭区武当路街道北京北路1号' },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { document: string; payload: { kid: string } };
    };
    const first = await spawnPlatform(env);
    let before: { document: string; payload: { kid: string } };
    try {
      before = await issue(first.http, 1);
    } finally {
      await first.stop();
    }
    const mode = statSync(join(env.DATA_DIR, 'licence-key.secret')).mode & 0o777;
    assert.equal(mode, 0o600, 'readable by its owner only');
    const second = await spawnPlatform(env);
    try {
      const v = await call(second.http, 'POST', '/api/open/licences/verify', undefined, { document: before.document });
      assert.equal(v.body.verdict, 'valid');
      const next = await issue(second.http, 2);
      assert.equal(next.payload.kid, before.payload.kid, 'the sealed key opened again');
    } finally {
      await second.stop();
    }
  });
});
