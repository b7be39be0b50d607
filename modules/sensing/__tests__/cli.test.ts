import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type SpawnedPlatform, spawnPlatform } from '../../../test/helpers.js';
import { chunksOf } from '../cli.js';

const PASSWORD = 'Cli-Import-2026!';
const dir = mkdtempSync(join(tmpdir(), 'wd-import-'));

function wudang(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
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

describe('wudang devices import', () => {
  let platform: SpawnedPlatform;
  let env: Record<string, string>;
  before(async () => {
    platform = await spawnPlatform({ DATA_DIR: join(dir, 'data'), WUDANG_ADMIN_PASSWORD: PASSWORD });
    env = { WUDANG_URL: platform.http, WUDANG_PASSWORD: PASSWORD };
  });
  after(async () => {
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('splits CSV and JSON into chunks and keeps where each row is in the file', () => {
    const csv = 'id,name,type\na,"井, 东",DrainageWellObserved\nb,井2,DrainageWellObserved\nc,井3,DrainageWellObserved\n';
    const c = chunksOf('x.csv', csv, 2);
    assert.equal(c.length, 2);
    assert.equal(c[0]!.body, 'id,name,type\na,"井, 东",DrainageWellObserved\nb,井2,DrainageWellObserved');
    assert.deepEqual(c[1]!.where, ['row 3']);
    const j = chunksOf('x.json', JSON.stringify([{ id: 'a' }, { id: 'b' }, { id: 'c' }]), 2);
    assert.deepEqual(JSON.parse(j[1]!.body), { rows: [{ id: 'c' }] });
    assert.deepEqual(j[1]!.where, ['item 2']);
    assert.throws(() => chunksOf('x.json', '[{', 2), /not valid JSON/);
  });

  test('provisions a CSV file in chunks with progress, per-row errors and a private token file', async () => {
    const lines = ['id,name,type,department,lon,lat,tags,intervalSeconds'];
    for (let i = 0; i < 25; i++) lines.push(`well-${i},张湾排水井 ${i},DrainageWellObserved,ZJJ,110.7${i % 10},32.64,drainage;urban,300`);
    lines.push('well-bad,坏行,NoSuchType,ZJJ,110.78,32.64,,');
    lines.push('well-far,远处,DrainageWellObserved,ZJJ,100,20,,');
    const file = join(dir, 'wells.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const dry = await wudang(['devices', 'import', file, '--user', 'admin', '--dry-run', '--chunk', '10'], env);
    assert.equal(dry.code, 1, dry.err);
    assert.match(dry.out, /Dry run: 25 of 27 rows would be created, 2 have errors/);

    const r = await wudang(['devices', 'import', file, '--user', 'admin', '--chunk', '10'], env);
    assert.equal(r.code, 1, 'some rows failed');
    assert.match(r.err, /progress 10\/27/);
    assert.match(r.err, /progress 27\/27 100% · 25 created · 2 failed/);
    assert.match(r.err, /error row 26 \(well-bad\): \/type no device type "NoSuchType"/);
    assert.match(r.err, /error row 27 \(well-far\): \/location/);
    assert.match(r.out, /Done: 25 created, 2 failed of 27/);
    const tokens = join(dir, 'wells.tokens.csv');
    assert.equal(statSync(tokens).mode & 0o777, 0o600);
    const rows = readFileSync(tokens, 'utf8').trim().split('\n');
    assert.equal(rows.length, 26);
    assert.match(rows[1]!, /^well-0,wdd_[^,]+,urn:ngsi-ld:DrainageWellObserved:well-0$/);

    // The tokens work: a device from the file ingests over HTTP.
    const [id, token] = rows[5]!.split(',');
    const ingest = await fetch(`${platform.http}/api/ingest/${id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ level: 1.25 }),
    });
    assert.equal(ingest.status, 202);
  });

  test('JSON files report item numbers; bad credentials stop the import with exit code 2', async () => {
    const file = join(dir, 'more.json');
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'gas-cli-1', name: '燃气 1', type: 'CombustibleGasObserved', department: 'ZJJ' },
        { id: 'gas-cli-2', type: 'CombustibleGasObserved' },
      ]),
    );
    const r = await wudang(['devices', 'import', file, '--user', 'admin', '--out', join(dir, 'gas.csv')], env);
    assert.equal(r.code, 1);
    assert.match(r.err, /error item 1 \(gas-cli-2\): \/name/);
    assert.match(readFileSync(join(dir, 'gas.csv'), 'utf8'), /gas-cli-1,wdd_/);
    const denied = await wudang(['devices', 'import', file, '--token', 'wda_not-a-token'], env);
    assert.equal(denied.code, 2);
    assert.match(denied.err, /import refused at item 0: 401/);
  });
});
