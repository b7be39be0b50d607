/**
 * The service item catalogue (政务服务事项清单) as data: for each item its department, kind, basis,
 * conditions, materials (each saying which electronic licence or base-database record can stand in
 * for it, 免提交), the form's fields, the legal and promised time limits in working days, the fee,
 * the channels, the approval steps, the result (an electronic licence into the holder's wallet) and,
 * for 即办件, the rules that approve it at once. 一件事 bundles name the items one life or business
 * event needs. Every edit stores a new version of the item; an application keeps the version it was
 * made under. docs/services.md.
 */
import type { FieldError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';

/** The kinds of government service item (国发〔2018〕27号 and the catalogue practice). */
export const ITEM_KINDS = ['licensing', 'confirmation', 'benefit', 'reward', 'adjudication', 'other_power', 'public_service'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const ITEM_KIND_LABELS: Record<ItemKind, Text> = {
  licensing: { zh: '行政许可', en: 'Administrative licensing' },
  confirmation: { zh: '行政确认', en: 'Administrative confirmation' },
  benefit: { zh: '行政给付', en: 'Administrative benefit' },
  reward: { zh: '行政奖励', en: 'Administrative reward' },
  adjudication: { zh: '行政裁决', en: 'Administrative adjudication' },
  other_power: { zh: '其他行政权力', en: 'Other administrative power' },
  public_service: { zh: '公共服务', en: 'Public service' },
};

/** Where and how an item is handled: 全程网办, 网上申请线下取件, 窗口办理. */
export const CHANNELS = ['online', 'online_pickup', 'counter'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, Text> = {
  online: { zh: '全程网办', en: 'Entirely online' },
  online_pickup: { zh: '网上申请、线下取件', en: 'Apply online, collect in person' },
  counter: { zh: '窗口办理', en: 'At the counter' },
};

export const FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'select', 'id_number', 'credit_code', 'phone', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Where a field's value can come from before the applicant types it. */
export interface Prefill {
  /** The applicant's own record in a base database (population by ID number, legal entities by credit code), or the account. */
  from: 'population' | 'legal-entities' | 'account';
  field: string;
}

/** A field of the item's form. */
export interface FormField {
  key: string;
  name: Text;
  type: FieldType;
  required?: boolean;
  /** For select: the allowed values with their names. */
  options?: { value: string; name: Text }[];
  maxLength?: number;
  min?: number;
  max?: number;
  prefill?: Prefill;
  /** The field of an OCR-read document that fills it (e.g. id_card.address). */
  ocr?: string;
  help?: Text;
}

/** What can stand in for a material the government already holds (减材料, 免提交). */
export interface Replacement {
  /** A valid electronic licence of this type held by the applicant (from the wallet). */
  licence?: string;
  /** The applicant's own record in a base database, these fields. */
  record?: { dataset: 'population' | 'legal-entities'; fields: string[] };
}

export const MATERIAL_FORMS = ['electronic', 'original', 'copy'] as const;
export type MaterialForm = (typeof MATERIAL_FORMS)[number];

/** A required material (申请材料). */
export interface Material {
  key: string;
  name: Text;
  required: boolean;
  form: MaterialForm;
  copies?: number;
  replacedBy?: Replacement;
  /** What an upload may be, checked by content: images (JPEG, PNG) and/or PDF. */
  accept?: ('image' | 'pdf')[];
  note?: Text;
}

/** An approval step after acceptance (审核, 审批): who takes it. */
export interface Step {
  key: string;
  name: Text;
  /** dept_staff takes a review, dept_leader a decision. */
  role: 'dept_staff' | 'dept_leader';
}

/** A rule an 即办件 passes to be approved at once; each is checked on the data, never on trust. */
export type InstantRule =
  /** The applicant's population record places them in one of the city's districts. */
  | { kind: 'resident' }
  | { kind: 'record'; dataset: 'population' | 'legal-entities'; field: string; equals: string | number }
  | { kind: 'field'; field: string; op: 'eq' | 'in' | 'gte' | 'lte'; value: string | number | (string | number)[] }
  | { kind: 'age'; min?: number; max?: number }
  | { kind: 'no_open'; item: string };

export interface ServiceItem {
  /** The item's code in this catalogue (local, e.g. SY-GAJ-001; the national 事项编码 where known in `nationalCode`). */
  code: string;
  nationalCode?: string;
  name: Text;
  department: string;
  kind: ItemKind;
  /** Who applies: a person (ID number), an enterprise (credit code), or either. */
  applicant: 'person' | 'enterprise' | 'any';
  /** 设定依据 */
  basis: Text;
  /** 受理条件 */
  conditions: Text;
  materials: Material[];
  fields: FormField[];
  /** 法定办结时限 and 承诺办结时限, working days from acceptance. */
  legalDays: number;
  promisedDays: number;
  /** 即办件: approved at once when every rule passes; otherwise it goes to the department. */
  instant?: { rules: InstantRule[]; explain: Text };
  /** In yuan; null or 0 for none. */
  fee: { amount: number; basis: Text } | null;
  channels: Channel[];
  counters?: { name: Text; address: Text; hours: Text }[];
  /** Approval steps after acceptance, in order. */
  steps: Step[];
  /** What the applicant gets: a licence of this type with these fields (licence field → form field), or a decision. */
  result: { licence?: string; licenceFields?: Record<string, string>; document?: Text };
  /** Words people search by besides the name. */
  keywords?: string[];
  /** Where the item's figures come from, or that they are a local assumption. */
  source: string;
  retired?: boolean;
}

/** 一件事: several items one life or business event needs, applied for once and fanned out. */
export interface ServiceEvent {
  code: string;
  name: Text;
  applicant: 'person' | 'enterprise' | 'any';
  items: string[];
  description: Text;
  source: string;
}

const CODE = /^[A-Z0-9][A-Z0-9-]{2,39}$/;
const KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;

export interface CatalogueRefs {
  departments: Set<string>;
  /** Licence type → the fields it has. */
  licenceTypes: Map<string, { holderKind: string; fields: string[] }>;
  /** Base database → its fields. */
  datasets: Map<string, string[]>;
}

/** Checks an item against the platform's departments, licence types and base databases. */
export function checkItem(item: ServiceItem, refs: CatalogueRefs, at = '/body'): FieldError[] {
  const errors: FieldError[] = [];
  const err = (pointer: string, zh: string, en: string) => errors.push({ pointer: `${at}${pointer}`, detail: { zh, en } });
  const text = (t: Text | undefined) => !!t && typeof t.zh === 'string' && t.zh.trim() !== '' && typeof t.en === 'string';
  if (typeof item.code !== 'string' || !CODE.test(item.code))
    err('/code', '事项编码为 3–40 位大写字母、数字或连字符', 'the code is 3–40 capitals, digits or hyphens');
  if (!text(item.name)) err('/name', '请填写事项名称（中文）', 'the name (Chinese) is required');
  if (!refs.departments.has(item.department)) err('/department', `没有部门 ${item.department}`, `no department ${item.department}`);
  if (!ITEM_KINDS.includes(item.kind)) err('/kind', '事项类型不正确', 'unknown item kind');
  if (!['person', 'enterprise', 'any'].includes(item.applicant))
    err('/applicant', '申请人类型为个人、企业或均可', 'the applicant is person, enterprise or any');
  if (!text(item.basis)) err('/basis', '请填写设定依据', 'the legal basis is required');
  if (!text(item.conditions)) err('/conditions', '请填写受理条件', 'the conditions are required');
  if (!Number.isInteger(item.legalDays) || item.legalDays < 0 || item.legalDays > 365)
    err('/legalDays', '法定办结时限为 0–365 个工作日', 'the legal limit is 0–365 working days');
  if (!Number.isInteger(item.promisedDays) || item.promisedDays < 0 || item.promisedDays > item.legalDays)
    err('/promisedDays', '承诺办结时限不得超过法定办结时限', 'the promised limit is at most the legal one');
  if (
    item.fee !== null &&
    item.fee !== undefined &&
    (typeof item.fee.amount !== 'number' || item.fee.amount < 0 || Math.round(item.fee.amount * 100) !== item.fee.amount * 100)
  )
    err('/fee/amount', '收费金额为不小于 0 的元，最多两位小数', 'the fee is yuan ≥ 0 with at most two decimals');
  if (!Array.isArray(item.channels) || item.channels.length === 0 || item.channels.some((c) => !CHANNELS.includes(c)))
    err('/channels', '请选择办理渠道：全程网办、网上申请线下取件或窗口办理', 'choose the channels: online, online with collection, counter');
  if (typeof item.source !== 'string' || !item.source.trim()) err('/source', '请注明来源或“本地假设”', 'name the source or say it is a local assumption');

  const fieldKeys = new Set<string>();
  (item.fields ?? []).forEach((f, i) => {
    const p = `/fields/${i}`;
    if (!KEY.test(f.key ?? '')) err(`${p}/key`, '字段键为字母开头的字母数字', 'a field key is letters and digits, starting with a letter');
    else if (fieldKeys.has(f.key)) err(`${p}/key`, `字段 ${f.key} 重复`, `field ${f.key} twice`);
    fieldKeys.add(f.key);
    if (!text(f.name)) err(`${p}/name`, '请填写字段名称', 'the field name is required');
    if (!FIELD_TYPES.includes(f.type)) err(`${p}/type`, '字段类型不正确', 'unknown field type');
    if (f.type === 'select' && (!f.options || f.options.length === 0)) err(`${p}/options`, '选择题须列出选项', 'a select lists its options');
    if (f.prefill) {
      if (f.prefill.from !== 'account') {
        const fields = refs.datasets.get(f.prefill.from);
        if (!fields?.includes(f.prefill.field))
          err(`${p}/prefill`, `${f.prefill.from} 没有字段 ${f.prefill.field}`, `${f.prefill.from} has no field ${f.prefill.field}`);
      } else if (!['name', 'phone', 'subject', 'district'].includes(f.prefill.field))
        err(`${p}/prefill`, '账号只提供姓名、手机、证件号和区县', 'the account gives name, phone, subject and district');
    }
  });
  const materialKeys = new Set<string>();
  (item.materials ?? []).forEach((m, i) => {
    const p = `/materials/${i}`;
    if (!KEY.test(m.key ?? '')) err(`${p}/key`, '材料键为字母开头的字母数字', 'a material key is letters and digits, starting with a letter');
    else if (materialKeys.has(m.key)) err(`${p}/key`, `材料 ${m.key} 重复`, `material ${m.key} twice`);
    materialKeys.add(m.key);
    if (!text(m.name)) err(`${p}/name`, '请填写材料名称', 'the material name is required');
    if (!MATERIAL_FORMS.includes(m.form)) err(`${p}/form`, '材料形式为电子、原件或复印件', 'a material is electronic, original or copy');
    if (m.replacedBy?.licence && !refs.licenceTypes.has(m.replacedBy.licence))
      err(`${p}/replacedBy/licence`, `没有证照类型 ${m.replacedBy.licence}`, `no licence type ${m.replacedBy.licence}`);
    if (m.replacedBy?.record) {
      const fields = refs.datasets.get(m.replacedBy.record.dataset);
      if (!fields) err(`${p}/replacedBy/record`, `没有基础库 ${m.replacedBy.record.dataset}`, `no base database ${m.replacedBy.record.dataset}`);
      else
        for (const k of m.replacedBy.record.fields)
          if (!fields.includes(k))
            err(`${p}/replacedBy/record`, `${m.replacedBy.record.dataset} 没有字段 ${k}`, `${m.replacedBy.record.dataset} has no field ${k}`);
    }
  });
  if (!Array.isArray(item.steps) || item.steps.length === 0) err('/steps', '至少一个审批环节', 'at least one approval step');
  else
    item.steps.forEach((s, i) => {
      if (!KEY.test(s.key ?? '') || !text(s.name) || !['dept_staff', 'dept_leader'].includes(s.role))
        err(`/steps/${i}`, '审批环节须有键、名称和岗位（经办人或部门领导）', 'a step has a key, a name and a role (staff or leader)');
    });
  if (item.result?.licence) {
    const type = refs.licenceTypes.get(item.result.licence);
    if (!type) err('/result/licence', `没有证照类型 ${item.result.licence}`, `no licence type ${item.result.licence}`);
    else {
      if (type.holderKind !== 'any' && item.applicant !== 'any' && type.holderKind !== item.applicant)
        err('/result/licence', '证照的持证主体与申请人类型不符', 'the licence’s holder kind differs from the applicant’s');
      for (const [lf, ff] of Object.entries(item.result.licenceFields ?? {})) {
        if (!type.fields.includes(lf)) err('/result/licenceFields', `证照没有字段 ${lf}`, `the licence has no field ${lf}`);
        if (!fieldKeys.has(ff)) err('/result/licenceFields', `表单没有字段 ${ff}`, `the form has no field ${ff}`);
      }
    }
  } else if (!text(item.result?.document)) err('/result', '请说明办理结果：电子证照或文书', 'say what the result is: a licence or a document');
  for (const [i, r] of (item.instant?.rules ?? []).entries()) {
    if (r.kind === 'field' && !fieldKeys.has(r.field)) err(`/instant/rules/${i}`, `表单没有字段 ${r.field}`, `the form has no field ${r.field}`);
    if (r.kind === 'record' && !refs.datasets.get(r.dataset)?.includes(r.field))
      err(`/instant/rules/${i}`, `${r.dataset} 没有字段 ${r.field}`, `${r.dataset} has no field ${r.field}`);
  }
  if (item.instant && !text(item.instant.explain)) err('/instant/explain', '请说明即办的条件', 'explain when it is approved at once');
  return errors;
}

/** Checks a 一件事 bundle against the catalogue: its items exist, differ, and suit its applicant. */
export function checkEvent(e: ServiceEvent, items: Map<string, ServiceItem>, at = '/body'): FieldError[] {
  const errors: FieldError[] = [];
  const err = (pointer: string, zh: string, en: string) => errors.push({ pointer: `${at}${pointer}`, detail: { zh, en } });
  if (!CODE.test(e.code ?? '')) err('/code', '一件事编码为 3–40 位大写字母、数字或连字符', 'the code is 3–40 capitals, digits or hyphens');
  if (!e.name?.zh?.trim()) err('/name', '请填写名称', 'the name is required');
  if (!Array.isArray(e.items) || e.items.length < 2) err('/items', '一件事至少包含两个事项', 'an event bundles at least two items');
  else {
    if (new Set(e.items).size !== e.items.length) err('/items', '事项重复', 'an item twice');
    for (const code of e.items) {
      const it = items.get(code);
      if (!it) err('/items', `没有事项 ${code}`, `no item ${code}`);
      else if (it.applicant !== 'any' && e.applicant !== 'any' && it.applicant !== e.applicant)
        err('/items', `事项 ${code} 的申请人类型与一件事不符`, `item ${code} is for another kind of applicant`);
    }
  }
  return errors;
}
