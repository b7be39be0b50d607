import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaVersionError, upgradeDefinition } from '../storage/versioned.js';

// A definition whose shape changed twice: v1 had `threshold`, v2 renamed it `limit`, v3 made it a list.
const STEPS = [
  { from: 1, up: (d: { threshold: number }) => ({ limit: d.threshold }) },
  { from: 2, up: (d: { limit: number }) => ({ limits: [d.limit] }) },
];

describe('versioned definitions', () => {
  it('brings a definition saved under an older schema up to date, step by step', () => {
    assert.deepEqual(upgradeDefinition('Rule r1', { threshold: 5 }, 1, 3, STEPS), { limits: [5] });
    assert.deepEqual(upgradeDefinition('Rule r1', { limit: 7 }, 2, 3, STEPS), { limits: [7] });
  });

  it('leaves a current definition as it is', () => {
    const d = { limits: [1] };
    assert.equal(upgradeDefinition('Rule r1', d, 3, 3, STEPS), d);
  });

  it('refuses one saved by a newer release, and a version with no way up', () => {
    assert.throws(
      () => upgradeDefinition('Rule r1', {}, 4, 3, STEPS),
      (e: Error) => e instanceof SchemaVersionError && /newer release/.test(e.message),
    );
    assert.throws(() => upgradeDefinition('Rule r1', {}, 1, 3, [STEPS[1]!]), /no upgrade from schema version 1/);
    assert.throws(() => upgradeDefinition('Rule r1', {}, 0, 3, STEPS), /not valid/);
  });
});
