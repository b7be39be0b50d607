/**
 * The rule engine. Devices are split into partitions (device seq mod P); each partition is held
 * by one process at a time under a lease in the database, so each rule-and-subject is evaluated
 * by exactly one process. Processes share the partitions fairly and take over those of a process
 * that stops renewing.
 *
 * Input is every process's committed observations (announced on the bus, `live.observations`).
 * State that cannot be recomputed cheaply (durations, hysteresis, the desired level) is written
 * to `warning_state` when it changes, and each partition's checkpoint time with it. A process
 * taking a partition over (after a crash, a handover or a restart) loads that state, replays the
 * stored observations since the checkpoint (less a lateness margin) through the same steps, and
 * reconciles the open alerts with the desired levels. Windows of recent readings (rate, stuck,
 * prediction) are reloaded from the telemetry store. The unique open alert per rule and subject
 * makes a duplicate impossible even if two processes briefly overlap.
 *
 * Why this file is long (about 1,000 lines): it is one job, the evaluation loop (one queue of
 * readings, ticks and partition changes; the in-memory state of every rule-and-subject held; the
 * caches of rules and devices that loop reads on every reading). The hot path reads those maps
 * directly, so they stay together. What is not the loop is elsewhere: the lease protocol in
 * partitions.ts, the SQL in engine.store.ts, the state's stored form in engine.state.ts, the
 * conditions in conditions.ts and evaluator.ts.
 */
import { hostname } from 'node:os';
import type { Insertable } from 'kysely';
import type { WarningStateTable } from './warning.tables.js';
import { Counter, Histogram, type Registry } from 'prom-client';
import { newId } from '../../platform/ids.js';
import { transaction } from '../../platform/storage/db.js';
import type { Platform } from '../../platform/context.js';
import { type Job, every } from '../../platform/jobs.js';
import { deviceRefs, HOUR, lastSeen, type LiveBatch, type Sensing } from '../sensing/index.js';
import type { AlertService, AlertSubject, SeriesEvidence } from './alerts.js';
import type { Evidence } from './conditions.js';
import {
  BaselineCache,
  type CompiledRule,
  DeviceMemory,
  type DeviceMeta,
  type SubjectState,
  compileRule,
  contextFor,
  freshState,
  pendingDuration,
  step,
  toDeviceMeta,
} from './evaluator.js';
import type { EvalContext } from './conditions.js';
import type { Level } from './rules.js';
import { ruleWatches } from './rules.js';
import { suspendRule, toRule } from './rules.service.js';
import * as ruleStore from './rules.store.js';
import * as store from './engine.store.js';
import { type EngineState, stateFromRow, stateToRow } from './engine.state.js';
import { PartitionLeases } from './partitions.js';

/** Partitions of the device space when none are configured (WARNING_PARTITIONS' default). */
export const DEFAULT_PARTITIONS = 32;

export interface EngineOptions {
  partitions?: number;
  leaseMs?: number;
  checkpointMs?: number;
  tickMs?: number;
  /** Replay starts this long before a partition's checkpoint, for readings that arrive late. */
  latenessMs?: number;
  workerId?: string;
  /** Run the lease, checkpoint and tick timers (tests drive them by hand when false). */
  timers?: boolean;
  registry?: Registry;
}

interface Input {
  kind: 'readings';
  seq: number;
  /** Readings grouped by time, in time order. */
  groups: { ts: number; values: Map<string, number | string | null> }[];
  replay: boolean;
  arrived: number;
}

type Task = Input | { kind: 'acquire'; parts: number[] } | { kind: 'release'; parts: number[]; done: () => void } | { kind: 'tick'; now: number };

const EVIDENCE_WINDOW_MS = 2 * HOUR;
/** A slot of `statesOf`: this rule and device have no state (quiet). */
const QUIET = Object.freeze({ quiet: true });
const NO_LEVELS: SubjectState['levels'] = Object.freeze([]) as unknown as SubjectState['levels'];
const SCRATCH_RESET: Partial<SubjectState> = Object.freeze({ level: null, at: 0, levels: NO_LEVELS, mask: undefined, fault: undefined, predicted: undefined });
/** One reading in this many is timed for `wudang_warning_lag_seconds`. */
const LAG_SAMPLE = 16;
/** Longest stretch of evaluation before the engine yields to I/O. */
const SLICE_MS = 5;
/** Queued inputs beyond which the engine stops yielding to I/O until it has caught up. */
const MAX_BEHIND = 1_000;

export class WarningEngine {
  readonly partitions: number;
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly checkpointMs: number;
  private readonly tickMs: number;
  private readonly latenessMs: number;

