/** The evaluation as a workbook (one sheet per ranking) and as a printable page (PDF by Chromium). */
import type { Lang } from '../../platform/i18n/index.js';
import type { Cell, Sheet } from '../../platform/reports/xlsx.js';
import type { Figures, Rates } from './evaluation.js';

interface Entry {
  key: string;
  name: string | { zh: string; en: string };
  figures: Figures;
  rates: Rates;
  score: number | null;
  rank: number;
}

export interface EvaluationResult {
  period: { from: string; to: string };
  districts: Entry[];
  units: Entry[];
  inspectors: Entry[];
  operators: Entry[];
}

const L = {
  rank: { zh: '排名', en: 'Rank' },
  name: { zh: '名称', en: 'Name' },
  code: { zh: '编码', en: 'Code' },
  score: { zh: '综合得分', en: 'Score' },
  dispatched: { zh: '派遣数', en: 'Dispatched' },
  handled: { zh: '处置数', en: 'Handled' },
  onTimeHandling: { zh: '按时处置率', en: 'On-time handling' },
  closed: { zh: '结案数', en: 'Closed' },
  onTimeClosing: { zh: '按时结案率', en: 'On-time closing' },
  rework: { zh: '返工数', en: 'Rework' },
  returned: { zh: '退回数', en: 'Returned' },
  overdue: { zh: '超时数', en: 'Overdue' },
  hung: { zh: '挂账数', en: 'Hung' },
  extended: { zh: '延期数', en: 'Extended' },
  reported: { zh: '上报数', en: 'Reported' },
  filed: { zh: '立案数', en: 'Filed' },
  rejected: { zh: '不予立案数', en: 'Rejected' },
  satisfaction: { zh: '满意度（5 分制）', en: 'Satisfaction (of 5)' },
  districts: { zh: '区域评价', en: 'Districts' },
  units: { zh: '部门评价', en: 'Units' },
  inspectors: { zh: '监督员评价', en: 'Inspectors' },
  operators: { zh: '受理派遣员评价', en: 'Operators' },
  title: { zh: '数字城管综合评价', en: 'Urban management evaluation' },
} as const;

const pct = (v: number | null): Cell => (v === null ? null : Math.round(v * 10000) / 100);
const nameOf = (e: Entry, lang: Lang) => (typeof e.name === 'string' ? e.name : e.name[lang]);

function table(entries: Entry[], lang: Lang, kind: 'region' | 'post'): Cell[][] {
  const head =
    kind === 'region'
      ? [
          L.rank,
          L.code,
          L.name,
          L.score,
          L.dispatched,
          L.handled,
          L.onTimeHandling,
          L.closed,
          L.onTimeClosing,
          L.rework,
          L.returned,
          L.overdue,
          L.hung,
          L.extended,
          L.satisfaction,
        ]
      : [L.rank, L.name, L.reported, L.filed, L.rejected, L.dispatched, L.closed, L.rework];
  const rows: Cell[][] = [head.map((h) => `${h[lang]}${h === L.onTimeHandling || h === L.onTimeClosing ? ' (%)' : ''}`)];
  for (const e of entries) {
    const f = e.figures;
    rows.push(
      kind === 'region'
        ? [
            e.rank,
            e.key,
            nameOf(e, lang),
            e.score,
            f.dispatched,
            f.handled,
            pct(e.rates.onTimeHandling),
            f.closed,
            pct(e.rates.onTimeClosing),
            f.rework,
            f.returned,
            f.overdue,
            f.hung,
            f.extended,
            e.rates.satisfaction === null ? null : Math.round(e.rates.satisfaction * 100) / 100,
          ]
        : [e.rank, nameOf(e, lang), f.reported, f.filed, f.rejected, f.dispatched, f.closed, f.rework],
    );
  }
  return rows;
}

export function evaluationSheets(r: EvaluationResult, lang: Lang): Sheet[] {
  return [
    { name: L.units[lang], rows: table(r.units, lang, 'region') },
    { name: L.districts[lang], rows: table(r.districts, lang, 'region') },
    { name: L.inspectors[lang], rows: table(r.inspectors, lang, 'post') },
    { name: L.operators[lang], rows: table(r.operators, lang, 'post') },
  ];
}

const esc = (s: unknown) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

export function evaluationHtml(r: EvaluationResult, city: { zh: string; en: string }, lang: Lang): string {
  const section = (title: string, rows: Cell[][]) =>
    `<h2>${esc(title)}</h2><table><thead><tr>${rows[0]!.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .slice(1)
      .map((row) => `<tr>${row.map((c) => `<td>${c === null ? '—' : esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(city[lang])} ${esc(L.title[lang])}</title>
<style>body{font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;font-size:11px;margin:24px}h1{font-size:18px}h2{font-size:14px;margin-top:18px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 5px;text-align:right}th:nth-child(2),td:nth-child(2),th:nth-child(3),td:nth-child(3){text-align:left}</style></head>
<body><h1>${esc(city[lang])} ${esc(L.title[lang])} · ${esc(r.period.from)} – ${esc(r.period.to)}</h1>
${section(L.units[lang], table(r.units, lang, 'region'))}
${section(L.districts[lang], table(r.districts, lang, 'region'))}
${section(L.inspectors[lang], table(r.inspectors, lang, 'post'))}
${section(L.operators[lang], table(r.operators, lang, 'post'))}
</body></html>`;
}
