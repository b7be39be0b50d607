/** SQL for emergency resources and their allocations to incidents. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { dialectOf } from '../../platform/storage/migrate.js';
import type { Database } from '../../platform/storage/schema.js';
import type { EmAllocationTable, EmResourceTable } from './command.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export type ResourceRow = Selectable<EmResourceTable>;
export type AllocationRow = Selectable<EmAllocationTable>;

export async function insertResource(db: Q, row: ResourceRow): Promise<void> {
  await db.insertInto('em_resources').values(row).execute();
}

/** A revision at the revision the writer loaded; false when someone saved since. */
export async function updateResource(db: Q, id: string, expectedRev: number, set: Partial<Omit<ResourceRow, 'id'>>): Promise<boolean> {
  const r = await db
    .updateTable('em_resources')
    .set({ ...set, rev: expectedRev + 1 })
    .where('id', '=', id)
    .where('rev', '=', expectedRev)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A resource; `lock` takes its row lock on PostgreSQL (concurrent allocations of one resource take turns). */
export function getResource(db: Q, id: string, o: { lock?: boolean } = {}): Promise<ResourceRow | undefined> {
  let q = db.selectFrom('em_resources').selectAll().where('id', '=', id);
  if (o.lock && dialectOf(db) === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export function listResources(db: Q, f: { kind?: string | undefined; type?: string | undefined; district?: string | undefined; availableOnly?: boolean }) {
  let q = db.selectFrom('em_resources').selectAll().orderBy('type').orderBy('name');
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.district) q = q.where('district_adcode', '=', f.district);
  if (f.availableOnly) q = q.where('status', '=', 'available');
  return q.execute();
}

/** How much of a resource is allocated and not yet returned. */
export async function allocatedOf(db: Q, resourceId: string): Promise<number> {
  const r = await db
    .selectFrom('em_allocations')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('quantity'), eb.lit(0)).as('n'))
    .where('resource_id', '=', resourceId)
    .where('status', '=', 'allocated')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Allocated quantities per resource (not yet returned). */
export async function allocatedAll(db: Q): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('em_allocations')
    .select(['resource_id', (eb) => eb.fn.sum<number>('quantity').as('n')])
    .where('status', '=', 'allocated')
    .groupBy('resource_id')
    .execute();
  return new Map(rows.map((r) => [r.resource_id, Number(r.n)]));
}

export async function insertAllocation(db: Q, row: AllocationRow): Promise<void> {
  await db.insertInto('em_allocations').values(row).execute();
}

export function getAllocation(db: Q, id: string): Promise<AllocationRow | undefined> {
  return db.selectFrom('em_allocations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks an allocation returned; false when it was returned already. */
export async function returnAllocation(db: Q, id: string, by: string | null, at: number): Promise<boolean> {
  const r = await db
    .updateTable('em_allocations')
    .set({ status: 'returned', returned_by: by, returned_at: at })
    .where('id', '=', id)
    .where('status', '=', 'allocated')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An incident's allocations with what was allocated, oldest first. */
export function allocationsOf(db: Q, incidentId: string) {
  return db
    .selectFrom('em_allocations')
    .innerJoin('em_resources', 'em_resources.id', 'em_allocations.resource_id')
    .select([
      'em_allocations.id',
      'em_allocations.resource_id',
      'em_allocations.quantity',
      'em_allocations.status',
      'em_allocations.allocated_at',
      'em_allocations.returned_at',
      'em_resources.name',
      'em_resources.type',
      'em_resources.unit',
      'em_resources.department_code',
    ])
    .where('em_allocations.incident_id', '=', incidentId)
    .orderBy('em_allocations.allocated_at')
    .execute();
}

/** The state of an incident, for allocating to it. */
export function incidentState(db: Q, id: string) {
  return db.selectFrom('em_incidents').select(['id', 'status', 'drill']).where('id', '=', id).executeTakeFirst();
}
