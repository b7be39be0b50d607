/** SQL of applications: the applications, bundles, applicants' signing keys and consents. */
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { GsApplicationTable, GsBundleTable, GsConsentTable, GsSigningKeyTable } from './services.tables.js';

type Q = Kysely<Database> | Transaction<Database>;
export type ApplicationRow = Selectable<GsApplicationTable>;

export async function insertApplication(db: Q, row: Insertable<GsApplicationTable>): Promise<void> {
  await db.insertInto('gs_applications').values(row).execute();
}

export function application(db: Q, id: string) {
  return db.selectFrom('gs_applications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateApplication(db: Q, id: string, patch: Updateable<GsApplicationTable>): Promise<void> {
  await db.updateTable('gs_applications').set(patch).where('id', '=', id).execute();
}

/** An applicant's applications; for an agent, those they submitted for the enterprise. */
export function applicationsOf(db: Q, applicantUserId: string, submittedBy: string | null, q: { limit: number; offset: number }) {
  let s = db.selectFrom('gs_applications').selectAll().where('applicant_user_id', '=', applicantUserId);
  if (submittedBy) s = s.where('submitted_by', '=', submittedBy);
  return s.orderBy('submitted_at', 'desc').limit(q.limit).offset(q.offset).execute();
}

/** A department's applications (all departments for null), by state and item, oldest first. */
export function inbox(db: Q, department: string | null, q: { state?: string; item?: string; limit: number; offset: number }) {
  let s = db.selectFrom('gs_applications').selectAll();
  if (department !== null) s = s.where('department', '=', department);
  if (q.state) s = s.where('state', '=', q.state);
  if (q.item) s = s.where('item_code', '=', q.item);
  return s.orderBy('submitted_at').limit(q.limit).offset(q.offset).execute();
}

/** An open application of the applicant for the item, other than this one. */
export async function openFor(db: Q, applicantUserId: string, item: string, except: string): Promise<boolean> {
  const r = await db
    .selectFrom('gs_applications')
    .select('id')
    .where('applicant_user_id', '=', applicantUserId)
    .where('item_code', '=', item)
    .where('decided_at', 'is', null)
    .where('id', '!=', except)
    .limit(1)
    .executeTakeFirst();
  return !!r;
}

export function signingKeyOf(db: Q, userId: string) {
  return db.selectFrom('gs_signing_keys').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function signingKeyByKid(db: Q, kid: string) {
  return db.selectFrom('gs_signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
}

/** A new key; two first submissions at once keep the first key written. */
export async function insertSigningKey(db: Q, row: Selectable<GsSigningKeyTable>): Promise<void> {
  await db
    .insertInto('gs_signing_keys')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

export async function insertConsent(db: Q, row: Insertable<GsConsentTable>): Promise<void> {
  await db.insertInto('gs_consents').values(row).execute();
}

export function consentsOf(db: Q, applicationId: string) {
  return db.selectFrom('gs_consents').selectAll().where('application_id', '=', applicationId).orderBy('at').execute();
}

export async function insertBundle(db: Q, row: Insertable<GsBundleTable>): Promise<void> {
  await db.insertInto('gs_bundles').values(row).execute();
}

export function bundleApplications(db: Q, bundleId: string) {
  return db.selectFrom('gs_applications').selectAll().where('bundle_id', '=', bundleId).orderBy('id').execute();
}
