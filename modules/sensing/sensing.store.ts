/** SQL for device types, devices and device health (telemetry lives in telemetry.store.ts). */
import { type Kysely, type Transaction, sql } from 'kysely';
import { type Scope, whereInScope } from '../../platform/auth/scope.js';
import { pacer } from '../../platform/pace.js';
import { json } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { DeviceTable } from './sensing.tables.js';
import type { AttributeSpec, DeviceType, Retention } from './model.js';

type Q = Kysely<Database> | Transaction<Database>;

export interface DeviceRecord {
  seq: number;
  id: string;
  name: string;
  typeId: string;
  department: string;
  district: string | null;
  specialZone: string | null;
  lon: number | null;
  lat: number | null;
  datum: string;
  tags: string[];
  intervalSeconds: number;
  entityId: string;
  simulated: boolean;
  disabled: boolean;
  properties: Record<string, unknown>;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface HealthRecord {
  status: 'unknown' | 'online' | 'offline';
  statusSince: number | null;
  lastSeen: number | null;
  accepted: number;
  rejected: number;
  duplicates: number;
  lastError: string | null;
  lastErrorAt: number | null;
  stuck: Record<string, number>;
}

type DeviceRow = Omit<DeviceTable, 'seq'> & { seq: number };

function toType(r: Database['device_types']): DeviceType {
  return {
    id: r.id,
    name: { zh: r.name_zh, en: r.name_en },
    domain: r.domain,
    model: r.model as 'sdm' | 'city',
    ngsiType: r.ngsi_type,
    defaultOwner: r.default_owner,
    defaultIntervalSeconds: r.default_interval_s,
    attributes: JSON.parse(r.attributes) as AttributeSpec[],
    retention: JSON.parse(r.retention) as Retention,
    builtin: r.builtin === 1,
    version: r.version,
  };
}

export function toDevice(r: DeviceRow): DeviceRecord {
  return {
    seq: r.seq,
    id: r.id,
    name: r.name,
    typeId: r.type_id,
    department: r.department_code,
    district: r.district_adcode,
    specialZone: r.special_zone,
    lon: r.lon,
    lat: r.lat,
    datum: r.datum,
    tags: JSON.parse(r.tags) as string[],
    intervalSeconds: r.interval_s,
    entityId: r.entity_id,
    simulated: r.simulated === 1,
    disabled: r.disabled === 1,
    properties: JSON.parse(r.properties) as Record<string, unknown>,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

export async function listTypes(db: Q): Promise<DeviceType[]> {
  return (await db.selectFrom('device_types').selectAll().orderBy('id').execute()).map(toType);
}

export async function getType(db: Q, id: string): Promise<DeviceType | undefined> {
  const r = await db.selectFrom('device_types').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toType(r) : undefined;
}

export async function upsertType(db: Q, t: DeviceType, now: number, expectVersion?: number): Promise<boolean> {
  const row = {
    name_zh: t.name.zh,
    name_en: t.name.en,
    domain: t.domain,
    model: t.model,
    ngsi_type: t.ngsiType,
    default_owner: t.defaultOwner,
    default_interval_s: t.defaultIntervalSeconds,
    attributes: json.stringify(t.attributes),
    retention: json.stringify(t.retention),
    builtin: t.builtin ? 1 : 0,
    updated_at: now,
  };
  if (expectVersion === undefined) {
    await db
      .insertInto('device_types')
      .values({ id: t.id, ...row, version: 1, created_at: now })
      .execute();
    return true;
  }
  const r = await db
    .updateTable('device_types')
    .set({ ...row, version: expectVersion + 1 })
    .where('id', '=', t.id)
    .where('version', '=', expectVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countDevicesOfType(db: Q, typeId: string): Promise<number> {
  const r = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type_id', '=', typeId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function deleteType(db: Q, id: string): Promise<void> {
  await db.deleteFrom('device_types').where('id', '=', id).execute();
}

/** What provisioning writes: a device's fields before the database gives it a key, times and a version. */
export type NewDeviceRow = Omit<DeviceRecord, 'seq' | 'disabled' | 'createdAt' | 'updatedAt' | 'version'> & { tokenHash: string };

export async function insertDevice(db: Q, d: NewDeviceRow, now: number): Promise<DeviceRecord> {
  await db
    .insertInto('devices')
    .values({
      id: d.id,
      name: d.name,
      type_id: d.typeId,
      department_code: d.department,
      district_adcode: d.district,
      special_zone: d.specialZone,
      lon: d.lon,
      lat: d.lat,
      datum: d.datum,
      tags: json.stringify(d.tags),
      interval_s: d.intervalSeconds,
      token_hash: d.tokenHash,
      entity_id: d.entityId,
      simulated: d.simulated ? 1 : 0,
      disabled: 0,
      properties: json.stringify(d.properties),
      created_by: d.createdBy,
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .execute();
  const row = await getDeviceRow(db, d.id);
  if (!row) throw new Error(`device ${d.id} vanished after insert`);
  await db.insertInto('device_health').values({ dev: row.seq, accepted: 0, rejected: 0, duplicates: 0, status: 'unknown', status_since: now }).execute();
  return toDevice(row);
}

export async function getDeviceRow(db: Q, id: string): Promise<(DeviceRow & { token_hash: string }) | undefined> {
  return (await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst()) as (DeviceRow & { token_hash: string }) | undefined;
}

export async function getDeviceBySeq(db: Q, seq: number): Promise<DeviceRecord | undefined> {
  const r = await db.selectFrom('devices').selectAll().where('seq', '=', seq).executeTakeFirst();
  return r ? toDevice(r as DeviceRow) : undefined;
}

export interface DeviceFilter {
  type?: string;
  district?: string;
  department?: string;
  tag?: string;
  status?: string;
  q?: string;
  /** Device types whose name matches `q` (a search for 防汛 finds the flood monitoring points). */
  qTypes?: string[];
  simulated?: boolean;
  bbox?: [number, number, number, number];
  limit: number;
  offset: number;
}

export interface DeviceListRow extends DeviceRecord {
  health: HealthRecord;
}

function toHealth(r: {
  status: string | null;
  status_since: number | null;
  last_seen: number | null;
  accepted: number | null;
  rejected: number | null;
  duplicates: number | null;
  last_error: string | null;
  last_error_at: number | null;
  stuck: string | null;
}): HealthRecord {
  return {
    status: (r.status ?? 'unknown') as HealthRecord['status'],
    statusSince: r.status_since === null ? null : Number(r.status_since),
    lastSeen: r.last_seen === null ? null : Number(r.last_seen),
    accepted: Number(r.accepted ?? 0),
    rejected: Number(r.rejected ?? 0),
    duplicates: Number(r.duplicates ?? 0),
    lastError: r.last_error,
    lastErrorAt: r.last_error_at === null ? null : Number(r.last_error_at),
    stuck: r.stuck ? (JSON.parse(r.stuck) as Record<string, number>) : {},
  };
}

export async function listDevices(db: Q, scope: Scope, f: DeviceFilter): Promise<{ items: DeviceListRow[]; total: number }> {
  let q = db.selectFrom('devices as d').leftJoin('device_health as h', 'h.dev', 'd.seq');
  q = whereInScope(q, scope, { department: 'd.department_code', district: 'd.district_adcode' });
  if (f.type) q = q.where('d.type_id', '=', f.type);
  if (f.district) q = q.where('d.district_adcode', '=', f.district);
  if (f.department) q = q.where('d.department_code', '=', f.department);
  if (f.tag) q = q.where('d.tags', 'like', `%${JSON.stringify(f.tag).slice(1, -1)}%`);
  if (f.status) q = q.where('h.status', '=', f.status);
  if (f.simulated !== undefined) q = q.where('d.simulated', '=', f.simulated ? 1 : 0);
  if (f.q)
    q = q.where((eb) =>
      eb.or([eb('d.id', 'like', `%${f.q}%`), eb('d.name', 'like', `%${f.q}%`), ...(f.qTypes?.length ? [eb('d.type_id', 'in', f.qTypes)] : [])]),
    );
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    q = q.where('d.lon', '>=', w).where('d.lon', '<=', e).where('d.lat', '>=', s).where('d.lat', '<=', n);
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('d')
    .select(['h.status', 'h.status_since', 'h.last_seen', 'h.accepted', 'h.rejected', 'h.duplicates', 'h.last_error', 'h.last_error_at', 'h.stuck'])
    .orderBy('d.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((r) => {
      // Filters apply in SQL; a tag filter by LIKE is confirmed here on the parsed list.
      return { ...toDevice(r as unknown as DeviceRow), health: toHealth(r) };
    }),
  };
}

export async function getHealth(db: Q, seq: number): Promise<HealthRecord> {
  const r = await db.selectFrom('device_health').selectAll().where('dev', '=', seq).executeTakeFirst();
  return toHealth(
    r ?? {
      status: 'unknown',
      status_since: null,
      last_seen: null,
      accepted: 0,
      rejected: 0,
      duplicates: 0,
      last_error: null,
      last_error_at: null,
      stuck: null,
    },
  );
}

export async function updateDevice(db: Q, id: string, version: number, patch: Partial<NewDeviceRow> & { disabled?: boolean }, now: number): Promise<boolean> {
  const set: Partial<Record<keyof DeviceTable, unknown>> = { updated_at: now, version: version + 1 };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.department !== undefined) set.department_code = patch.department;
  if (patch.district !== undefined) set.district_adcode = patch.district;
  if (patch.specialZone !== undefined) set.special_zone = patch.specialZone;
  if (patch.lon !== undefined) set.lon = patch.lon;
  if (patch.lat !== undefined) set.lat = patch.lat;
  if (patch.datum !== undefined) set.datum = patch.datum;
  if (patch.tags !== undefined) set.tags = json.stringify(patch.tags);
  if (patch.intervalSeconds !== undefined) set.interval_s = patch.intervalSeconds;
  if (patch.tokenHash !== undefined) set.token_hash = patch.tokenHash;
  if (patch.properties !== undefined) set.properties = json.stringify(patch.properties);
  if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
  const r = await db
    .updateTable('devices')
    .set(set as never)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteDevice(db: Q, seq: number): Promise<void> {
  await db.deleteFrom('device_health').where('dev', '=', seq).execute();
  await db.deleteFrom('devices').where('seq', '=', seq).execute();
}

export interface HealthDelta {
  dev: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  lastSeen: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

/**
 * Adds counters from one process in one statement (not one per device); last_seen only moves
 * forward. The caller keeps the list short (HealthTracker writes 1,000 devices per transaction).
 */
export async function applyHealthDeltas(db: Q, deltas: HealthDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const rows = deltas.map(
    (d) =>
      sql`(cast(${d.dev} as bigint), cast(${d.accepted} as bigint), cast(${d.rejected} as bigint), cast(${d.duplicates} as bigint), cast(${d.lastSeen} as bigint), cast(${d.lastError} as text), cast(${d.lastErrorAt} as bigint))`,
  );
  await sql`with d (dev, a, r, dup, ls, le, lea) as (values ${sql.join(rows)})
    update device_health set
      accepted = device_health.accepted + d.a,
      rejected = device_health.rejected + d.r,
      duplicates = device_health.duplicates + d.dup,
      last_seen = case when d.ls is null then device_health.last_seen
        when device_health.last_seen is null or device_health.last_seen < d.ls then d.ls
        else device_health.last_seen end,
      last_error = coalesce(d.le, device_health.last_error),
      last_error_at = coalesce(d.lea, device_health.last_error_at)
    from d where device_health.dev = d.dev`.execute(db);
}

export async function setStuck(db: Q, dev: number, stuck: Record<string, number>): Promise<void> {
  await db
    .updateTable('device_health')
    .set({ stuck: Object.keys(stuck).length ? json.stringify(stuck) : null })
    .where('dev', '=', dev)
    .execute();
}

export interface StatusChange {
  seq: number;
  id: string;
  status: 'online' | 'offline';
  typeId: string;
  department: string;
  district: string | null;
  tags: string[];
}

/** Devices whose status changes are written per transaction; the event loop runs between slices. */
const SWEEP_SLICE = 1000;
/** Devices (by sequence number) read per query of the sweep. */
const SWEEP_RANGE = 2000;

/**
 * Marks devices online or offline by their last message. The candidates come from one query (with
 * what their events carry); the updates are written in slices of SWEEP_SLICE devices, each one
 * transaction, with the event loop free between them: when a whole fleet of 50,000 comes online
 * at once, one update per device in a row held the loop for five seconds.
 */
export async function sweepStatus(db: Kysely<Database>, now: number): Promise<StatusChange[]> {
  const grace = sql<number>`(case when d.interval_s * 3000 > 60000 then d.interval_s * 3000 else 60000 end)`;
  // The devices are read a range of sequence numbers at a time (one primary-key range each), the
  // event loop free between ranges: one query over 50,000 devices held it for a few hundred ms.
  const top = Number(
    (
      await db
        .selectFrom('devices')
        .select((eb) => eb.fn.max('seq').as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  const todo: (StatusChange & { from: string })[] = [];
  const pace = pacer(8); // status can lag a few seconds; acknowledgements must not
  for (let lo = 0; lo < top; lo += SWEEP_RANGE) {
    if (lo > 0) await pace();
    const candidates = await db
      .selectFrom('devices as d')
      .innerJoin('device_health as h', 'h.dev', 'd.seq')
      .select(['d.seq', 'd.id', 'd.interval_s', 'd.type_id', 'd.department_code', 'd.district_adcode', 'd.tags', 'h.status', 'h.last_seen'])
      .where('d.seq', '>', lo)
      .where('d.seq', '<=', lo + SWEEP_RANGE)
      .where('d.disabled', '=', 0)
      .where((eb) =>
        eb.or([
          eb.and([eb('h.status', '=', 'online'), eb('h.last_seen', '<', sql<number>`cast(${now} as bigint) - ${grace}`)]),
          eb.and([eb('h.status', '!=', 'online'), eb('h.last_seen', 'is not', null), eb('h.last_seen', '>=', sql<number>`cast(${now} as bigint) - ${grace}`)]),
        ]),
      )
      .execute();
    for (const c of candidates) {
      const grace = Math.max(3 * c.interval_s * 1000, 60_000);
      const online = c.last_seen !== null && Number(c.last_seen) >= now - grace;
      const status = online ? 'online' : 'offline';
      if (status === c.status) continue;
      todo.push({
        seq: c.seq,
        id: c.id,
        status,
        from: c.status,
        typeId: c.type_id,
        department: c.department_code,
        district: c.district_adcode,
        tags: json.parse<string[]>(c.tags, []),
      });
    }
  }
  const changes: StatusChange[] = [];
  for (let i = 0; i < todo.length; i += SWEEP_SLICE) {
    await pace();
    const slice = todo.slice(i, i + SWEEP_SLICE);
    // One statement per kind of change in the slice; only rows still in the state read are changed
    // (several processes sweep), and RETURNING says which.
    const groups = new Map<string, typeof slice>();
    for (const c of slice) {
      const key = `${c.from}>${c.status}`;
      const g = groups.get(key);
      if (g) g.push(c);
      else groups.set(key, [c]);
    }
    for (const g of groups.values()) {
      const done = await db
        .updateTable('device_health')
        .set({ status: g[0]!.status, status_since: now })
        .where('status', '=', g[0]!.from)
        .where(
          'dev',
          'in',
          g.map((c) => c.seq),
        )
        .returning('dev')
        .execute();
      const changed = new Set(done.map((r) => r.dev));
      for (const { from: _from, ...c } of g) if (changed.has(c.seq)) changes.push(c);
    }
  }
  return changes;
}

export async function statusCounts(db: Q, scope: Scope): Promise<Record<string, number>> {
  let q = db.selectFrom('devices as d').leftJoin('device_health as h', 'h.dev', 'd.seq');
  q = whereInScope(q, scope, { department: 'd.department_code', district: 'd.district_adcode' });
  const rows = await q
    .select(['h.status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('h.status')
    .execute();
  const out: Record<string, number> = { online: 0, offline: 0, unknown: 0 };
  for (const r of rows) out[r.status ?? 'unknown'] = Number(r.n);
  return out;
}

/** Every device's sequence number and type (retention policies are per type). */
export function deviceTypesBySeq(db: Q): Promise<{ seq: number; type_id: string }[]> {
  return db.selectFrom('devices').select(['seq', 'type_id']).execute();
}

// ---- what other modules read of devices (exported through index.ts) ----

/** The columns of a device that other modules read: who and what it is, whose, where. */
const DEVICE_REF_COLUMNS = [
  'seq',
  'id',
  'name',
  'type_id',
  'department_code',
  'district_adcode',
  'tags',
  'lon',
  'lat',
  'properties',
  'simulated',
  'interval_s',
  'disabled',
] as const;

/** A device as other modules see it (raw columns; `tags` and `properties` are JSON text). */
export type DeviceRef = Pick<DeviceRow, (typeof DEVICE_REF_COLUMNS)[number]>;

export interface DeviceRefQuery {
  ids?: readonly string[];
  types?: readonly string[];
  /** Only devices in this data scope (the caller's). */
  scope?: Scope;
  /** Only devices of this department. */
  department?: string;
  /** Leave out disabled devices. */
  enabledOnly?: boolean;
}

/** Devices by id, type, scope or department, in sequence order. An empty `ids` or `types` finds none. */
export async function deviceRefs(db: Q, f: DeviceRefQuery = {}): Promise<DeviceRef[]> {
  if (f.ids?.length === 0 || f.types?.length === 0) return [];
  let q = db.selectFrom('devices').select(DEVICE_REF_COLUMNS);
  if (f.scope) q = whereInScope(q, f.scope, { department: 'department_code', district: 'district_adcode' });
  if (f.ids) q = q.where('id', 'in', [...f.ids]);
  if (f.types) q = q.where('type_id', 'in', [...f.types]);
  if (f.department) q = q.where('department_code', '=', f.department);
  if (f.enabledOnly) q = q.where('disabled', '=', 0);
  return q.orderBy('seq').execute();
}

/** When devices were last heard from (devices never heard from are left out). */
export async function lastSeen(db: Q, seqs: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let i = 0; i < seqs.length; i += 1000) {
    const chunk = seqs.slice(i, i + 1000);
    const rows = await db.selectFrom('device_health').select(['dev', 'last_seen']).where('dev', 'in', chunk).execute();
    for (const r of rows) if (r.last_seen !== null) out.set(r.dev, Number(r.last_seen));
  }
  return out;
}

/** Enabled devices with a location, with their health status, in a data scope (map layers). */
export function placedDevices(db: Q, scope: Scope, f: { type?: string | undefined; district?: string | undefined } = {}) {
  let q = db
    .selectFrom('devices as d')
    .leftJoin('device_health as h', 'h.dev', 'd.seq')
    .select(['d.seq', 'd.lon', 'd.lat', 'd.type_id', 'd.properties', 'd.tags', 'h.status'])
    .where('d.disabled', '=', 0)
    .where('d.lon', 'is not', null)
    .where('d.lat', 'is not', null);
  q = whereInScope(q, scope, { department: 'd.department_code', district: 'd.district_adcode' });
  if (f.type) q = q.where('d.type_id', '=', f.type);
  if (f.district) q = q.where('d.district_adcode', '=', f.district);
  return q.execute();
}

/** Enabled devices counted by department, district and health status, city-wide (operations figures). */
export async function statusByOwner(db: Q): Promise<{ department: string; district: string | null; status: string | null; n: number }[]> {
  const rows = await db
    .selectFrom('devices as d')
    .leftJoin('device_health as h', 'h.dev', 'd.seq')
    .select(['d.department_code as department', 'd.district_adcode as district', 'h.status as status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('d.disabled', '=', 0)
    .groupBy(['d.department_code', 'd.district_adcode', 'h.status'])
    .execute();
  return rows.map((r) => ({ department: r.department, district: r.district, status: r.status, n: Number(r.n) }));
}
