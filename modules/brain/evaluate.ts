/**
 * Evaluates indicator definitions against the city as it is now: devices' newest readings (and
 * values derived from them), device health, open alerts, incidents under way. One pass per
 * source kind serves every indicator of that kind: the devices of all the types read are loaded
 * once with their newest values.
 */
import type { Platform } from '../../platform/context.js';
import type { IncidentService } from '../command/index.js';
import type { AlertFigures } from '../warning/index.js';
import type { SharingFigures } from '../sharing/index.js';
import type { ServicesFigures } from '../services/index.js';
import type { UrbanFigures } from '../urban/index.js';
import { deviceRefs, statusByOwner, type TelemetryStore } from '../sensing/index.js';
import { readValue } from '../warning/index.js';
import { type IndicatorDefinition, type IndicatorSource, statusOf } from './indicators.js';

export interface IndicatorValue {
  id: string;
  value: number | null;
  status: 'green' | 'yellow' | 'red' | null;
  /** By district (GB/T 2260 code) or department code, when the definition breaks down. */
  breakdown: Record<string, number> | null;
  /** How many devices, alerts or incidents the value stands on. */
  basis: number;
  at: number;
}

type Def = IndicatorDefinition & { id: string };
type Reading = Extract<IndicatorSource, { kind: 'reading' }>;

/** Accumulates one aggregate, overall and per breakdown key. */
class Acc {
  n = 0;
  sum = 0;
  max = Number.NEGATIVE_INFINITY;
  min = Number.POSITIVE_INFINITY;
  hits = 0;
  add(v: number, hit: boolean): void {
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
    if (v < this.min) this.min = v;
    if (hit) this.hits++;
  }
  result(agg: Reading['agg']): number | null {
    if (agg === 'count_over') return this.hits;
    if (this.n === 0) return null;
    switch (agg) {
      case 'avg':
        return this.sum / this.n;
      case 'max':
        return this.max;
      case 'min':
        return this.min;
      case 'sum':
        return this.sum;
      case 'share_over':
        return (100 * this.hits) / this.n;
    }
  }
}

const round = (v: number | null, decimals: number | undefined) => (v === null ? null : Number(v.toFixed(decimals ?? 2)));

function finish(def: Def, at: number, value: number | null, parts: Map<string, number | null> | null, basis: number): IndicatorValue {
  const scale = def.scale ?? 1;
  const v = round(value === null ? null : value * scale, def.decimals);
  let breakdown: Record<string, number> | null = null;
  if (def.breakdown && parts) {
    breakdown = {};
    for (const [k, x] of [...parts].sort(([a], [b]) => (a < b ? -1 : 1))) if (x !== null) breakdown[k] = round(x * scale, def.decimals)!;
  }
  return { id: def.id, value: v, status: statusOf(def, v), breakdown, basis, at };
}

export class IndicatorEvaluator {
  constructor(
    private readonly p: Platform,
    private readonly telemetry: TelemetryStore,
    private readonly incidents?: IncidentService,
    private readonly alertFigures?: AlertFigures,
    private readonly sharing?: Pick<SharingFigures, 'figure'>,
    private readonly urban?: UrbanFigures,
    private readonly services?: ServicesFigures,
  ) {}

  async evaluate(defs: Def[]): Promise<IndicatorValue[]> {
    const at = this.p.now();
    const out = new Map<string, IndicatorValue>();
    const readings = defs.filter((d) => d.source.kind === 'reading');
    if (readings.length) for (const v of await this.readings(readings, at)) out.set(v.id, v);
    for (const d of defs) {
      if (out.has(d.id)) continue;
      const s = d.source;
      if (s.kind === 'devices') out.set(d.id, await this.devices(d, s, at));
      else if (s.kind === 'alerts') out.set(d.id, await this.alerts(d, s, at));
      else if (s.kind === 'incidents') out.set(d.id, await this.incidentsOf(d, s, at));
      else if (s.kind === 'sharing') out.set(d.id, await this.sharingOf(d, s, at));
      else if (s.kind === 'urban') out.set(d.id, await this.urbanOf(d, s, at));
      else if (s.kind === 'services') out.set(d.id, await this.servicesOf(d, s, at));
    }
    return defs.map((d) => out.get(d.id)!);
  }

