/**
 * The city's seed warning rules, from its profile (`warning-rules`; Shiyan's in
 * profiles/shiyan/seeds/warning-rules.json). Each cites where its thresholds come from; all are
 * data that the owning department can change in the console. A seed rule is added once: one
 * deleted by its department does not come back on the next start.
 */
import { appendAudit } from '../../platform/audit/audit.js';
import { getSetting, putSetting, transaction } from '../../platform/storage/db.js';
import type { Platform } from '../../platform/context.js';
import type { RuleDefinition } from './rules.js';
import { validateRule } from './rules.js';
import { catalog, insertRule } from './rules.service.js';
import { ruleExists } from './rules.store.js';
import { seedList } from '../../platform/profile/seeds.js';

const SEEDED_KEY = 'warning.seeded_rules';

/** Adds the seed rules not added before. */
export async function seedRules(p: Platform): Promise<void> {
  const seeded = new Set(await getSetting<string[]>(p.db, SEEDED_KEY, []));
  const todo = seedList<RuleDefinition & { enabled?: boolean }>(p, 'warning-rules').filter((r) => !seeded.has(r.id));
  if (todo.length === 0) return;
  const cat = await catalog(p);
  const now = p.now();
  await transaction(p.db, async (trx) => {
    for (const r of todo) {
      const { id, enabled = true, ...def } = r;
      const errors = validateRule(def, cat, `/seed/${id}`);
      if (errors.length) {
        // A profile without a department or task the rule needs (another city): skip it, say why.
        p.log.warn({ rule: id, errors }, 'seed rule skipped');
        continue;
      }
      if (!(await ruleExists(trx, id))) {
        await insertRule(trx, id, def, enabled, null, now);
        await appendAudit(trx, { action: 'rule.seeded', targetType: 'warning_rule', targetId: id, details: { source: def.source }, at: now });
      }
      seeded.add(id);
    }
    await putSetting(trx, SEEDED_KEY, [...seeded].sort(), now);
  });
}
