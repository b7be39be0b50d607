/**
 * The ingestion pipeline every transport shares (embedded broker, external broker, HTTP):
 * device authentication → rate limit → payload adaptor → validation against the device type →
 * batched durable write → health counters → live push. A caller's promise resolves only after its
 * observations are committed, which is when MQTT QoS 1 is acknowledged and HTTP answers 202.
 */
import { pacer } from '../../platform/pace.js';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Histogram, type Registry } from 'prom-client';
import { hashToken } from '../../platform/auth/password.js';
import type { EventBus } from '../../platform/bus/bus.js';
import type { Db } from '../../platform/storage/db.js';
import { PayloadError, type PayloadAdaptor } from './adaptors.js';
import { type AttributeSpec, type DeviceType, type Rejection, type Validated, isRejection, validateReading } from './model.js';
import { type HealthDelta, applyHealthDeltas, getDeviceRow, getType, setStuck, toDevice } from './sensing.store.js';
import type { Observation, TelemetryStore, WriteResult } from './telemetry.store.js';

/** What ingestion needs to know about a device, cached per process. */
export interface DeviceInfo {
  seq: number;
  id: string;
  typeId: string;
  ngsiType: string;
  department: string;
  district: string | null;
  tags: string[];
  intervalSeconds: number;
  tokenHash: string;
  disabled: boolean;
  simulated: boolean;
  attrs: ReadonlyMap<string, AttributeSpec>;
}

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'device.created': { id: string; type: string; department: string; district: string | null };
    'device.updated': { id: string };
    'device.deleted': { id: string };
    'device_type.updated': { id: string };
    'device.status_changed': {
      id: string;
      status: 'online' | 'offline';
      at: number;
      type: string;
      department: string;
      district: string | null;
      tags: string[];
    };
  }
}

/** Devices and types by id, cached; bus events from any process invalidate entries. */
export class DeviceDirectory {
  private readonly devices = new Map<string, { info: DeviceInfo | null; at: number }>();
  private readonly types = new Map<string, DeviceType>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    /** A missing device is remembered this long, so unknown ids cannot hammer the database. */
    private readonly negativeTtlMs = 5_000,
  ) {}

  async watch(bus: EventBus): Promise<void> {
    const drop = (e: { data: { id: string } }) => {
      this.devices.delete(e.data.id);
    };
    await bus.subscribe('device.updated', drop, { group: 'device-directory', broadcast: true });
    await bus.subscribe('device.deleted', drop, { group: 'device-directory', broadcast: true });
    await bus.subscribe('device.created', drop, { group: 'device-directory', broadcast: true });
    await bus.subscribe(
      'device_type.updated',
      (e) => {
        const id = e.data.id;
        this.types.delete(id);
        for (const [k, v] of this.devices) if (!v.info || v.info.typeId === id) this.devices.delete(k);
      },
      { group: 'device-directory', broadcast: true },
    );
  }

  invalidate(id: string): void {
    this.devices.delete(id);
  }

  async type(id: string): Promise<DeviceType | undefined> {
    let t = this.types.get(id);
    if (!t) {
      t = await getType(this.db, id);
      if (t) this.types.set(id, t);
    }
    return t;
  }

  async get(id: string): Promise<DeviceInfo | null> {
    const hit = this.devices.get(id);
    if (hit && (hit.info || this.now() - hit.at < this.negativeTtlMs)) return hit.info;
    const row = await getDeviceRow(this.db, id);
    let info: DeviceInfo | null = null;
    if (row) {
      const d = toDevice(row);
      const t = await this.type(d.typeId);
      if (t) {
        info = {
          seq: d.seq,
          id: d.id,
          typeId: d.typeId,
          ngsiType: t.ngsiType,
          department: d.department,
          district: d.district,
          tags: d.tags,
          intervalSeconds: d.intervalSeconds,
          tokenHash: row.token_hash,
          disabled: d.disabled,
          simulated: d.simulated,
          attrs: new Map(t.attributes.map((a) => [a.key, a])),
        };
      }
    }
    this.devices.set(id, { info, at: this.now() });
    return info;
  }

  /** The device if the token is its own and it is not disabled; null otherwise. */
  async authenticate(id: string, token: string): Promise<DeviceInfo | null> {
    const d = await this.get(id);
    if (!d || d.disabled) return null;
    const a = Buffer.from(hashToken(token), 'hex');
    const b = Buffer.from(d.tokenHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? d : null;
  }
}

