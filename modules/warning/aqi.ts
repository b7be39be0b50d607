/**
 * Air quality index by HJ 633 (环境空气质量指数（AQI）技术规定): HJ 633-2026 (in force 2026-03-01,
 * the default) and HJ 633-2012, selected per call; every result names the standard it used.
 * Digest: ../shared/standards/aqi.md.
 *
 * IAQI_P = (IAQI_Hi − IAQI_Lo) / (BP_Hi − BP_Lo) × (C_P − BP_Lo) + IAQI_Lo, rounded up (进位取整);
 * AQI = max IAQI_P; the primary pollutants (首要污染物) are those at the AQI when it is above 50;
 * non-attainment pollutants (超标污染物) have IAQI above 100.
 */

export type AqiStandard = 'HJ633-2026' | 'HJ633-2012';
export const DEFAULT_AQI_STANDARD: AqiStandard = 'HJ633-2026';

/** Concentrations: µg/m³, CO in mg/m³. PM values of an hour use the 24-hour tables (real-time AQI). */
export type Pollutant = 'SO2_24h' | 'SO2_1h' | 'NO2_24h' | 'NO2_1h' | 'CO_24h' | 'CO_1h' | 'O3_1h' | 'O3_8h' | 'PM10_24h' | 'PM25_24h';

const IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500];

const HJ633_2012: Record<Pollutant, number[]> = {
  SO2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  SO2_1h: [0, 150, 500, 650, 800],
  NO2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  NO2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  CO_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  CO_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  O3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  O3_8h: [0, 100, 160, 215, 265, 800],
  PM10_24h: [0, 50, 150, 250, 350, 420, 500, 600],
  PM25_24h: [0, 35, 75, 115, 150, 250, 350, 500],
};

const TABLES: Record<AqiStandard, Record<Pollutant, number[]>> = {
  'HJ633-2012': HJ633_2012,
  // HJ 633-2026 tightens the IAQI-100 breakpoints of PM10 and PM2.5; the rest is unchanged.
  'HJ633-2026': { ...HJ633_2012, PM10_24h: [0, 50, 120, 250, 350, 420, 500, 600], PM25_24h: [0, 35, 60, 115, 150, 250, 350, 500] },
};

export interface AqiLevel {
  level: 1 | 2 | 3 | 4 | 5 | 6;
  name: { zh: string; en: string };
  color: string;
}

const LEVELS: (AqiLevel & { upTo: number })[] = [
  { level: 1, upTo: 50, name: { zh: '优', en: 'Excellent' }, color: '#00E400' },
  { level: 2, upTo: 100, name: { zh: '良', en: 'Good' }, color: '#FFFF00' },
  { level: 3, upTo: 150, name: { zh: '轻度污染', en: 'Lightly polluted' }, color: '#FF7E00' },
  { level: 4, upTo: 200, name: { zh: '中度污染', en: 'Moderately polluted' }, color: '#FF0000' },
  { level: 5, upTo: 300, name: { zh: '重度污染', en: 'Heavily polluted' }, color: '#99004C' },
  { level: 6, upTo: Number.POSITIVE_INFINITY, name: { zh: '严重污染', en: 'Severely polluted' }, color: '#7E0023' },
];

export function aqiLevel(aqi: number): AqiLevel {
  const l = LEVELS.find((x) => aqi <= x.upTo)!;
  return { level: l.level, name: l.name, color: l.color };
}

export interface AqiResult extends AqiLevel {
  standard: AqiStandard;
  aqi: number;
  iaqi: Partial<Record<Pollutant, number>>;
  /** 首要污染物: the pollutants at the AQI, when it is above 50. */
  primary: Pollutant[];
  /** 超标污染物: IAQI above 100. */
  nonAttainment: Pollutant[];
  /** How a value beyond a table was treated. */
  notes: string[];
}

/** Rounds up (进位取整), ignoring binary noise such as 50.000000000001. */
const roundUp = (x: number) => Math.ceil(x - 1e-9);

/** IAQI by linear interpolation in one table; above its top, the top IAQI (500 for full tables). */
function interpolate(table: number[], c: number): number {
  for (let i = 1; i < table.length; i++) {
    if (c <= table[i]!) {
      const lo = table[i - 1]!;
      const hi = table[i]!;
      return roundUp(((IAQI_STEPS[i]! - IAQI_STEPS[i - 1]!) / (hi - lo)) * (c - lo) + IAQI_STEPS[i - 1]!);
    }
  }
  return IAQI_STEPS[table.length - 1]!;
}

/**
 * The AQI of a set of concentrations. Give 1-hour values (and the hour's PM) for a real-time AQI,
 * 24-hour values and O3 8-hour for a daily one. Under HJ 633-2012, SO2 1 h above 800 µg/m³ takes
 * its IAQI from SO2_24h, and O3 8 h above 800 µg/m³ from O3_1h, when those are given; HJ 633-2026
 * sets them to 200 and 300.
 */
export function computeAqi(c: Partial<Record<Pollutant, number>>, standard: AqiStandard = DEFAULT_AQI_STANDARD): AqiResult {
  const tables = TABLES[standard];
  const iaqi: Partial<Record<Pollutant, number>> = {};
  const notes: string[] = [];
  for (const [p, value] of Object.entries(c) as [Pollutant, number | undefined][]) {
    if (value === undefined || value === null) continue;
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${p}: concentration must be a finite number ≥ 0, got ${value}`);
    const table = tables[p];
    if (!table) throw new RangeError(`unknown pollutant ${p}`);
    const top = table[table.length - 1]!;
    if (value > top && (p === 'SO2_1h' || p === 'O3_8h')) {
      const other: Pollutant = p === 'SO2_1h' ? 'SO2_24h' : 'O3_1h';
      if (standard === 'HJ633-2012' && c[other] !== undefined) {
        // The IAQI comes from the other averaging period, which is reported in its own right.
        if (iaqi[other] === undefined) iaqi[other] = interpolate(tables[other], c[other]!);
        notes.push(`${p} ${value} is above ${top}: its IAQI comes from ${other} (HJ 633-2012)`);
        continue;
      }
      iaqi[p] = p === 'SO2_1h' ? 200 : 300;
      notes.push(`${p} ${value} is above ${top}: IAQI ${iaqi[p]}${standard === 'HJ633-2012' ? ` (no ${other} given)` : ' (HJ 633-2026)'}`);
      continue;
    }
    if (value > top) notes.push(`${p} ${value} is beyond the table (${top}): IAQI 500`);
    iaqi[p] = interpolate(table, value);
  }
  const values = Object.values(iaqi) as number[];
  if (values.length === 0) throw new RangeError('no pollutant concentrations given');
  const aqi = Math.max(...values);
  const entries = Object.entries(iaqi) as [Pollutant, number][];
  return {
    standard,
    aqi,
    ...aqiLevel(aqi),
    iaqi,
    primary: aqi > 50 ? entries.filter(([, v]) => v === aqi).map(([p]) => p) : [],
    nonAttainment: entries.filter(([, v]) => v > 100).map(([p]) => p),
    notes,
  };
}
