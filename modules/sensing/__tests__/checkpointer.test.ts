import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { waitFor } from '../../../test/helpers.js';
import { WalCheckpointer } from '../checkpointer.js';

test('the worker checkpoints the WAL while the writer commits, and the writer restarts it past the limit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wd-ckpt-'));
  const file = join(dir, 't.db');
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
  const c = new WalCheckpointer(db, file, { intervalMs: 20, restartFrames: 50 });
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, "the writer's own checkpoints are off");
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const pad = 'x'.repeat(3000);
    // A reader holding an old snapshot for a few commits keeps the worker from copying the WAL
    // back whole, as a slow reader would: the WAL grows past the limit and the writer steps in.
    const reader = new SqliteDatabase(file, { readonly: true });
    const hold = reader.prepare('SELECT count(*) AS n FROM t');
    for (let round = 0; round < 30; round++) {
      if (round === 5) {
        reader.exec('BEGIN');
        hold.get();
      }
      if (round === 12) reader.exec('COMMIT');
      db.transaction(() => {
        for (let i = 0; i < 20; i++) insert.run(pad);
      })();
      // The worker checkpoints after this commit (however busy the machine is) before the next.
      const seen = c.stats.background;
      await waitFor(() => c.stats.background > seen, 30_000, 'a worker checkpoint after the commit');
    }
    reader.close();
    assert.ok(c.stats.background >= 30, `worker checkpoints: ${c.stats.background}`);
    assert.ok(c.stats.restarts >= 1, `writer restarts: ${c.stats.restarts}`);
    // 600 rows of 3 KB went through the WAL; restarted, it stays far smaller than that.
    assert.ok(statSync(`${file}-wal`).size < 600 * 3000, `WAL ${statSync(`${file}-wal`).size} bytes`);
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 600);
  } finally {
    await c.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a telemetry store left open does not keep the process alive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wd-ckpt-exit-'));
  try {
    const script = join(dir, 'open.mts');
    const store = fileURLToPath(new URL('../telemetry.store.ts', import.meta.url));
    writeFileSync(
      script,
      `import { SqliteTelemetryStore } from ${JSON.stringify(store)};\nconst s = new SqliteTelemetryStore(${JSON.stringify(join(dir, 't.db'))});\nawait s.init();\n`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { timeout: 20_000, encoding: 'utf8' });
    assert.equal(r.error, undefined, 'exited by itself');
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
