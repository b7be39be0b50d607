/**
 * OCR intake: a photo of an ID card (front), a business licence or a household register page read
 * into fields on the server, offline. The engine is Debian's Tesseract 5 with its Simplified
 * Chinese model (packages tesseract-ocr and tesseract-ocr-chi-sim), one thread, the image on stdin;
 * nothing is downloaded. The readers turn the text into fields and check what can be checked (an
 * ID number's and a credit code's check characters, a real date); the applicant confirms every
 * field before it goes into a form.
 */
import { execFile } from 'node:child_process';
import { checkCreditCode, checkIdNumber, isRealDate } from '../../platform/identifiers/index.js';

export const DOCUMENT_KINDS = ['id_card', 'business_licence', 'household_page'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface OcrEngine {
  readonly name: string;
  /** Whether the engine and its Chinese model are installed. */
  available(): Promise<boolean>;
  /** The text of an image (PNG, JPEG, WebP). */
  text(image: Buffer): Promise<string>;
}

function run(cmd: string, args: string[], input: Buffer | null, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, OMP_THREAD_LIMIT: '1' } },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
    if (input) child.stdin?.end(input);
  });
}

/** Tesseract through its command line: `tesseract stdin stdout -l chi_sim --psm 6`, one thread. */
export class TesseractOcr implements OcrEngine {
  readonly name = 'tesseract';
  private ok: Promise<boolean> | undefined;
  constructor(private readonly bin = process.env.TESSERACT_PATH ?? 'tesseract') {}

  available(): Promise<boolean> {
    this.ok ??= run(this.bin, ['--list-langs'], null, 10_000)
      .then((out) => /\bchi_sim\b/.test(out))
      .catch(() => false);
    return this.ok;
  }

  text(image: Buffer): Promise<string> {
    return run(this.bin, ['stdin', 'stdout', '-l', 'chi_sim', '--psm', '6'], image, 30_000);
  }
}

export type ReadFields = Record<string, string>;

/** Tesseract puts spaces between Chinese characters now and then; none belong in these fields. */
function squeeze(s: string): string {
  return s.replace(/(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff\d])|(?<=\d)\s+(?=[\u3400-\u9fff])/g, '').trim();
}

/** The lines of the text, squeezed, without the empty ones. */
function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => squeeze(l))
    .filter((l) => l.length > 0);
}

/** The first 18-character code in the text that passes the check, spaces and common misreads mended. */
function findCode(text: string, check: (s: string) => boolean, re: RegExp): string | undefined {
  const flat = text.replace(/[ \t]/g, '').toUpperCase();
  for (const m of flat.matchAll(re)) {
    const raw = m[0]!;
    const candidates = [raw, raw.replace(/O/g, '0').replace(/[IL]/g, '1'), raw.replace(/O/g, '0').replace(/I/g, '1').replace(/S/g, '5').replace(/Z/g, '2')];
    for (const c of candidates) if (check(c)) return c;
  }
  return undefined;
}

/** A label's value: what follows the label on its line (labels as Tesseract may misread them). */
function after(ls: string[], labels: RegExp): { value: string; index: number } | undefined {
  for (const [i, l] of ls.entries()) {
    const m = labels.exec(l);
    if (m)
      return {
        value: l
          .slice(m.index + m[0].length)
          .replace(/^[:：\s]+/, '')
          .trim(),
        index: i,
      };
  }
  return undefined;
}

