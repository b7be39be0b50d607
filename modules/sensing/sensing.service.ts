/**
 * Sensing services: device types, devices (provisioning, import, tokens), readings over time, health
 * sweeps and retention. Routes authorise and parse; this decides; stores persist.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, assertMayChange, assertReadable, inScope, inView, makePrincipal } from '../../platform/auth/scope.js';
import { hashToken } from '../../platform/auth/password.js';
import { AppError, type FieldError, notFound } from '../../platform/http/errors.js';
import { timeRange } from '../../platform/http/limits.js';
import { newSecret } from '../../platform/ids.js';
import { type Datum, toGcj02 } from '../../platform/profile/datum.js';
import { transaction } from '../../platform/storage/db.js';
import { isUniqueViolation } from '../../platform/storage/db.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import type { DeviceDirectory } from './ingest.js';
import { DEVICE_ID_RE, type DeviceType, checkDeviceType, entityIdOf } from './model.js';
import * as store from './sensing.store.js';
import type { DeviceRecord, HealthRecord } from './sensing.store.js';
import { DAY, type LatestValue, type Resolution, type RetentionReport, type SeriesPoint, type TelemetryStore } from './telemetry.store.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The seed types: Smart Data Models plus the city types the models lack. Which department owns a
 * type's devices by default is the city's choice (`deviceTypeOwners` in the profile).
 */
export function seedTypes(owners: Readonly<Record<string, string>> = {}): DeviceType[] {
  const candidates = [
    join(here, 'device-types.json'),
    join(here, '../../modules/sensing/device-types.json'),
    join(here, '../modules/sensing/device-types.json'),
  ];
  for (const file of candidates) {
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { types: Omit<DeviceType, 'builtin' | 'version' | 'defaultOwner'>[] };
      return doc.types.map((t) => ({ ...t, defaultOwner: owners[t.id] ?? null, builtin: true, version: 1 }));
    } catch {
      /* try the next location (source tree or bundle) */
    }
  }
  throw new Error('device-types.json not found');
}

export async function ensureSeedTypes(p: Platform): Promise<number> {
  const existing = new Set((await store.listTypes(p.db)).map((t) => t.id));
  let added = 0;
  for (const t of seedTypes(p.profile.deviceTypeOwners)) {
    if (existing.has(t.id)) continue;
    await store.upsertType(p.db, t, p.now());
    added++;
  }
  return added;
}

// ---- device types ----