  private rules = new Map<string, CompiledRule>();
  private readonly devices = new Map<number, DeviceMeta>();
  private readonly deviceIds = new Map<string, number>();
  private readonly rulesOf = new Map<number, CompiledRule[]>();
  private readonly mem = new DeviceMemory();
  private readonly states = new Map<string, EngineState>();
  /**
   * Per device, its states in the order of its rules (`rulesOf`): the evaluation path reaches a
   * state without building and hashing a key in a map of (rules × devices) entries. Cleared
   * whenever the rule lists or the state map change shape.
   */
  private readonly statesOf = new Map<number, (EngineState | typeof QUIET | undefined)[]>();
  /** The state a quiet subject is evaluated on (reset before each use). */
  private readonly scratch: SubjectState = freshState();
  private readonly history = new Set<number>();
  private readonly baselineCache: BaselineCache;
  private readonly leases: PartitionLeases;
  private readonly alerted = new Map<string, Level | null>();
  private readonly retry = new Set<string>();
  private readonly faultsReported = new Set<string>();
  private readonly windowsOf = new Map<number, Map<string, number>>();
  /** Keys of the states changed since the last checkpoint. */
  private readonly dirtyKeys = new Set<string>();
  // Counted here and added to the Prometheus counter at each checkpoint (a labelled inc per evaluation costs more than the evaluation).
  private evaluatedReadings = 0;
  private evaluatedTicks = 0;
  private lagCount = 0;

  private queue: Task[] = [];
  private running = false;
  private drained: (() => void)[] = [];
  private readonly alertChains = new Map<string, Promise<void>>();
  private timers: Job[] = [];
  private closed = false;
  private unsub: (() => Promise<void>)[] = [];
  private readonly metrics: { evaluations: Counter<'trigger'>; transitions: Counter<'outcome'>; lag: Histogram };

  constructor(
    private readonly p: Platform,
    private readonly sensing: Sensing,
    readonly alerts: AlertService,
    opts: EngineOptions = {},
  ) {
    this.partitions = opts.partitions ?? DEFAULT_PARTITIONS;
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.checkpointMs = opts.checkpointMs ?? 1_000;
    this.tickMs = opts.tickMs ?? 5_000;
    this.latenessMs = opts.latenessMs ?? 60_000;
    this.workerId = opts.workerId ?? `${hostname()}-${process.pid}-${newId('w').slice(-6)}`;
    const registers = opts.registry ? [opts.registry] : [];
    this.metrics = {
      evaluations: new Counter({ name: 'wudang_warning_evaluations_total', help: 'Rule evaluations by trigger', labelNames: ['trigger'], registers }),
      transitions: new Counter({ name: 'wudang_warning_alert_changes_total', help: 'Alert changes by outcome', labelNames: ['outcome'], registers }),
      lag: new Histogram({
        name: 'wudang_warning_lag_seconds',
        help: 'From an observation committed to its evaluation',
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        registers,
      }),
    };
    this.timersWanted = opts.timers !== false;
    this.baselineCache = new BaselineCache(sensing.telemetry);
    this.leases = new PartitionLeases(
      p.db,
      () => p.now(),
      { partitions: this.partitions, leaseMs: this.leaseMs, workerId: this.workerId },
      {
        acquire: (parts) => new Promise<void>((resolve) => this.push({ kind: 'acquire', parts }, resolve)),
        release: (parts) => new Promise<void>((done) => this.push({ kind: 'release', parts, done })),
        drop: (parts) => this.drop(parts),
      },
    );
  }
  private readonly timersWanted: boolean;

  // ---- lifecycle ----

  async start(): Promise<void> {
    await this.leases.ensureRows();
    await this.loadRules();
    await this.loadDevices();
    const live = await this.p.bus.onNotify('live.observations', (batch) => this.onLive(batch as LiveBatch));
    this.unsub.push(() => live.unsubscribe());
    const ruleSub = await this.p.bus.subscribe(
      'warning.rule_changed',
      async (e) => {
        this.enqueueControl(async () => this.reloadRule(e.data.id));
      },
      { group: `warning-rules-${this.workerId}`, broadcast: true },
    );
    this.unsub.push(() => ruleSub.unsubscribe());
    for (const type of ['device.created', 'device.updated', 'device.deleted'] as const) {
      const sub = await this.p.bus.subscribe(
        type,
        async (e) => {
          const id = e.data.id;
          this.enqueueControl(async () => this.reloadDevice(id));
        },
        { group: `warning-devices-${this.workerId}`, broadcast: true },
      );
      this.unsub.push(() => sub.unsubscribe());
    }
    const mnt = await this.p.bus.subscribe('warning.maintenance_changed', async () => this.alerts.invalidateMaintenance(), {
      group: `warning-maintenance-${this.workerId}`,
      broadcast: true,
    });
    this.unsub.push(() => mnt.unsubscribe());
    await this.lease();
    // Leases are always renewed (an engine whose leases lapse stops evaluating); the other timers
    // can be left to the caller (tests drive checkpoints and ticks by hand).
    this.startLeasing();
    if (this.timersWanted) {
      this.timers.push(this.every(this.checkpointMs, () => this.checkpoint(), 'checkpoint'));
      this.timers.push(this.every(this.tickMs, () => this.tick(), 'tick'));
    }
  }

  private every(ms: number, fn: () => Promise<unknown>, what: string): Job {
    return every(ms, `warning engine ${what}`, async () => (this.closed ? undefined : fn()), this.p.log);
  }

  private leaseTimer: Job | undefined;

