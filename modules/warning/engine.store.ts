/**
 * SQL of the rule engine: partition leases and the workers that share them, the evaluation state
 * written at checkpoints, and the members of k-of-n groups.
 */
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { WarningStateTable } from './warning.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type StateRow = Selectable<WarningStateTable>;

// ---- partitions and workers ----

/** Creates the partition rows up to `partitions` (existing ones are kept). */
export async function ensurePartitions(db: Q, partitions: number): Promise<void> {
  const have = await db
    .selectFrom('warning_partitions')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  if (Number(have?.n ?? 0) >= partitions) return;
  const rows = Array.from({ length: partitions }, (_, part) => ({ part, owner: null, lease_until: 0, checkpoint_at: null }));
  await db
    .insertInto('warning_partitions')
    .values(rows)
    .onConflict((oc) => oc.column('part').doNothing())
    .execute();
}

/** Records that a worker is alive and returns how many workers are (seen within `liveMs`). */
export async function heartbeat(db: Q, workerId: string, now: number, liveMs: number): Promise<number> {
  await db
    .insertInto('warning_workers')
    .values({ id: workerId, seen_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: now }))
    .execute();
  const live = await db
    .selectFrom('warning_workers')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('seen_at', '>', now - liveMs)
    .executeTakeFirst();
  return Math.max(1, Number(live?.n ?? 1));
}

export async function removeWorker(db: Q, workerId: string): Promise<void> {
  await db.deleteFrom('warning_workers').where('id', '=', workerId).execute();
}

/** Extends every lease the worker holds; returns the partitions it still holds. */
export async function renewLeases(db: Q, workerId: string, until: number): Promise<number[]> {
  const rows = await db.updateTable('warning_partitions').set({ lease_until: until }).where('owner', '=', workerId).returning('part').execute();
  return rows.map((r) => r.part);
}

/** Partitions nobody holds or whose lease ran out, lowest first. */
export async function freePartitions(db: Q, now: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('warning_partitions')
    .select('part')
    .where((eb) => eb.or([eb('owner', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('part')
    .limit(limit)
    .execute();
  return rows.map((r) => r.part);
}

/** Takes a partition if it is still free; says whether this worker got it. */
export async function takePartition(db: Q, part: number, workerId: string, now: number, until: number): Promise<boolean> {
  const r = await db
    .updateTable('warning_partitions')
    .set({ owner: workerId, lease_until: until })
    .where('part', '=', part)
    .where((eb) => eb.or([eb('owner', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives partitions back (only those this worker holds). */
export async function releasePartitions(db: Q, parts: readonly number[], workerId: string): Promise<void> {
  if (parts.length === 0) return;
  await db
    .updateTable('warning_partitions')
    .set({ owner: null, lease_until: 0 })
    .where('part', 'in', [...parts])
    .where('owner', '=', workerId)
    .execute();
}

/** The checkpoint times of partitions (null: never checkpointed). */
export async function checkpointsOf(db: Q, parts: readonly number[]): Promise<number[]> {
  const rows = await db
    .selectFrom('warning_partitions')
    .select(['checkpoint_at'])
    .where('part', 'in', [...parts])
    .execute();
  return rows
    .map((c) => c.checkpoint_at)
    .filter((x): x is number => x !== null)
    .map(Number);
}

// ---- evaluation state ----

export function statesIn(db: Q, parts: readonly number[]): Promise<StateRow[]> {
  return db
    .selectFrom('warning_state')
    .selectAll()
    .where('part', 'in', [...parts])
    .execute();
}

/** Writes changed states and moves the held partitions' checkpoint, in the caller's transaction. */
export async function writeCheckpoint(
  trx: Transaction<Database>,
  rows: Insertable<WarningStateTable>[],
  held: readonly number[],
  workerId: string,
  checkpointAt: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('warning_state')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['rule_id', 'subject']).doUpdateSet((eb) => ({
          part: eb.ref('excluded.part'),
          level: eb.ref('excluded.level'),
          at: eb.ref('excluded.at'),
          tree: eb.ref('excluded.tree'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  if (held.length)
    await trx
      .updateTable('warning_partitions')
      .set({ checkpoint_at: checkpointAt })
      .where('part', 'in', [...held])
      .where('owner', '=', workerId)
      .execute();
}

// ---- k of n ----

export async function setMember(db: Q, m: { ruleId: string; group: string; deviceId: string; mask: number; at: number }): Promise<void> {
  await db
    .insertInto('warning_members')
    .values({ rule_id: m.ruleId, group_key: m.group, device_id: m.deviceId, mask: m.mask, updated_at: m.at })
    .onConflict((oc) => oc.columns(['rule_id', 'group_key', 'device_id']).doUpdateSet({ mask: m.mask, updated_at: m.at }))
    .execute();
}

export function membersOf(db: Q, ruleId: string, group: string): Promise<{ device_id: string; mask: number }[]> {
  return db.selectFrom('warning_members').select(['device_id', 'mask']).where('rule_id', '=', ruleId).where('group_key', '=', group).execute();
}

export async function groupsOf(db: Q, ruleId: string): Promise<string[]> {
  const rows = await db.selectFrom('warning_members').select('group_key').distinct().where('rule_id', '=', ruleId).execute();
  return rows.map((g) => g.group_key);
}
