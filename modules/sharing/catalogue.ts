/**
 * The government data resource catalogue (政务数据资源目录): what each entry says, in the terms of
 * 国发〔2016〕51号 and GB/T 21063, and the rules an entry must keep (docs/sharing.md).
 */
import type { FieldError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';

const n = (zh: string, en: string): Text => ({ zh, en });

/** Sharing classes (共享类型). */
export const SHARING_TYPES = {
  unconditional: n('无条件共享', 'Unconditional sharing'),
  conditional: n('有条件共享', 'Conditional sharing'),
  none: n('不予共享', 'Not shared'),
} as const;
export type SharingType = keyof typeof SHARING_TYPES;

/** Open attribute (开放属性): to the public, separate from sharing between departments. */
export const OPEN_TYPES = {
  open: n('无条件开放', 'Open'),
  conditional: n('有条件开放', 'Conditionally open'),
  closed: n('不予开放', 'Not open'),
} as const;
export type OpenType = keyof typeof OPEN_TYPES;

/** Catalogue kinds: base (基础), thematic (主题), departmental (部门); the first digit of the class code. */
export const CATALOGUE_KINDS = {
  base: n('基础信息资源', 'Base resources'),
  thematic: n('主题信息资源', 'Thematic resources'),
  departmental: n('部门信息资源', 'Departmental resources'),
} as const;
export type CatalogueKind = keyof typeof CATALOGUE_KINDS;
const KIND_DIGIT: Record<CatalogueKind, string> = { base: '1', thematic: '2', departmental: '3' };

export const FORMATS = { table: n('数据库表', 'Database table'), file: n('文件', 'File'), api: n('接口', 'API') } as const;
export type ResourceFormat = keyof typeof FORMATS;

export const METHODS = { api: n('接口共享', 'API'), file: n('文件下载', 'File'), database: n('库表交换', 'Database exchange') } as const;
export type SharingMethod = keyof typeof METHODS;

export const UPDATE_CYCLES = {
  realtime: n('实时', 'Real time'),
  daily: n('每日', 'Daily'),
  weekly: n('每周', 'Weekly'),
  monthly: n('每月', 'Monthly'),
  quarterly: n('每季度', 'Quarterly'),
  yearly: n('每年', 'Yearly'),
  irregular: n('不定期', 'Irregular'),
} as const;
export type UpdateCycle = keyof typeof UPDATE_CYCLES;

/** GB/T 43697-2024 grades: core, important, and general data (graded further 1–4 by harm if leaked). */
export const GRADES = { core: n('核心数据', 'Core'), important: n('重要数据', 'Important'), general: n('一般数据', 'General') } as const;
export type Grade = keyof typeof GRADES;

export const ITEM_TYPES = ['string', 'integer', 'number', 'date', 'datetime', 'boolean', 'code'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/**
 * How the exchange gateway shows an item to a consumer not approved for it: by the item's kind of
 * personal information (张*三, 420302********1234, 138****5678, the address to its street), or not
 * at all (`omit`). `none` is for items that are not personal (a licence type, a date of founding).
 */
export const MASKS = {
  none: n('不需脱敏', 'Not masked'),
  name: n('姓名脱敏（张*三）', 'Name (张*三)'),
  id_number: n('证件号脱敏', 'ID number'),
  credit_code: n('信用代码脱敏', 'Credit code'),
  phone: n('电话脱敏', 'Phone'),
  address: n('地址脱敏至街道', 'Address to the street'),
  date_year: n('日期仅保留年份', 'Date to the year'),
  omit: n('不提供', 'Left out'),
} as const;
export type MaskKind = keyof typeof MASKS;

export const STATUSES = { draft: n('草稿', 'Draft'), published: n('已发布', 'Published'), retired: n('已停用', 'Retired') } as const;
export type ResourceStatus = keyof typeof STATUSES;

/** A data item (信息项) of a resource. */
export interface DataItem {
  key: string;
  name: Text;
  type: ItemType;
  length?: number;
  sharing: SharingType;
  grade: Grade;
  /** For general data: 1 (least harm) to 4. */
  level?: number;
  /** Sensitive personal information under PIPL (ID numbers, health, finance, precise location, minors'). */
  sensitive?: boolean;
  mask: MaskKind;
  description?: string;
}

/** What a provider writes for a catalogue entry. */
export interface ResourceInput {
  /** Four-level class code (类 1 digit, 项 2, 目 3, 细目 0–6): the first digit follows the kind. */
  classCode: string;
  name: Text;
  kind: CatalogueKind;
  provider: string;
  abstract: string;
  format: ResourceFormat;
  items: DataItem[];
  sharingType: SharingType;
  /** What a consumer must meet (有条件共享). */
  sharingCondition?: string;
  /** The law or policy that keeps it from sharing (不予共享); required then. */
  legalBasis?: string;
  sharingMethods: SharingMethod[];
  openType: OpenType;
  updateCycle: UpdateCycle;
  /** YYYY-MM-DD; required once published. */
  publishedAt?: string;
  related?: string[];
  keywords?: string[];
  /** The base database that holds the data, when the resource is one (population, legal-entities, ...). */
  dataset?: string;
  status: ResourceStatus;
}

export interface Resource extends ResourceInput {
  code: string;
  version: number;
  updatedBy: string | null;
  updatedAt: number;
}

const ITEM_KEY = /^[a-z][a-zA-Z0-9_]{0,63}$/;
const CLASS_CODE = /^[1-3]\d{5}\d{0,6}$/;
export const RESOURCE_CODE = /^[1-3]\d{5,11}\/\d{6}$/;

/**
 * Every problem with an entry, as field errors in words (both languages); empty when it is sound.
 * `departments` are the known department codes; `resources` the codes `related` may name.
 */
export function validateResource(r: ResourceInput, known: { departments: ReadonlySet<string>; datasets: ReadonlySet<string> }): FieldError[] {
  const errors: FieldError[] = [];
  const err = (pointer: string, zh: string, en: string) => errors.push({ pointer: `/body${pointer}`, detail: { zh, en } });
  // Imported files bypass the API's schema: every enumeration is checked here too.
  const oneOf = (pointer: string, value: unknown, options: Record<string, Text>, what: Text) => {
    if (typeof value === 'string' && value in options) return true;
    err(
      pointer,
      `${what.zh}「${String(value ?? '')}」无效，可选：${Object.values(options)
        .map((o) => o.zh)
        .join('、')}`,
      `${what.en} "${String(value ?? '')}" is not one of ${Object.keys(options).join(', ')}`,
    );
    return false;
  };
  const kindOk = oneOf('/kind', r.kind, CATALOGUE_KINDS, n('目录类别', 'kind'));
  oneOf('/format', r.format, FORMATS, n('资源格式', 'format'));
  oneOf('/sharingType', r.sharingType, SHARING_TYPES, n('共享类型', 'sharing type'));
  oneOf('/openType', r.openType, OPEN_TYPES, n('开放属性', 'open attribute'));
  oneOf('/updateCycle', r.updateCycle, UPDATE_CYCLES, n('更新周期', 'update cycle'));
  oneOf('/status', r.status, STATUSES, n('状态', 'status'));
  for (const [i, m] of (r.sharingMethods ?? []).entries()) oneOf(`/sharingMethods/${i}`, m, METHODS, n('共享方式', 'sharing method'));
  for (const [i, it] of (r.items ?? []).entries()) {
    oneOf(`/items/${i}/type`, it.type, Object.fromEntries(ITEM_TYPES.map((t) => [t, n(t, t)])), n('数据类型', 'type'));
    oneOf(`/items/${i}/sharing`, it.sharing, SHARING_TYPES, n('共享类型', 'sharing type'));
    oneOf(`/items/${i}/grade`, it.grade, GRADES, n('数据分级', 'grade'));
    oneOf(`/items/${i}/mask`, it.mask, MASKS, n('脱敏方式', 'masking'));
  }
  if (!kindOk) return errors;
  if (!CLASS_CODE.test(r.classCode))
    err(
      '/classCode',
      '分类代码为 6 至 12 位数字：类 1 位、项 2 位、目 3 位、细目至多 6 位',
      'a class code is 6–12 digits: class 1, item 2, entry 3, sub-entry up to 6',
    );
  else if (r.classCode[0] !== KIND_DIGIT[r.kind])
    err(
      '/classCode',
      `${CATALOGUE_KINDS[r.kind].zh}的分类代码以 ${KIND_DIGIT[r.kind]} 开头`,
      `${r.kind} resources have class codes starting with ${KIND_DIGIT[r.kind]}`,
    );
  if (!r.name.zh.trim()) err('/name/zh', '请填写资源名称', 'a name is required');
  if (!known.departments.has(r.provider)) err('/provider', `没有部门 ${r.provider}`, `no department ${r.provider}`);
  if (!r.abstract.trim()) err('/abstract', '请填写资源摘要', 'an abstract is required');
  if (r.sharingType === 'none' && (r.legalBasis?.trim().length ?? 0) < 4)
    err('/legalBasis', '不予共享的资源须注明法律法规或政策依据', 'a resource that is not shared must cite its legal or policy basis');
  if (r.sharingType === 'conditional' && !r.sharingCondition?.trim())
    err('/sharingCondition', '有条件共享的资源须写明共享条件', 'a conditional resource states its condition');
  if (r.sharingMethods.length === 0 && r.sharingType !== 'none') err('/sharingMethods', '请选择至少一种共享方式', 'choose at least one sharing method');
  if (r.status === 'published' && !r.publishedAt) err('/publishedAt', '发布的资源须有发布日期', 'a published resource has a publish date');
  if (r.publishedAt && !isDate(r.publishedAt)) err('/publishedAt', '发布日期须为有效日期（年-月-日）', 'the publish date must be a real date (YYYY-MM-DD)');
  if (r.dataset && !known.datasets.has(r.dataset)) err('/dataset', `没有基础库 ${r.dataset}`, `no base database ${r.dataset}`);
  for (const [i, code] of (r.related ?? []).entries())
    if (!RESOURCE_CODE.test(code)) err(`/related/${i}`, `资源代码 ${code} 格式不正确`, `${code} is not a resource code`);
  if (r.items.length === 0) err('/items', '请至少列出一个信息项', 'list at least one data item');
  const seen = new Set<string>();
  for (const [i, it] of r.items.entries()) {
    const at = `/items/${i}`;
    if (!ITEM_KEY.test(it.key))
      err(`${at}/key`, '信息项标识以小写字母开头，只含字母、数字和下划线', 'an item key starts with a lower-case letter: letters, digits, _');
    else if (seen.has(it.key)) err(`${at}/key`, `信息项 ${it.key} 重复`, `item ${it.key} is listed twice`);
    seen.add(it.key);
    if (!it.name.zh.trim()) err(`${at}/name/zh`, '请填写信息项名称', 'an item needs a name');
    if (it.length !== undefined && !(Number.isInteger(it.length) && it.length > 0 && it.length <= 100_000))
      err(`${at}/length`, '长度为 1 至 100000 的整数', 'the length is a whole number 1–100000');
    if (r.sharingType === 'none' && it.sharing !== 'none')
      err(`${at}/sharing`, '不予共享的资源，其信息项也不予共享', 'items of a resource that is not shared are not shared either');
    // A conditional resource may share part of its items with all (the digest's "part of it to all");
    // an unconditional one shares every item so.
    if (r.sharingType === 'unconditional' && it.sharing !== 'unconditional')
      err(
        `${at}/sharing`,
        '无条件共享资源的信息项均为无条件共享；有部分受限时，资源应为有条件共享',
        'every item of an unconditional resource is unconditional; a resource with restricted items is conditional',
      );
    if (it.grade === 'general' && !(Number.isInteger(it.level) && it.level! >= 1 && it.level! <= 4))
      err(`${at}/level`, '一般数据须定 1 至 4 级', 'general data is graded 1 to 4');
    if (it.grade !== 'general' && it.level !== undefined) err(`${at}/level`, '只有一般数据分 1 至 4 级', 'only general data has a level');
    if (it.sensitive && it.grade === 'general' && (it.level ?? 0) < 3)
      err(`${at}/level`, '敏感个人信息至少为 3 级（次高级）', 'sensitive personal information is at least level 3 (the second-highest)');
    if (it.sensitive && it.mask === 'none') err(`${at}/mask`, '敏感个人信息须脱敏或不提供', 'sensitive personal information is masked or left out');
  }
  return errors;
}

function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** The text a search matches: names, abstract, keywords, items, code and provider (lower case). */
export function searchText(r: ResourceInput & { code: string }, providerName: Text | undefined): string {
  return [
    r.code,
    r.name.zh,
    r.name.en,
    r.abstract,
    ...(r.keywords ?? []),
    ...r.items.flatMap((i) => [i.key, i.name.zh, i.name.en]),
    r.provider,
    providerName?.zh ?? '',
    providerName?.en ?? '',
    SHARING_TYPES[r.sharingType].zh,
  ]
    .join(' ')
    .toLowerCase();
}

/**
 * An entry with its fields in one order and nothing else (a file or a client may send them in any
 * order, or with fields the catalogue does not keep): how it is stored and compared.
 */
export function normalise(r: ResourceInput): ResourceInput {
  const item = (i: DataItem): DataItem => ({
    key: i.key,
    name: { zh: i.name?.zh ?? '', en: i.name?.en ?? '' },
    type: i.type,
    ...(i.length !== undefined ? { length: i.length } : {}),
    sharing: i.sharing,
    grade: i.grade,
    ...(i.level !== undefined ? { level: i.level } : {}),
    ...(i.sensitive ? { sensitive: true } : {}),
    mask: i.mask,
    ...(i.description ? { description: i.description } : {}),
  });
  return {
    classCode: r.classCode,
    name: { zh: r.name?.zh ?? '', en: r.name?.en ?? '' },
    kind: r.kind,
    provider: r.provider,
    abstract: r.abstract ?? '',
    format: r.format,
    items: (r.items ?? []).map(item),
    sharingType: r.sharingType,
    ...(r.sharingCondition ? { sharingCondition: r.sharingCondition } : {}),
    ...(r.legalBasis ? { legalBasis: r.legalBasis } : {}),
    sharingMethods: [...(r.sharingMethods ?? [])],
    openType: r.openType,
    updateCycle: r.updateCycle,
    ...(r.publishedAt ? { publishedAt: r.publishedAt } : {}),
    ...(r.related?.length ? { related: [...r.related] } : {}),
    ...(r.keywords?.length ? { keywords: [...r.keywords] } : {}),
    ...(r.dataset ? { dataset: r.dataset } : {}),
    status: r.status,
  };
}

/** What changed between two versions of an entry: top-level fields and items added, removed or changed. */
export function changesBetween(was0: ResourceInput, now0: ResourceInput): string[] {
  const before = normalise(was0);
  const after = normalise(now0);
  const out: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof ResourceInput>;
  for (const k of keys) {
    if (k === 'items') continue;
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)) out.push(k);
  }
  const was = new Map(before.items.map((i) => [i.key, JSON.stringify(i)]));
  const now = new Map(after.items.map((i) => [i.key, JSON.stringify(i)]));
  for (const [k, v] of now) {
    if (!was.has(k)) out.push(`items.${k}+`);
    else if (was.get(k) !== v) out.push(`items.${k}`);
  }
  for (const k of was.keys()) if (!now.has(k)) out.push(`items.${k}-`);
  return out;
}