/** Why a message was refused; `fatal` ones end an MQTT connection. */
export class IngestError extends Error {
  constructor(
    readonly reason: 'payload' | 'rejected' | 'rate_limited' | 'too_large' | 'unavailable',
    message: string,
    readonly rejections: Rejection[] = [],
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

interface Pending {
  rows: Observation[];
  resolve(r: { inserted: Set<Observation> }): void;
  reject(err: Error): void;
}

/**
 * Group commit: submissions that arrive while a write is running (or within the same tick) are
 * written together in one transaction, so throughput grows with load while each caller still
 * waits only for its own commit.
 */
export class BatchWriter {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private writing = false;
  private scheduled = false;
  private closed = false;
  onCommitted: ((result: WriteResult) => void) | undefined;

  constructor(
    private readonly store: TelemetryStore,
    private readonly opts: { maxBatchRows: number; commitSeconds?: Histogram; batchRows?: Histogram },
  ) {}

  submit(rows: Observation[]): Promise<{ inserted: Set<Observation> }> {
    if (this.closed) return Promise.reject(new IngestError('unavailable', 'the writer is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.schedule();
    });
  }

  get backlog(): number {
    return this.queuedRows;
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let n = 0;
        while (this.queue.length > 0 && (n === 0 || n + this.queue[0]!.rows.length <= this.opts.maxBatchRows)) {
          const p = this.queue.shift()!;
          batch.push(p);
          n += p.rows.length;
        }
        this.queuedRows -= n;
        const rows = batch.length === 1 ? batch[0]!.rows : batch.flatMap((p) => p.rows);
        const started = performance.now();
        try {
          const result = await this.store.write(rows);
          this.opts.commitSeconds?.observe((performance.now() - started) / 1000);
          this.opts.batchRows?.observe(rows.length);
          const inserted = new Set(result.inserted);
          for (const p of batch) p.resolve({ inserted });
          this.onCommitted?.(result);
        } catch (err) {
          for (const p of batch) p.reject(err as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** Waits for queued writes, then refuses new ones. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.writing) await new Promise((r) => setTimeout(r, 5));
    this.closed = true;
  }
}

interface HealthEntry extends HealthDelta {
  dirty: boolean;
}

interface StuckEntry {
  value: number | string | null;
  since: number;
  count: number;
  reported: boolean;
}

/** Readings unchanged this many times, over at least this many intervals, count as stuck. */
export const STUCK_MIN_READINGS = 30;

/** Devices whose health counters are written per transaction. */
const HEALTH_SLICE = 1_000;

/** Per-device counters kept in memory and added to the database by the health sweep (modules/sensing/index.ts). */
export class HealthTracker {
  private readonly entries = new Map<number, HealthEntry>();
  private readonly stuck = new Map<string, StuckEntry>();
  private readonly stuckByDev = new Map<number, Record<string, number>>();
  private readonly stuckDirty = new Set<number>();

  constructor(private readonly db: Db) {}

  private entry(dev: number): HealthEntry {
    let e = this.entries.get(dev);
    if (!e) {
      e = { dev, accepted: 0, rejected: 0, duplicates: 0, lastSeen: null, lastError: null, lastErrorAt: null, dirty: false };
      this.entries.set(dev, e);
    }
    return e;
  }

  accepted(dev: number, messages: number, duplicates: number, lastSeen: number): void {
    const e = this.entry(dev);
    e.accepted += messages;
    e.duplicates += duplicates;
    if (e.lastSeen === null || lastSeen > e.lastSeen) e.lastSeen = lastSeen;
    e.dirty = true;
  }

  rejected(dev: number, reason: string, at: number): void {
    const e = this.entry(dev);
    e.rejected++;
    e.lastError = reason.slice(0, 500);
    e.lastErrorAt = at;
    e.dirty = true;
  }

  /** Tracks unchanged values of attributes that opt in to the stuck check. */
  observe(device: DeviceInfo, rows: readonly Validated[]): void {
    for (const r of rows) {
      const spec = device.attrs.get(r.attr);
      if (!spec?.stuckCheck) continue;
      const key = `${device.seq}|${r.attr}`;
      const value = r.v ?? r.s;
      const cur = this.stuck.get(key);
      if (!cur || cur.value !== value) {
        if (cur?.reported) this.markStuck(device.seq, r.attr, null);
        this.stuck.set(key, { value, since: r.ts, count: 1, reported: false });
        continue;
      }
      cur.count++;
      if (!cur.reported && cur.count >= STUCK_MIN_READINGS && r.ts - cur.since >= STUCK_MIN_READINGS * device.intervalSeconds * 1000) {
        cur.reported = true;
        this.markStuck(device.seq, r.attr, cur.since);
      }
    }
  }

  private markStuck(dev: number, attr: string, since: number | null): void {
    const m = this.stuckByDev.get(dev) ?? {};
    if (since === null) delete m[attr];
    else m[attr] = since;
    this.stuckByDev.set(dev, m);
    this.stuckDirty.add(dev);
  }

  async flush(): Promise<void> {
    const deltas: HealthDelta[] = [];
    for (const e of this.entries.values()) {
      if (!e.dirty) continue;
      deltas.push({ ...e });
      e.accepted = 0;
      e.rejected = 0;
      e.duplicates = 0;
      e.lastError = null;
      e.lastErrorAt = null;
      e.dirty = false;
    }
    const stuck = [...this.stuckDirty].map((dev) => [dev, this.stuckByDev.get(dev) ?? {}] as const);
    this.stuckDirty.clear();
    if (deltas.length === 0 && stuck.length === 0) return;
    // In slices, each its own short transaction with I/O between: with 50,000 devices one
    // transaction for all held the (synchronous) SQLite connection and the event loop ~200 ms.
    const pace = pacer();
    for (let i = 0; i < deltas.length; i += HEALTH_SLICE) {
      if (i > 0) await pace();
      const slice = deltas.slice(i, i + HEALTH_SLICE);
      await this.db.transaction().execute((trx) => applyHealthDeltas(trx, slice));
    }
    if (stuck.length > 0) {
      await this.db.transaction().execute(async (trx) => {
        for (const [dev, m] of stuck) await setStuck(trx, dev, m);
      });
    }
  }

  async stop(): Promise<void> {
    await this.flush();
  }
}

/** Token bucket per device: `rate` messages per second, bursts up to `burst`. */
export class DeviceRateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  take(dev: number, now: number): boolean {
    if (this.rate <= 0) return true;
    let b = this.buckets.get(dev);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(dev, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

export interface IngestMetrics {
  messages: Counter<'transport' | 'outcome'>;
  values: Counter<'outcome'>;
  commitSeconds: Histogram;
  batchRows: Histogram;
}

export function ingestMetrics(registry: Registry | undefined): IngestMetrics {
  const registers = registry ? [registry] : [];
  return {
    messages: new Counter({
      name: 'wudang_ingest_messages_total',
      help: 'Device messages by transport and outcome (accepted, partial, rejected, rate_limited, too_large, unauthorized, acl_denied)',
      labelNames: ['transport', 'outcome'],
      registers,
    }),
    values: new Counter({
      name: 'wudang_ingest_values_total',
      help: 'Observed values by outcome (stored, duplicate, rejected)',
      labelNames: ['outcome'],
      registers,
    }),
    commitSeconds: new Histogram({
      name: 'wudang_ingest_commit_seconds',
      help: 'Duration of one batched telemetry commit',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    batchRows: new Histogram({
      name: 'wudang_ingest_batch_rows',
      help: 'Observations per telemetry commit',
      buckets: [1, 10, 50, 100, 500, 1000, 5000, 20000],
      registers,
    }),
  };
}

export interface IngestOptions {
  maxPayloadBytes: number;
  rateLimit: { perSecond: number; burst: number };
  maxBatchRows: number;
}

export type CommittedListener = (device: DeviceInfo, rows: readonly Observation[]) => void;

export class IngestPipeline {
  readonly writer: BatchWriter;
  readonly health: HealthTracker;
  private readonly limiter: DeviceRateLimiter;
  private readonly listeners: CommittedListener[] = [];

  constructor(
    readonly directory: DeviceDirectory,
    readonly store: TelemetryStore,
    db: Db,
    private readonly now: () => number,
    readonly metrics: IngestMetrics,
    private readonly opts: IngestOptions,
  ) {
    this.writer = new BatchWriter(store, { maxBatchRows: opts.maxBatchRows, commitSeconds: metrics.commitSeconds, batchRows: metrics.batchRows });
    this.health = new HealthTracker(db);
    this.limiter = new DeviceRateLimiter(opts.rateLimit.perSecond, opts.rateLimit.burst);
  }

  /** Called after each commit with the device's newly stored observations. */
  onCommitted(listener: CommittedListener): void {
    this.listeners.push(listener);
  }

  /** Counts a refusal that happened before the payload was read (auth, ACL). */
  refuse(transport: string, outcome: string, device?: DeviceInfo, reason?: string): void {
    this.metrics.messages.inc({ transport, outcome });
    if (device && reason) this.health.rejected(device.seq, reason, this.now());
  }

  /**
   * Ingests one message for a device. Resolves after commit with what was stored and refused;
   * throws IngestError when nothing could be stored (malformed, all values refused, rate limited).
   */
  async ingest(device: DeviceInfo, adaptor: PayloadAdaptor, payload: Buffer | string | unknown, transport: string): Promise<IngestOutcome> {
    const now = this.now();
    if ((Buffer.isBuffer(payload) || typeof payload === 'string') && payload.length > this.opts.maxPayloadBytes) {
      return this.fail(device, transport, new IngestError('too_large', `payload of ${payload.length} bytes exceeds ${this.opts.maxPayloadBytes}`));
    }
    if (!this.limiter.take(device.seq, now)) {
      return this.fail(
        device,
        transport,
        new IngestError('rate_limited', `more than ${this.opts.rateLimit.perSecond} messages per second (burst ${this.opts.rateLimit.burst})`),
      );
    }
    let readings: ReturnType<PayloadAdaptor['decode']>;
    try {
      readings = adaptor.decode(payload, now);
    } catch (err) {
      if (err instanceof PayloadError) return this.fail(device, transport, new IngestError('payload', `${adaptor.name}: ${err.message}`));
      throw err;
    }
    const valid: Validated[] = [];
    const rejected: Rejection[] = [];
    for (const r of readings) {
      const v = validateReading(device.attrs, r, now);
      if (isRejection(v)) rejected.push(v);
      else valid.push(v);
    }
    if (valid.length === 0) {
      return this.fail(device, transport, new IngestError('rejected', rejected.map((r) => r.reason).join('; '), rejected));
    }
    const rows: Observation[] = valid.map((v) => ({ dev: device.seq, attr: v.attr, ts: v.ts, v: v.v, s: v.s }));
    const { inserted } = await this.writer.submit(rows);
    const stored = rows.filter((r) => inserted.has(r));
    const duplicates = rows.length - stored.length;
    let lastSeen = 0;
    for (const r of rows) if (r.ts > lastSeen) lastSeen = r.ts;
    this.health.accepted(device.seq, 1, duplicates, Math.min(lastSeen, now));
    this.health.observe(
      device,
      valid.filter((_, i) => inserted.has(rows[i]!)),
    );
    if (rejected.length > 0) this.health.rejected(device.seq, rejected.map((r) => r.reason).join('; '), now);
    this.metrics.messages.inc({ transport, outcome: rejected.length > 0 ? 'partial' : 'accepted' });
    this.metrics.values.inc({ outcome: 'stored' }, stored.length);
    if (duplicates) this.metrics.values.inc({ outcome: 'duplicate' }, duplicates);
    if (rejected.length) this.metrics.values.inc({ outcome: 'rejected' }, rejected.length);
    if (stored.length > 0) for (const l of this.listeners) l(device, stored);
    return { accepted: stored.length, duplicates, rejected };
  }

  private fail(device: DeviceInfo, transport: string, err: IngestError): never {
    this.metrics.messages.inc({ transport, outcome: err.reason === 'payload' ? 'rejected' : err.reason });
    this.metrics.values.inc({ outcome: 'rejected' }, err.rejections.length || 1);
    this.health.rejected(device.seq, err.message, this.now());
    throw err;
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.health.stop();
  }
}
