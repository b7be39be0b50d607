import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { every } from '../jobs.js';
import { waitFor } from '../../test/helpers.js';

const quiet = { error() {} };

describe('periodic jobs', () => {
  it('never runs two turns at once, even when a turn outlasts the interval', async () => {
    let running = 0;
    let most = 0;
    let turns = 0;
    let release: (() => void) | undefined;
    const job = every(
      1,
      'slow job',
      async () => {
        running++;
        most = Math.max(most, running);
        turns++;
        await new Promise<void>((r) => {
          release = r;
        });
        running--;
      },
      quiet,
    );
    for (let i = 1; i <= 3; i++) {
      await waitFor(() => turns === i && release !== undefined);
      const r = release!;
      release = undefined;
      r();
    }
    await job.stop();
    assert.equal(most, 1);
  });

  it('goes on after a failed turn and logs it', async () => {
    const errors: string[] = [];
    let turns = 0;
    const job = every(
      1,
      'flaky job',
      async () => {
        turns++;
        if (turns === 1) throw new Error('boom');
      },
      { error: (_o, msg) => errors.push(msg) },
    );
    await waitFor(() => turns >= 2);
    await job.stop();
    assert.deepEqual(errors, ['flaky job failed']);
  });

  it('stop waits for the turn under way and no turn starts after it', async () => {
    let turns = 0;
    let finished = false;
    let release: (() => void) | undefined;
    const job = every(
      1,
      'job',
      async () => {
        turns++;
        await new Promise<void>((r) => {
          release = r;
        });
        finished = true;
      },
      quiet,
    );
    await waitFor(() => release !== undefined);
    const stopping = job.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false, 'stop waits for the turn');
    release!();
    await stopping;
    assert.equal(finished, true);
    const after = turns;
    await job.runNow();
    assert.equal(turns, after, 'a stopped job runs no more turns');
  });

  it('runNow runs a turn at once and waits for it', async () => {
    let turns = 0;
    const job = every(
      3_600_000,
      'hourly job',
      async () => {
        turns++;
      },
      quiet,
    );
    await job.runNow();
    assert.equal(turns, 1);
    await job.stop();
  });
});
