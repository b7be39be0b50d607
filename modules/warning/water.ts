/**
 * Water and visitor-load calculators shared by rules and screens (../shared/standards/monitoring-thresholds.md):
 * - surface-water quality class by GB 3838-2002 (selected items): the worst item governs; beyond V is 劣V;
 * - urban black-odorous grade (住建部《城市黑臭水体整治工作指南》2015): the worst indicator governs;
 * - scenic-area load as a share of capacity (LB/T 034-2014): warning at 80 %, restriction at 100 %.
 */

export const WATER_CLASSES = ['I', 'II', 'III', 'IV', 'V', '劣V'] as const;
export type WaterClass = (typeof WATER_CLASSES)[number];

/** mg/L: dissolved oxygen, permanganate index, COD, BOD5, ammonia nitrogen, total phosphorus, total nitrogen. */
export type WaterItem = 'DO' | 'CODMn' | 'COD' | 'BOD5' | 'NH3N' | 'TP' | 'TN';

// Limits for classes I..V. DO is a floor (at least), the others ceilings (at most).
const LIMITS: Record<WaterItem, { floor?: true; limits: number[]; lakeLimits?: number[] }> = {
  DO: { floor: true, limits: [7.5, 6, 5, 3, 2] },
  CODMn: { limits: [2, 4, 6, 10, 15] },
  COD: { limits: [15, 15, 20, 30, 40] },
  BOD5: { limits: [3, 3, 4, 6, 10] },
  NH3N: { limits: [0.15, 0.5, 1.0, 1.5, 2.0] },
  TP: { limits: [0.02, 0.1, 0.2, 0.3, 0.4], lakeLimits: [0.01, 0.025, 0.05, 0.1, 0.2] },
  TN: { limits: [0.2, 0.5, 1.0, 1.5, 2.0] },
};

export interface WaterClassResult {
  class: WaterClass;
  /** 1 (I) … 6 (劣V). */
  rank: number;
  byItem: Partial<Record<WaterItem, WaterClass>>;
  /** The items at the sample's class. */
  governing: WaterItem[];
}

function itemClass(item: WaterItem, value: number, lake: boolean): number {
  const spec = LIMITS[item];
  const limits = lake && spec.lakeLimits ? spec.lakeLimits : spec.limits;
  const i = limits.findIndex((l) => (spec.floor ? value >= l : value <= l));
  return i === -1 ? 6 : i + 1;
}

/**
 * The class of a sample. Total nitrogen is assessed only for lakes and reservoirs, where total
 * phosphorus also uses the lake column, as GB 3838 provides.
 */
export function surfaceWaterClass(sample: Partial<Record<WaterItem, number>>, opts: { lakeOrReservoir?: boolean } = {}): WaterClassResult {
  const lake = opts.lakeOrReservoir === true;
  const ranks: [WaterItem, number][] = [];
  for (const [item, value] of Object.entries(sample) as [WaterItem, number | undefined][]) {
    if (value === undefined || value === null) continue;
    if (!(item in LIMITS)) throw new RangeError(`unknown water quality item ${item}`);
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${item}: must be a finite number ≥ 0, got ${value}`);
    if (item === 'TN' && !lake) continue;
    ranks.push([item, itemClass(item, value, lake)]);
  }
  if (ranks.length === 0) throw new RangeError('no water quality items given');
  const rank = Math.max(...ranks.map(([, r]) => r));
  return {
    class: WATER_CLASSES[rank - 1]!,
    rank,
    byItem: Object.fromEntries(ranks.map(([i, r]) => [i, WATER_CLASSES[r - 1]!])),
    governing: ranks.filter(([, r]) => r === rank).map(([i]) => i),
  };
}

/** Whether a class is worse than a target class (e.g. Danjiangkou held to II). */
export function worseThan(c: WaterClass, target: WaterClass): boolean {
  return WATER_CLASSES.indexOf(c) > WATER_CLASSES.indexOf(target);
}

export type BlackOdorousGrade = 'none' | 'light' | 'heavy';

export interface BlackOdorousSample {
  /** cm; always assessed. In water shallower than 25 cm the limits are 40 % of the depth (give depthCm when known). */
  transparencyCm?: number;
  depthCm?: number;
  /** Dissolved oxygen, mg/L. */
  DO?: number;
  /** Oxidation-reduction potential, mV. */
  ORP?: number;
  /** Ammonia nitrogen, mg/L. */
  NH3N?: number;
}

/**
 * The black-odorous grade; the published ranges are read as closed on the light side:
 * light = transparency 10–25 cm, DO 0.2–2.0, ORP −200–50 mV, NH3-N 8–15; heavy beyond them.
 *
 * Transparency is always assessed. The guideline marks both of its limits with the note
 * "水深不足25cm时，该指标按水深的40%取值": in water less than 25 cm deep both limits become
 * 40 % of the depth, so the light band closes to that one value and anything below it is heavy
 * (20 cm deep: limit 8 cm; 2 cm transparency is heavy, 8 cm light, 9 cm none).
 */
export function blackOdorousGrade(s: BlackOdorousSample): {
  grade: BlackOdorousGrade;
  by: Partial<Record<'transparency' | 'DO' | 'ORP' | 'NH3N', BlackOdorousGrade>>;
} {
  const by: Partial<Record<'transparency' | 'DO' | 'ORP' | 'NH3N', BlackOdorousGrade>> = {};
  if (s.transparencyCm !== undefined) {
    const shallow = s.depthCm !== undefined && s.depthCm < 25;
    const lightLimit = shallow ? 0.4 * s.depthCm! : 25;
    const heavyLimit = shallow ? 0.4 * s.depthCm! : 10;
    by.transparency = s.transparencyCm < heavyLimit ? 'heavy' : s.transparencyCm <= lightLimit ? 'light' : 'none';
  }
  if (s.DO !== undefined) by.DO = s.DO < 0.2 ? 'heavy' : s.DO <= 2.0 ? 'light' : 'none';
  if (s.ORP !== undefined) by.ORP = s.ORP < -200 ? 'heavy' : s.ORP <= 50 ? 'light' : 'none';
  if (s.NH3N !== undefined) by.NH3N = s.NH3N > 15 ? 'heavy' : s.NH3N >= 8 ? 'light' : 'none';
  const grades = Object.values(by);
  if (grades.length === 0) throw new RangeError('no black-odorous indicators given');
  const grade = grades.includes('heavy') ? 'heavy' : grades.includes('light') ? 'light' : 'none';
  return { grade, by };
}

export type LoadState = 'normal' | 'warning' | 'restrict';

/** A scenic area's load: visitors as a share of capacity; warning from 80 %, restriction from 100 %. */
export function scenicLoad(visitors: number, capacity: number, thresholds = { warning: 0.8, restrict: 1 }): { share: number; state: LoadState } {
  if (!Number.isFinite(visitors) || visitors < 0) throw new RangeError(`visitors must be a number ≥ 0, got ${visitors}`);
  if (!Number.isFinite(capacity) || capacity <= 0) throw new RangeError(`capacity must be a number > 0, got ${capacity}`);
  const share = visitors / capacity;
  return { share, state: share >= thresholds.restrict ? 'restrict' : share >= thresholds.warning ? 'warning' : 'normal' };
}