function dateOf(s: string): string | undefined {
  const m = /(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(y, mo, d) ? `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` : undefined;
}

/** The front of a resident identity card: 姓名, 性别, 民族, 出生, 住址, 公民身份号码. */
export function readIdCard(text: string, now = new Date()): ReadFields {
  const ls = lines(text);
  const out: ReadFields = {};
  const idNumber = findCode(text, (c) => checkIdNumber(c, now).ok, /\d{17}[\dX]/g);
  if (idNumber) out.idNumber = idNumber;
  const name = after(ls, /姓\s*名/);
  if (name?.value) out.name = name.value.split(/\s/)[0]!;
  const sex = after(ls, /性\s*别/);
  const g = sex ? /[男女]/.exec(sex.value) : null;
  if (g) out.gender = g[0] === '男' ? '1' : '2';
  const eth = after(ls, /民\s*族/);
  if (eth?.value) out.ethnicity = eth.value.split(/\s/)[0]!;
  const birth = after(ls, /出\s*生/);
  const bd = birth ? dateOf(birth.value) : undefined;
  if (bd) out.birthDate = bd;
  const addr = after(ls, /住\s*址/);
  if (addr) {
    // The address runs on until the ID number's line.
    let v = addr.value;
    for (let i = addr.index + 1; i < ls.length; i++) {
      if (/公民|身份|号码|\d{15,}/.test(ls[i]!)) break;
      v += ls[i];
    }
    if (v) out.address = v.replace(/\s+/g, '');
  }
  // Cross-checks from the ID number itself.
  if (idNumber) {
    const c = checkIdNumber(idNumber, now);
    if (c.ok) {
      out.birthDate ??= c.birthDate;
      out.gender ??= c.gender === 'male' ? '1' : '2';
    }
  }
  return out;
}

/** A business licence: 统一社会信用代码, 名称, 类型, 法定代表人, 注册资本, 成立日期, 住所. */
export function readBusinessLicence(text: string): ReadFields {
  const ls = lines(text);
  const out: ReadFields = {};
  const code = findCode(text, (c) => checkCreditCode(c).ok, /(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])/g);
  if (code) out.creditCode = code;
  const name = after(ls, /名\s*称/);
  if (name?.value) out.name = name.value.replace(/\s+/g, '');
  const type = after(ls, /类\s*型/);
  if (type?.value) out.entityType = type.value.replace(/\s+/g, '');
  const rep = after(ls, /法定代表人|负\s*责\s*人|经\s*营\s*者/);
  if (rep?.value) out.legalRepresentative = rep.value.split(/\s/)[0]!;
  const cap = after(ls, /注册资本/);
  const capM = cap ? /([\d,.]+)\s*万/.exec(cap.value) : null;
  if (capM) out.registeredCapital = capM[1]!.replace(/,/g, '');
  const founded = after(ls, /成立日期/);
  const fd = founded ? dateOf(founded.value) : undefined;
  if (fd) out.foundedOn = fd;
  const addr = after(ls, /住\s*所|经营场所/);
  if (addr?.value) out.address = addr.value.replace(/\s+/g, '');
  return out;
}

/** A page of the household register (常住人口登记卡): 姓名, 户主或与户主关系, 性别, 出生日期, 公民身份号码, 住址. */
export function readHouseholdPage(text: string, now = new Date()): ReadFields {
  const ls = lines(text);
  const out: ReadFields = {};
  const idNumber = findCode(text, (c) => checkIdNumber(c, now).ok, /\d{17}[\dX]/g);
  if (idNumber) out.idNumber = idNumber;
  const name = after(ls, /^姓\s*名/);
  if (name?.value) out.name = name.value.split(/\s/)[0]!;
  const rel = after(ls, /户主或与户主关系|与户主关系/);
  if (rel?.value) out.relation = rel.value.split(/\s/)[0]!;
  const birth = after(ls, /出生日期/);
  const bd = birth ? dateOf(birth.value) : undefined;
  if (bd) out.birthDate = bd;
  const addr = after(ls, /住\s*址/);
  if (addr?.value) out.address = addr.value.replace(/\s+/g, '');
  return out;
}

export function readDocument(kind: DocumentKind, text: string, now = new Date()): ReadFields {
  if (kind === 'id_card') return readIdCard(text, now);
  if (kind === 'business_licence') return readBusinessLicence(text);
  return readHouseholdPage(text, now);
}

/** The fields each kind of document has, in the order a form shows them. */
export const DOCUMENT_FIELDS: Record<DocumentKind, string[]> = {
  id_card: ['name', 'gender', 'ethnicity', 'birthDate', 'address', 'idNumber'],
  business_licence: ['creditCode', 'name', 'entityType', 'legalRepresentative', 'registeredCapital', 'foundedOn', 'address'],
  household_page: ['name', 'relation', 'birthDate', 'idNumber', 'address'],
};
