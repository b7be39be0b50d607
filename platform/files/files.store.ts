/** The files table: uploads and their attachment to records. */
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database, FileTable } from '../storage/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export type FileRow = Selectable<FileTable>;

export async function insertFile(db: Q, row: Insertable<FileTable>): Promise<void> {
  await db.insertInto('files').values(row).execute();
}

export function getFile(db: Q, id: string): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Files by id, without their bytes. */
export function filesByIds(db: Q, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('files')
    .select(['id', 'name', 'content_type', 'size', 'created_by', 'subject', 'subject_id'])
    .where('id', 'in', [...ids])
    .execute();
}

export async function attachFiles(db: Q, ids: readonly string[], subject: string, subjectId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('files')
    .set({ subject, subject_id: subjectId })
    .where('id', 'in', [...ids])
    .where('subject', 'is', null)
    .execute();
}
