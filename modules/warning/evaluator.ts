/**
 * Evaluating rules for one device at a time, shared by the live engine and the backtest: the
 * device's latest values, recent windows and last-seen times, and the step that turns a reading
 * (or a clock tick) into each rule's new state and level.
 */
import {
  type CondState,
  type EvalContext,
  type Evidence,
  NO_EVIDENCE,
  RuleRuntimeError,
  Series,
  evaluate,
  needsTicks,
  touched,
  windowsOf,
} from './conditions.js';
import { readValue } from './derived.js';
import { json } from '../../platform/storage/db.js';
import { HOUR, type TelemetryStore } from '../sensing/index.js';
import type { Level, Rule } from './rules.js';
import { kindsOf } from './rules.js';

export interface DeviceMeta {
  seq: number;
  id: string;
  name: string;
  typeId: string;
  department: string;
  district: string | null;
  tags: string[];
  lon: number | null;
  lat: number | null;
  properties: Record<string, unknown>;
  simulated: boolean;
  intervalSeconds: number;
}

/** A device (the columns sensing's `deviceRefs` reads) as the evaluator sees it. */
export function toDeviceMeta(r: {
  seq: number;
  id: string;
  name: string;
  type_id: string;
  department_code: string;
  district_adcode: string | null;
  tags: string;
  lon: number | null;
  lat: number | null;
  properties: string;
  simulated: number;
  interval_s: number;
}): DeviceMeta {
  return {
    seq: r.seq,
    id: r.id,
    name: r.name,
    typeId: r.type_id,
    department: r.department_code,
    district: r.district_adcode,
    tags: json.parse<string[]>(r.tags, []),
    lon: r.lon,
    lat: r.lat,
    properties: json.parse<Record<string, unknown>>(r.properties, {}),
    simulated: r.simulated === 1,
    intervalSeconds: r.interval_s,
  };
}

/** A rule prepared for evaluation. */
export interface CompiledRule {
  rule: Rule;
  /** attr → longest window any condition needs (ms). */
  windows: Map<string, number>;
  ticks: boolean;
  baseline: boolean;
  /** k-of-n rules: per level (same order as rule.levels), k and the grouping. */
  count: { k: number; by: 'district' | 'scope' }[] | null;
  /** Attributes the rule reads (for evidence charts). */
  attrs: string[];
  /** Has an absence condition: every device in scope is evaluated on each tick (others only while a duration is pending). */
  absence: boolean;
}

export function compileRule(rule: Rule): CompiledRule {
  const windows = new Map<string, number>();
  let ticks = false;
  let baseline = false;
  const attrs = new Set<string>();
  const collect = (c: Rule['levels'][number]['condition']): void => {
    if ('attr' in c && c.attr) attrs.add(c.attr);
    if (c.kind === 'all' || c.kind === 'any') c.of.forEach(collect);
    if (c.kind === 'count') collect(c.of);
  };
  for (const l of rule.levels) {
    windowsOf(l.condition, windows);
    ticks ||= needsTicks(l.condition);
    baseline ||= kindsOf(l.condition).has('baseline');
    collect(l.condition);
  }
  const counts = rule.levels.every((l) => l.condition.kind === 'count')
    ? rule.levels.map((l) => {
        const c = l.condition as { k: number; by: 'district' | 'scope' };
        return { k: c.k, by: c.by };
      })
    : null;
  const absence = rule.levels.some((l) => kindsOf(l.condition).has('absence'));
  return { rule, windows, ticks, baseline, count: counts, attrs: [...attrs], absence };
}

/** Per rule and subject: the desired level and the state of each level's condition. */
export interface SubjectState {
  level: Level | null;
  /** Time of the reading or tick that last changed the state; older readings are not evaluated. */
  at: number;
  levels: CondState[];
  /** k-of-n rules: bit (level - 1) set while this device meets that level's inner condition. */
  mask?: number;
  /** A data problem with this subject (e.g. a missing station property): it is skipped until the rule changes. */
  fault?: string;
  /** Whether the chosen level came from a prediction. */
  predicted?: boolean;
}

export interface StepResult {
  changed: boolean;
  levelChanged: boolean;
  maskChanged: boolean;
  evidence: readonly Evidence[];
  fault?: string;
}

export interface BaselineSource {
  get(dev: number, attr: string, weeks: number, ts: number): { mean: number; sd: number; weeks: number } | undefined;
}

/** What is known about each device's recent readings. */
export class DeviceMemory {
  readonly latest = new Map<number, Map<string, number | string | null>>();
  readonly seen = new Map<number, { any: number; attrs: Map<string, number> }>();
  readonly series = new Map<string, Series>();

  values(seq: number): Map<string, number | string | null> {
    let m = this.latest.get(seq);
    if (!m) {
      m = new Map();
      this.latest.set(seq, m);
    }
    return m;
  }

  markSeen(seq: number, attr: string, ts: number): void {
    let s = this.seen.get(seq);
    if (!s) {
      s = { any: ts, attrs: new Map() };
      this.seen.set(seq, s);
    }
    if (ts > s.any) s.any = ts;
    if (ts > (s.attrs.get(attr) ?? 0)) s.attrs.set(attr, ts);
  }

