/**
 * What a latest-value upsert costs a SQLite commit (better-sqlite3 alone, no platform): two-value
 * messages from 50,000 devices in commits of `--per` messages, raw rows keyed as the store keys
 * them (minute bucket, device, attribute, time), with and without an upsert of (device, attribute)
 * latest rows in the same commit. The WAL is checkpointed every 200 commits, as the store's
 * checkpointer does on its own thread. Why the store writes latest values every 15 s instead
 * (docs/sensing.md, "Latest values").
 *
 *   npx tsx bench/sqlite-latest.ts [--per 16] [--messages 150000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { benchArgs } from './args.js';

const args = benchArgs();
const PER = Number(args.per ?? 16);
const MESSAGES = Number(args.messages ?? 150_000);
const DEVICES = 50_000;

function run(withLatest: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'wd-bench-latest-'));
  const db = new SqliteDatabase(join(dir, 't.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 0');
  db.exec(`CREATE TABLE raw (bk INTEGER NOT NULL, dev INTEGER NOT NULL, attr TEXT NOT NULL, ts INTEGER NOT NULL, v REAL, s TEXT,
    PRIMARY KEY (bk, dev, attr, ts)) WITHOUT ROWID`);
  db.exec('CREATE TABLE latest (dev INTEGER NOT NULL, attr TEXT NOT NULL, ts INTEGER NOT NULL, v REAL, s TEXT, PRIMARY KEY (dev, attr)) WITHOUT ROWID');
  const raw = db.prepare('INSERT OR IGNORE INTO raw VALUES (?, ?, ?, ?, ?, ?)');
  const latest = db.prepare(`INSERT INTO latest (dev, attr, ts, v, s) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (dev, attr) DO UPDATE SET ts = excluded.ts, v = excluded.v, s = excluded.s WHERE excluded.ts > latest.ts`);
  let ts = Date.now();
  let dev = 0;
  const commit = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      ts++;
      dev = (dev + 7919) % DEVICES; // devices in no particular order, as they report
      const bk = Math.floor(ts / 60_000);
      raw.run(bk, dev, 'level', ts, 1.5, null);
      raw.run(bk, dev, 'overflow', ts, 0, null);
      if (withLatest) {
        latest.run(dev, 'level', ts, 1.5, null);
        latest.run(dev, 'overflow', ts, 0, null);
      }
    }
  });
  // Every device's latest rows exist, as in a running city.
  if (withLatest) for (let k = 0; k < DEVICES / 100; k++) commit.immediate(100);
  const started = performance.now();
  for (let k = 0; k < MESSAGES / PER; k++) {
    commit.immediate(PER);
    if (k % 200 === 0) db.pragma('wal_checkpoint(RESTART)');
  }
  const us = ((performance.now() - started) * 1000) / MESSAGES;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return us;
}

const rounds: { raw: number; rawAndLatest: number }[] = [];
for (let r = 0; r < 3; r++) rounds.push({ raw: run(false), rawAndLatest: run(true) });
const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
const raw = median(rounds.map((r) => r.raw));
const both = median(rounds.map((r) => r.rawAndLatest));
console.log(
  JSON.stringify(
    { messagesPerCommit: PER, usPerMessageRawOnly: +raw.toFixed(1), usPerMessageRawAndLatest: +both.toFixed(1), ratio: +(both / raw).toFixed(2) },
    null,
    1,
  ),
);
