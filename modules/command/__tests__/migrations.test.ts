import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { migrateToLatest } from '../../../platform/storage/migrate.js';
import { MIGRATIONS, dialects, migrateAll } from '../../../test/helpers.js';

/** The migrations up to and including `last`: the schema of an older release. */
const upTo = (last: string) => Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name <= last));
const BEFORE = '20261204_0012_hardening';
/** What an upgrade from there applies: 0013 (the lessons column) and every later migration. */
const AFTER = Object.keys(MIGRATIONS).filter((name) => name > BEFORE);

for (const d of await dialects()) {
  describe(`the review's lessons column on an existing database (${d.name})`, () => {
    const hasLessons = async (db: Kysely<any>) =>
      (d.name === 'postgres'
        ? await sql`select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'em_incidents' and column_name = 'lessons'`.execute(
            db,
          )
        : await sql`select 1 from pragma_table_info('em_incidents') where name = 'lessons'`.execute(db)
      ).rows.length === 1;

    it('a database made before the column was added upgrades and gets it', async () => {
      assert.equal(AFTER[0], '20261204_0013_incident_lessons');
      const s = await d.openEmpty();
      try {
        await migrateToLatest(s.db, upTo(BEFORE));
        assert.equal(await hasLessons(s.db), false, 'migration 0008 as first released has no lessons column');
        assert.deepEqual(await migrateAll(s.db), AFTER);
        assert.equal(await hasLessons(s.db), true);
      } finally {
        await s.close();
      }
    });

    it('a database that got the column from the edited 0008 upgrades too', async () => {
      const s = await d.openEmpty();
      try {
        await migrateToLatest(s.db, upTo(BEFORE));
        await sql`alter table em_incidents add column lessons text`.execute(s.db);
        await sql`insert into em_incidents (id, title, kind, subkind, severity, status, drill, source, created_at, updated_at, rev, lessons)
                  values ('i1', 'ponding', 'natural', 'flood', 4, 'ended', 0, 'phone', 0, 0, 1, 'keep the pumps ready')`.execute(s.db);
        assert.deepEqual(await migrateAll(s.db), AFTER);
        assert.equal(await hasLessons(s.db), true);
        const row = await sql<{ lessons: string }>`select lessons from em_incidents where id = 'i1'`.execute(s.db);
        assert.equal(row.rows[0]?.lessons, 'keep the pumps ready', 'lessons already recorded are kept');
      } finally {
        await s.close();
      }
    });
  });
}
