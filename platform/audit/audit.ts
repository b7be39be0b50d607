/**
 * Append-only, hash-chained audit log. Each record's hash covers its content and the previous
 * record's hash; the head row holds the last sequence number and hash. Editing, deleting or
 * reordering any record breaks the chain, which `verifyAuditChain` reports.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { type Db, json, transaction } from '../storage/db.js';
import { dialectOf } from '../storage/migrate.js';
import type { AuditRow, Database } from '../storage/schema.js';
import { newId } from '../ids.js';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  action: string; // e.g. auth.login, user.created, calendar.updated
  outcome?: AuditOutcome;
  actorId?: string | null;
  actorName?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
  at?: number;
}

/** The actor fields of an audit entry from a request's context (who, from where, which request). */
export function actorOf(ctx: {
  principal: { id: string; name: string } | null;
  ip: string | null;
  requestId: string | null;
}): Pick<AuditEntry, 'actorId' | 'actorName' | 'ip' | 'requestId'> {
  return { actorId: ctx.principal?.id ?? null, actorName: ctx.principal?.name ?? null, ip: ctx.ip, requestId: ctx.requestId };
}

export const GENESIS_HASH = '0'.repeat(64);

type HashInput = Omit<AuditRow, 'hash'>;

export function auditHash(r: HashInput): string {
  const content = JSON.stringify([r.seq, r.id, r.at, r.actor_id, r.actor_name, r.action, r.target_type, r.target_id, r.outcome, r.ip, r.request_id, r.details]);
  return createHash('sha256').update(r.prev_hash).update('\n').update(content).digest('hex');
}

/** An entry as the chain's next record after `seq` and `prev` (its hash covers both). */
function chained(entry: AuditEntry, seq: number, prev: string): AuditRow {
  const base: HashInput = {
    seq,
    id: newId('aud'),
    at: entry.at ?? Date.now(),
    actor_id: entry.actorId ?? null,
    actor_name: entry.actorName ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    outcome: entry.outcome ?? 'success',
    ip: entry.ip ?? null,
    request_id: entry.requestId ?? null,
    details: json.stringify(entry.details ?? {}),
    prev_hash: prev,
  };
  return { ...base, hash: auditHash(base) };
}

export async function appendAudit(db: Db | Transaction<Database>, entry: AuditEntry): Promise<AuditRow> {
  const [row] = await appendAuditMany(db, [entry]);
  return row!;
}

/**
 * Appends several entries in one transaction, chained in the order given: the head is read (and
 * locked, on PostgreSQL) and written once, the rows inserted in batches (a busy caller's entries,
 * grouped).
 */
export async function appendAuditMany(db: Db | Transaction<Database>, entries: readonly AuditEntry[]): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  const postgres = dialectOf(db) === 'postgres';
  return transaction(db, async (trx) => {
    let headQuery = trx.selectFrom('audit_head').selectAll().where('id', '=', 1);
    if (postgres) headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    let seq = head.seq;
    let prev = head.hash;
    const rows = entries.map((entry) => {
      const row = chained(entry, ++seq, prev);
      prev = row.hash;
      return row;
    });
    // 14 columns a row: well within SQLite's parameter limit at 500 rows a statement.
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('audit_log')
        .values(rows.slice(i, i + 500))
        .execute();
    await trx.updateTable('audit_head').set({ seq, hash: prev }).where('id', '=', 1).execute();
    return rows;
  });
}

export interface AuditProblem {
  seq: number;
  reason: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  problems: AuditProblem[];
}

/** Walks the whole chain in order; reports edited, deleted, inserted or reordered records. */
export async function verifyAuditChain(db: Db, batchSize = 2000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(batchSize).execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.seq !== expectedSeq) {
        problems.push({ seq: expectedSeq, reason: `records ${expectedSeq}..${r.seq - 1} are missing (deleted)` });
      }
      if (r.prev_hash !== prevHash) problems.push({ seq: r.seq, reason: 'does not link to the previous record' });
      const { hash, ...rest } = r;
      if (auditHash(rest) !== hash) problems.push({ seq: r.seq, reason: 'content does not match its hash (edited)' });
      prevHash = hash;
      expectedSeq = r.seq + 1;
      checked++;
    }
  }
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!head) problems.push({ seq: 0, reason: 'chain head is missing' });
  else if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
    problems.push({ seq: head.seq, reason: `chain head says ${head.seq} records but the log ends at ${expectedSeq - 1} (tail deleted or head edited)` });
  }
  return { ok: problems.length === 0, checked, problems };
}

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  from?: number;
  to?: number;
  beforeSeq?: number;
  limit: number;
}

export async function queryAudit(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  let sel = db.selectFrom('audit_log').selectAll();
  if (q.action) sel = q.action.endsWith('*') ? sel.where('action', 'like', `${q.action.slice(0, -1)}%`) : sel.where('action', '=', q.action);
  if (q.actorId) sel = sel.where('actor_id', '=', q.actorId);
  if (q.targetType) sel = sel.where('target_type', '=', q.targetType);
  if (q.targetId) sel = sel.where('target_id', '=', q.targetId);
  if (q.outcome) sel = sel.where('outcome', '=', q.outcome);
  if (q.from !== undefined) sel = sel.where('at', '>=', q.from);
  if (q.to !== undefined) sel = sel.where('at', '<', q.to);
  if (q.beforeSeq !== undefined) sel = sel.where('seq', '<', q.beforeSeq);
  return sel.orderBy('seq', 'desc').limit(q.limit).execute();
}
