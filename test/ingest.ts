/** Helpers tests share to send readings and wait until everything they cause has happened. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Storage, openStorage } from '../platform/storage/db.js';
import type { DialectFixture, TestApp } from './helpers.js';
import type { EventBus } from '../platform/bus/bus.js';
import { migrateAll } from '../server/migrations.js';

/** Waits for the commit's announcement, the engine's evaluation and the alert service's writes. */
export async function settle(t: TestApp<EventBus>): Promise<void> {
  await t.sensing.announced();
  await t.warning.engine!.idle();
}

export async function post(t: TestApp<EventBus>, device: string, token: string, body: Record<string, unknown>): Promise<void> {
  const r = await t.call('POST', `/api/ingest/${device}`, token, body);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await settle(t);
}

/**
 * A database several apps can open in turn: on SQLite a file (an in-memory telemetry store would
 * vanish with the app that opened it), on PostgreSQL the fixture's fresh schema.
 */
export async function sharedStorage(d: DialectFixture): Promise<Storage> {
  if (d.name === 'postgres') return d.open();
  const dir = mkdtempSync(join(tmpdir(), 'wd-warn-'));
  const s = openStorage({ sqliteFile: join(dir, 'wudang.db') });
  await migrateAll(s.db);
  return {
    ...s,
    close: async () => {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
