/**
 * Rules kept as data: create, edit (each save is a new version, all versions kept), enable,
 * disable, suspend on a run-time fault and resume. Every change is audited and announced on
 * the bus so every process's engine reloads the rule.
 */
import { listDepartments, listDistricts, listPlanTasks } from '../identity/index.js';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, type Scope, assertVisible, inScope } from '../../platform/auth/scope.js';
import { AppError, type FieldError, notFound } from '../../platform/http/errors.js';
import { problemCount } from '../../platform/i18n/index.js';
import { isUniqueViolation, json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { WarningRuleTable } from './warning.tables.js';
import type { Selectable, Transaction } from 'kysely';
import type { Platform, RequestContext } from '../../platform/context.js';
import { deviceRefs, listTypes } from '../sensing/index.js';
import { type Rule, type RuleCatalog, type RuleDefinition, validateRule } from './rules.js';
import * as store from './rules.store.js';
import { SchemaVersionError, type UpgradeStep, upgradeDefinition } from '../../platform/storage/versioned.js';

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'warning.rule_changed': { id: string; version: number };
    'warning.maintenance_changed': { id: string };
  }
}

export const RULE_ID_RE = /^[a-z0-9][a-z0-9-]{1,63}$/;

/**
 * The schema version of stored rule definitions. Raise it when a definition's shape changes and
 * add a step to RULE_UPGRADES that turns the old shape into the new one: saved rules then load.
 */
export const RULE_SCHEMA_VERSION = 1;
export const RULE_UPGRADES: readonly UpgradeStep[] = [];

/** A stored definition as this release reads it (upgraded from the schema it was saved under). */
export function storedRuleDefinition(
  id: string,
  text: string,
  schemaVersion: number,
  current = RULE_SCHEMA_VERSION,
  steps: readonly UpgradeStep[] = RULE_UPGRADES,
): RuleDefinition {
  try {
    return upgradeDefinition<RuleDefinition>(`Rule ${id}`, json.parse<unknown>(text, {}), schemaVersion, current, steps);
  } catch (err) {
    // Saved by a newer release during a rolling upgrade: this process leaves it alone.
    if (err instanceof SchemaVersionError) throw new AppError('WD_ERR_CONFLICT', err.message);
    throw err;
  }
}

export function toRule(r: Selectable<WarningRuleTable>): Rule {
  const def = storedRuleDefinition(r.id, r.definition, r.schema_version);
  return {
    ...def,
    id: r.id,
    version: r.version,
    enabled: r.enabled === 1,
    status: r.status as Rule['status'],
    suspendedReason: r.suspended_reason,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  };
}

/** Only the definition's own fields, in a stable order, so a stored version is exactly what was validated. */
export function definitionOf(r: RuleDefinition): RuleDefinition {
  return {
    name: r.name,
    ...(r.description !== undefined ? { description: r.description } : {}),
    source: r.source,
    owner: r.owner,
    task: r.task,
    scope: r.scope,
    levels: r.levels,
    ...(r.notify !== undefined ? { notify: r.notify } : {}),
    ...(r.routing !== undefined ? { routing: r.routing } : {}),
    ...(r.clearAfterSeconds !== undefined ? { clearAfterSeconds: r.clearAfterSeconds } : {}),
    ...(r.public !== undefined ? { public: r.public } : {}),
  };
}

export async function catalog(p: Platform): Promise<RuleCatalog> {
  const departments = new Set((await listDepartments(p.db)).map((d) => d.code));
  const tasks = new Set((await listPlanTasks(p.db)).map((t) => t.id));
  const districts = new Set((await listDistricts(p.db, false)).map((d) => d.adcode));
  const types = new Map<string, Set<string>>();
  for (const t of await listTypes(p.db)) types.set(t.id, new Set(t.attributes.map((a) => a.key)));
  return { departments, tasks, districts, types };
}

/** Throws a 400 with every field error when the rule is not sound. */
export async function checkRule(p: Platform, def: RuleDefinition, base = '/body'): Promise<void> {
  const errors = [...validateRule(def, await catalog(p), base), ...(await foreignDevices(p, def, base))];
  if (errors.length) throw new AppError('WD_ERR_VALIDATION', problemCount(errors.length, '规则', 'rule'), { errors });
}

