/**
 * Words people read, in both of the platform's languages. Whatever the platform generates for a
 * person (problem details, timelines, descriptions, messages, reports) is a `Text`: Simplified
 * Chinese, the default, and English. Codes stay codes; a `Text` is what stands beside them.
 */

export type Lang = 'zh' | 'en';

export interface Text {
  zh: string;
  en: string;
}

export const text = (zh: string, en: string): Text => ({ zh, en });

/** The text in `lang`; a plain string is the same in both. */
export function pick(t: string | Text, lang: Lang): string {
  return typeof t === 'string' ? t : t[lang];
}

/** Joins texts language by language. */
export function join(parts: readonly (string | Text)[], sep: Text | string = { zh: '；', en: '; ' }): Text {
  const s = typeof sep === 'string' ? { zh: sep, en: sep } : sep;
  return { zh: parts.map((p) => pick(p, 'zh')).join(s.zh), en: parts.map((p) => pick(p, 'en')).join(s.en) };
}

/**
 * The language an `Accept-Language` header asks for: the first of Chinese or English by
 * preference (q-values honoured); Chinese when the header names neither or is absent.
 */
export function negotiateLanguage(header: string | undefined): Lang {
  if (!header) return 'zh';
  let best: { lang: Lang; q: number; i: number } | null = null;
  header.split(',').forEach((part, i) => {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang: Lang | null = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') ? 'en' : null;
    if (!lang) return;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) return;
    if (!best || q > best.q || (q === best.q && i < best.i)) best = { lang, q, i };
  });
  return (best as { lang: Lang } | null)?.lang ?? 'zh';
}

/** "The plan has 3 problems" / 预案有 3 处问题: the summary above a list of field errors. */
export function problemCount(n: number, whatZh: string, whatEn: string): Text {
  return { zh: `${whatZh}有 ${n} 处问题`, en: `The ${whatEn} has ${n} problem${n === 1 ? '' : 's'}` };
}
