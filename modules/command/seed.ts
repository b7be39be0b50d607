/**
 * The city's seed emergency plans and sample resources, from its profile (`emergency-plans`,
 * `demo-resources`; Shiyan's in profiles/shiyan/seeds/, described in its README). A plan is
 * stored once and never overwritten: its owner revises it in the plan editor, and every
 * revision is a new version.
 */
import { listDepartments } from '../identity/index.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { getSetting, putSetting, transaction } from '../../platform/storage/db.js';
import { type Platform, SYSTEM_CONTEXT } from '../../platform/context.js';
import { seedList } from '../../platform/profile/seeds.js';
import { type PlanDefinition, validatePlan } from './plans.js';
import { insertPlan, planCatalog } from './plans.service.js';
import { planExists } from './plans.store.js';
import type { ResourceInput, ResourceService } from './resources.service.js';

const SEEDED_KEY = 'command.seeded_plans';

/** Stores the seed plans not yet seeded (never overwrites a plan a department has revised). */
export async function seedPlans(p: Platform): Promise<void> {
  const seeded = new Set(await getSetting<string[]>(p.db, SEEDED_KEY, []));
  const todo = seedList<PlanDefinition>(p, 'emergency-plans').filter((x) => !seeded.has(x.id));
  if (todo.length === 0) return;
  const cat = await planCatalog(p.db);
  const now = p.now();
  await transaction(p.db, async (trx) => {
    for (const { id, ...def } of todo) {
      const errors = validatePlan(def, cat, `/seed/${id}`);
      if (errors.length) {
        p.log.warn({ plan: id, errors }, 'seed plan not valid here; skipped');
        continue;
      }
      if (!(await planExists(trx, id))) {
        await insertPlan(trx, id, def, null, now, 'seed');
        await appendAudit(trx, { action: 'plan.seeded', targetType: 'em_plan', targetId: id, details: { source: def.source }, at: now });
      }
      seeded.add(id);
    }
    await putSetting(trx, SEEDED_KEY, [...seeded].sort(), now);
  });
}

const RESOURCES_KEY = 'command.seeded_resources';

export async function seedResources(p: Platform, resources: ResourceService): Promise<void> {
  if ((await getSetting<number | null>(p.db, RESOURCES_KEY, null)) !== null) return;
  const departments = new Set((await listDepartments(p.db)).map((d) => d.code));
  const samples = seedList<ResourceInput>(p, 'demo-resources');
  for (const r of samples) if (departments.has(r.department)) await resources.create(r, SYSTEM_CONTEXT);
  await putSetting(p.db, RESOURCES_KEY, samples.length, p.now());
}