/**
 * Devices a rule lists by id that its owner may not watch (another department's, unless the owner
 * is city-wide): field errors, because the engine would never evaluate them.
 */
export async function foreignDevices(p: Platform, def: RuleDefinition, base = '/body'): Promise<FieldError[]> {
  const ids = def.scope?.devices ?? [];
  if (ids.length === 0 || p.profile.cityWideDepartments.includes(def.owner)) return [];
  const own = new Set((await deviceRefs(p.db, { ids, department: def.owner })).map((r) => r.id));
  return ids.flatMap((id, i) =>
    own.has(id)
      ? []
      : [
          {
            pointer: `${base}/scope/devices/${i}`,
            detail: {
              zh: `设备 ${id} 不属于 ${def.owner}：规则只监测本部门的设备`,
              en: `no device ${id} of ${def.owner}: a rule watches only its owner's devices`,
            },
          },
        ],
  );
}

/** A department's staff manage their own department's rules; the platform admin and duty officers any. */
function assertMayManage(principal: Principal, owner: string): void {
  if (principal.scope.departments === ALL) return;
  if (!inScope(principal.scope, { department: owner, district: null }))
    throw new AppError('WD_ERR_OUT_OF_SCOPE', { zh: `${owner} 的规则由该部门管理`, en: `Rules of ${owner} are managed by that department` });
}

/**
 * A department's rules are its own data (they name its devices and its thresholds): a caller sees
 * the rules its departments own; city-wide roles see every rule. Without a scope: all (the system).
 */
export async function listRules(p: Platform, scope?: Scope): Promise<Rule[]> {
  return (await store.listRuleRows(p.db, scope)).map(toRule);
}

/** A rule, if the caller may see it (the same 404 as for an unknown id otherwise); the system sees all. */
export async function getRule(p: Platform, id: string, principal: Principal | null = null): Promise<Rule> {
  const r = await store.getRuleRow(p.db, id);
  if (!r) throw notFound('Rule', id);
  if (principal) assertVisible(principal, { department: r.owner, district: null }, 'Rule', id);
  return toRule(r);
}

export async function ruleVersions(p: Platform, id: string, principal: Principal | null = null) {
  await getRule(p, id, principal);
  const rows = await store.listRuleVersions(p.db, id);
  return rows.map((r) => ({
    version: r.version,
    enabled: r.enabled === 1,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
    definition: storedRuleDefinition(id, r.definition, r.schema_version),
  }));
}

/** A version of a rule: its row's columns (a saved version clears a suspension) and its history row. */
function ruleVersion(id: string, def: RuleDefinition, enabled: boolean, version: number, by: string | null, now: number) {
  const definition = JSON.stringify(definitionOf(def));
  const common = { version, definition, schema_version: RULE_SCHEMA_VERSION, enabled: enabled ? 1 : 0 };
  return {
    row: { ...common, status: enabled ? 'active' : 'disabled', suspended_reason: null, owner: def.owner, task: def.task, updated_at: now },
    history: { ...common, rule_id: id, changed_by: by, changed_at: now },
  };
}

/** Stores version 1 of a rule (the rule and its first version row), inside the caller's transaction. */
export async function insertRule(trx: Transaction<Database>, id: string, def: RuleDefinition, enabled: boolean, by: string | null, now: number): Promise<void> {
  const v = ruleVersion(id, def, enabled, 1, by, now);
  await store.insertRuleRow(trx, { ...v.row, id, created_by: by, created_at: now });
  await store.insertRuleVersion(trx, v.history);
}

/** What is wrong with a new rule's id (the editor's check and the save use the same). */
export function ruleIdErrors(id: string, base = '/body'): FieldError[] {
  return RULE_ID_RE.test(id)
    ? []
    : [
        {
          pointer: `${base}/id`,
          detail: {
            zh: '规则编号须为 2–64 个小写字母、数字或 -，以字母或数字开头（不能有空格和中文）',
            en: 'Rule id: 2 to 64 lower-case letters, digits and -, starting with a letter or digit',
          },
        },
      ];
}

