import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CondState, type EvalContext, Series, evaluate, insidePolygon } from '../conditions.js';
import { readValue } from '../derived.js';
import { FitError, fitHolt, forecast, normalCdf, projectCrossing } from '../holt.js';
import type { Condition } from '../rules.js';

const MIN = 60_000;

/** A context for one reading of one device. */
function ctx(values: Record<string, number>, ts: number, extra: Partial<EvalContext> = {}): EvalContext {
  return {
    values: new Map(Object.entries(values)),
    properties: {},
    tags: [],
    ts,
    trigger: 'reading',
    changed: new Set(Object.keys(values)),
    lastSeen: () => undefined,
    series: () => undefined,
    baseline: () => undefined,
    location: null,
    ...extra,
  };
}

/** Feeds readings through a condition and returns whether it held after each. */
function run(c: Condition, readings: [number, Record<string, number>][], extra: Partial<EvalContext> = {}): boolean[] {
  let s: CondState | undefined;
  return readings.map(([ts, v]) => {
    const r = evaluate(c, s, ctx(v, ts, extra));
    s = r.state;
    return r.on;
  });
}

describe('Holt linear exponential smoothing', () => {
  test('a straight line is fitted exactly and projected to the minute', () => {
    const ts = Array.from({ length: 20 }, (_, i) => i * MIN);
    const ys = ts.map((_, i) => 1 + 0.01 * i); // +1 cm a minute
    const fit = fitHolt(ts, ys);
    assert.equal(fit.stepMs, MIN);
    assert.ok(Math.abs(fit.trend - 0.01) < 1e-9, `trend ${fit.trend}`);
    assert.ok(Math.abs(forecast(fit, 10) - 1.29) < 1e-9);
    // 1.19 now; 1.5 is 31 minutes away.
    const c = projectCrossing(fit, '>=', 1.5, 60 * MIN);
    assert.ok(c.at !== null && Math.abs(c.at - (19 * MIN + 31 * MIN)) < 1000, `at ${c.at}`);
    assert.ok(c.confidence > 0.99);
    // Not within a 20-minute horizon.
    assert.equal(projectCrossing(fit, '>=', 1.5, 20 * MIN).at, null);
  });

  test('a noisy flat series predicts no crossing and low confidence', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const ts = Array.from({ length: 30 }, (_, i) => i * MIN);
    const ys = ts.map(() => 2 + (rnd() - 0.5) * 0.1);
    const fit = fitHolt(ts, ys);
    const c = projectCrossing(fit, '>=', 3, 60 * MIN);
    assert.equal(c.at, null);
    assert.ok(c.confidence < 0.1, `confidence ${c.confidence}`);
  });

  test('a falling series crosses a floor (op <=)', () => {
    const ts = Array.from({ length: 12 }, (_, i) => i * 5 * MIN);
    const ys = ts.map((_, i) => 8 - 0.2 * i); // dissolved oxygen falling
    const c = projectCrossing(fitHolt(ts, ys), '<=', 5, 3 * 60 * MIN);
    assert.ok(c.at !== null);
    assert.ok(Math.abs(c.at! - (11 * 5 * MIN + 4 * 5 * MIN)) < 60_000, `at ${c.at}`);
  });

  test('too few or disordered readings are refused', () => {
    assert.throws(() => fitHolt([0, 1, 2], [1, 2, 3]), FitError);
    assert.throws(() => fitHolt([0, 1, 2, 2, 3, 4], [1, 2, 3, 4, 5, 6]), FitError);
  });

  test('the normal CDF matches known values', () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.96) - 0.975) < 1e-3);
    assert.ok(Math.abs(normalCdf(-1) - 0.1587) < 1e-3);
  });
});

