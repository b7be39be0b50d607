/**
 * The seven base databases the plan names (七大基础数据库), as data products each held by its
 * provider (the profile's catalogue says which department): their keys, names, and for those that
 * hold records here, the fields a load checks and the table that keeps them.
 */
import type { Text } from '../../platform/i18n/index.js';

/**
 * How a field is checked on load: an identifier with its check character, a division code, one of
 * the city's districts, a real date, one of a list, text of a length, a number.
 */
export type FieldKind =
  | 'id_number'
  | 'credit_code'
  /** A person's ID number or an organisation's credit code (a licence's holder). */
  | 'holder'
  | 'area_code'
  | 'district'
  | 'date'
  /** A statistical period: a year (2025), a quarter (2025-Q3) or a month (2025-09). */
  | 'period'
  | 'enum'
  | 'text'
  | 'number'
  /** Longitude or latitude inside the city's bounds. */
  | 'lon'
  | 'lat'
  | 'phone'
  /** Made from other fields (`from`), joined by |: the key of records that have no single one. */
  | 'derived';

export interface FieldSpec {
  key: string;
  column: string;
  name: Text;
  kind: FieldKind;
  required?: boolean;
  /** Longest text (characters). */
  max?: number;
  /** Allowed values of an `enum`. */
  options?: readonly string[];
  /** A `date` that may lie in the future (an expiry). */
  future?: boolean;
  /** A `number`'s least value. */
  min?: number;
  /** The fields a `derived` key is made of. */
  from?: readonly string[];
}

export interface DatasetSpec {
  key: string;
  name: Text;
  /** The table that keeps the records, owned by this module. */
  table:
    | 'sharing_people'
    | 'sharing_entities'
    | 'sharing_addresses'
    | 'sharing_licences'
    | 'sharing_credit_records'
    | 'sharing_trading_projects'
    | 'sharing_macro_indicators';
  /** The field that identifies a record (an update merges by it). */
  keyField: string;
  fields: readonly FieldSpec[];
}

const t = (zh: string, en: string): Text => ({ zh, en });