  /** Records one reading of a device: latest values, last seen, and the windows that want it. */
  record(
    meta: DeviceMeta,
    ts: number,
    values: ReadonlyMap<string, number | string | null>,
    windows: ReadonlyMap<string, number>,
    derived?: Map<string, number | undefined>,
  ): Set<string> {
    const latest = this.values(meta.seq);
    const changed = new Set<string>();
    for (const [attr, v] of values) {
      latest.set(attr, v);
      this.markSeen(meta.seq, attr, ts);
      changed.add(attr);
    }
    for (const [attr, ms] of windows) {
      if (!touched(attr, changed)) continue;
      const v = attr.startsWith('$')
        ? readValue(attr, { values: latest, properties: meta.properties, tags: meta.tags, ...(derived ? { derived } : {}) })
        : latest.get(attr);
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      this.window(meta.seq, attr, ms).add(ts, v);
    }
    return changed;
  }

  window(seq: number, attr: string, ms: number): Series {
    const key = `${seq}|${attr}`;
    let s = this.series.get(key);
    if (!s) {
      s = new Series(ms);
      this.series.set(key, s);
    } else if (s.maxAgeMs < ms) s.maxAgeMs = ms;
    return s;
  }

  forget(seq: number): void {
    this.latest.delete(seq);
    this.seen.delete(seq);
    for (const k of this.series.keys()) if (k.startsWith(`${seq}|`)) this.series.delete(k);
  }
}

/**
 * Evaluates one rule for one device. Mutates `st` and reports what changed. A data problem
 * (RuleRuntimeError) becomes the subject's fault; any other error propagates (the caller
 * suspends the rule).
 */
/**
 * The evaluation context of one device at one reading (or tick), shared by all its rules. A class
 * rather than an object of closures: one is made for every reading.
 */
class DeviceContext implements EvalContext {
  readonly values: Map<string, number | string | null>;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  readonly location: { lon: number; lat: number } | null;
  now?: number;
  private readonly seen: { any: number; attrs: Map<string, number> } | undefined;

  constructor(
    private readonly meta: DeviceMeta,
    private readonly mem: DeviceMemory,
    private readonly baselines: BaselineSource,
    readonly trigger: 'reading' | 'tick',
    readonly ts: number,
    readonly changed: ReadonlySet<string>,
    readonly derived: Map<string, number | undefined> | undefined,
  ) {
    this.values = mem.values(meta.seq);
    this.properties = meta.properties;
    this.tags = meta.tags;
    this.location = meta.lon !== null && meta.lat !== null ? { lon: meta.lon, lat: meta.lat } : null;
    this.seen = mem.seen.get(meta.seq);
  }

  lastSeen(attr?: string): number | undefined {
    return attr ? this.seen?.attrs.get(attr) : this.seen?.any;
  }

  series(attr: string): Series | undefined {
    return this.mem.series.get(`${this.meta.seq}|${attr}`);
  }

  baseline(attr: string, weeks: number, t: number): { mean: number; sd: number; weeks: number } | undefined {
    return this.baselines.get(this.meta.seq, attr, weeks, t);
  }
}

export function contextFor(
  meta: DeviceMeta,
  mem: DeviceMemory,
  baseline: BaselineSource,
  trigger: 'reading' | 'tick',
  ts: number,
  changed: ReadonlySet<string>,
  derived?: Map<string, number | undefined>,
): EvalContext {
  return new DeviceContext(meta, mem, baseline, trigger, ts, changed, derived);
}

/**
 * Evaluates one rule for one device. Mutates `st` and reports what changed. A data problem
 * (RuleRuntimeError) becomes the subject's fault; any other error propagates (the caller
 * suspends the rule).
 */
export function step(cr: CompiledRule, meta: DeviceMeta, st: SubjectState, ctx: EvalContext): StepResult {
  if (st.fault) return UNCHANGED;
  const ts = ctx.ts;
  const previous = st.levels;
  const levels: CondState[] = [];
  let best: Level | null = null;
  let predicted = false;
  let mask = 0;
  let evidence: readonly Evidence[] = NO_EVIDENCE;
  try {
    const ls = cr.rule.levels;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      const cond = l.condition.kind === 'count' ? l.condition.of : l.condition;
      const r = evaluate(cond, st.levels[i], ctx);
      levels.push(r.state);
      if (!r.on) continue;
      mask |= 1 << (l.level - 1);
      if (best === null || l.level < best) {
        best = l.level;
        predicted = cond.kind === 'predict';
        evidence = r.evidence;
      }
    }
  } catch (err) {
    if (err instanceof RuleRuntimeError) {
      st.fault = `${meta.id}: ${err.message}`;
      st.at = ts;
      return { changed: true, levelChanged: false, maskChanged: false, evidence: NO_EVIDENCE, fault: st.fault };
    }
    throw err;
  }
  const same = sameStates(previous, levels);
  st.levels = levels;
  if (same && !cr.count && best === st.level && (best === null || predicted === (st.predicted ?? false))) {
    return best === null ? UNCHANGED : { changed: false, levelChanged: false, maskChanged: false, evidence };
  }
  const result: StepResult = { changed: false, levelChanged: false, maskChanged: false, evidence };
  if (cr.count) {
    if ((st.mask ?? 0) !== mask) {
      st.mask = mask;
      result.maskChanged = true;
    }
  } else if (best !== st.level || (best !== null && predicted !== (st.predicted ?? false))) {
    st.level = best;
    st.predicted = predicted;
    result.levelChanged = true;
  }
  if (!same || result.levelChanged || result.maskChanged) {
    st.at = ts;
    result.changed = true;
  }
  return result;
}

