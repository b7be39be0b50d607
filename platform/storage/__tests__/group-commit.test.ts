/**
 * Group commit: items submitted together are written in one batch, each caller gets its own
 * result, a failed write rejects its batch only, and an item alone is written at once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GroupCommit } from '../group-commit.js';

describe('group commit', () => {
  test('items in flight share a batch; each gets its own result, in order', async () => {
    const batches: number[][] = [];
    const g = new GroupCommit<number, number>(async (batch) => {
      batches.push(batch);
      return batch.map((x) => x * 10);
    });
    const out = await Promise.all([1, 2, 3, 4].map((x) => g.submit(x)));
    assert.deepEqual(out, [10, 20, 30, 40]);
    assert.deepEqual(batches, [[1, 2, 3, 4]]);
    assert.equal(await g.submit(5), 50);
    assert.deepEqual(batches.at(-1), [5]);
  });

  test('batches are at most max long; a failed write rejects its own batch and the next goes on', async () => {
    let calls = 0;
    const g = new GroupCommit<number, number>(async (batch) => {
      calls++;
      if (batch.includes(3)) throw new Error('disk full');
      return batch;
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((x) => g.submit(x)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.equal(calls, 3);
  });
});
