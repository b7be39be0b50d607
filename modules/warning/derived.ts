/**
 * Derived values that rules and screens share, computed from a device's latest readings:
 * `$aqi` and `$aqiLevel` (HJ 633, real-time), `$waterClass` (GB 3838, 1 = I … 6 = 劣V),
 * `$blackOdorous` (0 none, 1 light, 2 heavy), `$load` (scenic-area visitors / capacity).
 * Each returns undefined when the readings it needs are missing.
 */
import { type AqiStandard, DEFAULT_AQI_STANDARD, type Pollutant, computeAqi } from './aqi.js';
import { blackOdorousGrade, surfaceWaterClass, type WaterItem } from './water.js';

export type Values = ReadonlyMap<string, number | string | null>;

export interface DerivedContext {
  values: Values;
  /** Device properties (capacity, lakeOrReservoir, depthCm, …). */
  properties: Readonly<Record<string, unknown>>;
  tags: readonly string[];
  aqiStandard?: AqiStandard;
  /** Derived values already computed for this reading (several rules and levels read the same one). */
  derived?: Map<string, number | undefined>;
}

export interface DerivedSpec {
  label: { zh: string; en: string };
  /** Attributes it reads. */
  inputs: string[];
  compute(ctx: DerivedContext): number | undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Real-time AQI: the hour's SO2, NO2, CO, O3 on the 1-hour tables, PM on the 24-hour tables. */
function realtimeAqi(ctx: DerivedContext) {
  const m: [string, Pollutant][] = [
    ['so2', 'SO2_1h'],
    ['no2', 'NO2_1h'],
    ['co', 'CO_1h'],
    ['o3', 'O3_1h'],
    ['pm10', 'PM10_24h'],
    ['pm25', 'PM25_24h'],
  ];
  const c: Partial<Record<Pollutant, number>> = {};
  let n = 0;
  for (const [attr, p] of m) {
    const v = num(ctx.values.get(attr));
    if (v !== undefined && v >= 0) {
      c[p] = v;
      n++;
    }
  }
  if (n === 0) return undefined;
  return computeAqi(c, ctx.aqiStandard ?? DEFAULT_AQI_STANDARD);
}

function lake(ctx: DerivedContext): boolean {
  return ctx.properties.lakeOrReservoir === true || ctx.tags.includes('reservoir') || ctx.tags.includes('lake');
}

export const DERIVED: Record<string, DerivedSpec> = {
  $aqi: {
    label: { zh: '空气质量指数 AQI', en: 'Air quality index (AQI)' },
    inputs: ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'],
    compute: (ctx) => realtimeAqi(ctx)?.aqi,
  },
  $aqiLevel: {
    label: { zh: 'AQI 级别 (1 优 … 6 严重污染)', en: 'AQI level (1 excellent … 6 severe)' },
    inputs: ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'],
    compute: (ctx) => realtimeAqi(ctx)?.level,
  },
  $waterClass: {
    label: { zh: '地表水水质类别 (1 Ⅰ类 … 6 劣Ⅴ类)', en: 'Surface-water class (1 = I … 6 = worse than V)' },
    inputs: ['O2', 'cod', 'NH4', 'P-TOT', 'N-TOT'],
    compute: (ctx) => {
      const m: [string, WaterItem][] = [
        ['O2', 'DO'],
        ['cod', 'COD'],
        ['NH4', 'NH3N'],
        ['P-TOT', 'TP'],
        ['N-TOT', 'TN'],
      ];
      const sample: Partial<Record<WaterItem, number>> = {};
      let n = 0;
      for (const [attr, item] of m) {
        const v = num(ctx.values.get(attr));
        if (v !== undefined && v >= 0) {
          sample[item] = v;
          n++;
        }
      }
      if (n === 0 || (n === 1 && sample.TN !== undefined && !lake(ctx))) return undefined;
      return surfaceWaterClass(sample, { lakeOrReservoir: lake(ctx) }).rank;
    },
  },
  $blackOdorous: {
    label: { zh: '黑臭等级 (0 无, 1 轻度, 2 重度)', en: 'Black-odorous grade (0 none, 1 light, 2 heavy)' },
    inputs: ['O2', 'orp', 'NH4', 'transparency'],
    compute: (ctx) => {
      const s = {
        DO: num(ctx.values.get('O2')),
        ORP: num(ctx.values.get('orp')),
        NH3N: num(ctx.values.get('NH4')),
        transparencyCm: num(ctx.values.get('transparency')),
        depthCm: num(ctx.properties.depthCm),
      };
      if (s.DO === undefined && s.ORP === undefined && s.NH3N === undefined && s.transparencyCm === undefined) return undefined;
      const defined = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
      const g = blackOdorousGrade(defined).grade;
      return g === 'heavy' ? 2 : g === 'light' ? 1 : 0;
    },
  },
  $load: {
    label: { zh: '景区承载率 (在园人数/瞬时承载量)', en: 'Scenic-area load (visitors / capacity)' },
    inputs: ['visitorsInside', 'capacity'],
    compute: (ctx) => {
      const v = num(ctx.values.get('visitorsInside'));
      const cap = num(ctx.values.get('capacity')) ?? num(ctx.properties.capacity);
      return v === undefined || !cap || cap <= 0 ? undefined : v / cap;
    },
  },
};

/** A value of the device: an attribute, or a derived value when the key starts with `$`. */
export function readValue(key: string, ctx: DerivedContext): number | undefined {
  if (key.charCodeAt(0) === 36 /* $ */) {
    const cache = ctx.derived;
    if (cache?.has(key)) return cache.get(key);
    const v = DERIVED[key]?.compute(ctx);
    cache?.set(key, v);
    return v;
  }
  const v = ctx.values.get(key);
  return num(v);
}
