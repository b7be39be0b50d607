/** SQL for incidents, their tasks and the review (tasks are workflow instances: some reads join the kernel's tables). */
import { type Kysely, type SelectQueryBuilder, type Selectable, type Transaction, sql } from 'kysely';
import { ALL, type Scope, districtCondition, restrictsDistricts } from '../../platform/auth/scope.js';
import type { RequestContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import type { Database } from '../../platform/storage/schema.js';
import type { EmIncidentEventTable, EmIncidentTable, EmTaskReportTable, EmTaskTable } from './command.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

/** When each task was accepted, completed or cancelled (from the workflow steps). */
export function taskStepTimes(db: Q, taskIds: readonly string[]): Promise<{ instance_id: string; action: string; at: number }[]> {
  if (taskIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('workflow_steps')
    .select(['instance_id', 'action', 'at'])
    .where('instance_id', 'in', [...taskIds])
    .where('action', 'in', ['accept', 'complete', 'cancel'])
    .execute();
}

export function taskCreatedTimes(db: Q, incidentId: string): Promise<{ id: string; created_at: number }[]> {
  return db.selectFrom('em_tasks').select(['id', 'created_at']).where('incident_id', '=', incidentId).execute();
}

export async function incidentLessons(db: Q, id: string): Promise<string | null> {
  return (await db.selectFrom('em_incidents').select('lessons').where('id', '=', id).executeTakeFirstOrThrow()).lessons;
}

/** Records lessons on an ended incident; false when the incident has not ended. */
export async function setLessons(db: Q, id: string, lessons: string, now: number): Promise<boolean> {
  const r = await db.updateTable('em_incidents').set({ lessons, updated_at: now }).where('id', '=', id).where('status', '=', 'ended').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- incidents ----

export type IncidentRow = Selectable<EmIncidentTable>;
export type TaskRow = Selectable<EmTaskTable>;

export function getIncident(db: Q, id: string): Promise<IncidentRow | undefined> {
  return db.selectFrom('em_incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertIncident(db: Q, row: IncidentRow, alertIds: readonly string[], at: number): Promise<void> {
  await db.insertInto('em_incidents').values(row).execute();
  for (const alertId of alertIds) await db.insertInto('em_incident_alerts').values({ incident_id: row.id, alert_id: alertId, linked_at: at }).execute();
}

/** Saves a change at the revision read; false when someone changed the incident since. */
export async function updateIncident(db: Q, id: string, rev: number, set: Partial<IncidentRow>): Promise<boolean> {
  const r = await db
    .updateTable('em_incidents')
    .set({ ...set, rev: rev + 1 })
    .where('id', '=', id)
    .where('rev', '=', rev)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Restricts a query on em_incidents to what a scope may see: inside its districts (or with no
 * district), and one of its departments involved.
 */
export function scopedIncidents<O>(q: SelectQueryBuilder<Database, 'em_incidents', O>, scope: Scope): SelectQueryBuilder<Database, 'em_incidents', O> {
  let query = q;
  if (restrictsDistricts(scope)) query = query.where((eb) => districtCondition(eb, 'em_incidents.district_adcode', scope));
  if (scope.departments !== ALL) {
    const depts = [...scope.departments];
    query =
      depts.length === 0
        ? query.where(sql<boolean>`1 = 0`)
        : query.where((eb) =>
            eb.exists(
              eb
                .selectFrom('em_incident_units as iu')
                .select('iu.incident_id')
                .whereRef('iu.incident_id', '=', 'em_incidents.id')
                .where('iu.department_code', 'in', depts),
            ),
          );
  }
  return query;
}

export function listIncidents(
  db: Q,
  scope: Scope,
  q: { status?: string | undefined; drill?: boolean | undefined; activeAt?: number | undefined; limit: number },
) {
  let query = scopedIncidents(db.selectFrom('em_incidents').selectAll().orderBy('created_at', 'desc').limit(q.limit), scope);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.activeAt !== undefined) {
    const at = q.activeAt;
    query = query.where('created_at', '<=', at).where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', at)]));
  }
  if (q.drill !== undefined) query = query.where('drill', '=', q.drill ? 1 : 0);
  return query.execute();
}

/** Incidents created since a time or not ended, real or drills, within a scope (statistics). */
export function incidentsForStats(db: Q, scope: Scope, since: number, drill: boolean) {
  return scopedIncidents(
    db
      .selectFrom('em_incidents')
      .select(['id', 'status', 'level', 'subkind'])
      .where('drill', '=', drill ? 1 : 0)
      .where((eb) => eb.or([eb('created_at', '>=', since), eb('status', '!=', 'ended')])),
    scope,
  ).execute();
}

/** Real incidents under way (drills never count in the city's figures). */
export function realIncidentsUnderWay(db: Q) {
  return db.selectFrom('em_incidents').select(['id', 'district_adcode']).where('drill', '=', 0).where('status', '!=', 'ended').execute();
}

/** The open incident (real or drill) an alert is part of, if any. */
export function openIncidentOfAlert(db: Q, alertId: string, drill: boolean): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('em_incident_alerts')
    .innerJoin('em_incidents', 'em_incidents.id', 'em_incident_alerts.incident_id')
    .select('em_incidents.id')
    .where('em_incident_alerts.alert_id', '=', alertId)
    .where('em_incidents.status', '!=', 'ended')
    .where('em_incidents.drill', '=', drill ? 1 : 0)
    .executeTakeFirst();
}

export async function alertsOfIncident(db: Q, id: string): Promise<string[]> {
  return (await db.selectFrom('em_incident_alerts').select('alert_id').where('incident_id', '=', id).execute()).map((r) => r.alert_id);
}

// ---- who is involved ----

/** Whether any of these departments is involved in the incident. */
export async function involvesAny(db: Q, incidentId: string, departments: readonly string[]): Promise<boolean> {
  if (departments.length === 0) return false;
  const hit = await db
    .selectFrom('em_incident_units')
    .select('department_code')
    .where('incident_id', '=', incidentId)
    .where('department_code', 'in', [...departments])
    .executeTakeFirst();
  return hit !== undefined;
}

/** Records departments as involved in an incident (idempotent). */
export async function involve(db: Q, incidentId: string, departments: readonly string[], at: number): Promise<void> {
  if (departments.length === 0) return;
  await db
    .insertInto('em_incident_units')
    .values(departments.map((d) => ({ incident_id: incidentId, department_code: d, since: at })))
    .onConflict((oc) => oc.columns(['incident_id', 'department_code']).doNothing())
    .execute();
}

export async function involvedUnits(db: Q, incidentId: string): Promise<string[]> {
  return (await db.selectFrom('em_incident_units').select('department_code').where('incident_id', '=', incidentId).execute()).map((r) => r.department_code);
}

// ---- timeline ----

export type IncidentEventRow = Selectable<EmIncidentEventTable>;

export async function insertIncidentEvents(db: Q, rows: IncidentEventRow[]): Promise<void> {
  if (rows.length) await db.insertInto('em_incident_events').values(rows).execute();
}

export function incidentEvents(db: Q, id: string): Promise<IncidentEventRow[]> {
  return db.selectFrom('em_incident_events').selectAll().where('incident_id', '=', id).orderBy('at').orderBy('id').execute();
}

// ---- tasks (workflow instances of `emergency.task`) ----

export function getTaskRow(db: Q, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom('em_tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertTasks(db: Q, rows: TaskRow[]): Promise<void> {
  if (rows.length) await db.insertInto('em_tasks').values(rows).execute();
}

/** A task with its workflow state and revision. */
export function taskWithState(db: Q, id: string) {
  return db
    .selectFrom('em_tasks')
    .innerJoin('workflow_instances', 'workflow_instances.id', 'em_tasks.id')
    .selectAll('em_tasks')
    .select(['workflow_instances.state', 'workflow_instances.rev'])
    .where('em_tasks.id', '=', id)
    .executeTakeFirst();
}

/** An incident's tasks still open (their workflow not closed), with their state. */
export function openTasks(db: Q, incidentId: string) {
  return db
    .selectFrom('em_tasks')
    .innerJoin('workflow_instances', 'workflow_instances.id', 'em_tasks.id')
    .selectAll('em_tasks')
    .select('workflow_instances.state')
    .where('em_tasks.incident_id', '=', incidentId)
    .where('workflow_instances.closed_at', 'is', null)
    .execute();
}

/** A unit's open tasks across incidents, with their incident, state and deadline, soonest deadline first. */
export function unitOpenTasks(db: Q, unit: string) {
  return db
    .selectFrom('em_tasks')
    .innerJoin('workflow_instances', 'workflow_instances.id', 'em_tasks.id')
    .innerJoin('em_incidents', 'em_incidents.id', 'em_tasks.incident_id')
    .selectAll('em_tasks')
    .select([
      'workflow_instances.state',
      'workflow_instances.rev',
      'workflow_instances.deadline_at',
      'em_incidents.title as incident_title',
      'em_incidents.drill',
    ])
    .where('em_tasks.unit', '=', unit)
    .where('workflow_instances.closed_at', 'is', null)
    .orderBy('workflow_instances.deadline_at')
    .limit(200)
    .execute();
}

/** An incident's tasks with their state, revision and deadline, oldest first (the board). */
export function boardTasks(db: Q, incidentId: string) {
  return db
    .selectFrom('em_tasks')
    .innerJoin('workflow_instances', 'workflow_instances.id', 'em_tasks.id')
    .selectAll('em_tasks')
    .select(['workflow_instances.state', 'workflow_instances.rev', 'workflow_instances.deadline_at'])
    .where('em_tasks.incident_id', '=', incidentId)
    .orderBy('em_tasks.created_at')
    .execute();
}

/** Every task of these incidents with its state and deadline (progress figures). */
export function taskStates(db: Q, incidentIds: readonly string[]) {
  if (incidentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('em_tasks')
    .innerJoin('workflow_instances', 'workflow_instances.id', 'em_tasks.id')
    .select(['em_tasks.incident_id as incident', 'workflow_instances.state as state', 'workflow_instances.deadline_at as deadline'])
    .where('em_tasks.incident_id', 'in', [...incidentIds])
    .execute();
}

/** When the tasks of these incidents were dispatched and accepted. */
export function acceptTimes(db: Q, incidentIds: readonly string[]) {
  if (incidentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('workflow_steps')
    .innerJoin('em_tasks', 'em_tasks.id', 'workflow_steps.instance_id')
    .select(['workflow_steps.at as at', 'em_tasks.created_at as created'])
    .where('em_tasks.incident_id', 'in', [...incidentIds])
    .where('workflow_steps.action', '=', 'accept')
    .execute();
}

export async function insertTaskReport(db: Q, row: Selectable<EmTaskReportTable>): Promise<void> {
  await db.insertInto('em_task_reports').values(row).execute();
  await db.updateTable('em_tasks').set({ last_report_at: row.at }).where('id', '=', row.task_id).execute();
}

/** An entry on an incident's timeline, in the caller's transaction. */
export async function appendIncidentEvent(
  trx: Q,
  e: { incidentId: string; at: number; ctx: RequestContext | null; unit: string | null; kind: string; text: string | null; data?: Record<string, unknown> },
): Promise<void> {
  await insertIncidentEvents(trx, [
    {
      id: newId('iev'),
      incident_id: e.incidentId,
      at: e.at,
      actor_id: e.ctx?.principal?.id ?? null,
      actor_name: e.ctx?.principal?.displayName ?? e.ctx?.principal?.name ?? null,
      unit: e.unit,
      kind: e.kind,
      text: e.text,
      data: e.data ? JSON.stringify(e.data) : null,
    },
  ]);
}
