/**
 * Files people upload with their records: photos with a progress report today, case photos and
 * application materials next. A file is uploaded first (unattached, readable by its uploader),
 * then attached to the record it belongs to when that is saved; from then on whoever may see the
 * record may read the file. Modules register the kinds of record files attach to, with the check
 * of who may see one (`registerSubject`), as they do for notifications.
 *
 * Images only (JPEG, PNG, WebP), checked by their first bytes as well as their declared type, at
 * most 8 MB each. The bytes live in a blob store outside the database (a directory, or an
 * S3-compatible object store, `blobs.ts`), written durably before the row is committed; the row
 * keeps the key, the type, the size and the SHA-256.
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../auth/scope.js';
import { AppError, hiddenNotFound } from '../http/errors.js';
import { newId } from '../ids.js';
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import type { BlobStore } from './blobs.js';
import * as store from './files.store.js';

export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** What each accepted type's bytes start with. */
const SIGNATURES: Record<string, (b: Uint8Array) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  'image/webp': (b) => String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP',
  // A scanned document or a form (application materials): %PDF-
  'application/pdf': (b) => String.fromCharCode(...b.subarray(0, 5)) === '%PDF-',
};
export const FILE_TYPES = Object.keys(SIGNATURES);
/** Photos: what a report, a task's result or an inspection attaches (the default of attach). */
export const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];

export interface FileView {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

type CanSee = (principal: Principal, subjectId: string) => Promise<boolean>;

export class Files {
  private readonly subjects = new Map<string, CanSee>();
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly blobs: BlobStore,
  ) {}

  /** A kind of record files attach to, and who may see one (and so its files). */
  registerSubject(kind: string, canSee: CanSee): void {
    this.subjects.set(kind, canSee);
  }

  async upload(principal: Principal, input: { name: string; contentType: string; data: Buffer }): Promise<FileView> {
    const type = input.contentType.toLowerCase();
    const check = SIGNATURES[type];
    if (!check)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '只能上传 JPEG、PNG、WebP 图片或 PDF 文件', en: 'Only JPEG, PNG or WebP images and PDF files are accepted' },
        {
          errors: [
            {
              pointer: '/body/contentType',
              detail: { zh: '只能上传 JPEG、PNG、WebP 图片或 PDF 文件', en: 'must be image/jpeg, image/png, image/webp or application/pdf' },
            },
          ],
        },
      );
    if (input.data.length === 0 || input.data.length > MAX_FILE_BYTES)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '文件须小于 8 MB', en: 'A file is at most 8 MB' },
        {
          errors: [{ pointer: '/body/data', detail: { zh: '文件须小于 8 MB', en: 'at most 8 MB' } }],
        },
      );
    if (!check(input.data))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '文件内容不是所声明的格式', en: 'The file is not the type it claims to be' },
        {
          errors: [{ pointer: '/body/data', detail: { zh: '文件内容不是所声明的格式', en: 'is not the declared type' } }],
        },
      );
    const id = newId('fil', this.now());
    // The bytes first, durably: a crash before the row leaves an unreferenced blob, never a row without bytes.
    await this.blobs.put(id, input.data, type);
    const row = {
      id,
      name: input.name.replace(/[\\/\r\n]/g, '_').slice(0, 200) || 'photo',
      content_type: type,
      size: input.data.length,
      sha256: createHash('sha256').update(input.data).digest('hex'),
      data: Buffer.alloc(0),
      blob_key: id,
      created_by: principal.id,
      created_at: this.now(),
      subject: null,
      subject_id: null,
    };
    await store.insertFile(this.db, row);
    return view(row);
  }

  /**
   * Attaches the uploader's unattached files to a record, inside the caller's transaction; a file
   * another person uploaded, or already attached, is refused (so ids cannot be borrowed), and so is
   * one of a type the record does not take (photos by default; a PDF where a material allows it).
   */
  async attach(
    trx: Kysely<Database> | Transaction<Database>,
    principal: Principal,
    ids: readonly string[],
    subject: string,
    subjectId: string,
    pointer = '/body/photos',
    accept: readonly string[] = IMAGE_TYPES,
  ): Promise<FileView[]> {
    if (!this.subjects.has(subject)) throw new Error(`files: no subject kind ${subject}`);
    const rows = await store.filesByIds(trx, ids);
    const out: FileView[] = [];
    for (const [i, id] of ids.entries()) {
      const f = rows.find((r) => r.id === id);
      if (!f || f.created_by !== principal.id || f.subject !== null)
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: `照片 ${i + 1} 不存在或已被使用`, en: `Photo ${i + 1} does not exist or is in use` },
          {
            errors: [
              {
                pointer: `${pointer}/${i}`,
                detail: { zh: '照片不存在或已被使用，请重新上传', en: 'no such photo of yours, or already attached: upload it again' },
              },
            ],
          },
        );
      if (!accept.includes(f.content_type))
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: `文件 ${i + 1} 的类型不符合要求`, en: `File ${i + 1} is not of a type accepted here` },
          {
            errors: [
              {
                pointer: `${pointer}/${i}`,
                detail: { zh: `此处只接受 ${accept.map(typeName).join('、')}`, en: `only ${accept.map(typeName).join(', ')} here` },
              },
            ],
          },
        );
      out.push(view(f));
    }
    await store.attachFiles(trx, ids, subject, subjectId);
    return out;
  }

  /** A file and its bytes, for its uploader, or whoever may see the record it is attached to. */
  async read(principal: Principal, id: string): Promise<{ file: store.FileRow; data: Buffer }> {
    const f = await store.getFile(this.db, id);
    if (!f) throw hiddenNotFound({ zh: '文件', en: 'File' }, id);
    if (f.created_by !== principal.id) {
      const canSee = f.subject ? this.subjects.get(f.subject) : undefined;
      if (!canSee || !f.subject_id || !(await canSee(principal, f.subject_id))) throw hiddenNotFound({ zh: '文件', en: 'File' }, id);
    }
    const data = f.blob_key ? await this.blobs.get(f.blob_key) : Buffer.from(f.data);
    if (!data) throw new AppError('WD_ERR_UNAVAILABLE', { zh: '文件内容暂时无法读取', en: 'The file’s bytes cannot be read now' });
    return { file: f, data };
  }
}

function typeName(t: string): string {
  return t === 'application/pdf' ? 'PDF' : t.replace('image/', '').toUpperCase();
}

export function view(f: Pick<store.FileRow, 'id' | 'name' | 'content_type' | 'size'>): FileView {
  return { id: f.id, name: f.name, contentType: f.content_type, size: Number(f.size), url: `/api/files/${f.id}` };
}
