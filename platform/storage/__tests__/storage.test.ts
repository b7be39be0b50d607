import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { dialects, migrateAll, migrationNames } from '../../../test/helpers.js';
import { isUniqueViolation, transaction } from '../db.js';

for (const d of await dialects()) {
  describe(`storage on ${d.name}`, async () => {
    const s = await d.open();
    after(() => s.close());

    const setting = (key: string) => ({ key, value: '1', updated_at: 0, updated_by: null });
    const count = async () =>
      Number(
        (
          await s.db
            .selectFrom('settings')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('applies every migration, and running again changes nothing', async () => {
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(s.db);

      assert.deepEqual(
        rows.rows.map((r) => r.name),
        migrationNames(),
      );
      assert.deepEqual(await migrateAll(s.db), []);
    });

    it('commits a transaction and rolls one back on error', async () => {
      await transaction(s.db, async (trx) => {
        await trx.insertInto('settings').values(setting('t.commit')).execute();
      });
      await assert.rejects(
        transaction(s.db, async (trx) => {
          await trx.insertInto('settings').values(setting('t.rollback')).execute();
          throw new Error('boom');
        }),
        /boom/,
      );
      const keys = (await s.db.selectFrom('settings').select('key').where('key', 'like', 't.%').execute()).map((r) => r.key);
      assert.deepEqual(keys, ['t.commit']);
    });

    it('nests transactions: an inner failure caught by the caller undoes only the inner work', async () => {
      const before = await count();
      await transaction(s.db, async (outer) => {
        await outer.insertInto('settings').values(setting('n.outer')).execute();
        await assert.rejects(
          transaction(outer, async (inner) => {
            await inner.insertInto('settings').values(setting('n.inner')).execute();
            throw new Error('inner fails');
          }),
        );
        await transaction(outer, async (inner) => {
          await inner.insertInto('settings').values(setting('n.inner2')).execute();
        });
      });
      assert.equal(await count(), before + 2);
      const keys = (await s.db.selectFrom('settings').select('key').where('key', 'like', 'n.%').orderBy('key').execute()).map((r) => r.key);
      assert.deepEqual(keys, ['n.inner2', 'n.outer']);
    });

    it('rolls back inner work when the outer transaction fails', async () => {
      await assert.rejects(
        transaction(s.db, async (outer) => {
          await transaction(outer, async (inner) => {
            await inner.insertInto('settings').values(setting('o.inner')).execute();
          });
          throw new Error('outer fails');
        }),
      );
      assert.equal(await s.db.selectFrom('settings').select('key').where('key', '=', 'o.inner').executeTakeFirst(), undefined);
    });

    it('recognises unique violations on this dialect', async () => {
      await s.db.insertInto('settings').values(setting('u.1')).execute();
      const err = await s.db
        .insertInto('settings')
        .values(setting('u.1'))
        .execute()
        .then(
          () => null,
          (e: unknown) => e,
        );
      assert.ok(isUniqueViolation(err), String(err));
    });

    it('stores SQL metacharacters as plain data', async () => {
      const nasty = `x'); drop table users; --`;
      await s.db.insertInto('settings').values({ key: 'meta', value: nasty, updated_at: 1, updated_by: null }).execute();
      const row = await s.db.selectFrom('settings').selectAll().where('value', '=', nasty).executeTakeFirstOrThrow();
      assert.equal(row.value, nasty);
      assert.ok(await s.db.selectFrom('users').select('id').limit(1).execute());
    });

    it('returns bigints as numbers', async () => {
      const big = 1_795_000_000_000;
      await s.db.insertInto('settings').values({ key: 'big', value: '1', updated_at: big, updated_by: null }).execute();
      const row = await s.db.selectFrom('settings').select('updated_at').where('key', '=', 'big').executeTakeFirstOrThrow();
      assert.strictEqual(row.updated_at, big);
    });
  });
}
