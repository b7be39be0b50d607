/**
 * Condition evaluation for one subject (a device). Conditions are pure: each takes its previous
 * state (plain JSON, persisted by the engine) and the context, and returns whether it holds, its
 * new state and what it saw (the evidence). Windows of recent readings (rate, stuck, prediction)
 * live in a `Series` per device and attribute, which the engine fills from the store after a
 * restart, so they need no persistence of their own.
 */
import { type DerivedContext, DERIVED, readValue } from './derived.js';
import { FitError, fitHolt, projectCrossing } from './holt.js';
import type { Condition, Op, ValueRef } from './rules.js';

/** How many new readings a prediction refits with the same smoothing constants before a new grid search. */
export const REFIT_EVERY = 10;

/** A window of one attribute's readings in time order (same-time readings keep the last). */
export class Series {
  ts: number[] = [];
  vs: number[] = [];
  /** Smoothing constants of the last grid search per prediction window, and readings since. */
  holt: Map<number, { alpha: number; beta: number; uses: number }> | undefined;
  constructor(public maxAgeMs: number) {}

  add(t: number, v: number): void {
    const n = this.ts.length;
    if (n === 0 || t > this.ts[n - 1]!) {
      this.ts.push(t);
      this.vs.push(v);
    } else {
      // Out of order (history loaded after live readings, or a replay): insert in place.
      let i = n - 1;
      while (i >= 0 && this.ts[i]! > t) i--;
      if (i >= 0 && this.ts[i] === t) this.vs[i] = v;
      else {
        this.ts.splice(i + 1, 0, t);
        this.vs.splice(i + 1, 0, v);
      }
    }
    const cutoff = this.ts[this.ts.length - 1]! - this.maxAgeMs;
    let drop = 0;
    while (drop < this.ts.length && this.ts[drop]! < cutoff) drop++;
    if (drop > 64 || drop * 4 > this.ts.length) {
      this.ts.splice(0, drop);
      this.vs.splice(0, drop);
    }
  }

