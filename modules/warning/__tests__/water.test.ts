import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blackOdorousGrade, scenicLoad, surfaceWaterClass, worseThan } from '../water.js';

describe('surface water class (GB 3838-2002)', () => {
  test('the worst item governs; beyond V is 劣V', () => {
    const r = surfaceWaterClass({ DO: 8, CODMn: 1.8, NH3N: 0.4, TP: 0.05 });
    assert.equal(r.class, 'II');
    assert.deepEqual(r.governing.sort(), ['NH3N', 'TP']);
    assert.deepEqual(r.byItem, { DO: 'I', CODMn: 'I', NH3N: 'II', TP: 'II' });
    assert.equal(surfaceWaterClass({ DO: 1.5 }).class, '劣V');
    assert.equal(surfaceWaterClass({ NH3N: 2.0 }).class, 'V', 'a limit itself belongs to its class');
    assert.equal(surfaceWaterClass({ DO: 6 }).class, 'II', 'DO is a floor');
  });

  test('lakes and reservoirs: the lake column for phosphorus, and total nitrogen counts', () => {
    // Danjiangkou-like sample: phosphorus 0.03 is II in a river but III in a reservoir.
    assert.equal(surfaceWaterClass({ TP: 0.03 }).class, 'II');
    const res = surfaceWaterClass({ TP: 0.03, TN: 0.9 }, { lakeOrReservoir: true });
    assert.equal(res.class, 'III');
    assert.deepEqual(res.governing.sort(), ['TN', 'TP']);
    assert.equal(surfaceWaterClass({ TP: 0.03, TN: 0.9 }).byItem.TN, undefined, 'TN is not assessed for rivers');
    assert.ok(worseThan(res.class, 'II'));
    assert.ok(!worseThan('I', 'II'));
  });

  test('bad input is refused', () => {
    assert.throws(() => surfaceWaterClass({}), /no water quality/);
    assert.throws(() => surfaceWaterClass({ DO: Number.NaN }), /finite/);
    assert.throws(() => surfaceWaterClass({ Hg: 1 } as never), /unknown/);
  });
});

describe('black-odorous water grade (2015 guideline)', () => {
  test('each indicator graded, the worst governs', () => {
    assert.equal(blackOdorousGrade({ transparencyCm: 40, DO: 5, ORP: 120, NH3N: 1 }).grade, 'none');
    const light = blackOdorousGrade({ transparencyCm: 20, DO: 3, ORP: 100, NH3N: 2 });
    assert.deepEqual([light.grade, light.by.transparency], ['light', 'light']);
    assert.equal(blackOdorousGrade({ DO: 3, NH3N: 16 }).grade, 'heavy');
    assert.equal(blackOdorousGrade({ ORP: -250 }).grade, 'heavy');
    assert.equal(blackOdorousGrade({ DO: 0.2 }).grade, 'light', 'the light range is closed');
  });

  test('transparency is always assessed; in water under 25 cm deep its limits are 40 % of the depth', () => {
    // At 25 cm the table applies as written.
    assert.equal(blackOdorousGrade({ transparencyCm: 9, depthCm: 25 }).grade, 'heavy');
    assert.equal(blackOdorousGrade({ transparencyCm: 20, depthCm: 25 }).grade, 'light');
    // 20 cm deep: the limit is 8 cm.
    const shallow = blackOdorousGrade({ transparencyCm: 2, depthCm: 20, DO: 4 });
    assert.deepEqual([shallow.grade, shallow.by.transparency], ['heavy', 'heavy']);
    assert.equal(blackOdorousGrade({ transparencyCm: 8, depthCm: 20 }).grade, 'light');
    assert.equal(blackOdorousGrade({ transparencyCm: 9, depthCm: 20 }).grade, 'none');
    // Without a depth the table applies.
    assert.equal(blackOdorousGrade({ transparencyCm: 9 }).grade, 'heavy');
  });
});

describe('scenic-area load', () => {
  test('warning from 80 %, restriction from 100 %', () => {
    assert.deepEqual(scenicLoad(7_999, 10_000).state, 'normal');
    assert.deepEqual(scenicLoad(8_000, 10_000), { share: 0.8, state: 'warning' });
    assert.equal(scenicLoad(10_000, 10_000).state, 'restrict');
    assert.throws(() => scenicLoad(10, 0), /capacity/);
  });
});
