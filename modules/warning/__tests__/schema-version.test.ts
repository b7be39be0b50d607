/**
 * Stored rule definitions carry their schema version: a rule saved now records the current one, a
 * definition saved under an older schema is upgraded as it is read, and one saved by a newer
 * release is refused by the API (409) and left alone by the engine, which goes on with the others.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { dialects, startApp } from '../../../test/helpers.js';
import { RULE_SCHEMA_VERSION, storedRuleDefinition } from '../rules.service.js';

for (const d of await dialects()) {
  describe(`rule definitions' schema version (${d.name})`, async () => {
    const t = await startApp(d);
    after(() => t.close());

    it('a rule saved now records the current schema version', async () => {
      const row = await sql<{ schema_version: number }>`select schema_version from warning_rules where id = 'waterlogging-depth'`.execute(t.platform.db);
      assert.equal(Number(row.rows[0]?.schema_version), RULE_SCHEMA_VERSION);
    });

    it('a definition saved under an older schema is upgraded as it is read', () => {
      // A hypothetical next schema that renamed `source` to `basis`.
      const stored = JSON.stringify({ name: { zh: '旧', en: 'old' }, source: 'GB 51222' });
      const read = storedRuleDefinition('r-old', stored, RULE_SCHEMA_VERSION, RULE_SCHEMA_VERSION + 1, [
        { from: RULE_SCHEMA_VERSION, up: ({ source, ...rest }: { source: string }) => ({ ...rest, basis: source }) },
      ]);
      assert.deepEqual(read, { name: { zh: '旧', en: 'old' }, basis: 'GB 51222' });
    });

    it('one saved by a newer release answers 409 and the engine goes on without it', async () => {
      await sql`update warning_rules set schema_version = ${RULE_SCHEMA_VERSION + 1} where id = 'waterlogging-depth'`.execute(t.platform.db);
      const admin = await t.login('admin');
      const r = await t.call('GET', '/api/warning/rules/waterlogging-depth', admin);
      assert.equal(r.status, 409);
      assert.match(r.body.detail, /newer release/);
      await t.platform.bus.publish('warning.rule_changed', { id: 'waterlogging-depth', version: -1 });
      await t.bus.settled();
      await t.warning.engine!.idle();
      assert.equal(t.warning.engine!.knowsRule('waterlogging-depth'), false);
      assert.equal(t.warning.engine!.knowsRule('sensor-stuck'), true, 'the other rules still load');
    });
  });
}
