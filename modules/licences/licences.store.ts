/** SQL for licence types, issuers' keys, licences and their versions. */
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { LicenceKeyTable, LicenceTable, LicenceTypeTable, LicenceVersionTable } from './licences.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export async function insertTypeIfAbsent(db: Q, row: Selectable<LicenceTypeTable>): Promise<void> {
  await db
    .insertInto('licence_types')
    .values(row)
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

export function listTypes(db: Q) {
  return db.selectFrom('licence_types').selectAll().orderBy('code').execute();
}

export function getType(db: Q, code: string) {
  return db.selectFrom('licence_types').selectAll().where('code', '=', code).executeTakeFirst();
}

export function activeKey(db: Q, department: string) {
  return db.selectFrom('licence_keys').selectAll().where('department', '=', department).where('status', '=', 'active').executeTakeFirst();
}

/** Inserts a new active key unless another process just made one (the first one wins). */
export async function insertKeyIfNoneActive(db: Q, row: Selectable<LicenceKeyTable>): Promise<void> {
  const r = await db.selectFrom('licence_keys').select('kid').where('department', '=', row.department).where('status', '=', 'active').executeTakeFirst();
  if (!r) await db.insertInto('licence_keys').values(row).execute();
}

export async function retireKeys(db: Q, department: string, at: number): Promise<void> {
  await db.updateTable('licence_keys').set({ status: 'retired', retired_at: at }).where('department', '=', department).where('status', '=', 'active').execute();
}

export function getKey(db: Q, kid: string) {
  return db.selectFrom('licence_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
}

export function listKeys(db: Q) {
  return db.selectFrom('licence_keys').select(['kid', 'department', 'alg', 'public_key', 'status', 'created_at', 'retired_at']).orderBy('created_at').execute();
}

export function getLicence(db: Q, number: string) {
  return db.selectFrom('licences').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function insertLicence(db: Q, row: Selectable<LicenceTable>): Promise<void> {
  await db.insertInto('licences').values(row).execute();
}

export async function updateLicence(db: Q, number: string, set: Updateable<LicenceTable>): Promise<void> {
  await db.updateTable('licences').set(set).where('number', '=', number).execute();
}

export async function insertVersion(db: Q, row: Selectable<LicenceVersionTable>): Promise<void> {
  await db.insertInto('licence_versions').values(row).execute();
}

export function versions(db: Q, number: string) {
  return db.selectFrom('licence_versions').selectAll().where('number', '=', number).orderBy('version').execute();
}

export function withdrawn(db: Q) {
  return db
    .selectFrom('licences')
    .select(['number', 'status', 'status_reason', 'status_at'])
    .where('status', 'in', ['revoked', 'suspended'])
    .orderBy('status_at')
    .execute();
}

export function byHolder(db: Q, holderId: string) {
  return db.selectFrom('licences').selectAll().where('holder_id', '=', holderId).orderBy('created_at', 'desc').execute();
}

/** Whether this exact document was issued under the number (the current one, or an earlier version such as before a renewal). */
export async function issuedDocument(db: Q, number: string, document: string): Promise<boolean> {
  const r = await db.selectFrom('licence_versions').select('version').where('number', '=', number).where('document', '=', document).executeTakeFirst();
  return !!r;
}
