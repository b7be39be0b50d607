/** SQL for warning rules and their versions. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { type Scope, whereInScope } from '../../platform/auth/scope.js';
import type { Database } from '../../platform/storage/schema.js';
import type { WarningRuleTable, WarningRuleVersionTable } from './warning.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type RuleRow = Selectable<WarningRuleTable>;
export type RuleVersionRow = Selectable<WarningRuleVersionTable>;

/** Rules by id; within a scope, only those its departments own. */
export function listRuleRows(db: Q, scope?: Scope): Promise<RuleRow[]> {
  let q = db.selectFrom('warning_rules').selectAll().orderBy('id');
  if (scope) q = whereInScope(q, scope, { department: 'owner' });
  return q.execute();
}

export function getRuleRow(db: Q, id: string): Promise<RuleRow | undefined> {
  return db.selectFrom('warning_rules').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function ruleExists(db: Q, id: string): Promise<boolean> {
  return !!(await db.selectFrom('warning_rules').select('id').where('id', '=', id).executeTakeFirst());
}

export function listRuleVersions(db: Q, id: string): Promise<RuleVersionRow[]> {
  return db.selectFrom('warning_rule_versions').selectAll().where('rule_id', '=', id).orderBy('version', 'desc').execute();
}

export async function insertRuleRow(db: Q, row: RuleRow): Promise<void> {
  await db.insertInto('warning_rules').values(row).execute();
}

export async function insertRuleVersion(db: Q, row: RuleVersionRow): Promise<void> {
  await db.insertInto('warning_rule_versions').values(row).execute();
}

/** A new version at the version the editor loaded; false when someone saved since. */
export async function updateRuleRow(db: Q, id: string, expectVersion: number, set: Omit<RuleRow, 'id' | 'created_by' | 'created_at'>): Promise<boolean> {
  const r = await db.updateTable('warning_rules').set(set).where('id', '=', id).where('version', '=', expectVersion).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Suspends an active rule; false when it was not active. */
export async function suspendRuleRow(db: Q, id: string, reason: string, at: number): Promise<boolean> {
  const r = await db
    .updateTable('warning_rules')
    .set({ status: 'suspended', suspended_reason: reason, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function resumeRuleRow(db: Q, id: string, at: number): Promise<void> {
  await db.updateTable('warning_rules').set({ status: 'active', suspended_reason: null, updated_at: at }).where('id', '=', id).execute();
}

/** Deletes a rule with the engine's state and group members for it. */
export async function deleteRuleRows(db: Q, id: string): Promise<void> {
  await db.deleteFrom('warning_rules').where('id', '=', id).execute();
  await db.deleteFrom('warning_state').where('rule_id', '=', id).execute();
  await db.deleteFrom('warning_members').where('rule_id', '=', id).execute();
}
