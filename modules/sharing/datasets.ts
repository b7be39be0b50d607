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
export type FieldKind = 'id_number' | 'credit_code' | 'area_code' | 'district' | 'date' | 'enum' | 'text' | 'number' | 'phone';

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
}

export interface DatasetSpec {
  key: string;
  name: Text;
  /** The table that keeps the records, owned by this module. */
  table: 'sharing_people' | 'sharing_entities';
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

/** The base databases that keep records here, by key. */
export const RECORD_DATASETS: Record<string, DatasetSpec> = { population: POPULATION, 'legal-entities': LEGAL_ENTITIES };

export const DATASETS: Record<string, { name: Text }> = {
  population: { name: POPULATION.name },
  'legal-entities': { name: LEGAL_ENTITIES.name },
  spatial: { name: t('自然资源与空间地理基础库', 'Natural resources and spatial geography') },
  licences: { name: t('电子证照基础库', 'Electronic licences') },
  credit: { name: t('社会信用基础库', 'Social credit') },
  trading: { name: t('公共资源交易基础库', 'Public resource trading') },
  'macro-economy': { name: t('宏观经济基础库', 'Macro economy') },
};