  /** Index of the first reading at or after t. */
  indexFrom(t: number): number {
    let lo = 0;
    let hi = this.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get length(): number {
    return this.ts.length;
  }
}

export interface EvalContext extends DerivedContext {
  /** The reading's time, or the clock on a timer tick. */
  ts: number;
  /** The clock when the reading is evaluated (defaults to `ts`): absence is judged against it. */
  now?: number;
  trigger: 'reading' | 'tick';
  /** Keys of the attributes this reading carries (derived keys when an input changed). */
  changed: ReadonlySet<string>;
  /** When the device (or one attribute) last reported. */
  lastSeen(attr?: string): number | undefined;
  series(attr: string): Series | undefined;
  /** Mean and spread of the attribute at the same hour of the week over recent weeks. */
  baseline(attr: string, weeks: number, ts: number): { mean: number; sd: number; weeks: number } | undefined;
  location: { lon: number; lat: number } | null;
}

export interface Evidence {
  kind: Condition['kind'];
  attr?: string;
  value?: number;
  threshold?: number;
  /** Prediction: expected crossing time, confidence, forecast at the horizon. */
  expectedAt?: number;
  confidence?: number;
  forecast?: number;
  /** Window the condition looked at. */
  windowMs?: number;
  baseline?: { mean: number; sd: number; weeks: number };
  count?: number;
  detail?: string;
}

export type CondState = { on?: boolean; since?: number | null; c?: CondState[]; e?: Evidence };

export interface EvalResult {
  on: boolean;
  state: CondState;
  evidence: readonly Evidence[];
}

/** The evidence of a condition that does not hold (shared: most results carry none). */
export const NO_EVIDENCE: readonly Evidence[] = Object.freeze([]);

/** A problem with the data the rule needs: the engine suspends the rule with this reason. */
export class RuleRuntimeError extends Error {}

function ref(v: ValueRef, props: Readonly<Record<string, unknown>>): number | undefined {
  if (typeof v === 'number') return v;
  const p = props[v.property];
  return typeof p === 'number' && Number.isFinite(p) ? p : undefined;
}

const meets = (op: Op, x: number, a: number) => (op === '>=' ? x >= a : x <= a);

/** Whether the attribute (or one of a derived value's inputs) is in this reading. */
export function touched(attr: string, changed: ReadonlySet<string>): boolean {
  if (changed.has(attr)) return true;
  const d = attr.startsWith('$') ? DERIVED[attr] : undefined;
  return !!d && d.inputs.some((i) => changed.has(i));
}

/** Point-in-polygon (ray casting) on [lon, lat] pairs. */
export function insidePolygon(lon: number, lat: number, poly: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Evaluates a condition (not `count`, which the engine aggregates across devices). */
export function evaluate(c: Condition, prev: CondState | undefined, ctx: EvalContext): EvalResult {
  const s: CondState = prev ?? {};
  switch (c.kind) {
    case 'threshold': {
      const on = s.on === true;
      const forMs = (c.forSeconds ?? 0) * 1000;
      if (ctx.trigger === 'tick' || !touched(c.attr, ctx.changed)) {
        // No new value: only a pending duration can complete, on the clock.
        if (!on && s.since != null && ctx.trigger === 'tick' && ctx.ts - s.since >= forMs) {
          return { on: true, state: { on: true, since: s.since, ...(s.e ? { e: s.e } : {}) }, evidence: s.e ? [s.e] : NO_EVIDENCE };
        }
        return { on, state: s, evidence: on && s.e ? [s.e] : NO_EVIDENCE };
      }
      const x = readValue(c.attr, ctx);
      const a = ref(c.value, ctx.properties);
      if (a === undefined) throw new RuleRuntimeError(`device has no property ${(c.value as { property: string }).property} for the threshold`);
      if (x === undefined) return { on, state: s, evidence: NO_EVIDENCE };
      const b = c.clear === undefined ? a : ref(c.clear, ctx.properties);
      if (b === undefined) throw new RuleRuntimeError(`device has no property ${(c.clear as { property: string }).property} for the clear level`);
      if (on) {
        const e: Evidence = { kind: 'threshold', attr: c.attr, value: x, threshold: a };
        // Hysteresis: stays raised until the value is back at or beyond the clear level.
        const cleared = c.op === '>=' ? x <= b && (b < a || x < a) : x >= b && (b > a || x > a);
        if (cleared) return { on: false, state: { on: false, since: null }, evidence: NO_EVIDENCE };
        return { on: true, state: { on: true, since: s.since ?? ctx.ts, e }, evidence: [e] };
      }
      if (!meets(c.op, x, a)) return { on: false, state: s.since == null && !s.on ? s : { on: false, since: null }, evidence: NO_EVIDENCE };
      const since = s.since ?? ctx.ts;
      const now = ctx.ts - since >= forMs;
      if (!now) return { on: false, state: s.since === since && !s.on ? s : { on: false, since }, evidence: NO_EVIDENCE };
      const e: Evidence = { kind: 'threshold', attr: c.attr, value: x, threshold: a };
      return { on: true, state: { on: true, since, e }, evidence: [e] };
    }
    case 'rate': {
      if (ctx.trigger === 'tick' || !touched(c.attr, ctx.changed)) return keep(s);
      const x = readValue(c.attr, ctx);
      const series = ctx.series(c.attr);
      if (x === undefined || !series || series.length < 2) return keep(s);
      const from = series.indexFrom(ctx.ts - c.withinSeconds * 1000);
      let ref = x;
      for (let i = from; i < series.length && series.ts[i]! <= ctx.ts; i++) {
        const v = series.vs[i]!;
        ref = c.change > 0 ? Math.min(ref, v) : Math.max(ref, v);
      }
      const delta = x - ref;
      const on = c.change > 0 ? delta >= c.change : delta <= c.change;
      if (!on) return { on: false, state: s.on ? { on: false } : s, evidence: NO_EVIDENCE };
      const e: Evidence = { kind: 'rate', attr: c.attr, value: x, threshold: c.change, windowMs: c.withinSeconds * 1000, detail: `change ${round(delta)}` };
      return { on, state: { on, e }, evidence: [e] };
    }
    case 'absence': {
      const last = ctx.lastSeen(c.attr);
      if (last === undefined) return keep(s);
      // Silence is measured to the clock, not to the reading: a device uploading readings hours
      // old after a reconnect is not back until its data is current (else each old reading would
      // clear the alert and the next tick raise it again).
      const silentMs = Math.max(ctx.ts, ctx.now ?? ctx.ts) - last;
      const on = silentMs >= c.seconds * 1000;
      const e: Evidence = {
        kind: 'absence',
        ...(c.attr ? { attr: c.attr } : {}),
        windowMs: c.seconds * 1000,
        detail: `silent for ${Math.round(silentMs / 1000)} s`,
      };
      return { on, state: on ? { on, e } : { on }, evidence: on ? [e] : NO_EVIDENCE };
    }
    case 'stuck': {
      if (ctx.trigger === 'tick' || !touched(c.attr, ctx.changed)) return keep(s);
      const series = ctx.series(c.attr);
      const x = readValue(c.attr, ctx);
      if (!series || x === undefined) return keep(s);
      // Unchanged since when? Walk back while the value equals the current one.
      let i = series.indexFrom(ctx.ts + 1) - 1;
      let count = 0;
      let since = ctx.ts;
      while (i >= 0 && series.vs[i] === x) {
        since = series.ts[i]!;
        count++;
        i--;
      }
      const on = count >= (c.minReadings ?? 5) && ctx.ts - since >= c.seconds * 1000;
      const e: Evidence = { kind: 'stuck', attr: c.attr, value: x, windowMs: ctx.ts - since, detail: `${count} identical readings` };
      return { on, state: on ? { on, e } : { on }, evidence: on ? [e] : NO_EVIDENCE };
    }
    case 'baseline': {
      if (ctx.trigger === 'tick' || !touched(c.attr, ctx.changed)) return keep(s);
      const x = readValue(c.attr, ctx);
      const b = ctx.baseline(c.attr, c.weeks, ctx.ts);
      if (x === undefined || !b || b.weeks < 2) return keep(s);
      const dev = Math.abs(x - b.mean);
      // A floor on the spread: a perfectly regular history must not make every wobble an anomaly.
      const sd = Math.max(b.sd, Math.abs(b.mean) * 0.02, 1e-6);
      const bySigma = c.sigmas !== undefined && dev > c.sigmas * sd;
      const byRatio = c.ratio !== undefined && Math.abs(b.mean) > 1e-9 && dev / Math.abs(b.mean) > c.ratio;
      const on = bySigma || byRatio;
      const e: Evidence = { kind: 'baseline', attr: c.attr, value: x, baseline: b, detail: `deviation ${round(dev)} (${round(dev / sd)} σ)` };
      return { on, state: on ? { on, e } : { on }, evidence: on ? [e] : NO_EVIDENCE };
    }
    case 'predict': {
      if (ctx.trigger === 'tick' || !touched(c.attr, ctx.changed)) return keep(s);
      const series = ctx.series(c.attr);
      const thr = ref(c.value, ctx.properties);
      if (thr === undefined) throw new RuleRuntimeError(`device has no property ${(c.value as { property: string }).property} for the predicted threshold`);
      if (!series) return keep(s);
      const from = series.indexFrom(ctx.ts - c.fitSeconds * 1000);
      const to = series.indexFrom(ctx.ts + 1);
      if (to - from < 6) return keep(s);
      let fit: ReturnType<typeof fitHolt>;
      try {
        // The grid search for α and β runs every REFIT_EVERY readings; in between the window is
        // refitted with the same constants (one pass instead of 63).
        series.holt ??= new Map();
        const cached = series.holt.get(c.fitSeconds);
        if (cached && cached.uses < REFIT_EVERY) {
          fit = fitHolt(series.ts, series.vs, from, to, cached);
          cached.uses++;
        } else {
          fit = fitHolt(series.ts, series.vs, from, to);
          series.holt.set(c.fitSeconds, { alpha: fit.alpha, beta: fit.beta, uses: 1 });
        }
      } catch (err) {
        if (err instanceof FitError) return keep(s);
        throw err;
      }
      const x = series.vs[to - 1]!;
      const horizonMs = c.horizonSeconds * 1000;
      const cross = projectCrossing(fit, c.op, thr, horizonMs, ctx.ts);
      const min = c.minConfidence ?? 0.6;
      const on = meets(c.op, x, thr) || (cross.at !== null && cross.confidence >= min);
      if (!on) return s.on ? { on: false, state: { on: false }, evidence: NO_EVIDENCE } : { on: false, state: s, evidence: NO_EVIDENCE };
      const e: Evidence = {
        kind: 'predict',
        attr: c.attr,
        value: x,
        threshold: thr,
        ...(cross.at !== null ? { expectedAt: Math.round(cross.at) } : {}),
        confidence: round(cross.confidence, 3),
        forecast: round(cross.forecast),
        windowMs: c.fitSeconds * 1000,
        detail: `Holt α=${fit.alpha} β=${fit.beta}, trend ${round((fit.trend / fit.stepMs) * 3_600_000)}/h`,
      };
      return { on, state: on ? { on, e } : { on }, evidence: on ? [e] : NO_EVIDENCE };
    }
    case 'geofence': {
      const loc = locationOf(ctx);
      const inside = loc ? insidePolygon(loc.lon, loc.lat, c.polygon) : false;
      return { on: loc !== null && inside === c.inside, state: {}, evidence: NO_EVIDENCE };
    }
    case 'all':
    case 'any': {
      const states: CondState[] = [];
      const evidence: Evidence[] = [];
      let all = true;
      let any = false;
      c.of.forEach((x, i) => {
        const r = evaluate(x, s.c?.[i], ctx);
        states.push(r.state);
        if (r.on) {
          any = true;
          evidence.push(...r.evidence);
        } else all = false;
      });
      const on = c.kind === 'all' ? all : any;
      return { on, state: { on, c: states }, evidence: on ? evidence : NO_EVIDENCE };
    }
    case 'count':
      throw new Error('k of n is aggregated by the engine');
  }
}

function keep(s: CondState): EvalResult {
  return { on: s.on === true, state: s, evidence: s.on && s.e ? [s.e] : NO_EVIDENCE };
}

function locationOf(ctx: EvalContext): { lon: number; lat: number } | null {
  const lon = ctx.values.get('lon') ?? ctx.values.get('longitude');
  const lat = ctx.values.get('lat') ?? ctx.values.get('latitude');
  if (typeof lon === 'number' && typeof lat === 'number') return { lon, lat };
  return ctx.location;
}

function round(x: number, d = 2): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** The longest window of readings each attribute needs, for the engine's series. */
export function windowsOf(c: Condition, out = new Map<string, number>()): Map<string, number> {
  const need = (attr: string, ms: number) => out.set(attr, Math.max(out.get(attr) ?? 0, ms));
  switch (c.kind) {
    case 'rate':
      need(c.attr, c.withinSeconds * 1000);
      break;
    case 'stuck':
      need(c.attr, c.seconds * 2000);
      break;
    case 'predict':
      need(c.attr, c.fitSeconds * 1000);
      break;
    case 'all':
    case 'any':
      for (const x of c.of) windowsOf(x, out);
      break;
    case 'count':
      windowsOf(c.of, out);
      break;
    default:
  }
  return out;
}

/** Whether any condition in the tree changes on the clock alone (absence, durations). */
export function needsTicks(c: Condition): boolean {
  switch (c.kind) {
    case 'absence':
      return true;
    case 'threshold':
      return (c.forSeconds ?? 0) > 0;
    case 'all':
    case 'any':
      return c.of.some(needsTicks);
    case 'count':
      return needsTicks(c.of);
    default:
      return false;
  }
}