describe('conditions', () => {
  test('threshold with hysteresis: raise at ≥ a, stay raised until ≤ b', () => {
    const c: Condition = { kind: 'threshold', attr: 'level', op: '>=', value: 1.0, clear: 0.8 };
    const on = run(c, [
      [0, { level: 0.9 }],
      [1, { level: 1.0 }],
      [2, { level: 0.9 }],
      [3, { level: 0.81 }],
      [4, { level: 0.8 }],
      [5, { level: 0.95 }],
    ]);
    assert.deepEqual(on, [false, true, true, true, false, false]);
  });

  test('threshold without a clear level clears as soon as the value is below it', () => {
    const c: Condition = { kind: 'threshold', attr: 'lel', op: '>=', value: 25 };
    assert.deepEqual(
      run(c, [
        [0, { lel: 25 }],
        [1, { lel: 24.9 }],
        [2, { lel: 30 }],
      ]),
      [true, false, true],
    );
  });

  test('a minimum duration: "for 10 minutes" counts from the first reading over the threshold', () => {
    const c: Condition = { kind: 'threshold', attr: 'd', op: '>=', value: 0.15, forSeconds: 600 };
    const on = run(c, [
      [0, { d: 0.2 }],
      [5 * MIN, { d: 0.2 }],
      [9 * MIN, { d: 0.1 }], // dips: the count restarts
      [10 * MIN, { d: 0.2 }],
      [19 * MIN, { d: 0.2 }],
      [20 * MIN, { d: 0.3 }],
    ]);
    assert.deepEqual(on, [false, false, false, false, false, true]);
  });

  test('a duration completes on the clock between readings', () => {
    const c: Condition = { kind: 'threshold', attr: 'd', op: '>=', value: 0.15, forSeconds: 600 };
    const first = evaluate(c, undefined, ctx({ d: 0.2 }, 0));
    assert.equal(first.on, false);
    const early = evaluate(c, first.state, ctx({}, 9 * MIN, { trigger: 'tick', changed: new Set() }));
    assert.equal(early.on, false);
    const due = evaluate(c, early.state, ctx({}, 10 * MIN, { trigger: 'tick', changed: new Set() }));
    assert.equal(due.on, true);
  });

  test('a reading without the attribute leaves the state alone', () => {
    const c: Condition = { kind: 'threshold', attr: 'd', op: '>=', value: 0.15, forSeconds: 600 };
    const a = evaluate(c, undefined, ctx({ d: 0.2 }, 0));
    const b = evaluate(c, a.state, ctx({ precipitation: 12 }, 5 * MIN));
    assert.deepEqual(b.state, a.state);
  });

  test('falling limits (op <=) with hysteresis', () => {
    const c: Condition = { kind: 'threshold', attr: 'O2', op: '<=', value: 2, clear: 3 };
    assert.deepEqual(
      run(c, [
        [0, { O2: 2.5 }],
        [1, { O2: 2 }],
        [2, { O2: 2.9 }],
        [3, { O2: 3 }],
      ]),
      [false, true, true, false],
    );
  });

  test('a threshold from a device property, and a clear fault when the property is missing', () => {
    const c: Condition = { kind: 'threshold', attr: 'waterLevel', op: '>=', value: { property: 'warningLevel' } };
    assert.equal(evaluate(c, undefined, ctx({ waterLevel: 153 }, 0, { properties: { warningLevel: 152.5 } })).on, true);
    assert.throws(() => evaluate(c, undefined, ctx({ waterLevel: 153 }, 0)), /no property warningLevel/);
  });

  test('rate of change: rises more than 0.5 m within an hour', () => {
    const c: Condition = { kind: 'rate', attr: 'waterLevel', change: 0.5, withinSeconds: 3600 };
    const s = new Series(3600_000);
    const readings: [number, number][] = [
      [0, 150.0],
      [20 * MIN, 150.2],
      [40 * MIN, 150.4],
      [60 * MIN, 150.55],
      [90 * MIN, 150.6],
    ];
    const on: boolean[] = [];
    let st: CondState | undefined;
    for (const [t, v] of readings) {
      s.add(t, v);
      const r = evaluate(c, st, ctx({ waterLevel: v }, t, { series: () => s }));
      st = r.state;
      on.push(r.on);
    }
    // At 60 min the rise since the hour's lowest (150.0) is 0.55; at 90 min the hour started at 150.2.
    assert.deepEqual(on, [false, false, false, true, false]);
  });

  test('absence: no data for N seconds, judged on the clock', () => {
    const c: Condition = { kind: 'absence', seconds: 900 };
    const at = (now: number, last: number) => evaluate(c, undefined, ctx({}, now, { trigger: 'tick', changed: new Set(), lastSeen: () => last })).on;
    assert.equal(at(14 * MIN, 0), false);
    assert.equal(at(15 * MIN, 0), true);
  });

  test('absence: an old reading (a device sending its backlog) does not end the silence', () => {
    const c: Condition = { kind: 'absence', seconds: 900 };
    const DAY = 24 * 60 * MIN;
    // Offline for two days; the device reconnects and uploads a reading from two days ago.
    const tick = evaluate(c, undefined, ctx({}, 2 * DAY, { trigger: 'tick', changed: new Set(), lastSeen: () => 0 }));
    assert.equal(tick.on, true);
    const backlog = evaluate(c, tick.state, ctx({ level: 1 }, 60_000, { now: 2 * DAY, lastSeen: () => 60_000 }));
    assert.equal(backlog.on, true, 'a reading two days old leaves the device silent');
    const fresh = evaluate(c, backlog.state, ctx({ level: 1 }, 2 * DAY - 5_000, { now: 2 * DAY, lastSeen: () => 2 * DAY - 5_000 }));
    assert.equal(fresh.on, false, 'a current reading ends it');
  });

  test('stuck: the same value for the whole window, with enough readings', () => {
    const c: Condition = { kind: 'stuck', attr: 'waterLevel', seconds: 1800, minReadings: 6 };
    const s = new Series(3600_000);
    let st: CondState | undefined;
    const on: boolean[] = [];
    for (let i = 0; i <= 7; i++) {
      const t = i * 5 * MIN;
      s.add(t, 152.31);
      const r = evaluate(c, st, ctx({ waterLevel: 152.31 }, t, { series: () => s }));
      st = r.state;
      on.push(r.on);
    }
    assert.deepEqual(on, [false, false, false, false, false, false, true, true]);
    s.add(40 * MIN, 152.32);
    assert.equal(evaluate(c, st, ctx({ waterLevel: 152.32 }, 40 * MIN, { series: () => s })).on, false);
  });

  test('baseline: more than 3 standard deviations from the same hour of the week', () => {
    const c: Condition = { kind: 'baseline', attr: 'intensity', weeks: 4, sigmas: 3 };
    const baseline = () => ({ mean: 100, sd: 10, weeks: 4 });
    assert.equal(evaluate(c, undefined, ctx({ intensity: 125 }, 0, { baseline })).on, false);
    assert.equal(evaluate(c, undefined, ctx({ intensity: 131 }, 0, { baseline })).on, true);
    assert.equal(evaluate(c, undefined, ctx({ intensity: 60 }, 0, { baseline })).on, true);
    // Without history the condition does not hold.
    assert.equal(evaluate(c, undefined, ctx({ intensity: 500 }, 0)).on, false);
  });

  test('prediction: a rising ponding depth is predicted to cross 15 cm within the horizon', () => {
    const c: Condition = { kind: 'predict', attr: 'd', op: '>=', value: 0.15, horizonSeconds: 1800, fitSeconds: 900 };
    const s = new Series(900_000);
    let st: CondState | undefined;
    let r: ReturnType<typeof evaluate> | undefined;
    for (let i = 0; i <= 15; i++) {
      const v = 0.005 * i; // +5 mm a minute: 7.5 cm now, 15 cm in 15 minutes
      s.add(i * MIN, v);
      r = evaluate(c, st, ctx({ d: v }, i * MIN, { series: () => s }));
      st = r.state;
    }
    assert.equal(r!.on, true);
    const e = r!.evidence[0]!;
    assert.equal(e.kind, 'predict');
    assert.ok(Math.abs(e.expectedAt! - 30 * MIN) < 2 * MIN, `expected at ${e.expectedAt! / MIN} min`);
    assert.ok(e.confidence! >= 0.6);
  });

  test('all / any across attributes, with a geofence', () => {
    const school: [number, number][] = [
      [110.78, 32.64],
      [110.79, 32.64],
      [110.79, 32.65],
      [110.78, 32.65],
    ];
    const c: Condition = {
      kind: 'all',
      of: [
        { kind: 'threshold', attr: 'lel', op: '>=', value: 10 },
        { kind: 'geofence', polygon: school, inside: true },
      ],
    };
    const inside = { location: { lon: 110.785, lat: 32.645 } };
    const outside = { location: { lon: 110.8, lat: 32.645 } };
    assert.equal(evaluate(c, undefined, ctx({ lel: 12 }, 0, inside)).on, true);
    assert.equal(evaluate(c, undefined, ctx({ lel: 12 }, 0, outside)).on, false);
    assert.equal(evaluate(c, undefined, ctx({ lel: 5 }, 0, inside)).on, false);
    const any: Condition = {
      kind: 'any',
      of: [
        { kind: 'threshold', attr: 'deflection', op: '>=', value: 10 },
        { kind: 'threshold', attr: 'strain', op: '>=', value: 150 },
      ],
    };
    assert.equal(evaluate(any, undefined, ctx({ deflection: 3, strain: 160 }, 0)).on, true);
    assert.equal(evaluate(any, undefined, ctx({ deflection: 3, strain: 100 }, 0)).on, false);
    assert.equal(insidePolygon(110.785, 32.645, school), true);
  });

  test('derived values: AQI, water class, black-odorous grade, scenic load', () => {
    const v = (values: Record<string, number>, properties: Record<string, unknown> = {}, tags: string[] = []) => ({
      values: new Map(Object.entries(values)),
      properties,
      tags,
    });
    // PM2.5 115 µg/m³ (24-hour table) is IAQI 150 under HJ 633-2026.
    assert.equal(readValue('$aqi', v({ pm25: 115, pm10: 50, no2: 40, so2: 10, co: 0.5, o3: 60 })), 150);
    assert.equal(readValue('$aqiLevel', v({ pm25: 115 })), 3);
    assert.equal(readValue('$aqi', v({ temperature: 10 })), undefined);
    // Total phosphorus 0.04 mg/L is Class II in a river and Class III in a reservoir.
    assert.equal(readValue('$waterClass', v({ O2: 8, 'P-TOT': 0.04 })), 2);
    assert.equal(readValue('$waterClass', v({ O2: 8, 'P-TOT': 0.04 }, { lakeOrReservoir: true })), 3);
    assert.equal(readValue('$waterClass', v({ O2: 8, 'P-TOT': 0.04 }, {}, ['reservoir'])), 3);
    assert.equal(readValue('$blackOdorous', v({ O2: 1.5, orp: 100 })), 1);
    assert.equal(readValue('$blackOdorous', v({ O2: 6, orp: -250 })), 2);
    assert.equal(readValue('$blackOdorous', v({ O2: 6, orp: 100 })), 0);
    assert.equal(readValue('$load', v({ visitorsInside: 24_000 }, { capacity: 30_000 })), 0.8);
    assert.equal(readValue('$load', v({ visitorsInside: 24_000, capacity: 20_000 })), 1.2);
  });
});