/**
 * Whether two condition states are the same, evidence aside (it changes with every reading and is
 * not state proper). A missing state (a rule's first evaluation for a subject) is the same as a
 * quiet one, so a device meeting no condition has nothing to write: at 50,000 devices the first
 * reading of each would otherwise write a state row per rule.
 */
function sameState(a: CondState | undefined, b: CondState | undefined): boolean {
  if (a === b) return true;
  if (!a) return quiet(b);
  if (!b) return quiet(a);
  if ((a.on ?? false) !== (b.on ?? false) || (a.since ?? null) !== (b.since ?? null)) return false;
  return sameStates(a.c, b.c);
}

function sameStates(a: CondState[] | undefined, b: CondState[] | undefined): boolean {
  if (a === b) return true;
  const n = Math.max(a?.length ?? 0, b?.length ?? 0);
  for (let i = 0; i < n; i++) if (!sameState(a?.[i], b?.[i])) return false;
  return true;
}

/** A state that holds nothing: not on, no duration under way, its parts quiet too. */
function quiet(s: CondState | undefined): boolean {
  if (!s) return true;
  if (s.on || s.since != null) return false;
  if (s.c) for (const x of s.c) if (!quiet(x)) return false;
  return true;
}

/** Whether a duration is under way somewhere in the state (a tick may complete it). */
export function pendingDuration(levels: readonly CondState[] | undefined): boolean {
  if (!levels) return false;
  for (const c of levels) if (c && ((!c.on && c.since != null) || pendingDuration(c.c))) return true;
  return false;
}

const UNCHANGED: StepResult = Object.freeze({ changed: false, levelChanged: false, maskChanged: false, evidence: NO_EVIDENCE });

export function freshState(): SubjectState {
  return { level: null, at: 0, levels: [] };
}

/**
 * Baselines for `baseline` conditions: the hourly mean of the same hour of the week over the last
 * weeks (from the hour rollups), with its spread across those weeks; cached per hour.
 */
export class BaselineCache implements BaselineSource {
  private readonly cache = new Map<string, { mean: number; sd: number; weeks: number } | undefined>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly telemetry: Pick<TelemetryStore, 'series'>) {}

  get(dev: number, attr: string, weeks: number, ts: number): { mean: number; sd: number; weeks: number } | undefined {
    return this.cache.get(baselineKey(dev, attr, weeks, ts));
  }

  /** Loads the baselines a rule needs for a device at a time (once per hour). */
  async ensure(cr: CompiledRule, dev: number, ts: number): Promise<void> {
    for (const b of baselinesOf(cr)) {
      const key = baselineKey(dev, b.attr, b.weeks, ts);
      if (this.cache.has(key)) continue;
      let p = this.pending.get(key);
      if (!p) {
        p = this.load(dev, b.attr, b.weeks, ts, key).finally(() => this.pending.delete(key));
        this.pending.set(key, p);
      }
      await p;
    }
  }

  private async load(dev: number, attr: string, weeks: number, ts: number, key: string): Promise<void> {
    const WEEK = 7 * 24 * HOUR;
    const hourStart = Math.floor(ts / HOUR) * HOUR;
    const means: number[] = [];
    for (let w = 1; w <= weeks; w++) {
      const from = hourStart - w * WEEK;
      const pts = await this.telemetry.series({ dev, attr, from, to: from + HOUR, resolution: 'hour', limit: 2 });
      const p = pts[0];
      if (p && p.avg !== null) means.push(p.avg);
    }
    let v: { mean: number; sd: number; weeks: number } | undefined;
    if (means.length >= 2) {
      const mean = means.reduce((a, b) => a + b, 0) / means.length;
      const sd = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (means.length - 1));
      v = { mean, sd, weeks: means.length };
    }
    if (this.cache.size > 200_000) this.cache.clear();
    this.cache.set(key, v);
  }
}

function baselineKey(dev: number, attr: string, weeks: number, ts: number): string {
  return `${dev}|${attr}|${weeks}|${Math.floor(ts / HOUR)}`;
}

function baselinesOf(cr: CompiledRule): { attr: string; weeks: number }[] {
  const out: { attr: string; weeks: number }[] = [];
  const walk = (c: Rule['levels'][number]['condition']): void => {
    if (c.kind === 'baseline') out.push({ attr: c.attr, weeks: c.weeks });
    if (c.kind === 'all' || c.kind === 'any') c.of.forEach(walk);
    if (c.kind === 'count') walk(c.of);
  };
  for (const l of cr.rule.levels) walk(l.condition);
  return out;
}
