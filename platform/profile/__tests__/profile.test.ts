import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProfile } from '../profile.js';

const shiyan = loadProfile('shiyan');

describe('the Shiyan city profile', () => {
  it('has the eight county-level divisions with GB/T 2260 codes and boundaries', () => {
    const counties = shiyan.districts.filter((d) => d.kind !== 'special_zone');
    assert.deepEqual(
      counties.map((d) => d.adcode),
      ['420302', '420303', '420304', '420322', '420323', '420324', '420325', '420381'],
    );
    assert.ok(counties.every((d) => d.geometry !== null));
    assert.equal(shiyan.districts.filter((d) => d.kind === 'special_zone').length, 2);
  });

  it("finds the district at each district's published centroid", () => {
    const expected: [number, number, string][] = [
      [110.787323, 32.518423, '420302'],
      [110.62296, 32.64062, '420303'],
      [110.730847, 32.860417, '420304'],
      [110.142415, 33.04214, '420322'],
      [110.064901, 32.234849, '420323'],
      [109.784332, 32.031931, '420324'],
      [110.624942, 32.072387, '420325'],
      [111.187871, 32.563376, '420381'],
    ];
    for (const [lon, lat, code] of expected) assert.equal(shiyan.districtAt(lon, lat), code, `${lon},${lat}`);
  });

  it('finds no district outside the city', () => {
    assert.equal(shiyan.districtAt(114.305, 30.593), undefined, 'Wuhan');
    assert.equal(shiyan.districtAt(0, 0), undefined);
  });

  it('has the departments of the matrix and a government for each district', () => {
    assert.ok(shiyan.departments.some((d) => d.code === 'YJJ' && d.name.zh === '市应急管理局'));
    assert.ok(shiyan.departments.some((d) => d.code === 'GOV-420303' && d.district === '420303'));
    assert.equal(shiyan.departments.filter((d) => d.district !== null).length, 10);
  });

  it('expands the matrix: every city department and district government where the plan says so', () => {
    const env = shiyan.tasks.find((t) => t.id === 'environment')!;
    const units = shiyan.responsibleUnits(env);
    assert.ok(units.includes('SLJ'), 'a city department under 市直各部门');
    assert.ok(!units.includes('STHJJ'), 'the lead unit is not also listed as responsible');
    assert.ok(units.includes('GOV-420381'), 'district governments');
    assert.ok(!units.includes('ALL_CITY_DEPARTMENTS'), 'the marker itself is not a unit');
    const emergency = shiyan.tasks.find((t) => t.id === 'emergency')!;
    const e = shiyan.responsibleUnits(emergency);
    for (const c of emergency.responsible) assert.ok(e.includes(c), `listed unit ${c}`);
    assert.ok(!e.includes('JYJ'));
    assert.equal(e.length, emergency.responsible.length + 10, 'listed units plus the ten district governments');
  });
});
