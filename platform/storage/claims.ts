/**
 * Claiming due work with a lease, once for every queue table (workflow timers, escalation timers,
 * notifications, the outbox): one statement marks up to `limit` due rows that nobody holds as this
 * process's until `now + leaseMs` and returns them. A row another process holds is skipped; one
 * whose holder crashed is due again once its lease lapses. On PostgreSQL the rows are locked with
 * SKIP LOCKED while they are picked, so processes claiming at once take different rows.
 */
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { dialectOf } from './migrate.js';

export interface ClaimQuery {
  table: string;
  /** The table's key column. */
  key: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** The column holding when a row is due (rows without one are due at once). */
  dueColumn?: string;
  /** The order rows are taken in (default: the due column, else the key). */
  orderBy?: string;
  /** What else makes a row pending (`done_at is null`, `status = 'pending'`). */
  // biome-ignore lint/suspicious/noExplicitAny: works on any queue table
  pending?: (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;
  /** Other columns to set when claiming (an attempt counter). */
  // biome-ignore lint/suspicious/noExplicitAny: works on any queue table
  alsoSet?: (eb: ExpressionBuilder<any, any>) => Record<string, unknown>;
}

/** Claims due rows; returns the claimed rows in the claim order. */
// biome-ignore lint/suspicious/noExplicitAny: works on any queue table
export async function claimDue<Row = Record<string, unknown>>(db: Kysely<any>, q: ClaimQuery): Promise<Row[]> {
  // biome-ignore lint/suspicious/noExplicitAny: works on any queue table
  const free = (eb: ExpressionBuilder<any, any>) => {
    const conds: Expression<SqlBool>[] = [eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', q.now)])];
    if (q.dueColumn) conds.push(eb(q.dueColumn, '<=', q.now));
    if (q.pending) conds.push(q.pending(eb));
    return eb.and(conds);
  };
  let pick = db
    .selectFrom(q.table)
    .select(q.key)
    .where(free)
    .orderBy(q.orderBy ?? q.dueColumn ?? q.key)
    .limit(q.limit);
  if (dialectOf(db) === 'postgres') pick = pick.forUpdate().skipLocked();
  const rows = (await db
    .updateTable(q.table)
    .set((eb) => ({ claimed_until: q.now + q.leaseMs, ...(q.alsoSet?.(eb) ?? {}) }))
    .where(q.key, 'in', pick)
    .where(free)
    .returningAll()
    .execute()) as Row[];
  const order = q.orderBy ?? q.dueColumn ?? q.key;
  return rows.sort((a, b) => compare((a as Record<string, unknown>)[order], (b as Record<string, unknown>)[order]));
}

function compare(a: unknown, b: unknown): number {
  const x = typeof a === 'string' && /^\d+$/.test(a) ? Number(a) : a;
  const y = typeof b === 'string' && /^\d+$/.test(b) ? Number(b) : b;
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}
