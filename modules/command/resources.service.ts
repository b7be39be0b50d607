/**
 * Emergency resources (应急资源): rescue teams, experts, supplies in stores, shelters (避难场所)
 * and vehicles, each with its owner department, place and quantity; a search for the nearest
 * available of a type; allocation to an incident with quantities tracked until returned. An
 * allocation never exceeds what is available: the check and the insert are one transaction, with
 * the resource row locked on PostgreSQL (SQLite serialises writers).
 */
import { listDepartments } from '../identity/index.js';
import type { Selectable } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, inScope } from '../../platform/auth/scope.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { maskContact } from '../../platform/privacy/mask.js';
import { transaction } from '../../platform/storage/db.js';
import type { EmResourceTable } from './command.tables.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { appendIncidentEvent } from './incidents.service.js';
import * as store from './resources.store.js';

export const RESOURCE_KINDS = {
  team: { zh: '救援队伍', en: 'Rescue team' },
  expert: { zh: '专家', en: 'Expert' },
  supply: { zh: '物资', en: 'Supplies' },
  shelter: { zh: '避难场所', en: 'Shelter' },
  vehicle: { zh: '车辆装备', en: 'Vehicle' },
} as const;
export type ResourceKind = keyof typeof RESOURCE_KINDS;

export interface ResourceInput {
  kind: ResourceKind;
  type: string;
  name: string;
  department: string;
  location: { lon: number; lat: number };
  quantity: number;
  unit?: string;
  contact?: string;
  status?: 'available' | 'out_of_service';
}

type Row = Selectable<EmResourceTable>;

/** Great-circle distance in metres. */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function assertOwner(principal: Principal | null, department: string): void {
  if (!principal || principal.scope.departments === ALL) return;
  if (!inScope(principal.scope, { department, district: null }))
    throw new AppError('WD_ERR_OUT_OF_SCOPE', `Resources of ${department} are kept by that department`);
}

export class ResourceService {
  constructor(private readonly p: Platform) {}

  /** What a reader sees: contacts in full for the owner department and city-wide roles, masked for others. */
  view(r: Row, available: number, principal: Principal | null) {
    const own = !principal || principal.scope.departments === ALL || inScope(principal.scope, { department: r.department_code, district: null });
    return {
      id: r.id,
      kind: r.kind,
      kindLabel: RESOURCE_KINDS[r.kind as ResourceKind],
      type: r.type,
      name: r.name,
      department: r.department_code,
      district: r.district_adcode,
      location: { lon: r.lon, lat: r.lat },
      quantity: r.quantity,
      available,
      unit: r.unit,
      contact: own ? r.contact : maskContact(r.contact),
      status: r.status,
      rev: r.rev,
    };
  }

