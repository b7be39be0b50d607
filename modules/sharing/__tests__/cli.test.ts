/**
 * `wudang sharing load <db> <file>`: the checked load from the command line, as a named user whose
 * department keeps the database, with progress, refused rows by line and field, an exit code that
 * says whether every row loaded, and a re-run that changes nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeIdNumber } from '../../../platform/identifiers/index.js';
import { spawnPlatform } from '../../../test/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wd-sharing-cli-'));
const env = { DATA_DIR: join(dir, 'data'), WUDANG_ADMIN_PASSWORD: 'Cli-Sharing-2026!', SHARING_DEMO_PEOPLE: '0', LOG_LEVEL: 'warn' };

function wudang(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('wudang sharing load', () => {
  const file = join(dir, 'people.csv');
  before(async () => {
    // A platform that has started once: its schema, departments, demo accounts and catalogue exist.
    const first = await spawnPlatform(env);
    await first.stop();
    const rows = ['公民身份号码,姓名,性别,出生日期,所在区县,联系电话'];
    for (let i = 0; i < 30; i++) rows.push(`${makeIdNumber('420302', '19880808', 300 + i * 2 + 1)},测试${i},1,1988-08-08,420302,1390719${String(2000 + i)}`);
    rows.push(`${makeIdNumber('420302', '19880808', 299)},错性别,2,1988-08-08,420302,`); // the number says male
    writeFileSync(file, `${rows.join('\n')}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('loads with progress, names the refused line and field, and exits 1 for it', async () => {
    const r = await wudang(['sharing', 'load', 'population', file, '--as', 'gaj.staff']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /progress 31\/31 100%/);
    assert.match(r.err, /refused line 32 gender: the gender differs from the ID number/);
    assert.match(r.out, /31 rows read, 30 new, 0 updated, 0 unchanged, 1 refused/);
  });

  test('a re-run of the same file changes nothing', async () => {
    const r = await wudang(['sharing', 'load', 'population', file, '--as', 'gaj.staff']);
    assert.match(r.out, /30 unchanged, 1 refused/);
  });

  test('only a keeper of the database may load it; an unknown database is named', async () => {
    const other = await wudang(['sharing', 'load', 'population', file, '--as', 'cgw.staff']);
    assert.equal(other.code, 2);
    assert.match(other.err, /wudang: .*kept by/i);
    const unknown = await wudang(['sharing', 'load', 'people', file, '--as', 'gaj.staff']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /people/);
  });
});