  /** Renews the leases every third of their length (started by `start`). */
  startLeasing(): void {
    if (this.leaseTimer || this.closed) return;
    this.leaseTimer = this.every(Math.max(500, Math.floor(this.leaseMs / 3)), () => this.lease(), 'lease');
  }

  /**
   * Stops renewing: the partitions go to other processes once the leases run out, and this one
   * stops evaluating them a margin before. (Draining a process; tests use it to freeze one.)
   */
  stopLeasing(): void {
    void this.leaseTimer?.stop();
    this.leaseTimer = undefined;
  }

  /** Stops: finishes queued work, writes state, and hands the partitions back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopLeasing();
    for (const t of this.timers) await t.stop();
    for (const u of this.unsub) await u().catch(() => undefined);
    await this.leases.settled();
    await this.idle();
    await this.checkpoint();
    await this.leases.close();
  }

  /** Readings waiting for evaluation, and how long the oldest has waited (ms). */
  backlog(): { readings: number; oldestMs: number } {
    let readings = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const t of this.queue) {
      if (t.kind !== 'readings' || t.replay) continue;
      readings++;
      if (t.arrived < oldest) oldest = t.arrived;
    }
    return { readings, oldestMs: readings ? Math.max(0, this.p.now() - oldest) : 0 };
  }

  /** Resolves when the queue is empty and no alert change is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.running || this.queue.length) await new Promise<void>((r) => this.drained.push(r));
      const chains = [...this.alertChains.values()];
      if (chains.length) await Promise.all(chains);
      if (!this.running && this.queue.length === 0 && this.alertChains.size === 0) return;
    }
  }

  /** Whether this engine evaluates a rule (one it could not read is left out). */
  knowsRule(id: string): boolean {
    return this.rules.has(id);
  }

  /** Whether this engine has a device in its directory (it learns of new ones from device events). */
  knowsDevice(id: string): boolean {
    return this.deviceIds.has(id);
  }

  ownedPartitions(): number[] {
    return this.leases.ownedPartitions();
  }

  // ---- partitions (leases in partitions.ts) ----

  /** Renews held leases, gives back partitions above the fair share, and takes free ones up to it. */
  lease(): Promise<void> {
    return this.closed ? Promise.resolve() : this.leases.lease();
  }

  /** Whether this process may evaluate a partition now (a margin before its lease runs out). */
  private holds(part: number): boolean {
    return this.leases.holds(part);
  }

  /** Forgets the state of partitions no longer held. */
  private drop(parts: number[]): void {
    const set = new Set(parts);
    for (const [key, st] of this.states) if (set.has(st.part)) this.states.delete(key);
    this.statesOf.clear();
    for (const key of [...this.alerted.keys()]) {
      const seq = this.deviceIds.get(key.slice(key.indexOf('|') + 1));
      if (seq !== undefined && set.has(seq % this.partitions)) this.alerted.delete(key);
    }
    for (const seq of this.devices.keys()) {
      if (set.has(seq % this.partitions)) {
        this.mem.forget(seq);
        this.history.delete(seq);
      }
    }
  }

  private async acquire(parts: number[]): Promise<void> {
    const rows = await store.statesIn(this.p.db, parts);
    for (const r of rows) {
      const st = stateFromRow(r);
      this.states.set(st.key, st);
    }
    this.statesOf.clear();
    const open = await this.alerts.openIn(parts);
    for (const [key, a] of open) this.alerted.set(key, a.level);
    // Last-seen times from device health, so absence rules work from the first tick.
    const seqs = [...this.devices.keys()].filter((s) => parts.includes(s % this.partitions));
    for (let i = 0; i < seqs.length; i += 1000) {
      const seen = await lastSeen(this.p.db, seqs.slice(i, i + 1000));
      for (const [dev, at] of seen) if (!this.mem.seen.has(dev)) this.mem.seen.set(dev, { any: at, attrs: new Map() });
    }
    const now = this.p.now();
    this.leases.adopt(parts);
    // Replay what arrived since the checkpoint.
    const cp = await store.checkpointsOf(this.p.db, parts);
    if (cp.length) {
      const from = Math.min(...cp) - this.latenessMs;
      const rows = await this.sensing.telemetry.scan({ from, to: now + 60_000, modulo: this.partitions, parts });
      for (const input of groupObservations(rows, true, now)) await this.handle(input);
    }
    // Bring alerts in line with the loaded (and replayed) state.
    for (const [key, st] of this.states) {
      if (!parts.includes(st.part) || st.level === undefined) continue;
      const cr = this.rules.get(key.slice(0, key.indexOf('|')));
      if (!cr || cr.count) continue;
      const alerted = this.alerted.get(key) ?? null;
      if (alerted !== st.level) {
        const seq = this.deviceIds.get(key.slice(key.indexOf('|') + 1));
        const meta = seq !== undefined ? this.devices.get(seq) : undefined;
        if (meta) this.dispatch(cr, meta, st, [], st.at, st.at);
      }
    }
    this.p.log.info({ worker: this.workerId, parts, states: rows.length }, 'warning partitions acquired');
  }

  // ---- input ----

  private onLive(batch: LiveBatch): void {
    if (this.closed) return;
    const now = this.p.now();
    for (const item of batch) {
      const seq = this.deviceIds.get(item.device.id);
      if (seq === undefined) {
        this.learn(item);
        continue;
      }
      if (!this.leases.has(seq % this.partitions)) continue;
      const first = item.values[0];
      if (!first) continue;
      if (item.values.every((v) => v.ts === first.ts)) {
        // The usual case: one report, all its values at one time.
        const values = new Map<string, number | string | null>();
        for (const v of item.values) values.set(v.attr, typeof v.value === 'boolean' ? (v.value ? 1 : 0) : (v.value as number | string | null));
        this.push({ kind: 'readings', seq, groups: [{ ts: first.ts, values }], replay: false, arrived: now });
        continue;
      }
      const groups = new Map<number, Map<string, number | string | null>>();
      for (const v of item.values) {
        let g = groups.get(v.ts);
        if (!g) {
          g = new Map();
          groups.set(v.ts, g);
        }
        g.set(v.attr, typeof v.value === 'boolean' ? (v.value ? 1 : 0) : (v.value as number | string | null));
      }
      const sorted = [...groups].sort((a, b) => a[0] - b[0]).map(([ts, values]) => ({ ts, values }));
      this.push({ kind: 'readings', seq, groups: sorted, replay: false, arrived: now });
    }
  }

  /** Devices looked up because a reading came before their device.created event, by when. */
  private readonly lookedUp = new Map<string, number>();

  /**
   * A reading of a device this engine has not heard of yet: its device.created event has not
   * arrived (the bus is slower than the first report). The device is read from the database in
   * the queue's order and the reading evaluated then, rather than dropped. A device that does not
   * exist (deleted, disabled) is looked up at most every few seconds.
   */
  private learn(item: LiveBatch[number]): void {
    const id = item.device.id;
    const now = performance.now();
    const last = this.lookedUp.get(id);
    if (last !== undefined && now - last < 5_000 && !this.pendingLookups.has(id)) return;
    this.lookedUp.set(id, now);
    if (this.lookedUp.size > 10_000) this.lookedUp.clear();
    const pending = this.pendingLookups.get(id);
    if (pending) {
      pending.push(item);
      return;
    }
    this.pendingLookups.set(id, [item]);
    this.enqueueControl(async () => {
      await this.reloadDevice(id);
      const items = this.pendingLookups.get(id) ?? [];
      this.pendingLookups.delete(id);
      if (this.deviceIds.has(id)) this.onLive(items);
    });
  }

  private readonly pendingLookups = new Map<string, LiveBatch>();

  private push(task: Task, done?: () => void): void {
    if (done) {
      const t = task as Task & { after?: () => void };
      t.after = done;
    }
    this.queue.push(task);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.run());
    }
  }

  private readonly controls: (() => Promise<void>)[] = [];
  private enqueueControl(fn: () => Promise<void>): void {
    this.controls.push(fn);
    this.push({ kind: 'tick', now: -1 });
  }

  private async run(): Promise<void> {
    try {
      let slice = performance.now();
      while (this.queue.length) {
        // Evaluation shares the event loop with ingestion: after a few milliseconds of work, let
        // I/O (acknowledgements, the next batch of readings) run before going on, unless the
        // engine is too far behind; then it catches up first, which holds acknowledgements back
        // and so slows the devices (backpressure) instead of letting alerts fall behind.
        if (performance.now() - slice > SLICE_MS && this.queue.length < MAX_BEHIND) {
          await new Promise<void>((r) => setImmediate(r));
          slice = performance.now();
        }
        const task = this.queue.shift()! as Task & { after?: () => void };
        try {
          await this.handle(task);
        } catch (err) {
          this.p.log.error({ err, task: task.kind }, 'warning engine task failed');
        }
        task.after?.();
      }
    } finally {
      this.running = false;
      const waiters = this.drained;
      this.drained = [];
      for (const w of waiters) w();
    }
  }

  private async handle(task: Task): Promise<void> {
    switch (task.kind) {
      case 'acquire':
        return this.acquire(task.parts);
      case 'release': {
        await this.checkpoint(task.parts);
        await this.leases.giveBack(task.parts);
        this.p.log.info({ worker: this.workerId, parts: task.parts }, 'warning partitions handed back');
        task.done();
        return;
      }
      case 'tick':
        if (task.now < 0) {
          while (this.controls.length) await this.controls.shift()!();
          return;
        }
        return this.evaluateTick(task.now);
      case 'readings':
        return this.readings(task);
    }
  }

  private async readings(input: Input): Promise<void> {
    const part = input.seq % this.partitions;
    if (!input.replay && !this.holds(part)) return;
    const meta = this.devices.get(input.seq);
    if (!meta) return;
    const rules = this.rulesFor(meta);
    if (rules.length === 0) {
      for (const g of input.groups) for (const [attr] of g.values) this.mem.markSeen(meta.seq, attr, g.ts);
      return;
    }
    let windows = this.windowsOf.get(meta.seq);
    if (!windows) {
      windows = this.windowsFor(rules);
      this.windowsOf.set(meta.seq, windows);
    }
    if (windows.size && !this.history.has(meta.seq)) await this.loadHistory(meta, windows, input.groups[0]!.ts);
    const now = this.p.now();
    for (const g of input.groups) {
      const derived = readsDerived(rules) ? new Map<string, number | undefined>() : undefined;
      const changed = this.mem.record(meta, g.ts, g.values, windows, derived);
      for (const cr of rules) if (cr.baseline) await this.ensureBaselines(cr, meta, g.ts);
      const ctx = contextFor(meta, this.mem, this, 'reading', g.ts, changed, derived);
      if (!input.replay) ctx.now = now;
      for (let i = 0; i < rules.length; i++) this.evaluate(rules[i]!, i, meta, ctx, g.ts, input.replay);
    }
    // The lag histogram is sampled (one reading in LAG_SAMPLE): observing costs about as much as
    // evaluating a rule, and the distribution is the same.
    if (!input.replay && ++this.lagCount % LAG_SAMPLE === 0) this.metrics.lag.observe(Math.max(0, this.p.now() - input.arrived) / 1000);
  }

  /**
   * The state of a device's i-th rule (its `rulesFor` list), or undefined while the subject is
   * quiet (meets nothing, nothing pending): quiet subjects hold no state at all, so 50,000 devices
   * × their rules cost no memory until something happens. The per-device slot remembers "none".
   */
  private stateAt(cr: CompiledRule, i: number, meta: DeviceMeta): EngineState | undefined {
    let slots = this.statesOf.get(meta.seq);
    if (!slots) {
      slots = [];
      this.statesOf.set(meta.seq, slots);
    }
    const slot = slots[i];
    if (slot) return slot === QUIET ? undefined : (slot as EngineState);
    const st = this.states.get(`${cr.rule.id}|${meta.id}`);
    slots[i] = st ?? QUIET;
    return st;
  }

  private evaluate(cr: CompiledRule, i: number, meta: DeviceMeta, ctx: EvalContext, at: number, replay = false): void {
    const { trigger, ts } = ctx;
    const rule = cr.rule;
    if (rule.status !== 'active') return;
    const held = this.stateAt(cr, i, meta);
    // A quiet subject is evaluated on a scratch state, kept only if something changed.
    const st: SubjectState = held ?? Object.assign(this.scratch, SCRATCH_RESET);
    // Replaying after a takeover: readings up to the last change are already in the state.
    if (replay && ts <= st.at) return;
    if (trigger === 'reading') this.evaluatedReadings++;
    else this.evaluatedTicks++;
    let r: ReturnType<typeof step>;
    try {
      r = step(cr, meta, st, ctx);
    } catch (err) {
      // A fault in the rule itself (not in one device's data): suspend it, keep the others going.
      rule.status = 'suspended';
      const reason = `${meta.id}: ${(err as Error).message}`;
      this.p.log.error({ err, rule: rule.id }, 'warning rule suspended');
      void suspendRule(this.p, rule.id, reason).catch((e) => this.p.log.error({ err: e }, 'could not record rule suspension'));
      return;
    }
    if (!r.changed) return;
    let kept = held;
    if (!kept) {
      const key = `${rule.id}|${meta.id}`;
      kept = { level: st.level, at: st.at, levels: st.levels, part: meta.seq % this.partitions, dirty: false, key };
      if (st.mask !== undefined) kept.mask = st.mask;
      if (st.fault !== undefined) kept.fault = st.fault;
      if (st.predicted !== undefined) kept.predicted = st.predicted;
      this.states.set(key, kept);
      this.statesOf.get(meta.seq)![i] = kept;
    }
    const key = kept.key;
    kept.dirty = true;
    this.dirtyKeys.add(key);
    if (r.fault && !this.faultsReported.has(key)) {
      this.faultsReported.add(key);
      this.p.log.warn({ rule: rule.id, subject: meta.id, fault: r.fault }, 'warning rule cannot evaluate a device');
    }
    if (r.levelChanged) this.dispatch(cr, meta, kept, r.evidence, at, undefined);
    if (r.maskChanged) this.memberChanged(cr, meta, kept.mask ?? 0);
  }

  // ---- alerts ----

  /** Sends a level change to the alert service, in order per rule and subject, off the evaluation path. */
  private dispatch(cr: CompiledRule, meta: DeviceMeta, st: SubjectState, evidence: readonly Evidence[], at: number, since: number | undefined): void {
    const key = `${cr.rule.id}|${meta.id}`;
    const level = st.level;
    const predicted = st.predicted ?? false;
    const subject: AlertSubject = {
      kind: 'device',
      id: meta.id,
      part: meta.seq % this.partitions,
      deviceId: meta.id,
      department: meta.department,
      name: meta.name,
      district: meta.district,
      lon: meta.lon,
      lat: meta.lat,
      simulated: meta.simulated,
    };
    this.chain(key, async () => {
      const series = level !== null ? await this.evidenceSeries(cr, meta, at) : [];
      const res = await this.alerts.apply({
        rule: cr.rule,
        subject,
        level,
        predicted,
        evidence,
        series,
        at,
        ...(since !== undefined ? { since } : {}),
      });
      this.metrics.transitions.inc({ outcome: res.outcome });
      if (res.outcome === 'silenced') this.retry.add(key);
      else this.retry.delete(key);
      if (res.outcome === 'kept' || res.outcome === 'silenced') this.alerted.set(key, null);
      else if (res.outcome === 'clear_scheduled') this.alerted.set(key, null);
      else this.alerted.set(key, level);
    });
  }

  private chain(key: string, fn: () => Promise<void>): void {
    const prev = this.alertChains.get(key) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((err) => {
        this.retry.add(key);
        this.p.log.error({ err, key }, 'alert change failed; retried on the next tick');
      })
      .finally(() => {
        if (this.alertChains.get(key) === next) this.alertChains.delete(key);
      });
    this.alertChains.set(key, next);
  }

  private async evidenceSeries(cr: CompiledRule, meta: DeviceMeta, at: number): Promise<SeriesEvidence[]> {
    const out: SeriesEvidence[] = [];
    for (const attr of cr.attrs.slice(0, 4)) {
      if (attr.startsWith('$')) {
        const s = this.mem.series.get(`${meta.seq}|${attr}`);
        if (s)
          out.push({
            attr,
            points: downsample(
              s.ts.map((t, i) => [t, s.vs[i]!] as [number, number]),
              240,
            ),
          });
        continue;
      }
      const pts = await this.sensing.telemetry.series({ dev: meta.seq, attr, from: at - EVIDENCE_WINDOW_MS, to: at + 1, resolution: 'raw', limit: 5000 });
      out.push({
        attr,
        points: downsample(
          pts.filter((x) => typeof x.last === 'number').map((x) => [x.t, x.last as number]),
          240,
        ),
      });
    }
    return out;
  }

  // ---- k of n ----

  private memberChanged(cr: CompiledRule, meta: DeviceMeta, mask: number): void {
    const by = cr.count![0]!.by;
    const group = by === 'district' ? `district:${meta.district ?? 'none'}` : 'scope';
    const key = `${cr.rule.id}|${group}`;
    this.chain(`member:${cr.rule.id}|${meta.id}`, async () => {
      const now = this.p.now();
      await store.setMember(this.p.db, { ruleId: cr.rule.id, group, deviceId: meta.id, mask, at: now });
      this.chain(key, () => this.recount(cr, group));
    });
  }

  private async recount(cr: CompiledRule, group: string): Promise<void> {
    const members = await store.membersOf(this.p.db, cr.rule.id, group);
    let level: Level | null = null;
    const evidence: Evidence[] = [];
    cr.rule.levels.forEach((l, i) => {
      const bit = 1 << (l.level - 1);
      const n = members.filter((m) => (m.mask & bit) !== 0).length;
      if (n >= cr.count![i]!.k && (level === null || l.level < level)) {
        level = l.level;
        evidence.length = 0;
        evidence.push({ kind: 'count', count: n, threshold: cr.count![i]!.k, detail: `${n} of ${members.length} devices` });
      }
    });
    const district = group.startsWith('district:') ? group.slice('district:'.length) : null;
    const profileDistrict = district ? this.p.profile.districts.find((d) => d.adcode === district) : undefined;
    const subject: AlertSubject = {
      kind: 'group',
      id: group,
      part: hashPart(`${cr.rule.id}|${group}`, this.partitions),
      deviceId: null,
      department: null,
      name: profileDistrict ? profileDistrict.name.zh : district === null ? '规则范围 (rule scope)' : district,
      district: district === 'none' ? null : district,
      lon: profileDistrict?.center?.[0] ?? null,
      lat: profileDistrict?.center?.[1] ?? null,
      simulated: false,
    };
    const res = await this.alerts.apply({ rule: cr.rule, subject, level, predicted: false, evidence, series: [], at: this.p.now() });
    this.metrics.transitions.inc({ outcome: res.outcome });
  }

  // ---- ticks ----

  /** Runs the clock-driven work now (absence, durations, held resolutions, retries). */
  tick(): Promise<void> {
    return new Promise((resolve) => this.push({ kind: 'tick', now: this.p.now() }, resolve));
  }

  private async evaluateTick(now: number): Promise<void> {
    // Per device, its rules that change on the clock: absence always, durations only while one is
    // under way (50,000 devices × every rule would be millions of checks a tick).
    const held = new Set(this.ownedPartitions().filter((p) => this.holds(p)));
    for (const meta of this.devices.values()) {
      if (!held.has(meta.seq % this.partitions)) continue;
      let ctx: EvalContext | undefined;
      const rules = this.rulesFor(meta);
      for (let i = 0; i < rules.length; i++) {
        const cr = rules[i]!;
        if (!cr.ticks || cr.rule.status !== 'active') continue;
        if (!cr.absence && !pendingDuration(this.stateAt(cr, i, meta)?.levels)) continue;
        ctx ??= contextFor(meta, this.mem, this, 'tick', now, EMPTY);
        this.evaluate(cr, i, meta, ctx, now);
      }
    }
    for (const key of [...this.retry]) {
      const st = this.states.get(key);
      const cr = this.rules.get(key.slice(0, key.indexOf('|')));
      const seq = this.deviceIds.get(key.slice(key.indexOf('|') + 1));
      const meta = seq !== undefined ? this.devices.get(seq) : undefined;
      if (st && cr && meta && this.holds(meta.seq % this.partitions)) this.dispatch(cr, meta, st, [], now, undefined);
      else this.retry.delete(key);
    }
    // Group alerts (k of n) are recounted by whoever holds partition 0, in case two members changed at once.
    if (this.holds(0)) {
      for (const cr of this.rules.values()) {
        if (!cr.count || cr.rule.status !== 'active') continue;
        for (const g of await store.groupsOf(this.p.db, cr.rule.id)) this.chain(`${cr.rule.id}|${g}`, () => this.recount(cr, g));
      }
      await this.alerts.resolveDue();
    }
  }

  // ---- checkpoints ----

  /** Writes changed state and moves the partitions' checkpoint forward. */
  async checkpoint(parts?: number[]): Promise<void> {
    if (this.evaluatedReadings) this.metrics.evaluations.inc({ trigger: 'reading' }, this.evaluatedReadings);
    if (this.evaluatedTicks) this.metrics.evaluations.inc({ trigger: 'tick' }, this.evaluatedTicks);
    this.evaluatedReadings = 0;
    this.evaluatedTicks = 0;
    const only = parts ? new Set(parts) : undefined;
    const now = this.p.now();
    // Readings still queued have not been evaluated: the checkpoint must not pass them.
    let oldest = now;
    for (const t of this.queue) if (t.kind === 'readings' && !t.replay && t.arrived < oldest) oldest = t.arrived;
    const rows: Insertable<WarningStateTable>[] = [];
    for (const key of this.dirtyKeys) {
      const st = this.states.get(key);
      if (!st?.dirty) {
        this.dirtyKeys.delete(key);
        continue;
      }
      if (only && !only.has(st.part)) continue;
      st.dirty = false;
      this.dirtyKeys.delete(key);
      rows.push(stateToRow(key, st, now));
    }
    const held = this.leases.ownedPartitions().filter((p) => !only || only.has(p));
    if (rows.length === 0 && held.length === 0) return;
    try {
      await transaction(this.p.db, (trx) => store.writeCheckpoint(trx, rows, held, this.workerId, oldest));
    } catch (err) {
      // Not written: mark dirty again so the next checkpoint retries.
      for (const r of rows) {
        const key = `${r.rule_id}|${r.subject}`;
        const st = this.states.get(key);
        if (st) {
          st.dirty = true;
          this.dirtyKeys.add(key);
        }
      }
      throw err;
    }
  }

  // ---- rules and devices ----

  private async loadRules(): Promise<void> {
    const rules = new Map<string, ReturnType<typeof compileRule>>();
    for (const r of await ruleStore.listRuleRows(this.p.db)) {
      // One rule this process cannot read (saved by a newer release) does not stop the others.
      try {
        rules.set(r.id, compileRule(toRule(r)));
      } catch (err) {
        this.p.log.warn({ rule: r.id, err }, 'rule not loaded');
      }
    }
    this.rules = rules;
    this.rulesOf.clear();
    this.statesOf.clear();
    this.windowsOf.clear();
  }

  private async reloadRule(id: string): Promise<void> {
    const row = await ruleStore.getRuleRow(this.p.db, id);
    const prev = this.rules.get(id);
    if (!row) this.rules.delete(id);
    else {
      try {
        this.rules.set(id, compileRule(toRule(row)));
      } catch (err) {
        // Saved by a newer release: this process stops evaluating it until it is upgraded too.
        this.rules.delete(id);
        this.p.log.warn({ rule: id, err }, 'rule not loaded');
      }
    }
    if (!row || !prev || prev.rule.version !== row.version || row.status !== 'active') {
      for (const [key, st] of this.states) {
        if (!key.startsWith(`${id}|`)) continue;
        const keepLevel = st.level;
        st.levels = [];
        delete st.fault;
        delete st.mask;
        st.at = 0;
        st.level = keepLevel;
        st.dirty = true;
        this.dirtyKeys.add(key);
      }
    }
    for (const k of [...this.faultsReported]) if (k.startsWith(`${id}|`)) this.faultsReported.delete(k);
    this.rulesOf.clear();
    this.statesOf.clear();
    this.windowsOf.clear();
  }

  private async loadDevices(): Promise<void> {
    for (const r of await deviceRefs(this.p.db, { enabledOnly: true })) this.putDevice(r);
  }

  private putDevice(r: Parameters<typeof toDeviceMeta>[0]): void {
    const meta = toDeviceMeta(r);
    this.devices.set(meta.seq, meta);
    this.deviceIds.set(meta.id, meta.seq);
    this.rulesOf.delete(meta.seq);
    this.statesOf.delete(meta.seq);
    this.windowsOf.delete(meta.seq);
  }

  private async reloadDevice(id: string): Promise<void> {
    const [r] = await deviceRefs(this.p.db, { ids: [id] });
    const old = this.deviceIds.get(id);
    if (old !== undefined && (!r || r.disabled)) {
      this.devices.delete(old);
      this.deviceIds.delete(id);
      this.rulesOf.delete(old);
      this.statesOf.delete(old);
      this.windowsOf.delete(old);
      this.mem.forget(old);
    }
    if (r && !r.disabled) {
      this.putDevice(r);
      // Faults about this device (a missing property) may be fixed by the edit.
      for (const [key, st] of this.states) {
        if (st.fault && key.endsWith(`|${id}`)) {
          delete st.fault;
          st.dirty = true;
          this.dirtyKeys.add(key);
          this.faultsReported.delete(key);
        }
      }
    }
  }

  private rulesFor(meta: DeviceMeta): CompiledRule[] {
    let list = this.rulesOf.get(meta.seq);
    if (!list) {
      list = [...this.rules.values()].filter((cr) => cr.rule.status === 'active' && ruleWatches(cr.rule, meta, this.p.profile.cityWideDepartments));
      this.rulesOf.set(meta.seq, list);
    }
    return list;
  }

  private windowsFor(rules: CompiledRule[]): Map<string, number> {
    if (rules.length === 1) return rules[0]!.windows;
    const out = new Map<string, number>();
    for (const cr of rules) for (const [a, ms] of cr.windows) out.set(a, Math.max(out.get(a) ?? 0, ms));
    return out;
  }

  /** Fills a device's windows from the store the first time the device is evaluated here. */
  private async loadHistory(meta: DeviceMeta, windows: Map<string, number>, ts: number): Promise<void> {
    this.history.add(meta.seq);
    // Nothing to load for a device not heard from within the longest window (a new device, or one
    // silent for long): saves a query per device when a fleet starts reporting.
    let longest = 0;
    for (const ms of windows.values()) longest = Math.max(longest, ms);
    const seen = this.mem.seen.get(meta.seq)?.any;
    if (seen === undefined || seen < ts - longest) return;
    for (const [attr, ms] of windows) {
      if (attr.startsWith('$')) continue;
      const pts = await this.sensing.telemetry.series({ dev: meta.seq, attr, from: ts - ms, to: ts, resolution: 'raw', limit: 20_000 });
      const s = this.mem.window(meta.seq, attr, ms);
      for (const x of pts) if (typeof x.last === 'number') s.add(x.t, x.last);
    }
  }

  // ---- baselines ----

  /** BaselineSource: the cached baseline for the hour of the week, if loaded. */
  get(dev: number, attr: string, weeks: number, ts: number): { mean: number; sd: number; weeks: number } | undefined {
    return this.baselineCache.get(dev, attr, weeks, ts);
  }

  private ensureBaselines(cr: CompiledRule, meta: DeviceMeta, ts: number): Promise<void> {
    return this.baselineCache.ensure(cr, meta.seq, ts);
  }

  /** Internal view for tests and the API: state of a rule and subject. */
  stateOf(ruleId: string, subject: string): SubjectState | undefined {
    return this.states.get(`${ruleId}|${subject}`);
  }

  /** Faults recorded for a rule's subjects (shown on the rule). */
  faults(ruleId: string): { subject: string; fault: string }[] {
    const out: { subject: string; fault: string }[] = [];
    for (const [key, st] of this.states) if (st.fault && key.startsWith(`${ruleId}|`)) out.push({ subject: key.slice(ruleId.length + 1), fault: st.fault });
    return out;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** Whether any of a device's rules reads a derived value (`$aqi`, …), so a reading's cache pays off. */
const derivedReaders = new WeakMap<CompiledRule[], boolean>();
function readsDerived(rules: CompiledRule[]): boolean {
  let r = derivedReaders.get(rules);
  if (r === undefined) {
    // Every condition's attribute (windows included) is in `attrs`.
    r = rules.some((cr) => cr.attrs.some((a) => a.startsWith('$')));
    derivedReaders.set(rules, r);
  }
  return r;
}

export function hashPart(s: string, n: number): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) % n;
}

function downsample(points: [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points;
  const stride = points.length / max;
  const out: [number, number][] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.floor(i * stride)]!);
  out[out.length - 1] = points[points.length - 1]!;
  return out;
}

/** Stored observations as engine inputs, one per device and run of times. */
export function groupObservations(
  rows: { dev: number; attr: string; ts: number; v: number | null; s: string | null }[],
  replay: boolean,
  arrived: number,
): Input[] {
  const byDev = new Map<number, Map<number, Map<string, number | string | null>>>();
  for (const r of rows) {
    let d = byDev.get(r.dev);
    if (!d) {
      d = new Map();
      byDev.set(r.dev, d);
    }
    let g = d.get(r.ts);
    if (!g) {
      g = new Map();
      d.set(r.ts, g);
    }
    g.set(r.attr, r.v ?? r.s);
  }
  const out: Input[] = [];
  for (const [seq, groups] of byDev) {
    out.push({
      kind: 'readings',
      seq,
      groups: [...groups].sort((a, b) => a[0] - b[0]).map(([ts, values]) => ({ ts, values })),
      replay,
      arrived,
    });
  }
  return out;
}
