/**
 * SQL of alerts: reads (listings, one alert, its recipients and timeline, the engine's open
 * alerts, the city-wide figures), the alert service's writes (raising in a savepoint, updates at a
 * revision, timeline entries) and maintenance windows. The rules of what to write (levels,
 * flapping, holds) stay in alerts.ts.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { ALL, type Scope, districtCondition, restrictsDistricts, whereInScope } from '../../platform/auth/scope.js';
import { isUniqueViolation, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { AlertQuery, AlertRow, Recipient } from './alert.model.js';
import type { AlertEventTable, MaintenanceWindowTable } from './warning.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type MaintenanceRow = Selectable<MaintenanceWindowTable>;

/** Alerts in a scope (routed to a department it sees, in a district it sees), with the total. */
export async function listAlerts(db: Q, scope: Scope, q: AlertQuery): Promise<{ items: AlertRow[]; total: number }> {
  let sel = db.selectFrom('alerts');
  if (scope.departments !== ALL) {
    const depts = scope.departments;
    if (depts.length === 0) return { items: [], total: 0 };
    sel = sel.where((eb) =>
      eb.exists(
        eb
          .selectFrom('alert_recipients as r')
          .select('r.alert_id')
          .whereRef('r.alert_id', '=', 'alerts.id')
          .where('r.department_code', 'in', depts as string[]),
      ),
    );
  }
  if (restrictsDistricts(scope)) sel = sel.where((eb) => districtCondition(eb, 'alerts.district_adcode', scope));
  if (q.status?.length) sel = sel.where('status', 'in', q.status);
  if (q.open !== undefined) sel = sel.where('open_key', q.open ? 'is not' : 'is', null);
  if (q.level?.length) sel = sel.where('level', 'in', q.level);
  if (q.ruleId) sel = sel.where('rule_id', '=', q.ruleId);
  if (q.deviceId) sel = sel.where('device_id', '=', q.deviceId);
  if (q.district) sel = sel.where('district_adcode', '=', q.district);
  if (q.task) sel = sel.where('task', '=', q.task);
  if (q.predicted !== undefined) sel = sel.where('predicted', '=', q.predicted ? 1 : 0);
  if (q.from !== undefined) sel = sel.where('raised_at', '>=', q.from);
  if (q.to !== undefined) sel = sel.where('raised_at', '<', q.to);
  if (q.openAt !== undefined) {
    const at = q.openAt;
    sel = sel
      .where('raised_at', '<=', at)
      .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', at)]))
      .where((eb) => eb.or([eb('status', '!=', 'closed'), eb('updated_at', '>', at)]));
  }
  if (q.department) {
    const d = q.department;
    sel = sel.where((eb) =>
      eb.exists(eb.selectFrom('alert_recipients as r2').select('r2.alert_id').whereRef('r2.alert_id', '=', 'alerts.id').where('r2.department_code', '=', d)),
    );
  }
  const total = Number((await sel.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  const items = await sel.selectAll().orderBy('level').orderBy('raised_at', 'desc').limit(q.limit).offset(q.offset).execute();
  return { items, total };
}

export function getAlert(db: Q, id: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The departments an alert was routed to. */
export async function recipientsOf(db: Q, id: string): Promise<string[]> {
  return (await db.selectFrom('alert_recipients').select('department_code').distinct().where('alert_id', '=', id).execute()).map((r) => r.department_code);
}

export function alertEvents(db: Q, id: string) {
  return db.selectFrom('alert_events').selectAll().where('alert_id', '=', id).orderBy('at').orderBy('id').execute();
}

/** Open alerts of some rule-engine partitions. */
export function openAlertsIn(db: Q, parts: readonly number[]) {
  return db
    .selectFrom('alerts')
    .select(['id', 'open_key', 'level'])
    .where('part', 'in', [...parts])
    .where('open_key', 'is not', null)
    .execute();
}

/** Open alerts' departments and districts, city-wide (operations figures). */
export function openFigures(db: Q, levels?: readonly number[]): Promise<{ department_code: string; district_adcode: string | null }[]> {
  let q = db.selectFrom('alerts').select(['department_code', 'district_adcode']).where('status', 'in', ['raised', 'acknowledged']);
  if (levels?.length) q = q.where('level', 'in', [...levels]);
  return q.execute();
}

/** Open alerts with their rule's definition (to find those told to the public), optionally of one alert. */
export function openWithRules(db: Q, id?: string) {
  let q = db
    .selectFrom('alerts as a')
    .innerJoin('warning_rules as r', 'r.id', 'a.rule_id')
    .select(['a.id', 'a.level', 'a.title_zh', 'a.title_en', 'a.district_adcode', 'a.raised_at', 'a.simulated', 'a.status', 'a.predicted', 'r.definition'])
    .where('a.status', 'in', ['raised', 'acknowledged']);
  if (id !== undefined) q = q.where('a.id', '=', id);
  return q.orderBy('a.raised_at', 'desc').limit(500).execute();
}

/** When the alerts acknowledged since a time were raised and acknowledged. */
export async function acknowledgedSince(db: Q, since: number, levels?: readonly number[]): Promise<{ raisedAt: number; acknowledgedAt: number }[]> {
  let q = db.selectFrom('alerts').select(['raised_at', 'acknowledged_at']).where('acknowledged_at', '>=', since);
  if (levels?.length) q = q.where('level', 'in', [...levels]);
  return (await q.execute()).map((r) => ({ raisedAt: Number(r.raised_at), acknowledgedAt: Number(r.acknowledged_at) }));
}

// ---- maintenance windows ----

/** Windows that have not ended by a time. */
export function windowsNotEndedBy(db: Q, at: number): Promise<MaintenanceRow[]> {
  return db.selectFrom('maintenance_windows').selectAll().where('ends_at', '>', at).execute();
}

export async function insertWindow(db: Q, row: MaintenanceRow): Promise<void> {
  await db.insertInto('maintenance_windows').values(row).execute();
}

export function getWindow(db: Q, id: string): Promise<MaintenanceRow | undefined> {
  return db.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function endWindow(db: Q, id: string, endsAt: number): Promise<void> {
  await db.updateTable('maintenance_windows').set({ ends_at: endsAt }).where('id', '=', id).execute();
}

/** A scope's windows, newest first; only those not ended by `activeAt` when given. */
export function listWindows(db: Q, scope: Scope, activeAt?: number): Promise<MaintenanceRow[]> {
  let q = whereInScope(db.selectFrom('maintenance_windows').selectAll(), scope, { department: 'department_code' });
  if (activeAt !== undefined) q = q.where('ends_at', '>', activeAt);
  return q.orderBy('starts_at', 'desc').limit(500).execute();
}

/** An entry on an alert's timeline. */
export async function insertAlertEvent(db: Q, row: Selectable<AlertEventTable>): Promise<void> {
  await db.insertInto('alert_events').values(row).execute();
}

// ---- the alert service's writes ----

/** Fields an alert change sets (never its id, rule or subject). */
export type AlertSet = Partial<Omit<AlertRow, 'id' | 'rule_id' | 'subject'>>;

/** The open alert of a rule and subject (`open_key` is `<rule>|<subject>`). */
export function openAlertByKey(db: Q, key: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alerts').selectAll().where('open_key', '=', key).executeTakeFirst();
}

/** The newest alert of a rule and subject, open or not. */
export function lastAlertOf(db: Q, ruleId: string, subject: string): Promise<AlertRow | undefined> {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('rule_id', '=', ruleId)
    .where('subject', '=', subject)
    .orderBy('raised_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Open alerts whose hold after clearing has run out. */
export function dueToClear(db: Q, now: number, limit: number): Promise<AlertRow[]> {
  return db.selectFrom('alerts').selectAll().where('clear_due', '<=', now).where('open_key', 'is not', null).limit(limit).execute();
}

export async function updateAlert(db: Q, id: string, set: AlertSet): Promise<void> {
  await db.updateTable('alerts').set(set).where('id', '=', id).execute();
}

/** Updates the alert only if it is still at `rev` (optimistic concurrency); says whether it was. */
export async function updateAlertAtRev(db: Q, id: string, rev: number, set: AlertSet): Promise<boolean> {
  const r = await db.updateTable('alerts').set(set).where('id', '=', id).where('rev', '=', rev).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Inserts a new open alert with its recipients, in a savepoint: false when another process raised
 * the same rule and subject first (the unique `open_key`), and then nothing is written.
 */
export async function insertOpenAlert(db: Transaction<Database>, row: AlertRow, recipients: readonly Recipient[]): Promise<boolean> {
  try {
    await transaction(db, async (sp) => {
      await sp.insertInto('alerts').values(row).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
  if (recipients.length)
    await db
      .insertInto('alert_recipients')
      .values(recipients.map((r) => ({ alert_id: row.id, department_code: r.department, role: r.role })))
      .execute();
  return true;
}
