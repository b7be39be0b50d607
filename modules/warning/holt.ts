/**
 * Holt's linear exponential smoothing (level + trend), fitted on a recent window, and the
 * projection of when a series will cross a threshold.
 *
 * Readings arrive at a device's own interval, not always evenly; the fit works on the median
 * spacing of the window and treats the readings as evenly spaced at that step. The smoothing
 * constants are chosen by a grid search minimising the one-step-ahead squared error, which is
 * what "fitted on recent data" means here: no state to persist, the window is the model.
 */

export interface HoltFit {
  alpha: number;
  beta: number;
  /** Smoothed level at the last reading. */
  level: number;
  /** Trend per step. */
  trend: number;
  /** Step in ms (median spacing of the window). */
  stepMs: number;
  /** Root mean square of the one-step-ahead errors. */
  rmse: number;
  /** Time of the last reading. */
  lastTs: number;
  n: number;
}

export interface Crossing {
  /** Expected time the forecast reaches the threshold; null when it does not within the horizon. */
  at: number | null;
  /** Probability (0–1) that the value is beyond the threshold at the end of the horizon. */
  confidence: number;
  /** Forecast at the end of the horizon. */
  forecast: number;
}

const ALPHAS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const BETAS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5];

/** Fewest readings a fit needs. */
export const MIN_POINTS = 6;

export class FitError extends Error {}

/** One smoothing pass with given constants: the fit's end state and its squared one-step errors. */
function smooth(ys: ArrayLike<number>, from: number, to: number, alpha: number, beta: number, trend0: number): { level: number; trend: number; sse: number } {
  let level = ys[from]!;
  let trend = trend0;
  let sse = 0;
  for (let i = from + 1; i < to; i++) {
    const y = ys[i]!;
    const f = level + trend;
    const e = y - f;
    sse += e * e;
    const prev = level;
    level = alpha * y + (1 - alpha) * f;
    trend = beta * (level - prev) + (1 - beta) * trend;
  }
  return { level, trend, sse };
}

/**
 * Fits Holt's model to readings ts[from..to) in time order. With `constants`, one pass with those
 * α and β (a refit of known constants on new data); without, a grid search for them. Throws
 * FitError when the window cannot be fitted.
 */
export function fitHolt(ts: ArrayLike<number>, ys: ArrayLike<number>, from = 0, to = ys.length, constants?: { alpha: number; beta: number }): HoltFit {
  return fitRange(ts, ys, from, to, constants);
}

function fitRange(ts: ArrayLike<number>, ys: ArrayLike<number>, from: number, to: number, constants?: { alpha: number; beta: number }): HoltFit {
  const n = to - from;
  if (n < MIN_POINTS) throw new FitError(`needs at least ${MIN_POINTS} readings, has ${n}`);
  const gaps: number[] = [];
  for (let i = from + 1; i < to; i++) {
    const g = ts[i]! - ts[i - 1]!;
    if (!(g > 0)) throw new FitError('readings must be in strictly increasing time order');
    gaps.push(g);
  }
  for (let i = from; i < to; i++) if (!Number.isFinite(ys[i]!)) throw new FitError('readings must be finite numbers');
  gaps.sort((a, b) => a - b);
  const stepMs = gaps[gaps.length >> 1]!;
  const k = Math.min(3, n - 1);
  const trend0 = (ys[from + k]! - ys[from]!) / k;
  const lastTs = ts[to - 1]!;
  if (constants) {
    const r = smooth(ys, from, to, constants.alpha, constants.beta, trend0);
    return { alpha: constants.alpha, beta: constants.beta, level: r.level, trend: r.trend, stepMs, rmse: Math.sqrt(r.sse / (n - 1)), lastTs, n };
  }
  // Among the fits within 2 % of the best error, the steadiest trend (smallest beta, then alpha):
  // on a noisy, trendless window a restless trend would make every forecast look uncertain.
  let min = Number.POSITIVE_INFINITY;
  const sses: number[] = [];
  for (const alpha of ALPHAS)
    for (const beta of BETAS) {
      const r = smooth(ys, from, to, alpha, beta, trend0);
      sses.push(r.sse);
      if (r.sse < min) min = r.sse;
    }
  let bestA = 0;
  let bestB = 0;
  let found = false;
  let i = 0;
  for (const alpha of ALPHAS)
    for (const beta of BETAS) {
      const sse = sses[i++]!;
      if (sse > min * 1.02 + 1e-12) continue;
      if (!found || beta < bestB || (beta === bestB && alpha < bestA)) {
        bestA = alpha;
        bestB = beta;
        found = true;
      }
    }
  const r = smooth(ys, from, to, bestA, bestB, trend0);
  return { alpha: bestA, beta: bestB, level: r.level, trend: r.trend, stepMs, rmse: Math.sqrt(r.sse / (n - 1)), lastTs, n };
}

/** Forecast h steps after the last reading. */
export function forecast(fit: HoltFit, h: number): number {
  return fit.level + h * fit.trend;
}

/** Standard deviation of the h-step forecast error (the usual Holt approximation). */
export function forecastSd(fit: HoltFit, h: number): number {
  let v = 1;
  for (let j = 1; j < h; j++) {
    const c = fit.alpha * (1 + j * fit.beta);
    v += c * c;
  }
  return fit.rmse * Math.sqrt(v);
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * When the forecast reaches `threshold` (`op` '>=' for rising limits, '<=' for falling ones),
 * looking at most `horizonMs` past `from` (the evaluation time, at or after the last reading).
 */
export function projectCrossing(fit: HoltFit, op: '>=' | '<=', threshold: number, horizonMs: number, from = fit.lastTs): Crossing {
  const sign = op === '>=' ? 1 : -1;
  const endStep = Math.max(1, (from - fit.lastTs + horizonMs) / fit.stepMs);
  const fEnd = forecast(fit, endStep);
  // A floor on the spread keeps a perfectly smooth window from claiming certainty.
  const sd = Math.max(forecastSd(fit, Math.ceil(endStep)), 1e-9 + Math.abs(threshold) * 1e-6);
  const confidence = normalCdf((sign * (fEnd - threshold)) / sd);
  let at: number | null = null;
  const gap = sign * (threshold - fit.level);
  if (gap <= 0) at = fit.lastTs;
  else if (sign * fit.trend > 0) {
    const steps = gap / (sign * fit.trend);
    const t = fit.lastTs + steps * fit.stepMs;
    if (t <= from + horizonMs) at = Math.max(t, from);
  }
  return { at, confidence, forecast: fEnd };
}
