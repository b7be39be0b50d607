/**
 * Evaluation (综合评价, CJ/T 292): per period, for districts, responsible units and posts
 * (inspectors and the centre's operators), the counts and rates of the loop and a weighted score,
 * ranked. Read from the daily counters the loop keeps, so a month for every unit is a few
 * thousand rows whatever the number of cases.
 */
import type { Weights } from './classes.js';

export const METRICS = [
  'reported',
  'filed',
  'rejected',
  'dispatched',
  'handled',
  'handled_on_time',
  'closed',
  'closed_on_time',
  'rework',
  'returned',
  'overdue',
  'hung',
  'extended',
  'rated',
  'rating_points',
] as const;
export type Metric = (typeof METRICS)[number];
export type Figures = Record<Metric, number>;

export interface Rates {
  onTimeHandling: number | null;
  onTimeClosing: number | null;
  rework: number | null;
  returned: number | null;
  satisfaction: number | null;
}

export interface Ranked {
  key: string;
  figures: Figures;
  rates: Rates;
  score: number | null;
  rank: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function emptyFigures(): Figures {
  return Object.fromEntries(METRICS.map((m) => [m, 0])) as Figures;
}

export function ratesOf(f: Figures): Rates {
  return {
    onTimeHandling: ratio(f.handled_on_time, f.handled),
    onTimeClosing: ratio(f.closed_on_time, f.closed),
    rework: ratio(f.rework, f.handled),
    returned: ratio(f.returned, f.dispatched),
    satisfaction: f.rated > 0 ? f.rating_points / f.rated : null,
  };
}

/** The weighted score out of 100; null when nothing was handled or dispatched in the period. */
export function scoreOf(r: Rates, w: Weights): number | null {
  if (r.onTimeClosing === null && r.onTimeHandling === null && r.returned === null) return null;
  // A rate the period gives no case for counts fully: nothing was late or reworked.
  const s =
    w.onTimeClosing * (r.onTimeClosing ?? 1) +
    w.onTimeHandling * (r.onTimeHandling ?? 1) +
    w.noRework * (1 - (r.rework ?? 0)) +
    w.noReturn * (1 - (r.returned ?? 0));
  return Math.round(s * 100) / 100;
}

/** Rows of (key, metric, n) into ranked entries: by score, then by closed cases; posts by activity. */
export function rank(rows: readonly { key: string; metric: string; n: number }[], w: Weights | null): Ranked[] {
  const by = new Map<string, Figures>();
  for (const r of rows) {
    if (!(METRICS as readonly string[]).includes(r.metric)) continue;
    const f = by.get(r.key) ?? emptyFigures();
    f[r.metric as Metric] += Number(r.n);
    by.set(r.key, f);
  }
  const out = [...by.entries()].map(([key, figures]) => {
    const rates = ratesOf(figures);
    return { key, figures, rates, score: w ? scoreOf(rates, w) : null, rank: 0 };
  });
  const activity = (f: Figures) => f.reported + f.filed + f.dispatched + f.closed + f.rework + f.rejected;
  out.sort(
    (a, b) =>
      (b.score ?? -1) - (a.score ?? -1) || b.figures.closed - a.figures.closed || activity(b.figures) - activity(a.figures) || a.key.localeCompare(b.key),
  );
  let prev: string | null = null;
  out.forEach((e, i) => {
    const sig = `${e.score}|${e.figures.closed}|${activity(e.figures)}`;
    e.rank = sig === prev ? out[i - 1]!.rank : i + 1;
    prev = sig;
  });
  return out;
}
