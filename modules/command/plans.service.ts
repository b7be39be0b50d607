/**
 * The plan library: create and revise plans (every save a new version, all versions kept), retire
 * them, list and read them. Plans are public within the government: everyone who may read the
 * command module sees every plan; each department writes and revises its own (the duty officers
 * and the platform administrator any). Every change is audited.
 */
import { listDepartments } from '../identity/index.js';
import * as store from './plans.store.js';
import type { Selectable, Transaction } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, inScope } from '../../platform/auth/scope.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { problemCount, text } from '../../platform/i18n/index.js';
import { isUniqueViolation, json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { EmPlanTable } from './command.tables.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { type PlanCatalog, type PlanDefinition, validatePlan } from './plans.js';
import { SchemaVersionError, type UpgradeStep, upgradeDefinition } from '../../platform/storage/versioned.js';

export const PLAN_ID_RE = /^[a-z0-9][a-z0-9-]{1,63}$/;

export interface Plan extends PlanDefinition {
  id: string;
  version: number;
  status: 'active' | 'retired';
  createdBy: string | null;
  updatedBy: string | null;
  updatedAt: number;
}

/**
 * The schema version of stored plan definitions. Raise it when a definition's shape changes and
 * add a step to PLAN_UPGRADES that turns the old shape into the new one: saved plans then load.
 */
export const PLAN_SCHEMA_VERSION = 1;
export const PLAN_UPGRADES: readonly UpgradeStep[] = [];

/** A stored definition as this release reads it (upgraded from the schema it was saved under). */
export function storedPlanDefinition(
  id: string,
  text: string,
  schemaVersion: number,
  current = PLAN_SCHEMA_VERSION,
  steps: readonly UpgradeStep[] = PLAN_UPGRADES,
): PlanDefinition {
  try {
    return upgradeDefinition<PlanDefinition>(`Plan ${id}`, json.parse<unknown>(text, {}), schemaVersion, current, steps);
  } catch (err) {
    // Saved by a newer release during a rolling upgrade: this process leaves it alone.
    if (err instanceof SchemaVersionError) throw new AppError('WD_ERR_CONFLICT', err.message);
    throw err;
  }
}

export function toPlan(r: Selectable<EmPlanTable>): Plan {
  const def = storedPlanDefinition(r.id, r.definition, r.schema_version);
  return {
    ...def,
    id: r.id,
    version: r.version,
    status: r.status as Plan['status'],
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

/** Only the definition's own fields, in a stable order: a stored version is exactly what was validated. */
export function planDefinitionOf(p: PlanDefinition): PlanDefinition {
  return {
    title: p.title,
    kind: p.kind,
    subkinds: p.subkinds,
    owner: p.owner,
    reviewBy: p.reviewBy,
    source: p.source,
    levels: [...p.levels]
      .sort((a, b) => b.level - a.level)
      .map((l) => ({
        level: l.level,
        lead: l.lead,
        units: l.units.map((u) => ({
          unit: u.unit,
          tasks: u.tasks.map((t) => ({
            key: t.key,
            title: t.title,
            acceptMinutes: t.acceptMinutes,
            deadlineMinutes: t.deadlineMinutes,
            reportEveryMinutes: t.reportEveryMinutes,
          })),
        })),
        resources: (l.resources ?? []).map((r) => ({ type: r.type, quantity: r.quantity, ...(r.unit !== undefined ? { unit: r.unit } : {}) })),
        ...(l.raiseWhen !== undefined ? { raiseWhen: l.raiseWhen } : {}),
        ...(l.lowerWhen !== undefined ? { lowerWhen: l.lowerWhen } : {}),
        endWhen: l.endWhen,
      })),
  };
}

export async function planCatalog(db: Platform['db'] | Transaction<Database>): Promise<PlanCatalog> {
  return { departments: new Set((await listDepartments(db)).map((d) => d.code)) };
}

/** Throws a 400 with every field error when the plan is not sound. */
export async function checkPlan(p: Platform, def: PlanDefinition, base = '/body'): Promise<void> {
  const errors = validatePlan(def, await planCatalog(p.db), base);
  if (errors.length) throw new AppError('WD_ERR_VALIDATION', problemCount(errors.length, '预案', 'plan'), { errors });
}

function assertMayManage(principal: Principal, owner: string): void {
  if (principal.scope.departments === ALL) return;
  if (!inScope(principal.scope, { department: owner, district: null }))
    throw new AppError('WD_ERR_OUT_OF_SCOPE', `Plans of ${owner} are written by that department`);
}

export async function listPlans(p: Platform, q: { subkind?: string; status?: string } = {}): Promise<Plan[]> {
  const plans = (await store.listPlanRows(p.db, q.status)).map(toPlan);
  return q.subkind ? plans.filter((x) => x.subkinds.includes(q.subkind!)) : plans;
}

export async function getPlan(p: Platform, id: string): Promise<Plan> {
  const r = await store.getPlanRow(p.db, id);
  if (!r) throw notFound('Plan', id);
  return toPlan(r);
}

export async function planVersions(p: Platform, id: string) {
  await getPlan(p, id);
  const rows = await store.listPlanVersions(p.db, id);
  return rows.map((r) => ({
    version: r.version,
    status: r.status,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
    note: r.note,
    definition: storedPlanDefinition(id, r.definition, r.schema_version),
  }));
}

/** Stores version 1 of a plan inside the caller's transaction. */
export async function insertPlan(
  trx: Transaction<Database>,
  id: string,
  def: PlanDefinition,
  by: string | null,
  now: number,
  note: string | null,
): Promise<void> {
  const d = planDefinitionOf(def);
  const text = JSON.stringify(d);
  await store.insertPlanRow(trx, {
    id,
    version: 1,
    kind: d.kind,
    owner: d.owner,
    subkinds: JSON.stringify(d.subkinds),
    review_by: d.reviewBy,
    definition: text,
    schema_version: PLAN_SCHEMA_VERSION,
    status: 'active',
    created_by: by,
    created_at: now,
    updated_by: by,
    updated_at: now,
  });
  await store.insertPlanVersion(trx, {
    plan_id: id,
    version: 1,
    definition: text,
    schema_version: PLAN_SCHEMA_VERSION,
    status: 'active',
    changed_by: by,
    changed_at: now,
    note,
  });
}

export async function createPlan(p: Platform, id: string, def: PlanDefinition, ctx: RequestContext): Promise<Plan> {
  if (!PLAN_ID_RE.test(id))
    throw new AppError('WD_ERR_VALIDATION', text('预案编号不符合要求', 'Plan id is not valid'), {
      errors: [
        {
          pointer: '/body/id',
          detail: text('预案编号须为 2–64 个小写字母、数字或 -', 'lower-case letters, digits and -, 2 to 64 characters'),
        },
      ],
    });
  if (ctx.principal) assertMayManage(ctx.principal, def.owner);
  await checkPlan(p, def);
  const now = p.now();
  try {
    await transaction(p.db, async (trx) => {
      await insertPlan(trx, id, def, ctx.principal?.id ?? null, now, null);
      await appendAudit(trx, { ...actorOf(ctx), action: 'plan.created', targetType: 'em_plan', targetId: id, details: { version: 1 }, at: now });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('WD_ERR_CONFLICT', `Plan ${id} exists`);
    throw err;
  }
  return getPlan(p, id);
}

/**
 * Saves a revision (a new version). `expectVersion` is the version the editor loaded: 409 when
 * someone saved since. `note` says what changed and why (a review's lessons, a drill's findings).
 */
export async function revisePlan(
  p: Platform,
  id: string,
  def: PlanDefinition,
  expectVersion: number,
  ctx: RequestContext,
  opts: { status?: 'active' | 'retired'; note?: string } = {},
): Promise<Plan> {
  const cur = await getPlan(p, id);
  if (ctx.principal) {
    assertMayManage(ctx.principal, cur.owner);
    assertMayManage(ctx.principal, def.owner);
  }
  await checkPlan(p, def);
  const now = p.now();
  const d = planDefinitionOf(def);
  const text = JSON.stringify(d);
  const version = expectVersion + 1;
  const status = opts.status ?? cur.status;
  await transaction(p.db, async (trx) => {
    const updated = await store.updatePlanRow(trx, id, expectVersion, {
      version,
      kind: d.kind,
      owner: d.owner,
      subkinds: JSON.stringify(d.subkinds),
      review_by: d.reviewBy,
      definition: text,
      schema_version: PLAN_SCHEMA_VERSION,
      status,
      updated_by: ctx.principal?.id ?? null,
      updated_at: now,
    });
    if (!updated) throw new AppError('WD_ERR_VERSION_CONFLICT', `Plan ${id} is at version ${cur.version}, not ${expectVersion}; reload it`);
    await store.insertPlanVersion(trx, {
      plan_id: id,
      version,
      definition: text,
      schema_version: PLAN_SCHEMA_VERSION,
      status,
      changed_by: ctx.principal?.id ?? null,
      changed_at: now,
      note: opts.note ?? null,
    });
    await appendAudit(trx, {
      ...actorOf(ctx),
      action: status === 'retired' && cur.status !== 'retired' ? 'plan.retired' : 'plan.revised',
      targetType: 'em_plan',
      targetId: id,
      details: { version, ...(opts.note ? { note: opts.note } : {}) },
      at: now,
    });
  });
  return getPlan(p, id);
}
