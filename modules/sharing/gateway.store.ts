/** SQL for the exchange gateway: consumer systems, tokens, calls, whose records they returned, quotas. */
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { SharingCallTable, SharingClientTable } from './sharing.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type ClientRow = Selectable<SharingClientTable>;
export type CallRow = Selectable<SharingCallTable>;

export async function insertClient(db: Q, row: ClientRow): Promise<void> {
  await db.insertInto('sharing_clients').values(row).execute();
}

export function getClient(db: Q, id: string): Promise<ClientRow | undefined> {
  return db.selectFrom('sharing_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export function clientBySecret(db: Q, hash: string): Promise<ClientRow | undefined> {
  return db.selectFrom('sharing_clients').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
}

export function listClients(db: Q, consumer: string | null): Promise<ClientRow[]> {
  let q = db.selectFrom('sharing_clients').selectAll();
  if (consumer !== null) q = q.where('consumer', '=', consumer);
  return q.orderBy('created_at', 'desc').execute();
}

export async function updateClient(db: Q, id: string, set: Partial<Omit<ClientRow, 'id'>>): Promise<void> {
  await db.updateTable('sharing_clients').set(set).where('id', '=', id).execute();
}

export async function insertToken(db: Q, row: Selectable<Database['sharing_client_tokens']>): Promise<void> {
  await db.insertInto('sharing_client_tokens').values(row).execute();
}

export function getToken(db: Q, hash: string) {
  return db.selectFrom('sharing_client_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
}

export async function dropExpiredTokens(db: Q, now: number): Promise<void> {
  await db.deleteFrom('sharing_client_tokens').where('expires_at', '<=', now).execute();
}

/** Adds `n` to an approval's count for a day and returns the new count (the same whichever process answers). */
export async function addQuotaUse(db: Q, approvalId: string, day: string, n: number): Promise<number> {
  const r = await db
    .insertInto('sharing_quota_use')
    .values({ approval_id: approvalId, day, used: n })
    .onConflict((oc) => oc.columns(['approval_id', 'day']).doUpdateSet({ used: sql<number>`sharing_quota_use.used + ${n}` }))
    .returning('used')
    .executeTakeFirstOrThrow();
  return Number(r.used);
}

export async function quotaUsed(db: Q, approvalId: string, day: string): Promise<number> {
  const r = await db.selectFrom('sharing_quota_use').select('used').where('approval_id', '=', approvalId).where('day', '=', day).executeTakeFirst();
  return Number(r?.used ?? 0);
}

export async function insertCall(db: Q, row: Omit<CallRow, 'seq'>): Promise<number> {
  const r = await db.insertInto('sharing_calls').values(row).returning('seq').executeTakeFirstOrThrow();
  return Number(r.seq);
}

export async function insertSubjects(db: Q, callSeq: number, dataset: string, keys: readonly string[], at: number): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000)
    await db
      .insertInto('sharing_call_subjects')
      .values(keys.slice(i, i + 1000).map((k) => ({ call_seq: callSeq, dataset, subject_key: k, at })))
      .execute();
}

/** The calls that returned a subject's records, newest first. */
export function callsAbout(db: Q, subjectKey: string, limit: number) {
  return db
    .selectFrom('sharing_call_subjects as s')
    .innerJoin('sharing_calls as c', 'c.seq', 's.call_seq')
    .select(['c.seq', 'c.at', 'c.consumer', 'c.provider', 'c.resource_code', 'c.purpose', 'c.operation', 'c.items_clear', 'c.items_masked', 's.dataset'])
    .where('s.subject_key', '=', subjectKey)
    .orderBy('s.at', 'desc')
    .limit(limit)
    .execute();
}

/** Calls per resource, consumer and provider over days (inclusive), with refusals and records returned. */
export function usage(db: Q, q: { from: string; to: string; provider?: string | null; consumer?: string | null; either?: string | null }) {
  let sel = db
    .selectFrom('sharing_calls')
    .select((eb) => [
      'resource_code',
      'consumer',
      'provider',
      'outcome',
      eb.fn.countAll<number>().as('calls'),
      eb.fn.sum<number>('rows').as('rows'),
      eb.fn.max('at').as('last_at'),
    ])
    .where('day', '>=', q.from)
    .where('day', '<=', q.to);
  if (q.provider) sel = sel.where('provider', '=', q.provider);
  if (q.consumer) sel = sel.where('consumer', '=', q.consumer);
  if (q.either) {
    const d = q.either;
    sel = sel.where((eb) => eb.or([eb('provider', '=', d), eb('consumer', '=', d)]));
  }
  return sel.groupBy(['resource_code', 'consumer', 'provider', 'outcome']).execute();
}

export async function callsOn(db: Q, day: string): Promise<number> {
  const r = await db
    .selectFrom('sharing_calls')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('day', '=', day)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A secret kept in the settings table, made once by whichever process asks first (every process then reads the same). */
export async function sharedSecret(db: Q, key: string, make: () => string, now: number): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(make()), updated_at: now, updated_by: null })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return JSON.parse(r.value) as string;
}
