/**
 * Map layers aggregated on the server, so 50,000 devices draw as a few hundred marks: devices are
 * gathered into grid cells (degrees of GCJ-02 longitude and latitude), each with its count, its
 * health and its types. Devices are those in the reader's data scope.
 */
import type { Scope } from '../../platform/auth/scope.js';
import type { Platform } from '../../platform/context.js';
import { placedDevices, type TelemetryStore } from '../sensing/index.js';
import { readValue } from '../warning/index.js';

export interface DeviceCell {
  /** The mean position of the cell's devices (where the mark goes). */
  lon: number;
  lat: number;
  count: number;
  online: number;
  offline: number;
  unknown: number;
  types: Record<string, number>;
  /** With `attr`: the mean and the worst (largest) value of the cell's devices that have one. */
  value?: { mean: number; max: number; n: number };
}

/**
 * `attr` (an attribute or a derived value such as $aqi, $waterClass, $load) colours the cells by
 * their devices' newest values (fresh within an hour); it needs `type`.
 */
export async function deviceCells(
  p: Platform,
  telemetry: TelemetryStore,
  scope: Scope,
  q: { grid: number; type?: string; district?: string; attr?: string },
): Promise<{ grid: number; total: number; cells: DeviceCell[] }> {
  const rows = await placedDevices(p.db, scope, { type: q.type, district: q.district });
  const attr = q.attr && q.type ? q.attr : undefined;
  const latest = attr ? await telemetry.latest(rows.map((r) => r.seq)) : null;
  const fresh = p.now() - 3_600_000;
  const cells = new Map<string, DeviceCell & { sumLon: number; sumLat: number; sum: number; max: number; n: number }>();
  for (const r of rows) {
    const lon = Number(r.lon);
    const lat = Number(r.lat);
    const key = `${Math.floor(lon / q.grid)}:${Math.floor(lat / q.grid)}`;
    let c = cells.get(key);
    if (!c) {
      c = { lon: 0, lat: 0, sumLon: 0, sumLat: 0, count: 0, online: 0, offline: 0, unknown: 0, types: {}, sum: 0, max: Number.NEGATIVE_INFINITY, n: 0 };
      cells.set(key, c);
    }
    c.count++;
    c.sumLon += lon;
    c.sumLat += lat;
    if (r.status === 'online') c.online++;
    else if (r.status === 'offline') c.offline++;
    else c.unknown++;
    c.types[r.type_id] = (c.types[r.type_id] ?? 0) + 1;
    if (attr && latest) {
      const values = new Map<string, number | string | null>();
      for (const l of latest.get(r.seq) ?? []) if (l.ts >= fresh) values.set(l.attr, l.v ?? l.s);
      const v = readValue(attr, { values, properties: JSON.parse(r.properties || '{}'), tags: JSON.parse(r.tags || '[]') });
      if (v !== undefined && Number.isFinite(v)) {
        c.sum += v;
        c.n++;
        if (v > c.max) c.max = v;
      }
    }
  }
  return {
    grid: q.grid,
    total: rows.length,
    cells: [...cells.values()].map(({ sumLon, sumLat, sum, max, n, ...c }) => ({
      ...c,
      lon: Number((sumLon / c.count).toFixed(6)),
      lat: Number((sumLat / c.count).toFixed(6)),
      ...(attr && n > 0 ? { value: { mean: Number((sum / n).toFixed(3)), max: Number(max.toFixed(3)), n } } : {}),
    })),
  };
}