export async function createType(p: Platform, ctx: RequestContext, t: Omit<DeviceType, 'builtin' | 'version'>): Promise<DeviceType> {
  const errors = checkDeviceType(t);
  if (errors.length) throw new AppError('WD_ERR_VALIDATION', 'The device type is not valid', { errors });
  const type: DeviceType = { ...t, builtin: false, version: 1 };
  try {
    await transaction(p.db, async (trx) => {
      await store.upsertType(trx, type, p.now());
      await appendAudit(trx, { ...actorOf(ctx), action: 'device_type.created', targetType: 'device_type', targetId: t.id, at: p.now() });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('WD_ERR_CONFLICT', `Device type ${t.id} exists`);
    throw err;
  }
  return type;
}

export async function updateType(
  p: Platform,
  ctx: RequestContext,
  id: string,
  version: number,
  t: Omit<DeviceType, 'id' | 'builtin' | 'version'>,
): Promise<DeviceType> {
  const cur = await store.getType(p.db, id);
  if (!cur) throw notFound('Device type', id);
  const errors = checkDeviceType(t);
  // Attributes already in use keep their value type: stored history must stay readable.
  for (const a of cur.attributes) {
    const next = t.attributes.find((x) => x.key === a.key);
    if (next && next.valueType !== a.valueType && (await store.countDevicesOfType(p.db, id)) > 0) {
      errors.push({ pointer: `/body/attributes/${t.attributes.indexOf(next)}/valueType`, detail: `devices report "${a.key}" as ${a.valueType}` });
    }
  }
  if (errors.length) throw new AppError('WD_ERR_VALIDATION', 'The device type is not valid', { errors });
  const next: DeviceType = { ...t, id, builtin: cur.builtin, version: version + 1 };
  await transaction(p.db, async (trx) => {
    if (!(await store.upsertType(trx, next, p.now(), version))) throw new AppError('WD_ERR_VERSION_CONFLICT', `Device type ${id} has changed; reload it`);
    await appendAudit(trx, { ...actorOf(ctx), action: 'device_type.updated', targetType: 'device_type', targetId: id, at: p.now() });
    await p.outbox.add(trx, 'device_type.updated', { id });
  });
  await p.outbox.flush();
  return next;
}

export async function deleteType(p: Platform, ctx: RequestContext, id: string): Promise<void> {
  const cur = await store.getType(p.db, id);
  if (!cur) throw notFound('Device type', id);
  if (cur.builtin) throw new AppError('WD_ERR_CONFLICT', 'Built-in device types cannot be deleted');
  const n = await store.countDevicesOfType(p.db, id);
  if (n > 0) throw new AppError('WD_ERR_CONFLICT', `${n} devices are of this type`);
  await transaction(p.db, async (trx) => {
    await store.deleteType(trx, id);
    await appendAudit(trx, { ...actorOf(ctx), action: 'device_type.deleted', targetType: 'device_type', targetId: id, at: p.now() });
    await p.outbox.add(trx, 'device_type.updated', { id });
  });
  await p.outbox.flush();
}

// ---- devices ----

export interface DeviceInput {
  id?: string;
  name: string;
  type: string;
  department?: string;
  location?: { lon: number; lat: number; datum?: Datum };
  district?: string;
  specialZone?: string;
  tags?: string[];
  intervalSeconds?: number;
  properties?: Record<string, unknown>;
  simulated?: boolean;
}

export interface DeviceView extends Omit<DeviceRecord, 'seq' | 'lon' | 'lat'> {
  type: string;
  location: { lon: number; lat: number; datum: 'GCJ-02'; givenIn: string } | null;
}

export function viewOf(d: DeviceRecord): DeviceView {
  const { seq: _seq, lon, lat, typeId, ...rest } = d;
  return { ...rest, typeId, type: typeId, location: lon !== null && lat !== null ? { lon, lat, datum: 'GCJ-02', givenIn: d.datum } : null };
}

/** A device input checked and completed: the type found, location in GCJ-02, district derived. */
type Resolved = Pick<store.NewDeviceRow, 'id' | 'department' | 'district' | 'specialZone' | 'lon' | 'lat' | 'datum' | 'tags' | 'intervalSeconds'> & {
  type: DeviceType;
};

/** Checks a device's fields against the city (department, district, type); field errors, never partial data. */
async function resolveDevice(p: Platform, principal: Principal, input: DeviceInput, pointer = '/body'): Promise<Resolved | FieldError[]> {
  const errors: FieldError[] = [];
  const id =
    input.id ??
    `${input.type.replace(/Observed$/, '').toLowerCase()}-${newSecret(6)
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase()
      .slice(0, 8)}`;
  if (!DEVICE_ID_RE.test(id)) errors.push({ pointer: `${pointer}/id`, detail: 'letters, digits, _ . -; up to 64, starting with a letter or digit' });
  const type = await store.getType(p.db, input.type);
  if (!type) errors.push({ pointer: `${pointer}/type`, detail: `no device type "${input.type}"` });
  const department = input.department ?? principal.department ?? type?.defaultOwner ?? null;
  if (!department) errors.push({ pointer: `${pointer}/department`, detail: 'required' });
  else if (!p.profile.departments.some((d) => d.code === department))
    errors.push({ pointer: `${pointer}/department`, detail: `no department "${department}"` });
  let lon: number | null = null;
  let lat: number | null = null;
  let district: string | null = input.district ?? null;
  const datum = input.location?.datum ?? 'GCJ-02';
  if (input.location) {
    const { lon: x, lat: y } = input.location;
    if (!Number.isFinite(x) || !Number.isFinite(y) || x < -180 || x > 180 || y < -90 || y > 90) {
      errors.push({ pointer: `${pointer}/location`, detail: 'lon must be within -180..180 and lat within -90..90' });
    } else {
      [lon, lat] = toGcj02(x, y, datum);
      const at = p.profile.districtAt(lon, lat) ?? null;
      if (!at) errors.push({ pointer: `${pointer}/location`, detail: `(${x}, ${y}) ${datum} is outside ${p.profile.name.en}'s districts` });
      else if (district && district !== at) errors.push({ pointer: `${pointer}/district`, detail: `the location lies in ${at}, not ${district}` });
      district = at;
    }
  }
  if (district && !p.profile.districts.some((d) => d.adcode === district && d.kind !== 'special_zone')) {
    errors.push({ pointer: `${pointer}/district`, detail: `no district "${district}"` });
  }
  const specialZone = input.specialZone ?? null;
  if (specialZone && !p.profile.districts.some((d) => d.adcode === specialZone && d.kind === 'special_zone')) {
    errors.push({ pointer: `${pointer}/specialZone`, detail: `no special zone "${specialZone}"` });
  }
  const tags = input.tags ?? [];
  tags.forEach((t, i) => {
    if (!/^[^\s,]{1,64}$/u.test(t)) errors.push({ pointer: `${pointer}/tags/${i}`, detail: 'a tag is 1–64 characters without spaces or commas' });
  });
  const intervalSeconds = input.intervalSeconds ?? type?.defaultIntervalSeconds ?? 300;
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 86_400) {
    errors.push({ pointer: `${pointer}/intervalSeconds`, detail: 'a whole number of seconds, 1..86400' });
  }
  if (errors.length || !type || !department) return errors;
  // A department's staff provision devices for their own department and districts.
  // A district government's devices lie in its district (what it provisions it can read).
  if (!inScope(principal.scope, { department, district }) || !inView(principal, { department, district })) {
    return [{ pointer: `${pointer}/department`, detail: 'outside your data scope (department or district)' }];
  }
  return { id, type, department, district, specialZone, lon, lat, datum, tags: [...new Set(tags)], intervalSeconds };
}

export interface Provisioned {
  device: DeviceView;
  /** The device's secret: shown once, stored only as a hash. */
  token: string;
  entityId: string;
  mqtt: { username: string; topics: { json: string; senml: string; errors: string } };
}

function credentialsOf(id: string): Provisioned['mqtt'] {
  return { username: id, topics: { json: `devices/${id}/telemetry`, senml: `devices/${id}/senml`, errors: `devices/${id}/errors` } };
}

export async function createDevice(p: Platform, ctx: RequestContext, principal: Principal, input: DeviceInput): Promise<Provisioned> {
  const r = await resolveDevice(p, principal, input);
  if (Array.isArray(r)) throw new AppError('WD_ERR_VALIDATION', 'The device is not valid', { errors: r });
  return insertResolved(p, ctx, r, input);
}

async function insertResolved(p: Platform, ctx: RequestContext, r: Resolved, input: DeviceInput): Promise<Provisioned> {
  const token = `wdd_${newSecret(24)}`;
  const entityId = entityIdOf(r.type.ngsiType, r.id);
  let device: DeviceRecord;
  try {
    device = await transaction(p.db, async (trx) => {
      const d = await store.insertDevice(
        trx,
        {
          id: r.id,
          name: input.name,
          typeId: r.type.id,
          department: r.department,
          district: r.district,
          specialZone: r.specialZone,
          lon: r.lon,
          lat: r.lat,
          datum: r.datum,
          tags: r.tags,
          intervalSeconds: r.intervalSeconds,
          tokenHash: hashToken(token),
          entityId,
          simulated: input.simulated === true,
          properties: input.properties ?? {},
          createdBy: ctx.principal?.id ?? null,
        },
        p.now(),
      );
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'device.created',
        targetType: 'device',
        targetId: r.id,
        details: { type: r.type.id, department: r.department },
        at: p.now(),
      });
      await p.outbox.add(trx, 'device.created', { id: r.id, type: r.type.id, department: r.department, district: r.district }, { key: r.id });
      return d;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('WD_ERR_CONFLICT', `Device ${r.id} exists`);
    throw err;
  }
  await p.outbox.flush();
  return { device: viewOf(device), token, entityId, mqtt: credentialsOf(r.id) };
}

export interface ImportRowResult {
  row: number;
  id?: string;
  token?: string;
  entityId?: string;
  errors?: FieldError[];
}

/**
 * Provisions many devices; each row succeeds or fails on its own, with its errors. With `dryRun`
 * rows are only checked.
 */
/**
 * Provisions many devices; each row succeeds or fails on its own. A row given as errors (it failed
 * the request schema) is reported as it is.
 */
export async function importDevices(
  p: Platform,
  ctx: RequestContext,
  principal: Principal,
  rows: (DeviceInput | FieldError[])[],
  dryRun: boolean,
): Promise<ImportRowResult[]> {
  const out: ImportRowResult[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const input = rows[i]!;
    if (Array.isArray(input)) {
      out.push({ row: i, errors: input });
      continue;
    }
    const r = await resolveDevice(p, principal, input, `/rows/${i}`);
    if (Array.isArray(r)) {
      out.push({ row: i, ...(input.id ? { id: input.id } : {}), errors: r });
      continue;
    }
    if (seen.has(r.id) || (await store.getDeviceRow(p.db, r.id))) {
      out.push({ row: i, id: r.id, errors: [{ pointer: `/rows/${i}/id`, detail: `device ${r.id} exists` }] });
      continue;
    }
    seen.add(r.id);
    if (dryRun) {
      out.push({ row: i, id: r.id });
      continue;
    }
    try {
      const prov = await insertResolved(p, ctx, r, input);
      out.push({ row: i, id: r.id, token: prov.token, entityId: prov.entityId });
    } catch (err) {
      if (err instanceof AppError) out.push({ row: i, id: r.id, errors: [{ pointer: `/rows/${i}`, detail: err.detail ?? err.message }] });
      else throw err;
    }
  }
  return out;
}

/**
 * A device the caller may read (`read`: its view, so a district government reads every device in
 * its district) or change (`change`: 404 unless readable, 403 read-only unless in its scope).
 */
async function loadFor(p: Platform, principal: Principal, id: string, how: 'read' | 'change'): Promise<DeviceRecord & { tokenHash: string }> {
  const row = await store.getDeviceRow(p.db, id);
  if (!row) throw notFound('Device', id);
  const d = store.toDevice(row);
  const item = { department: d.department, district: d.district };
  if (how === 'read') assertReadable(principal, item, 'Device', id);
  else assertMayChange(principal, item, 'Device', id);
  return { ...d, tokenHash: row.token_hash };
}

export interface DeviceDetail extends DeviceView {
  latest: LatestValue[];
  health: HealthRecord & { online: boolean };
  typeInfo: DeviceType;
}

export async function getDevice(p: Platform, principal: Principal, telemetry: TelemetryStore, id: string): Promise<DeviceDetail> {
  const d = await loadFor(p, principal, id, 'read');
  const [latest, health, type] = await Promise.all([telemetry.latest([d.seq]), store.getHealth(p.db, d.seq), store.getType(p.db, d.typeId)]);
  const { tokenHash: _t, ...rest } = d;
  return { ...viewOf(rest), latest: latest.get(d.seq) ?? [], health: { ...health, online: health.status === 'online' }, typeInfo: type! };
}

export async function listDevices(p: Platform, principal: Principal, f: store.DeviceFilter) {
  // A search word also finds the devices of the types it names, in either language (防汛, 排水, gas).
  const word = f.q?.trim().toLowerCase();
  const qTypes = word ? (await store.listTypes(p.db)).filter((t) => t.name.zh.includes(word) || t.name.en.toLowerCase().includes(word)).map((t) => t.id) : [];
  const r = await store.listDevices(p.db, principal.view, { ...f, ...(qTypes.length ? { qTypes } : {}) });
  return { total: r.total, items: r.items.map((d) => ({ ...viewOf(d), health: d.health })) };
}

export interface DevicePatch {
  name?: string;
  department?: string;
  location?: { lon: number; lat: number; datum?: Datum } | null;
  specialZone?: string | null;
  tags?: string[];
  intervalSeconds?: number;
  properties?: Record<string, unknown>;
  disabled?: boolean;
}

export async function updateDevice(
  p: Platform,
  ctx: RequestContext,
  principal: Principal,
  id: string,
  version: number,
  patch: DevicePatch,
): Promise<DeviceView> {
  const cur = await loadFor(p, principal, id, 'change');
  const merged: DeviceInput = {
    id,
    name: patch.name ?? cur.name,
    type: cur.typeId,
    department: patch.department ?? cur.department,
    ...(patch.location !== undefined
      ? patch.location
        ? { location: patch.location }
        : {}
      : cur.lon !== null && cur.lat !== null
        ? { location: { lon: cur.lon, lat: cur.lat, datum: 'GCJ-02' as const } }
        : cur.district
          ? { district: cur.district }
          : {}),
    ...((patch.specialZone === undefined ? cur.specialZone : patch.specialZone)
      ? { specialZone: (patch.specialZone === undefined ? cur.specialZone : patch.specialZone)! }
      : {}),
    tags: patch.tags ?? cur.tags,
    intervalSeconds: patch.intervalSeconds ?? cur.intervalSeconds,
  };
  const r = await resolveDevice(p, principal, merged);
  if (Array.isArray(r)) throw new AppError('WD_ERR_VALIDATION', 'The device is not valid', { errors: r });
  await transaction(p.db, async (trx) => {
    const ok = await store.updateDevice(
      trx,
      id,
      version,
      {
        name: merged.name,
        department: r.department,
        district: r.district,
        specialZone: r.specialZone,
        lon: r.lon,
        lat: r.lat,
        ...(patch.location !== undefined && patch.location ? { datum: patch.location.datum ?? 'GCJ-02' } : {}),
        tags: r.tags,
        intervalSeconds: r.intervalSeconds,
        ...(patch.properties ? { properties: patch.properties } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      },
      p.now(),
    );
    if (!ok) throw new AppError('WD_ERR_VERSION_CONFLICT', `Device ${id} has changed since version ${version}; reload it`);
    await appendAudit(trx, {
      ...actorOf(ctx),
      action: 'device.updated',
      targetType: 'device',
      targetId: id,
      details: { fields: Object.keys(patch) },
      at: p.now(),
    });
    await p.outbox.add(trx, 'device.updated', { id }, { key: id });
  });
  await p.outbox.flush();
  const row = await store.getDeviceRow(p.db, id);
  return viewOf(store.toDevice(row!));
}

export async function rotateToken(p: Platform, ctx: RequestContext, principal: Principal, id: string): Promise<{ token: string }> {
  const cur = await loadFor(p, principal, id, 'change');
  const token = `wdd_${newSecret(24)}`;
  await transaction(p.db, async (trx) => {
    await store.updateDevice(trx, id, cur.version, { tokenHash: hashToken(token) }, p.now());
    await appendAudit(trx, { ...actorOf(ctx), action: 'device.token_rotated', targetType: 'device', targetId: id, at: p.now() });
    await p.outbox.add(trx, 'device.updated', { id }, { key: id });
  });
  await p.outbox.flush();
  return { token };
}

export async function deleteDevice(p: Platform, ctx: RequestContext, principal: Principal, id: string): Promise<void> {
  const cur = await loadFor(p, principal, id, 'change');
  await transaction(p.db, async (trx) => {
    await store.deleteDevice(trx, cur.seq);
    await appendAudit(trx, { ...actorOf(ctx), action: 'device.deleted', targetType: 'device', targetId: id, at: p.now() });
    await p.outbox.add(trx, 'device.deleted', { id }, { key: id });
  });
  await p.outbox.flush();
}

/**
 * One attribute's readings over a range. The range is bounded by the resolution (QUERY_MAX_SPAN_*)
 * and the answer by QUERY_MAX_POINTS, so no request asks the store for unbounded work.
 */
export async function series(
  p: Platform,
  principal: Principal,
  telemetry: TelemetryStore,
  id: string,
  q: { attr: string; from?: number; to?: number; resolution?: Resolution | 'auto' },
): Promise<{ device: string; attr: string; resolution: Resolution; from: number; to: number; unit: string | null; truncated: boolean; points: SeriesPoint[] }> {
  const d = await loadFor(p, principal, id, 'read');
  const type = await store.getType(p.db, d.typeId);
  const spec = type?.attributes.find((a) => a.key === q.attr);
  if (!spec)
    throw new AppError('WD_ERR_VALIDATION', `Device type ${d.typeId} has no attribute "${q.attr}"`, {
      errors: [{ pointer: '/querystring/attr', detail: 'unknown attribute' }],
    });
  const { span } = p.limits;
  const longest = !q.resolution || q.resolution === 'auto' ? span.hour : span[q.resolution];
  const { from, to } = timeRange(q, {
    now: p.now(),
    defaultSpanMs: Math.min(DAY, longest),
    maxSpanMs: longest,
    limitName: `QUERY_MAX_SPAN_${(!q.resolution || q.resolution === 'auto' ? 'hour' : q.resolution).toUpperCase()}`,
  });
  const width = to - from;
  // auto: raw up to 6 hours, minutes up to 7 days, hours beyond (each within its own limit).
  const resolution: Resolution =
    !q.resolution || q.resolution === 'auto'
      ? width <= Math.min(6 * 3_600_000, span.raw)
        ? 'raw'
        : width <= Math.min(7 * DAY, span.minute)
          ? 'minute'
          : 'hour'
      : q.resolution;
  const limit = p.limits.maxPoints;
  const points = await telemetry.series({ dev: d.seq, attr: q.attr, from, to, resolution, limit: limit + 1 });
  const truncated = points.length > limit;
  if (truncated) points.length = limit;
  return { device: id, attr: q.attr, resolution, from, to, unit: spec.unitText ?? spec.unitCode ?? null, truncated, points };
}

/** Applies every type's retention to its devices' telemetry. */
export async function applyRetention(p: Platform, telemetry: TelemetryStore): Promise<RetentionReport> {
  const types = await store.listTypes(p.db);
  const devs = await store.deviceTypesBySeq(p.db);
  const byType = new Map<string, number[]>();
  for (const d of devs) byType.set(d.type_id, [...(byType.get(d.type_id) ?? []), d.seq]);
  const policies = types.map((t) => ({ devs: byType.get(t.id) ?? [], ...t.retention }));
  return telemetry.applyRetention(p.now(), policies);
}

/**
 * Provisions the simulator's devices (marked simulated) as the platform administrator would, or
 * issues new tokens for ones that exist; returns the tokens by device id.
 */
export async function provisionSimulated(p: Platform, devices: (DeviceInput & { id: string })[]): Promise<Map<string, string>> {
  const principal = makePrincipal({ kind: 'user', id: 'system', name: 'simulator', roles: ['platform_admin'], department: null, districts: ALL });
  const ctx: RequestContext = { principal, ip: null, requestId: null };
  const out = new Map<string, string>();
  const fresh: DeviceInput[] = [];
  for (const d of devices) {
    const row = await store.getDeviceRow(p.db, d.id);
    if (row) {
      // Earlier simulators named filler devices after their data model (CombustibleGasObserved 1):
      // such a device takes the name people read (燃气泄漏监测点 001); a name someone chose is kept.
      if (row.simulated === 1 && row.name !== d.name && /^[A-Z][A-Za-z]+ \d+$/.test(row.name))
        await updateDevice(p, ctx, principal, d.id, row.version, { name: d.name });
      out.set(d.id, (await rotateToken(p, ctx, principal, d.id)).token);
    } else fresh.push({ ...d, simulated: true });
  }
  for (const r of await importDevices(p, ctx, principal, fresh, false)) {
    if (r.token && r.id) out.set(r.id, r.token);
    else p.log.warn({ row: r }, 'simulator device not provisioned');
  }
  return out;
}

export type { DeviceDirectory };