/** GB/T 2261.1 sex codes: 1 male, 2 female (and 0 unknown, 9 unstated). */
const GENDERS = ['0', '1', '2', '9'] as const;
/** GB/T 3304 ethnicity codes 01–56 (97 other, 98 foreign-born naturalised). */
const ETHNICITIES = [...Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')), '97', '98'];
/** Entity types (a simplified register): company, individual business, public institution, social organisation, government body, other. */
export const ENTITY_TYPES = ['1100', '1200', '2100', '3100', '4100', '9100'] as const;
/** Registration status: operating, revoked, cancelled, moved out. */
export const ENTITY_STATUSES = ['10', '20', '30', '40'] as const;

export const POPULATION: DatasetSpec = {
  key: 'population',
  name: t('人口基础库', 'Population'),
  table: 'sharing_people',
  keyField: 'idNumber',
  fields: [
    { key: 'idNumber', column: 'id_number', name: t('公民身份号码', 'ID number'), kind: 'id_number', required: true },
    { key: 'name', column: 'name', name: t('姓名', 'Name'), kind: 'text', required: true, max: 50 },
    { key: 'gender', column: 'gender', name: t('性别', 'Gender'), kind: 'enum', required: true, options: GENDERS },
    { key: 'birthDate', column: 'birth_date', name: t('出生日期', 'Date of birth'), kind: 'date', required: true },
    { key: 'ethnicity', column: 'ethnicity', name: t('民族', 'Ethnicity'), kind: 'enum', options: ETHNICITIES },
    { key: 'householdAddress', column: 'household_address', name: t('户籍地址', 'Registered address'), kind: 'text', max: 200 },
    { key: 'residenceAddress', column: 'residence_address', name: t('居住地址', 'Residence address'), kind: 'text', max: 200 },
    { key: 'phone', column: 'phone', name: t('联系电话', 'Phone'), kind: 'phone' },
    { key: 'district', column: 'district', name: t('所在区县', 'District'), kind: 'district', required: true },
  ],
};

export const LEGAL_ENTITIES: DatasetSpec = {
  key: 'legal-entities',
  name: t('法人基础库', 'Legal entities'),
  table: 'sharing_entities',
  keyField: 'creditCode',
  fields: [
    { key: 'creditCode', column: 'credit_code', name: t('统一社会信用代码', 'Unified social credit code'), kind: 'credit_code', required: true },
    { key: 'name', column: 'name', name: t('名称', 'Name'), kind: 'text', required: true, max: 200 },
    { key: 'entityType', column: 'entity_type', name: t('类型', 'Entity type'), kind: 'enum', required: true, options: ENTITY_TYPES },
    { key: 'legalRepresentative', column: 'legal_representative', name: t('法定代表人', 'Legal representative'), kind: 'text', max: 50 },
    { key: 'legalRepresentativeId', column: 'legal_representative_id', name: t('法定代表人身份证号', 'Legal representative’s ID number'), kind: 'id_number' },
    { key: 'registeredCapital', column: 'registered_capital', name: t('注册资本（万元）', 'Registered capital (10,000 yuan)'), kind: 'number' },
    { key: 'foundedOn', column: 'founded_on', name: t('成立日期', 'Founded on'), kind: 'date', required: true },
    { key: 'address', column: 'address', name: t('住所', 'Registered address'), kind: 'text', max: 200 },
    { key: 'businessScope', column: 'business_scope', name: t('经营范围', 'Business scope'), kind: 'text', max: 2000 },
    { key: 'status', column: 'status', name: t('登记状态', 'Status'), kind: 'enum', required: true, options: ENTITY_STATUSES },
    { key: 'district', column: 'district', name: t('所在区县', 'District'), kind: 'district', required: true },
  ],
};

/** Licence states: valid, suspended, revoked, expired. */
export const LICENCE_STATUSES = ['valid', 'suspended', 'revoked', 'expired'] as const;

export const SPATIAL: DatasetSpec = {
  key: 'spatial',
  name: t('自然资源与空间地理基础库', 'Natural resources and spatial geography'),
  table: 'sharing_addresses',
  keyField: 'addressCode',
  fields: [
    { key: 'addressCode', column: 'address_code', name: t('标准地址编码', 'Standard address code'), kind: 'text', required: true, max: 32 },
    { key: 'district', column: 'district', name: t('所在区县', 'District'), kind: 'district', required: true },
    { key: 'street', column: 'street', name: t('街道（乡镇）', 'Street (town)'), kind: 'text', required: true, max: 100 },
    { key: 'fullAddress', column: 'full_address', name: t('标准地址', 'Standard address'), kind: 'text', required: true, max: 200 },
    { key: 'lon', column: 'lon', name: t('经度', 'Longitude'), kind: 'lon', required: true },
    { key: 'lat', column: 'lat', name: t('纬度', 'Latitude'), kind: 'lat', required: true },
    { key: 'gridCode', column: 'grid_code', name: t('网格编码', 'Grid code'), kind: 'text', max: 32 },
  ],
};

export const LICENCES: DatasetSpec = {
  key: 'licences',
  name: t('电子证照基础库', 'Electronic licences'),
  table: 'sharing_licences',
  keyField: 'licenceNumber',
  fields: [
    { key: 'licenceNumber', column: 'licence_number', name: t('证照编号', 'Licence number'), kind: 'text', required: true, max: 64 },
    { key: 'licenceType', column: 'licence_type', name: t('证照类型', 'Licence type'), kind: 'text', required: true, max: 64 },
    { key: 'holderName', column: 'holder_name', name: t('持证主体', 'Holder'), kind: 'text', required: true, max: 200 },
    { key: 'holderId', column: 'holder_id', name: t('持证主体代码', 'Holder’s ID number or credit code'), kind: 'holder', required: true },
    { key: 'issuer', column: 'issuer', name: t('发证机关', 'Issuing authority'), kind: 'text', required: true, max: 100 },
    { key: 'issuedOn', column: 'issued_on', name: t('发证日期', 'Issued on'), kind: 'date', required: true },
    { key: 'expiresOn', column: 'expires_on', name: t('有效期至', 'Valid until'), kind: 'date', future: true },
    { key: 'status', column: 'status', name: t('证照状态', 'Status'), kind: 'enum', required: true, options: LICENCE_STATUSES },
    { key: 'signature', column: 'signature', name: t('电子签名', 'Signature'), kind: 'text', max: 4000 },
  ],
};

/** Ratings A (best) to D; red list (守信), black list (失信), none; 双公示 records: licensing, penalty. */
export const CREDIT_RATINGS = ['A', 'B', 'C', 'D'] as const;
export const LIST_KINDS = ['red', 'black', 'none'] as const;
export const RECORD_KINDS = ['licensing', 'penalty'] as const;

export const CREDIT: DatasetSpec = {
  key: 'credit',
  name: t('社会信用基础库', 'Social credit'),
  table: 'sharing_credit_records',
  keyField: 'decisionNumber',
  fields: [
    { key: 'decisionNumber', column: 'decision_number', name: t('决定文书号', 'Decision number'), kind: 'text', required: true, max: 100 },
    { key: 'subjectCode', column: 'subject_code', name: t('主体统一社会信用代码', 'Subject’s credit code'), kind: 'credit_code', required: true },
    { key: 'subjectName', column: 'subject_name', name: t('主体名称', 'Subject'), kind: 'text', required: true, max: 200 },
    { key: 'rating', column: 'rating', name: t('信用等级', 'Rating'), kind: 'enum', options: CREDIT_RATINGS },
    { key: 'listKind', column: 'list_kind', name: t('红黑名单', 'Red or black list'), kind: 'enum', options: LIST_KINDS },
    {
      key: 'recordKind',
      column: 'record_kind',
      name: t('信息类别（双公示）', 'Record kind (licensing or penalty)'),
      kind: 'enum',
      required: true,
      options: RECORD_KINDS,
    },
    { key: 'decidedOn', column: 'decided_on', name: t('决定日期', 'Decided on'), kind: 'date', required: true },
    { key: 'authority', column: 'authority', name: t('决定机关', 'Deciding authority'), kind: 'text', required: true, max: 100 },
  ],
};

/** 工程建设, 政府采购, 土地矿业, 国有产权. */
export const TRADING_CATEGORIES = ['construction', 'procurement', 'land', 'property'] as const;

export const TRADING: DatasetSpec = {
  key: 'trading',
  name: t('公共资源交易基础库', 'Public resource trading'),
  table: 'sharing_trading_projects',
  keyField: 'projectCode',
  fields: [
    { key: 'projectCode', column: 'project_code', name: t('项目编号', 'Project code'), kind: 'text', required: true, max: 64 },
    { key: 'projectName', column: 'project_name', name: t('项目名称', 'Project'), kind: 'text', required: true, max: 200 },
    { key: 'category', column: 'category', name: t('交易类别', 'Category'), kind: 'enum', required: true, options: TRADING_CATEGORIES },
    { key: 'tenderer', column: 'tenderer', name: t('招标人', 'Tenderer'), kind: 'text', required: true, max: 200 },
    { key: 'winner', column: 'winner', name: t('中标人', 'Winner'), kind: 'text', max: 200 },
    { key: 'winnerCode', column: 'winner_code', name: t('中标人统一社会信用代码', 'Winner’s credit code'), kind: 'credit_code' },
    { key: 'amount', column: 'amount', name: t('中标金额（万元）', 'Amount (10,000 yuan)'), kind: 'number', min: 0 },
    { key: 'awardedOn', column: 'awarded_on', name: t('中标日期', 'Awarded on'), kind: 'date' },
  ],
};

export const MACRO: DatasetSpec = {
  key: 'macro-economy',
  name: t('宏观经济基础库', 'Macro economy'),
  table: 'sharing_macro_indicators',
  keyField: 'recordKey',
  fields: [
    { key: 'indicatorCode', column: 'indicator_code', name: t('指标代码', 'Indicator code'), kind: 'text', required: true, max: 32 },
    { key: 'indicatorName', column: 'indicator_name', name: t('指标名称', 'Indicator'), kind: 'text', required: true, max: 100 },
    { key: 'area', column: 'area', name: t('地区代码', 'Area code'), kind: 'area_code', required: true },
    { key: 'period', column: 'period', name: t('统计期', 'Period'), kind: 'period', required: true },
    { key: 'value', column: 'value', name: t('数值', 'Value'), kind: 'number', required: true },
    { key: 'unit', column: 'unit', name: t('计量单位', 'Unit'), kind: 'text', required: true, max: 20 },
    { key: 'recordKey', column: 'record_key', name: t('记录标识', 'Record key'), kind: 'derived', from: ['indicatorCode', 'area', 'period'] },
  ],
};

/** The base databases that keep records here, by key. */
export const RECORD_DATASETS: Record<string, DatasetSpec> = {
  population: POPULATION,
  'legal-entities': LEGAL_ENTITIES,
  spatial: SPATIAL,
  licences: LICENCES,
  credit: CREDIT,
  trading: TRADING,
  'macro-economy': MACRO,
};

export const DATASETS: Record<string, { name: Text }> = Object.fromEntries(Object.values(RECORD_DATASETS).map((d) => [d.key, { name: d.name }]));

/** A key as the database keeps it: identifiers with a check character upper case (x → X), others as given. */
export function normaliseKey(spec: DatasetSpec, key: string): string {
  const kind = spec.fields.find((f) => f.key === spec.keyField)?.kind;
  const k = key.trim();
  return kind === 'id_number' || kind === 'credit_code' || kind === 'holder' ? k.toUpperCase() : k;
}
