/**
 * An alert's timeline in words: the engine's entries (raised, level changes, cleared, reopened)
 * are told from their level and evidence in both languages, attributes by their names and units
 * (积水深度 0.2 m（阈值 0.15）); a person's entries keep their comment as written.
 */
import type { Text } from '../../platform/i18n/index.js';
import { LEVELS, type Level } from './rules.js';

export interface AttributeNames {
  get(key: string): { name: Text; unit?: string | undefined } | undefined;
}

interface Seen {
  attr?: string;
  value?: number;
  threshold?: number;
  kind?: string;
}

const DERIVED: Record<string, Text> = {
  $aqi: { zh: '空气质量指数', en: 'AQI' },
  $waterClass: { zh: '水质类别', en: 'water class' },
  $blackOdorous: { zh: '黑臭等级', en: 'black-odorous grade' },
  $load: { zh: '承载率', en: 'load' },
};

/** What the engine saw, in words; null for an entry without evidence (a person's action). */
export function engineSummary(level: number | null, data: unknown, names: AttributeNames): Text | null {
  const evidence = (data as { evidence?: unknown } | null)?.evidence;
  if (!Array.isArray(evidence) || evidence.length === 0) return null;
  const parts = (evidence as Seen[]).map((e): Text => {
    const known = e.attr ? (names.get(e.attr) ?? (DERIVED[e.attr] ? { name: DERIVED[e.attr]!, unit: undefined } : undefined)) : undefined;
    const name = known?.name ?? { zh: e.attr ?? e.kind ?? '', en: e.attr ?? e.kind ?? '' };
    const value = e.value !== undefined ? ` ${e.value}${known?.unit ? ` ${known.unit}` : ''}` : '';
    const thr = e.threshold !== undefined ? { zh: `（阈值 ${e.threshold}）`, en: ` (threshold ${e.threshold})` } : { zh: '', en: '' };
    return { zh: `${name.zh}${value}${thr.zh}`, en: `${name.en}${value}${thr.en}` };
  });
  const lvl = level ? LEVELS[level as Level] : null;
  const head: Text = lvl ? { zh: lvl.zh, en: lvl.en } : { zh: '条件解除', en: 'Cleared' };
  return { zh: `${head.zh}：${parts.map((p) => p.zh).join('；')}`, en: `${head.en}: ${parts.map((p) => p.en).join('; ')}` };
}
