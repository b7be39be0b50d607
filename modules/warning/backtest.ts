/**
 * Backtest: run a rule (saved or a draft) over stored history and see when it would have fired,
 * with the same evaluation steps as the live engine. Nothing is written.
 */
import type { Scope } from '../../platform/auth/scope.js';
import { AppError } from '../../platform/http/errors.js';
import type { Platform } from '../../platform/context.js';
import { deviceRefs, type TelemetryStore } from '../sensing/index.js';
import type { Evidence } from './conditions.js';
import { DERIVED } from './derived.js';
import {
  BaselineCache,
  type CompiledRule,
  DeviceMemory,
  type DeviceMeta,
  type SubjectState,
  compileRule,
  contextFor,
  freshState,
  step,
  toDeviceMeta,
} from './evaluator.js';
import { type Level, type Rule, inRuleScope, ownerMayWatch } from './rules.js';

export interface BacktestOptions {
  from: number;
  to: number;
  /**
   * The caller's data scope: a backtest reads only devices the caller may read (and the rule's owner
   * may watch). Derived views inherit the scope of the data they show.
   */
  scope: Scope;
  /** Only these devices (ids); otherwise every device in the rule's scope, up to maxDevices. */
  devices?: string[];
  maxDevices?: number;
  /** Clock step for absence and durations between readings (default 60 s). */
  tickMs?: number;
}

export interface BacktestTransition {
  subject: string;
  at: number;
  level: Level | null;
  predicted: boolean;
  evidence: Evidence[];
}

export interface BacktestPeriod {
  subject: string;
  /** Most severe level reached in the period. */
  level: Level;
  from: number;
  /** Null when still active at the end of the range. */
  to: number | null;
  predicted: boolean;
}

export interface BacktestResult {
  ruleId: string;
  from: number;
  to: number;
  devices: number;
  readings: number;
  truncated: boolean;
  transitions: BacktestTransition[];
  periods: BacktestPeriod[];
  faults: { subject: string; fault: string }[];
}

const MAX_READINGS = 2_000_000;

export async function backtest(p: Platform, telemetry: TelemetryStore, rule: Rule, opts: BacktestOptions): Promise<BacktestResult> {
  const cr = compileRule({ ...rule, status: 'active' });
  const tickMs = opts.tickMs ?? 60_000;
  const maxDevices = opts.maxDevices ?? 200;
  const rows = await deviceRefs(p.db, {
    scope: opts.scope,
    enabledOnly: true,
    ...(opts.devices?.length ? { ids: opts.devices } : rule.scope.types?.length ? { types: rule.scope.types } : {}),
  });
  const cityWide = p.profile.cityWideDepartments;
  const metas: DeviceMeta[] = [];
  for (const r of rows) {
    const m = toDeviceMeta(r);
    if (!ownerMayWatch(rule.owner, m, cityWide)) continue;
    if (opts.devices?.length || inRuleScope(rule.scope, m)) metas.push(m);
  }
  // A listed device the caller may not read, or the rule may not watch, is reported like an unknown one.
  if (opts.devices?.length) {
    const found = new Set(metas.map((m) => m.id));
    const errors = opts.devices.flatMap((id, i) => (found.has(id) ? [] : [{ pointer: `/body/devices/${i}`, detail: `unknown device ${id}` }]));
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', 'Some devices are not known', { errors });
  }
  const truncated = metas.length > maxDevices;
  const chosen = metas.slice(0, maxDevices);

  // Every attribute the rule reads, with derived values' inputs, and the longest window before `from`.
  const attrs = new Set<string>();
  for (const a of cr.attrs) for (const x of a.startsWith('$') ? (DERIVED[a]?.inputs ?? []) : [a]) attrs.add(x);
  let lead = 0;
  for (const ms of cr.windows.values()) lead = Math.max(lead, ms);

  const baselines = new BaselineCache(telemetry);
  const transitions: BacktestTransition[] = [];
  const faults: { subject: string; fault: string }[] = [];
  const memberChanges: { at: number; device: string; group: string; mask: number }[] = [];
  let readings = 0;
  for (const meta of chosen) {
    const mem = new DeviceMemory();
    const byTs = new Map<number, Map<string, number | string | null>>();
    for (const attr of attrs) {
      const pts = await pagedRaw(telemetry, meta.seq, attr, opts.from - lead, opts.to, MAX_READINGS - readings);
      for (const x of pts) {
        let g = byTs.get(x.t);
        if (!g) {
          g = new Map();
          byTs.set(x.t, g);
        }
        g.set(attr, x.last);
      }
    }
    const times = [...byTs.keys()].sort((a, b) => a - b);
    readings += times.length;
    if (readings > MAX_READINGS)
      throw new AppError('WD_ERR_VALIDATION', `More than ${MAX_READINGS} readings: narrow the range or the devices`, {
        errors: [{ pointer: '/body/devices', detail: `at most ${MAX_READINGS} readings per backtest` }],
      });
    const st: SubjectState = freshState();
    let lastLevel: Level | null = null;
    let lastMask = 0;
    const record = (at: number, evidence: readonly Evidence[]) => {
      if (cr.count) {
        if ((st.mask ?? 0) !== lastMask) {
          lastMask = st.mask ?? 0;
          memberChanges.push({ at, device: meta.id, group: cr.count[0]!.by === 'district' ? `district:${meta.district ?? 'none'}` : 'scope', mask: lastMask });
        }
      } else if (st.level !== lastLevel) {
        lastLevel = st.level;
        if (at >= opts.from) transitions.push({ subject: meta.id, at, level: st.level, predicted: st.predicted ?? false, evidence: [...evidence] });
      }
    };
    let clock = opts.from;
    let steps = 0;
    for (const ts of times) {
      // A long history is evaluated in slices: other requests and acknowledgements go between them.
      if (++steps % 2000 === 0) await yieldToLoop();
      // Clock ticks between readings (absence, durations).
      if (cr.ticks) {
        while (clock + tickMs < ts && clock < opts.to) {
          if (++steps % 2000 === 0) await yieldToLoop();
          clock += tickMs;
          const r = step(cr, meta, st, contextFor(meta, mem, baselines, 'tick', clock, EMPTY));
          if (r.changed) record(clock, r.evidence);
        }
      }
      const changed = mem.record(meta, ts, byTs.get(ts)!, cr.windows);
      if (cr.baseline) await baselines.ensure(cr, meta.seq, ts);
      const r = step(cr, meta, st, contextFor(meta, mem, baselines, 'reading', ts, changed));
      if (r.fault) {
        faults.push({ subject: meta.id, fault: r.fault });
        break;
      }
      if (r.changed) record(ts, r.evidence);
      if (ts > clock) clock = ts;
    }
    if (cr.ticks && !st.fault) {
      while (clock + tickMs <= opts.to) {
        if (++steps % 2000 === 0) await yieldToLoop();
        clock += tickMs;
        const r = step(cr, meta, st, contextFor(meta, mem, baselines, 'tick', clock, EMPTY));
        if (r.changed) record(clock, r.evidence);
      }
    }
  }

  if (cr.count) transitions.push(...groupTransitions(cr, memberChanges, opts.from));
  transitions.sort((a, b) => a.at - b.at);
  return { ruleId: rule.id, from: opts.from, to: opts.to, devices: chosen.length, readings, truncated, transitions, periods: periodsOf(transitions), faults };
}

