/**
 * Reading a photographed document into fields (OCR intake) for the applicant, who confirms each
 * field before it fills the form. The photo is one the caller uploaded (or may see); nothing of its
 * text is logged, only that it was read.
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { IMAGE_TYPES } from '../../platform/files/index.js';
import { AppError } from '../../platform/http/errors.js';
import { DOCUMENT_FIELDS, type DocumentKind, type OcrEngine, readDocument } from './ocr.js';

export class OcrService {
  constructor(
    private readonly p: Platform,
    readonly engine: OcrEngine,
  ) {}

  async read(principal: Principal, input: { kind: DocumentKind; file: string }, ctx: RequestContext) {
    if (!(await this.engine.available()))
      throw new AppError('WD_ERR_UNAVAILABLE', {
        zh: '文字识别引擎未安装（tesseract-ocr 与 tesseract-ocr-chi-sim），请手工填写',
        en: 'The OCR engine is not installed (tesseract-ocr with tesseract-ocr-chi-sim); fill the form by hand',
      });
    const { file, data } = await this.p.files.read(principal, input.file);
    if (!IMAGE_TYPES.includes(file.content_type))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '文字识别只接受照片（JPEG、PNG、WebP）', en: 'OCR reads photos only (JPEG, PNG, WebP)' },
        { errors: [{ pointer: '/body/file', detail: { zh: '须为照片', en: 'a photo' } }] },
      );
    const started = performance.now();
    const text = await this.engine.text(data);
    const fields = readDocument(input.kind, text, new Date(this.p.now()));
    const ms = Math.round(performance.now() - started);
    await appendAudit(this.p.db, {
      ...actorOf(ctx),
      at: this.p.now(),
      action: 'services.ocr_read',
      targetType: 'file',
      targetId: file.id,
      details: { kind: input.kind, read: Object.keys(fields).length },
    });
    return {
      kind: input.kind,
      fields,
      unread: DOCUMENT_FIELDS[input.kind].filter((k) => !(k in fields)),
      engine: this.engine.name,
      ms,
      note: { zh: '识别结果请逐项核对确认后再填入表单', en: 'Check and confirm each field before it goes into the form' },
    };
  }
}