  private async readings(defs: Def[], at: number): Promise<IndicatorValue[]> {
    const types = [...new Set(defs.flatMap((d) => (d.source as Reading).types))];
    const devices = await deviceRefs(this.p.db, { types, enabledOnly: true });
    const latest = await this.telemetry.latest(devices.map((d) => d.seq));
    const parsed = devices.map((d) => ({
      d,
      properties: JSON.parse(d.properties || '{}') as Record<string, unknown>,
      tags: JSON.parse(d.tags || '[]') as string[],
      values: latest.get(d.seq) ?? [],
    }));
    return defs.map((def) => {
      const s = def.source as Reading;
      const fresh = at - (s.freshMinutes ?? 60) * 60_000;
      const total = new Acc();
      const parts = new Map<string, Acc>();
      for (const x of parsed) {
        if (!s.types.includes(x.d.type_id)) continue;
        const values = new Map<string, number | string | null>();
        for (const l of x.values) if (l.ts >= fresh) values.set(l.attr, l.v ?? l.s);
        const v = readValue(s.attr, { values, properties: x.properties, tags: x.tags });
        if (v === undefined || !Number.isFinite(v)) continue;
        let hit = false;
        if (s.threshold !== undefined) {
          const th = typeof s.threshold === 'number' ? s.threshold : Number(x.properties[s.threshold.property]);
          if (!Number.isFinite(th)) continue; // the device lacks the property its threshold names
          hit = v >= th;
        }
        total.add(v, hit);
        const key = def.breakdown === 'department' ? x.d.department_code : def.breakdown === 'district' ? x.d.district_adcode : null;
        if (key) {
          let a = parts.get(key);
          if (!a) {
            a = new Acc();
            parts.set(key, a);
          }
          a.add(v, hit);
        }
      }
      const byKey = def.breakdown ? new Map([...parts].map(([k, a]) => [k, a.result(s.agg)])) : null;
      return finish(def, at, total.result(s.agg), byKey, total.n);
    });
  }

  private async devices(def: Def, s: Extract<IndicatorSource, { kind: 'devices' }>, at: number): Promise<IndicatorValue> {
    const rows = await statusByOwner(this.p.db);
    const per = new Map<string, { online: number; all: number }>();
    let online = 0;
    let all = 0;
    for (const r of rows) {
      const n = Number(r.n);
      const k = (def.breakdown === 'department' ? r.department : r.district) ?? '—';
      const p = per.get(k) ?? { online: 0, all: 0 };
      p.all += n;
      all += n;
      if (r.status === 'online') {
        p.online += n;
        online += n;
      }
      per.set(k, p);
    }
    const measure = (x: { online: number; all: number }) => (s.measure === 'offline' ? x.all - x.online : x.all ? (100 * x.online) / x.all : null);
    return finish(def, at, all ? measure({ online, all }) : null, def.breakdown ? new Map([...per].map(([k, x]) => [k, measure(x)])) : null, all);
  }

  private async alerts(def: Def, s: Extract<IndicatorSource, { kind: 'alerts' }>, at: number): Promise<IndicatorValue> {
    if (s.measure === 'median_ack_minutes') {
      const rows = (await this.alertFigures?.acknowledgedSince(at - 86_400_000, s.levels)) ?? [];
      const minutes = rows.map((r) => (r.acknowledgedAt - r.raisedAt) / 60_000).sort((a, b) => a - b);
      return finish(def, at, minutes.length ? minutes[minutes.length >> 1]! : null, null, minutes.length);
    }
    const rows = (await this.alertFigures?.openFigures(s.levels)) ?? [];
    const per = new Map<string, number>();
    for (const r of rows) {
      const k = def.breakdown === 'department' ? r.department_code : (r.district_adcode ?? '—');
      per.set(k, (per.get(k) ?? 0) + 1);
    }
    return finish(def, at, rows.length, def.breakdown ? per : null, rows.length);
  }

  private async sharingOf(def: Def, s: Extract<IndicatorSource, { kind: 'sharing' }>, at: number): Promise<IndicatorValue> {
    if (!this.sharing) return finish(def, at, null, null, 0);
    const f = await this.sharing.figure(s.measure, at);
    return finish(def, at, f.value, def.breakdown === 'department' ? f.byDepartment : null, f.basis);
  }

  private async urbanOf(def: Def, s: Extract<IndicatorSource, { kind: 'urban' }>, at: number): Promise<IndicatorValue> {
    if (!this.urban) return finish(def, at, null, null, 0);
    const f = await this.urban.figure(s.measure);
    return finish(def, at, f.value, def.breakdown === 'district' ? f.byDistrict : null, f.basis);
  }

  private async servicesOf(def: Def, s: Extract<IndicatorSource, { kind: 'services' }>, at: number): Promise<IndicatorValue> {
    if (!this.services) return finish(def, at, null, null, 0);
    const f = await this.services.figure(s.measure);
    return finish(def, at, f.value, def.breakdown === 'department' ? f.byDepartment : null, f.basis);
  }

  private async incidentsOf(def: Def, s: Extract<IndicatorSource, { kind: 'incidents' }>, at: number): Promise<IndicatorValue> {
    // Real incidents only: drills never count in the city's figures.
    const rows = ((await this.incidents?.underWay()) ?? []).map((r) => ({ id: r.id, district_adcode: r.district }));
    const progress = s.measure === 'overdue_tasks' && this.incidents ? await this.incidents.progress(rows.map((r) => r.id)) : null;
    const per = new Map<string, number>();
    let total = 0;
    for (const r of rows) {
      const n = progress ? (progress.get(r.id)?.overdue ?? 0) : 1;
      total += n;
      const k = r.district_adcode ?? '—';
      per.set(k, (per.get(k) ?? 0) + n);
    }
    return finish(def, at, total, def.breakdown ? per : null, rows.length);
  }
}
