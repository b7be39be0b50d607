import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { dialects } from '../../test/helpers.js';
import { claimDue } from '../storage/claims.js';

for (const d of await dialects()) {
  describe(`claiming due work with a lease (${d.name})`, async () => {
    const s = await d.open();
    after(() => s.close());
    const db = s.db as unknown as Kysely<any>;
    await sql`create table q_test (id varchar(10) primary key, due_at bigint not null, done_at bigint, claimed_until bigint, attempts integer not null)`.execute(
      db,
    );
    const T = 1_000_000;
    await db
      .insertInto('q_test')
      .values([
        { id: 'a', due_at: T - 3, done_at: null, claimed_until: null, attempts: 0 },
        { id: 'b', due_at: T - 2, done_at: null, claimed_until: null, attempts: 0 },
        { id: 'c', due_at: T - 1, done_at: null, claimed_until: null, attempts: 0 },
        { id: 'done', due_at: T - 9, done_at: T - 5, claimed_until: null, attempts: 1 },
        { id: 'later', due_at: T + 60_000, done_at: null, claimed_until: null, attempts: 0 },
      ])
      .execute();
    const claim = (now: number, limit: number) =>
      claimDue<{ id: string; attempts: number }>(db, {
        table: 'q_test',
        key: 'id',
        dueColumn: 'due_at',
        now,
        leaseMs: 30_000,
        limit,
        pending: (eb) => eb('done_at', 'is', null),
        alsoSet: (eb) => ({ attempts: eb('attempts', '+', 1) }),
      });

    it('takes due, pending rows in due order, up to the limit, and sets what it is asked to', async () => {
      const first = await claim(T, 2);
      assert.deepEqual(
        first.map((r) => [r.id, Number(r.attempts)]),
        [
          ['a', 1],
          ['b', 1],
        ],
      );
    });

    it('skips rows another claim holds; claimers at once take different rows', async () => {
      const [x, y] = await Promise.all([claim(T + 1, 10), claim(T + 1, 10)]);
      const ids = [...x!, ...y!].map((r) => r.id).sort();
      assert.deepEqual(ids, ['c'], 'a and b are held; c goes to exactly one claimer; done and later are not due');
    });

    it("takes a row again once its holder's lease has lapsed", async () => {
      const again = await claim(T + 30_002, 10);
      assert.deepEqual(again.map((r) => r.id).sort(), ['a', 'b', 'c']);
      assert.ok(again.every((r) => Number(r.attempts) === 2));
    });
  });
}
