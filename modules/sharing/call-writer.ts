/**
 * Group commit for gateway calls. Every call must be on record (the call, whose records it
 * returned, its audit entry, its share of the daily quota) before its answer goes out; written one
 * transaction a call, that costs more than the lookup itself. Calls that arrive while a batch is
 * being written wait for the next batch, which writes them all in one transaction: under load
 * batches grow, at rest each call is written at once, and no call is answered before its batch
 * has committed.
 */
import type { Transaction } from 'kysely';
import { type AuditEntry, appendAuditMany } from '../../platform/audit/audit.js';
import { type Db, transaction } from '../../platform/storage/db.js';
import { GroupCommit } from '../../platform/storage/group-commit.js';
import { dialectOf } from '../../platform/storage/migrate.js';
import type { Database } from '../../platform/storage/schema.js';
import type { CallRow } from './gateway.store.js';

export interface CallRecord {
  call: Omit<CallRow, 'seq'>;
  dataset: string;
  subjects: string[];
  audit: AuditEntry;
  /** The approval's daily quota this call draws on (records); the call is refused if it would pass it. */
  quota: { approvalId: string; day: string; cost: number; limit: number } | null;
}

export interface Written {
  /** false: refused for the quota (and recorded so). */
  ok: boolean;
  /** The approval's use that day after this call (or before it, when refused). */
  used: number;
}

const MAX_BATCH = 500;

export class CallWriter {
  private readonly postgres: boolean;
  private readonly group: GroupCommit<CallRecord, Written>;

  constructor(private readonly db: Db) {
    this.postgres = dialectOf(db) === 'postgres';
    this.group = new GroupCommit((batch) => transaction(this.db, (trx) => this.flush(trx, batch)), MAX_BATCH);
  }

  write(r: CallRecord): Promise<Written> {
    return this.group.submit(r);
  }

  private async flush(trx: Transaction<Database>, batch: CallRecord[]): Promise<Written[]> {
    // The day's use of each approval, locked (PostgreSQL) so processes count in turn.
    const used = new Map<string, number>();
    for (const p of batch) {
      if (!p.quota) continue;
      const k = `${p.quota.approvalId}|${p.quota.day}`;
      if (used.has(k)) continue;
      await trx
        .insertInto('sharing_quota_use')
        .values({ approval_id: p.quota.approvalId, day: p.quota.day, used: 0 })
        .onConflict((oc) => oc.columns(['approval_id', 'day']).doNothing())
        .execute();
      let q = trx.selectFrom('sharing_quota_use').select('used').where('approval_id', '=', p.quota.approvalId).where('day', '=', p.quota.day);
      if (this.postgres) q = q.forUpdate();
      used.set(k, Number((await q.executeTakeFirstOrThrow()).used));
    }
    const start = new Map(used);
    const out: Written[] = [];
    const audits: AuditEntry[] = [];
    const subjects: { call_seq: number; dataset: string; subject_key: string; at: number }[] = [];
    for (const p of batch) {
      let w: Written = { ok: true, used: 0 };
      let rec = p;
      if (p.quota) {
        const k = `${p.quota.approvalId}|${p.quota.day}`;
        const u = used.get(k)!;
        if (u + p.quota.cost > p.quota.limit) {
          w = { ok: false, used: u };
          // Recorded as refused: nothing of it was answered.
          rec = {
            ...p,
            subjects: [],
            call: { ...p.call, outcome: 'refused', reason: 'quota', rows: 0, items_clear: '[]', items_masked: '[]' },
            audit: {
              ...p.audit,
              outcome: 'denied',
              details: { consumer: p.call.consumer, operation: p.call.operation, reason: 'quota', approval: p.quota.approvalId },
            },
          };
        } else {
          used.set(k, u + p.quota.cost);
          w = { ok: true, used: u + p.quota.cost };
        }
      }
      out.push(w);
      const r = await trx.insertInto('sharing_calls').values(rec.call).returning('seq').executeTakeFirstOrThrow();
      for (const s of rec.subjects) subjects.push({ call_seq: Number(r.seq), dataset: rec.dataset, subject_key: s, at: rec.call.at });
      audits.push(rec.audit);
    }
    for (const [k, u] of used)
      if (u !== start.get(k)) {
        const [approvalId, day] = k.split('|') as [string, string];
        await trx.updateTable('sharing_quota_use').set({ used: u }).where('approval_id', '=', approvalId).where('day', '=', day).execute();
      }
    for (let i = 0; i < subjects.length; i += 1000)
      await trx
        .insertInto('sharing_call_subjects')
        .values(subjects.slice(i, i + 1000))
        .execute();
    await appendAuditMany(trx, audits);
    return out;
  }
}
