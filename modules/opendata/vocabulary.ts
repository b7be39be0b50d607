/**
 * The portal's vocabularies: themes (主题分类) with the EU data-theme each maps to in DCAT-AP, and
 * the licences a dataset may be published under (with CKAN's licence ids, so harvesters match them).
 */
import type { Text } from '../../platform/i18n/index.js';

const n = (zh: string, en: string): Text => ({ zh, en });

/** Themes, each with its EU Publications Office data-theme code (DCAT-AP's dcat:theme vocabulary). */
export const THEMES: Record<string, { name: Text; eu: string }> = {
  economy: { name: n('经济建设', 'Economy'), eu: 'ECON' },
  finance: { name: n('财税金融', 'Finance and tax'), eu: 'ECON' },
  credit: { name: n('信用服务', 'Credit'), eu: 'ECON' },
  transport: { name: n('交通出行', 'Transport'), eu: 'TRAN' },
  health: { name: n('医疗卫生', 'Health'), eu: 'HEAL' },
  education: { name: n('教育科技', 'Education and science'), eu: 'EDUC' },
  environment: { name: n('资源环境', 'Resources and environment'), eu: 'ENVI' },
  urban: { name: n('城建住房', 'Urban development and housing'), eu: 'REGI' },
  society: { name: n('社会民生', 'Society and welfare'), eu: 'SOCI' },
  safety: { name: n('公共安全', 'Public safety'), eu: 'JUST' },
  government: { name: n('机构团体', 'Government and organisations'), eu: 'GOVE' },
  agriculture: { name: n('农业农村', 'Agriculture and rural affairs'), eu: 'AGRI' },
  culture: { name: n('文化旅游', 'Culture and tourism'), eu: 'EDUC' },
};

export const EU_THEME_BASE = 'http://publications.europa.eu/resource/authority/data-theme/';

/** Licences, by CKAN licence id. */
export const LICENCES: Record<string, { title: Text; url: string; open: boolean }> = {
  'cc-by': { title: n('知识共享署名 4.0', 'Creative Commons Attribution 4.0'), url: 'https://creativecommons.org/licenses/by/4.0/', open: true },
  'cc-zero': { title: n('知识共享 CC0 1.0', 'Creative Commons CCZero'), url: 'https://creativecommons.org/publicdomain/zero/1.0/', open: true },
  'other-open': { title: n('其他（开放）', 'Other (Open)'), url: '', open: true },
  'other-closed': { title: n('有条件开放协议', 'Other (Not Open): use as agreed on application'), url: '', open: false },
};

/** Update cycles as DCAT-AP frequencies (EU frequency vocabulary). */
export const FREQUENCIES: Record<string, string> = {
  realtime: 'CONT',
  daily: 'DAILY',
  weekly: 'WEEKLY',
  monthly: 'MONTHLY',
  quarterly: 'QUARTERLY',
  yearly: 'ANNUAL',
  irregular: 'IRREG',
};
export const EU_FREQUENCY_BASE = 'http://publications.europa.eu/resource/authority/frequency/';

/** Download formats: CKAN's format names, media types, and EU file-type codes. */
export const FORMATS = {
  csv: { ckan: 'CSV', media: 'text/csv', eu: 'CSV' },
  json: { ckan: 'JSON', media: 'application/json', eu: 'JSON' },
} as const;
export type DownloadFormat = keyof typeof FORMATS;
export const EU_FILE_TYPE_BASE = 'http://publications.europa.eu/resource/authority/file-type/';
