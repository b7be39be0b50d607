/**
 * What is around an incident, for the situation board's map: devices within a radius with their
 * health and newest readings, and resources and shelters with what is available, closest first.
 * Devices are limited to the reader's data scope; resources follow the registry's masking.
 */
import { getDistrict } from '../identity/index.js';
import type { Principal } from '../../platform/auth/scope.js';
import type { Platform } from '../../platform/context.js';
import { listDevices, type TelemetryStore } from '../sensing/index.js';
import type { IncidentService } from './incidents.service.js';
import { distanceM, type ResourceService } from './resources.service.js';

/** Devices drawn on one board at most (the closest); the rest are counted. */
export const MAX_DEVICES = 200;

export interface Surroundings {
  center: { lon: number; lat: number } | null;
  /** Where the centre came from: the incident's own place, or its district's centre. */
  centerFrom: 'incident' | 'district' | null;
  radiusM: number;
  devices: {
    id: string;
    name: string | null;
    type: string;
    department: string;
    location: { lon: number; lat: number };
    distanceM: number;
    status: string;
    latest: { attr: string; at: number; value: number | string | null }[];
  }[];
  devicesInRadius: number;
  resources: (ReturnType<ResourceService['view']> & { distanceM: number })[];
}

export async function surroundings(
  p: Platform,
  incidents: IncidentService,
  resources: ResourceService,
  telemetry: TelemetryStore,
  id: string,
  radiusM: number,
  principal: Principal,
): Promise<Surroundings> {
  const inc = await incidents.getFor(id, principal);
  let center: Surroundings['center'] = null;
  let centerFrom: Surroundings['centerFrom'] = null;
  if (inc.lon !== null && inc.lat !== null) {
    center = { lon: inc.lon, lat: inc.lat };
    centerFrom = 'incident';
  } else if (inc.district_adcode) {
    const d = await getDistrict(p.db, inc.district_adcode);
    if (d && d.center_lon !== null && d.center_lat !== null) {
      center = { lon: d.center_lon, lat: d.center_lat };
      centerFrom = 'district';
    }
  }
  if (!center) return { center, centerFrom, radiusM, devices: [], devicesInRadius: 0, resources: [] };

  // A box around the circle, then the circle itself.
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos((center.lat * Math.PI) / 180));
  const boxed = await listDevices(p.db, principal.view, {
    bbox: [center.lon - dLon, center.lat - dLat, center.lon + dLon, center.lat + dLat],
    limit: 5000,
    offset: 0,
  });
  const near = boxed.items
    .filter((d) => d.lon !== null && d.lat !== null)
    .map((d) => ({ d, distance: distanceM(center, { lon: d.lon!, lat: d.lat! }) }))
    .filter((x) => x.distance <= radiusM)
    .sort((a, b) => a.distance - b.distance);
  const shown = near.slice(0, MAX_DEVICES);
  const latest = await telemetry.latest(shown.map((x) => x.d.seq));

  const all = await resources.list({}, principal);
  const res = all
    .map((r) => ({ ...r, distanceM: Math.round(distanceM(center, r.location)) }))
    .filter((r) => r.distanceM <= radiusM * 3 || r.kind === 'shelter')
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, 100);

  return {
    center,
    centerFrom,
    radiusM,
    devices: shown.map(({ d, distance }) => ({
      id: d.id,
      name: d.name,
      type: d.typeId,
      department: d.department,
      location: { lon: d.lon!, lat: d.lat! },
      distanceM: Math.round(distance),
      status: d.health.status,
      latest: (latest.get(d.seq) ?? []).map((v) => ({ attr: v.attr, at: v.ts, value: v.v ?? v.s })),
    })),
    devicesInRadius: near.length,
    resources: res,
  };
}
