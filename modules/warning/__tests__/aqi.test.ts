import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aqiLevel, computeAqi } from '../aqi.js';

// The worked values of ../shared/standards/aqi.md, each from the tables by hand.
describe('AQI by HJ 633', () => {
  test('PM2.5 at and just above the first breakpoint (2012)', () => {
    const a = computeAqi({ PM25_24h: 35 }, 'HJ633-2012');
    assert.deepEqual([a.aqi, a.level, a.primary], [50, 1, []]);
    const b = computeAqi({ PM25_24h: 36 }, 'HJ633-2012');
    assert.deepEqual([b.aqi, b.level, b.primary, b.name.zh], [52, 2, ['PM25_24h'], '良']);
  });

  test('the 2026 breakpoints for PM2.5 and PM10 are stricter', () => {
    assert.equal(computeAqi({ PM25_24h: 75 }, 'HJ633-2012').aqi, 100);
    const pm25 = computeAqi({ PM25_24h: 75 }, 'HJ633-2026');
    assert.deepEqual([pm25.aqi, pm25.level, pm25.standard], [114, 3, 'HJ633-2026']);
    assert.equal(computeAqi({ PM10_24h: 150 }, 'HJ633-2026').aqi, 112);
    assert.equal(computeAqi({ PM10_24h: 150 }, 'HJ633-2012').aqi, 100);
    assert.equal(computeAqi({ PM10_24h: 150 }).standard, 'HJ633-2026', '2026 is the default');
  });

  test('SO2 1 h above 800 and O3 8 h above 800 follow each standard', () => {
    const so2 = computeAqi({ SO2_1h: 900, SO2_24h: 300 }, 'HJ633-2012');
    assert.equal(so2.aqi, 124);
    assert.equal(so2.iaqi.SO2_1h, undefined);
    assert.match(so2.notes[0]!, /from SO2_24h/);
    assert.equal(computeAqi({ SO2_1h: 900 }, 'HJ633-2026').aqi, 200);
    assert.equal(computeAqi({ O3_8h: 850, O3_1h: 900 }, 'HJ633-2012').aqi, 350);
    assert.equal(computeAqi({ O3_8h: 850 }, 'HJ633-2026').aqi, 300);
  });

  test('ties make several primary pollutants; above 100 is non-attainment', () => {
    const a = computeAqi({ PM25_24h: 115, PM10_24h: 250, NO2_24h: 40 }, 'HJ633-2012');
    assert.equal(a.aqi, 150);
    assert.deepEqual(a.primary.sort(), ['PM10_24h', 'PM25_24h']);
    assert.deepEqual(a.nonAttainment.sort(), ['PM10_24h', 'PM25_24h']);
  });

  test('a real-time AQI from one hour of a station (2012)', () => {
    const a = computeAqi({ SO2_1h: 1, NO2_1h: 13, CO_1h: 0.8, O3_1h: 164, PM10_24h: 45, PM25_24h: 34 }, 'HJ633-2012');
    assert.equal(a.aqi, 55);
    assert.deepEqual(a.primary, ['O3_1h']);
    assert.deepEqual(a.iaqi, { SO2_1h: 1, NO2_1h: 7, CO_1h: 8, O3_1h: 55, PM10_24h: 45, PM25_24h: 49 });
  });

  test('levels and colours; bad input is refused', () => {
    assert.deepEqual(
      [50, 51, 100, 101, 150, 151, 200, 201, 300, 301].map((x) => aqiLevel(x).level),
      [1, 2, 2, 3, 3, 4, 4, 5, 5, 6],
    );
    assert.equal(aqiLevel(320).color, '#7E0023');
    assert.equal(computeAqi({ PM25_24h: 600 }).aqi, 500);
    assert.throws(() => computeAqi({ PM25_24h: Number.NaN }), /finite/);
    assert.throws(() => computeAqi({ PM25_24h: -1 }), /≥ 0/);
    assert.throws(() => computeAqi({}), /no pollutant/);
  });
});