export async function createRule(p: Platform, id: string, def: RuleDefinition, enabled: boolean, ctx: RequestContext): Promise<Rule> {
  const bad = ruleIdErrors(id);
  if (bad.length) throw new AppError('WD_ERR_VALIDATION', bad[0]!.detail, { errors: bad });
  if (ctx.principal) assertMayManage(ctx.principal, def.owner);
  await checkRule(p, def);
  const now = p.now();
  try {
    await transaction(p.db, async (trx) => {
      await insertRule(trx, id, def, enabled, ctx.principal?.id ?? null, now);
      await appendAudit(trx, { ...actorOf(ctx), action: 'rule.created', targetType: 'warning_rule', targetId: id, details: { version: 1, enabled }, at: now });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('WD_ERR_CONFLICT', `Rule ${id} exists`);
    throw err;
  }
  await p.bus.publish('warning.rule_changed', { id, version: 1 });
  return getRule(p, id);
}

/**
 * Saves a new version. `expectVersion` is the version the editor loaded (409 if someone saved
 * since). Saving a suspended rule clears the suspension: the edit is the fix.
 */
export async function updateRule(p: Platform, id: string, def: RuleDefinition, enabled: boolean, expectVersion: number, ctx: RequestContext): Promise<Rule> {
  const cur = await getRule(p, id, ctx.principal);
  if (ctx.principal) {
    assertMayManage(ctx.principal, cur.owner);
    assertMayManage(ctx.principal, def.owner);
  }
  await checkRule(p, def);
  const now = p.now();
  const version = expectVersion + 1;
  const v = ruleVersion(id, def, enabled, version, ctx.principal?.id ?? null, now);
  await transaction(p.db, async (trx) => {
    const updated = await store.updateRuleRow(trx, id, expectVersion, v.row);
    if (!updated) throw new AppError('WD_ERR_VERSION_CONFLICT', `Rule ${id} is at version ${cur.version}, not ${expectVersion}; reload it`);
    await store.insertRuleVersion(trx, v.history);
    await appendAudit(trx, { ...actorOf(ctx), action: 'rule.updated', targetType: 'warning_rule', targetId: id, details: { version, enabled }, at: now });
  });
  await p.bus.publish('warning.rule_changed', { id, version });
  return getRule(p, id);
}

export async function setEnabled(p: Platform, id: string, enabled: boolean, ctx: RequestContext): Promise<Rule> {
  const cur = await getRule(p, id);
  return updateRule(p, id, cur, enabled, cur.version, ctx);
}

/** Suspends a rule that fails at run time; it stays suspended, with the reason shown, until edited or resumed. */
export async function suspendRule(p: Platform, id: string, reason: string): Promise<void> {
  const now = p.now();
  const upd = await transaction(p.db, async (trx) => {
    const suspended = await store.suspendRuleRow(trx, id, reason.slice(0, 1000), now);
    if (suspended)
      await appendAudit(trx, { action: 'rule.suspended', outcome: 'failure', targetType: 'warning_rule', targetId: id, details: { reason }, at: now });
    return suspended;
  });
  if (upd) await p.bus.publish('warning.rule_changed', { id, version: -1 });
}

export async function resumeRule(p: Platform, id: string, ctx: RequestContext): Promise<Rule> {
  const cur = await getRule(p, id, ctx.principal);
  if (ctx.principal) assertMayManage(ctx.principal, cur.owner);
  if (cur.status !== 'suspended') throw new AppError('WD_ERR_CONFLICT', `Rule ${id} is ${cur.status}, not suspended`);
  await transaction(p.db, async (trx) => {
    await store.resumeRuleRow(trx, id, p.now());
    await appendAudit(trx, { ...actorOf(ctx), action: 'rule.resumed', targetType: 'warning_rule', targetId: id, at: p.now() });
  });
  await p.bus.publish('warning.rule_changed', { id, version: cur.version });
  return getRule(p, id);
}

export async function deleteRule(p: Platform, id: string, ctx: RequestContext): Promise<void> {
  const cur = await getRule(p, id, ctx.principal);
  if (ctx.principal) assertMayManage(ctx.principal, cur.owner);
  await transaction(p.db, async (trx) => {
    await store.deleteRuleRows(trx, id);
    await appendAudit(trx, { ...actorOf(ctx), action: 'rule.deleted', targetType: 'warning_rule', targetId: id, at: p.now() });
  });
  await p.bus.publish('warning.rule_changed', { id, version: 0 });
}