const EMPTY: ReadonlySet<string> = new Set();

/** Lets the event loop serve what is waiting (I/O, timers) before going on. */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Raw readings of one attribute, read a page of 5,000 at a time with a yield between pages, so a
 * long history never holds the event loop for more than one page's read.
 */
async function pagedRaw(telemetry: TelemetryStore, dev: number, attr: string, from: number, to: number, max: number) {
  const PAGE = 5000;
  const out: Awaited<ReturnType<TelemetryStore['series']>> = [];
  let cursor = from;
  while (cursor < to && out.length <= max) {
    const page = await telemetry.series({ dev, attr, from: cursor, to, resolution: 'raw', limit: PAGE });
    for (const x of page) out.push(x);
    if (page.length < PAGE) break;
    cursor = page[page.length - 1]!.t + 1;
    await yieldToLoop();
  }
  return out;
}

function groupTransitions(cr: CompiledRule, changes: { at: number; device: string; group: string; mask: number }[], from: number): BacktestTransition[] {
  changes.sort((a, b) => a.at - b.at);
  const masks = new Map<string, Map<string, number>>();
  const levels = new Map<string, Level | null>();
  const out: BacktestTransition[] = [];
  for (const c of changes) {
    let g = masks.get(c.group);
    if (!g) {
      g = new Map();
      masks.set(c.group, g);
    }
    g.set(c.device, c.mask);
    let level: Level | null = null;
    let count = 0;
    cr.rule.levels.forEach((l, i) => {
      const bit = 1 << (l.level - 1);
      const n = [...g!.values()].filter((m) => (m & bit) !== 0).length;
      if (n >= cr.count![i]!.k && (level === null || l.level < level)) {
        level = l.level;
        count = n;
      }
    });
    if ((levels.get(c.group) ?? null) !== level) {
      levels.set(c.group, level);
      if (c.at >= from) out.push({ subject: c.group, at: c.at, level, predicted: false, evidence: level ? [{ kind: 'count', count }] : [] });
    }
  }
  return out;
}

function periodsOf(transitions: BacktestTransition[]): BacktestPeriod[] {
  const open = new Map<string, BacktestPeriod>();
  const out: BacktestPeriod[] = [];
  for (const t of transitions) {
    const cur = open.get(t.subject);
    if (t.level === null) {
      if (cur) {
        cur.to = t.at;
        open.delete(t.subject);
      }
      continue;
    }
    if (cur) {
      if (t.level < cur.level) cur.level = t.level;
      if (!t.predicted) cur.predicted = false;
    } else {
      const p: BacktestPeriod = { subject: t.subject, level: t.level, from: t.at, to: null, predicted: t.predicted };
      open.set(t.subject, p);
      out.push(p);
    }
  }
  return out;
}
