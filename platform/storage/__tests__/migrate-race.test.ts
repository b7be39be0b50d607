import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { migrateAll, migrationNames, PG_URL, postgresAvailable } from '../../../test/helpers.js';
import { openStorage } from '../db.js';

// Several tenants (or test files) share one PostgreSQL database, each in its own schema.
// Migrating one schema must not fail because another is dropped at that moment.
describe('migrations beside schemas that come and go', { skip: !(await postgresAvailable()) && 'PostgreSQL not available' }, () => {
  it('migrates its own schema while other schemas are created and dropped', async () => {
    const churn = new pg.Client({ connectionString: PG_URL });
    await churn.connect();
    // Two connections keep replacing other schemas, each with tables of serial columns, so
    // that some schema is being dropped while the migrator looks at the catalogue.
    const churners = await Promise.all(
      [0, 1].map(async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        return c;
      }),
    );
    let stop = false;
    let churned = 0;
    const make = async (c: pg.Client) => {
      const other = `wd_churn_${randomBytes(5).toString('hex')}`;
      await c.query(
        `create schema ${other}; create table ${other}.t (id serial primary key, a serial, b serial, v text); create table ${other}.u (id serial primary key, w serial)`,
      );
      return other;
    };
    const churning = churners.map(async (c) => {
      const mine: string[] = [];
      for (let i = 0; i < 15; i++) mine.push(await make(c));
      while (!stop) {
        const victim = mine.shift() as string;
        await c.query(`drop schema ${victim} cascade`);
        mine.push(await make(c));
        churned++;
      }
      for (const s of mine) await c.query(`drop schema ${s} cascade`);
      await c.end();
    });
    try {
      for (let i = 0; i < 10; i++) {
        const schema = `wd_mig_${randomBytes(5).toString('hex')}`;
        await churn.query(`create schema ${schema}`);
        const s = openStorage({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 2 });
        try {
          assert.deepEqual(await migrateAll(s.db), migrationNames());
          assert.deepEqual(await migrateAll(s.db), []);
        } finally {
          await s.close();
          await churn.query(`drop schema ${schema} cascade`);
        }
      }
    } finally {
      stop = true;
      await Promise.all(churning);
      await churn.end();
    }
    assert.ok(churned > 0, 'other schemas were created and dropped during the migrations');
  });
});