  private validate(input: ResourceInput, cat: { departments: Set<string> }): void {
    const errors: { pointer: string; detail: string }[] = [];
    if (!(input.kind in RESOURCE_KINDS)) errors.push({ pointer: '/body/kind', detail: `one of ${Object.keys(RESOURCE_KINDS).join(', ')}` });
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(input.type ?? '')) errors.push({ pointer: '/body/type', detail: 'lower-case letters, digits and _' });
    if (!input.name?.trim()) errors.push({ pointer: '/body/name', detail: 'required' });
    if (!cat.departments.has(input.department)) errors.push({ pointer: '/body/department', detail: `unknown department ${input.department}` });
    if (!(Number.isInteger(input.quantity) && input.quantity >= 0)) errors.push({ pointer: '/body/quantity', detail: 'a whole number, 0 or more' });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', 'The resource is not valid', { errors });
  }

  private async departments(): Promise<Set<string>> {
    return new Set((await listDepartments(this.p.db)).map((d) => d.code));
  }

  /** A resource's columns from the input (its district found from its place). */
  private columns(input: ResourceInput, status: string) {
    return {
      kind: input.kind,
      type: input.type,
      name: input.name.trim(),
      department_code: input.department,
      district_adcode: this.p.profile.districtAt(input.location.lon, input.location.lat) ?? null,
      lon: input.location.lon,
      lat: input.location.lat,
      quantity: input.quantity,
      unit: input.unit ?? null,
      contact: input.contact ?? null,
      status: input.status ?? status,
    };
  }

  async create(input: ResourceInput, ctx: RequestContext): Promise<Row> {
    assertOwner(ctx.principal, input.department);
    this.validate(input, { departments: await this.departments() });
    const now = this.p.now();
    const row: Row = {
      id: newId('res'),
      ...this.columns(input, 'available'),
      created_at: now,
      updated_at: now,
      rev: 1,
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertResource(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'resource.created',
        targetType: 'em_resource',
        targetId: row.id,
        details: { type: row.type, quantity: row.quantity },
        at: now,
      });
    });
    return row;
  }

  /** Updates a resource (stock counts, status); `expectedRev` guards against lost updates. */
  async update(id: string, input: ResourceInput, expectedRev: number, ctx: RequestContext): Promise<Row> {
    const cur = await this.get(id);
    assertOwner(ctx.principal, cur.department_code);
    assertOwner(ctx.principal, input.department);
    this.validate(input, { departments: await this.departments() });
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      const out = await store.allocatedOf(trx, id);
      if (input.quantity < out)
        throw new AppError(
          'WD_ERR_CONFLICT',
          `${out}${cur.unit ? ` ${cur.unit}` : ''} are allocated to incidents; the quantity cannot go below that until they are returned`,
          {
            allocated: out,
          },
        );
      const updated = await store.updateResource(trx, id, expectedRev, { ...this.columns(input, cur.status), updated_at: now });
      if (!updated) throw new AppError('WD_ERR_VERSION_CONFLICT', `Resource is at revision ${cur.rev}, not ${expectedRev}; reload it`);
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'resource.updated',
        targetType: 'em_resource',
        targetId: id,
        details: { quantity: input.quantity },
        at: now,
      });
    });
    return this.get(id);
  }

  async get(id: string): Promise<Row> {
    const r = await store.getResource(this.p.db, id);
    if (!r) throw notFound('Resource', id);
    return r;
  }

  async list(q: { kind?: string; type?: string; district?: string }, principal: Principal | null) {
    const [rows, out] = await Promise.all([store.listResources(this.p.db, q), store.allocatedAll(this.p.db)]);
    return rows.map((r) => this.view(r, Math.max(0, r.quantity - (out.get(r.id) ?? 0)), principal));
  }

  /** The nearest resources of a type with something available, closest first. */
  async nearest(q: { type: string; lon: number; lat: number; limit: number; minAvailable?: number }, principal: Principal | null) {
    const [rows, out] = await Promise.all([store.listResources(this.p.db, { type: q.type, availableOnly: true }), store.allocatedAll(this.p.db)]);
    return rows
      .map((r) => ({ r, available: r.quantity - (out.get(r.id) ?? 0), distance: distanceM(q, r) }))
      .filter((x) => x.available >= (q.minAvailable ?? 1))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, q.limit)
      .map((x) => ({ ...this.view(x.r, x.available, principal), distanceM: Math.round(x.distance) }));
  }

  /** Allocates a quantity to an incident; refused when more than is available. */
  async allocate(incidentId: string, input: { resourceId: string; quantity: number }, ctx: RequestContext) {
    const inc = await store.incidentState(this.p.db, incidentId);
    if (!inc) throw notFound('Incident', incidentId);
    if (inc.status === 'ended') throw new AppError('WD_ERR_CONFLICT', 'The response has ended');
    if (!(Number.isInteger(input.quantity) && input.quantity >= 1))
      throw new AppError('WD_ERR_VALIDATION', 'Allocate a whole number, at least 1', { errors: [{ pointer: '/body/quantity', detail: 'at least 1' }] });
    const now = this.p.now();
    const id = newId('alc');
    await transaction(this.p.db, async (trx) => {
      // Concurrent allocations of one resource take turns (a row lock on PostgreSQL).
      const r = await store.getResource(trx, input.resourceId, { lock: true });
      if (!r) throw notFound('Resource', input.resourceId);
      if (r.status !== 'available') throw new AppError('WD_ERR_CONFLICT', `${r.name} is out of service`);
      const available = r.quantity - (await store.allocatedOf(trx, r.id));
      if (input.quantity > available)
        throw new AppError('WD_ERR_CONFLICT', `Only ${available} of ${r.name} ${available === 1 ? 'is' : 'are'} available; ${input.quantity} asked`, {
          available,
        });
      await store.insertAllocation(trx, {
        id,
        incident_id: incidentId,
        resource_id: r.id,
        quantity: input.quantity,
        status: 'allocated',
        allocated_by: ctx.principal?.id ?? null,
        allocated_at: now,
        returned_by: null,
        returned_at: null,
      });
      await appendIncidentEvent(trx, {
        incidentId,
        at: now,
        ctx,
        unit: r.department_code,
        kind: 'resource_allocated',
        text: `${r.name} × ${input.quantity}${r.unit ? ` ${r.unit}` : ''}`,
        data: { allocationId: id, resourceId: r.id, type: r.type, quantity: input.quantity },
      });
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'resource.allocated',
        targetType: 'incident',
        targetId: incidentId,
        details: { resource: r.id, quantity: input.quantity },
        at: now,
      });
    });
    return { id, incidentId, resourceId: input.resourceId, quantity: input.quantity, status: 'allocated', allocatedAt: now };
  }

  /** The incident an allocation belongs to, if the allocation exists. */
  async incidentOfAllocation(allocationId: string): Promise<string | undefined> {
    return (await store.getAllocation(this.p.db, allocationId))?.incident_id;
  }

  async returnAllocation(allocationId: string, ctx: RequestContext) {
    const now = this.p.now();
    return transaction(this.p.db, async (trx) => {
      const a = await store.getAllocation(trx, allocationId);
      if (!a) throw notFound('Allocation', allocationId);
      if (!(await store.returnAllocation(trx, allocationId, ctx.principal?.id ?? null, now))) throw new AppError('WD_ERR_CONFLICT', 'Already returned');
      const r = await store.getResource(trx, a.resource_id);
      if (!r) throw notFound('Resource', a.resource_id);
      await appendIncidentEvent(trx, {
        incidentId: a.incident_id,
        at: now,
        ctx,
        unit: r.department_code,
        kind: 'resource_returned',
        text: `${r.name} × ${a.quantity}${r.unit ? ` ${r.unit}` : ''}`,
        data: { allocationId, resourceId: a.resource_id, quantity: a.quantity },
      });
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'resource.returned',
        targetType: 'incident',
        targetId: a.incident_id,
        details: { allocation: allocationId },
        at: now,
      });
      return { id: allocationId, status: 'returned', returnedAt: now };
    });
  }

  async allocationsOf(incidentId: string) {
    const rows = await store.allocationsOf(this.p.db, incidentId);
    return rows.map((r) => ({
      id: r.id,
      resourceId: r.resource_id,
      name: r.name,
      type: r.type,
      unit: r.unit,
      department: r.department_code,
      quantity: r.quantity,
      status: r.status,
      allocatedAt: r.allocated_at,
      returnedAt: r.returned_at,
    }));
  }
}
