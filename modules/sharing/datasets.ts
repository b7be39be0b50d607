/**
 * The seven base databases the plan names (七大基础数据库), as data products each held by its
 * provider (the profile's catalogue says which department): their keys and names.
 */
import type { Text } from '../../platform/i18n/index.js';

export const DATASETS: Record<string, { name: Text }> = {
  population: { name: { zh: '人口基础库', en: 'Population' } },
  'legal-entities': { name: { zh: '法人基础库', en: 'Legal entities' } },
  spatial: { name: { zh: '自然资源与空间地理基础库', en: 'Natural resources and spatial geography' } },
  licences: { name: { zh: '电子证照基础库', en: 'Electronic licences' } },
  credit: { name: { zh: '社会信用基础库', en: 'Social credit' } },
  trading: { name: { zh: '公共资源交易基础库', en: 'Public resource trading' } },
  'macro-economy': { name: { zh: '宏观经济基础库', en: 'Macro economy' } },
};
