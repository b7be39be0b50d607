import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { dialects } from '../../../test/helpers.js';
import { appendAudit, appendAuditMany, queryAudit, verifyAuditChain } from '../audit.js';

for (const d of await dialects()) {
  describe(`audit log on ${d.name}`, async () => {
    const s = await d.open();
    after(() => s.close());

    const dropGuards = async () => {
      if (d.name === 'sqlite') {
        await sql`drop trigger audit_log_no_update`.execute(s.db);
        await sql`drop trigger audit_log_no_delete`.execute(s.db);
      } else {
        await sql`drop trigger audit_log_no_change on audit_log`.execute(s.db);
      }
    };

    it('chains appended records and verifies them', async () => {
      for (let i = 0; i < 20; i++) await appendAudit(s.db, { action: 'auth.login', actorId: `usr_${i}`, details: { i } });
      const v = await verifyAuditChain(s.db, 7);
      assert.deepEqual(v, { ok: true, checked: 20, problems: [] });
    });

    it('keeps appends from concurrent callers in one unbroken chain', async () => {
      await Promise.all(Array.from({ length: 30 }, (_, i) => appendAudit(s.db, { action: 'data.read', details: { i } })));
      const v = await verifyAuditChain(s.db);
      assert.equal(v.ok, true, JSON.stringify(v.problems));
      assert.equal(v.checked, 50);
    });

    it('refuses updates and deletes at the database', async () => {
      await assert.rejects(s.db.updateTable('audit_log').set({ action: 'x' }).where('seq', '=', 1).execute(), /append-only/);
      await assert.rejects(s.db.deleteFrom('audit_log').where('seq', '=', 1).execute(), /append-only/);
    });

    it('finds records by action, actor and time', async () => {
      const rows = await queryAudit(s.db, { action: 'auth.*', actorId: 'usr_3', limit: 10 });
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.action, 'auth.login');
      const latest = await queryAudit(s.db, { limit: 5 });
      assert.deepEqual(
        latest.map((r) => r.seq),
        [50, 49, 48, 47, 46],
      );
    });

    it('detects an edited record, a deleted record and a deleted tail', async () => {
      await dropGuards();
      await s.db.updateTable('audit_log').set({ details: '{"i":999}' }).where('seq', '=', 5).execute();
      let v = await verifyAuditChain(s.db);
      assert.equal(v.ok, false);
      assert.ok(v.problems.some((p) => p.seq === 5 && /edited/.test(p.reason)));

      await s.db.deleteFrom('audit_log').where('seq', '=', 10).execute();
      v = await verifyAuditChain(s.db);
      assert.ok(v.problems.some((p) => p.seq === 10 && /missing/.test(p.reason)));

      await s.db.deleteFrom('audit_log').where('seq', '=', 50).execute();
      v = await verifyAuditChain(s.db);
      assert.ok(v.problems.some((p) => /tail deleted/.test(p.reason)));
    });
  });
  describe(`grouped audit appends on ${d.name}`, async () => {
    const s = await d.open();
    after(() => s.close());
    it('appends a group in one transaction, chained in order, between single appends', async () => {
      const head = (await s.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;
      const rows = await appendAuditMany(
        s.db,
        Array.from({ length: 600 }, (_, i) => ({ action: 'sharing.gateway_call', details: { i } })),
      );
      assert.deepEqual(
        rows.slice(0, 2).map((r) => r.seq),
        [head + 1, head + 2],
      );
      await appendAudit(s.db, { action: 'data.read' });
      const v = await verifyAuditChain(s.db, 250);
      assert.deepEqual(v, { ok: true, checked: head + 601, problems: [] });
      assert.deepEqual(await appendAuditMany(s.db, []), []);
    });
  });
}
