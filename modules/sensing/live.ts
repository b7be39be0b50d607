/**
 * Live push: observations and device status changes to WebSocket clients, filtered by type,
 * district, department, device or tag, and always by the caller's data scope. A client that
 * cannot keep up (its socket buffer grows past a limit) is disconnected; ingestion never waits.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { ALL, type Scope, districtInScope, inScope } from '../../platform/auth/scope.js';

export const LIVE_KINDS = ['observations', 'status', 'alerts', 'incidents'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export interface LiveFilter {
  types?: string[];
  districts?: string[];
  departments?: string[];
  devices?: string[];
  tags?: string[];
  /** Which kinds of message: observations, status, alerts, incidents (default all the client may see). */
  kinds?: LiveKind[];
}

export interface LiveSocket {
  send(data: string): void;
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

export interface LiveDeviceMeta {
  id: string;
  typeId: string;
  department: string;
  district: string | null;
  tags: readonly string[];
  simulated?: boolean;
}

export interface LiveValue {
  attr: string;
  ts: number;
  value: number | string | null;
}

/** What the bus carries on `live.observations`: the commits of one tick of one process. */
export type LiveBatch = { device: LiveDeviceMeta; values: LiveValue[] }[];

interface LiveClient {
  socket: LiveSocket;
  scope: Scope;
  filter: LiveFilter;
}

/** Bytes waiting in a client's socket beyond which it is dropped as too slow. */
export const SLOW_CLIENT_BYTES = 1 << 20;

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly connected: Gauge;
  private readonly dropped: Counter;
  private readonly sent: Counter;

  constructor(
    registry: Registry | undefined,
    private readonly slowBytes = SLOW_CLIENT_BYTES,
  ) {
    const registers = registry ? [registry] : [];
    this.connected = new Gauge({ name: 'wudang_live_clients', help: 'Connected live-push clients', registers });
    this.dropped = new Counter({ name: 'wudang_live_dropped_total', help: 'Live-push clients dropped for being too slow', registers });
    this.sent = new Counter({ name: 'wudang_live_messages_total', help: 'Live-push messages sent', registers });
  }

  get size(): number {
    return this.clients.size;
  }

  add(socket: LiveSocket, scope: Scope, filter: LiveFilter): () => void {
    const c: LiveClient = { socket, scope, filter };
    this.clients.add(c);
    this.connected.set(this.clients.size);
    return () => {
      this.clients.delete(c);
      this.connected.set(this.clients.size);
    };
  }

  private matches(c: LiveClient, d: LiveDeviceMeta, kind: 'observations' | 'status'): boolean {
    const f = c.filter;
    if (f.kinds && !f.kinds.includes(kind)) return false;
    if (!inScope(c.scope, { department: d.department, district: d.district })) return false;
    if (f.types && !f.types.includes(d.typeId)) return false;
    if (f.districts && (d.district === null || !f.districts.includes(d.district))) return false;
    if (f.departments && !f.departments.includes(d.department)) return false;
    if (f.devices && !f.devices.includes(d.id)) return false;
    if (f.tags && !f.tags.some((t) => d.tags.includes(t))) return false;
    return true;
  }

  private deliver(c: LiveClient, message: string): void {
    if (c.socket.bufferedAmount > this.slowBytes) {
      this.clients.delete(c);
      this.connected.set(this.clients.size);
      this.dropped.inc();
      // 1013 Try Again Later: the client may reconnect and catch up from history.
      c.socket.close(1013, 'too slow: messages were not being read');
      return;
    }
    c.socket.send(message);
    this.sent.inc();
  }

  /** Newly committed observations of one device (from any process, through the bus). */
  observations(device: LiveDeviceMeta, values: readonly LiveValue[]): void {
    if (this.clients.size === 0) return;
    let message: string | undefined;
    for (const c of this.clients) {
      if (!this.matches(c, device, 'observations')) continue;
      message ??= JSON.stringify({
        kind: 'observations',
        device: device.id,
        type: device.typeId,
        district: device.district,
        ...(device.simulated ? { simulated: true } : {}),
        values,
      });
      this.deliver(c, message);
    }
  }

  status(device: LiveDeviceMeta, status: string, at: number): void {
    if (this.clients.size === 0) return;
    let message: string | undefined;
    for (const c of this.clients) {
      if (!this.matches(c, device, 'status')) continue;
      message ??= JSON.stringify({ kind: 'status', device: device.id, type: device.typeId, district: device.district, status, at });
      this.deliver(c, message);
    }
  }

  /**
   * An alert raised or changed (from any process, through the bus). Sent to clients whose scope
   * covers one of its recipient departments and its district; device filters apply when the
   * alert is about a device.
   */
  alert(a: { recipients: readonly string[]; district: string | null; deviceId: string | null }): void {
    if (this.clients.size === 0) return;
    let message: string | undefined;
    for (const c of this.clients) {
      const f = c.filter;
      if (f.kinds && !f.kinds.includes('alerts')) continue;
      if (!a.recipients.some((d) => inScope(c.scope, { department: d, district: a.district }))) continue;
      if (f.districts && (a.district === null || !f.districts.includes(a.district))) continue;
      if (f.devices && (a.deviceId === null || !f.devices.includes(a.deviceId))) continue;
      if (f.departments && !a.recipients.some((d) => f.departments!.includes(d))) continue;
      message ??= JSON.stringify({ kind: 'alert', ...a });
      this.deliver(c, message);
    }
  }

  /**
   * An incident's change or a task dispatched (emergency command): to clients whose scope takes
   * in one of the units concerned (a city-wide scope takes in every unit), within the district.
   */
  incident(e: { units: readonly string[]; district: string | null; [k: string]: unknown }): void {
    if (this.clients.size === 0) return;
    let message: string | undefined;
    for (const c of this.clients) {
      const f = c.filter;
      if (f.kinds && !f.kinds.includes('incidents')) continue;
      // Before activation no unit is concerned yet: only city-wide roles see the incident.
      const concerned =
        e.units.length > 0
          ? e.units.some((d) => inScope(c.scope, { department: d, district: e.district }))
          : c.scope.departments === ALL && districtInScope(c.scope, e.district);
      if (!concerned) continue;
      if (f.districts && (e.district === null || !f.districts.includes(e.district))) continue;
      message ??= JSON.stringify({ ...e, kind: 'incident' });
      this.deliver(c, message);
    }
  }

  closeAll(): void {
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    this.clients.clear();
  }
}
