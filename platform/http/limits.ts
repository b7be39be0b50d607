/**
 * Limits by default: every route that takes a time range, a page or a resolution checks it here,
 * so no request can ask for an unbounded amount of work. A request past a limit is a 400 problem
 * that names the limit; the limits are settings (QUERY_* in the configuration table).
 */
import { Type } from 'typebox';
import { AppError } from './errors.js';

/** 2000-01-01T00:00:00Z: the earliest instant any query or reading may name. */
export const EPOCH_MIN = 946_684_800_000;
/** 2100-01-01T00:00:00Z: the latest. */
export const EPOCH_MAX = 4_102_444_800_000;

const DAY = 86_400_000;

export interface QueryLimits {
  /** Points (or rows) one answer may hold. */
  maxPoints: number;
  /** The furthest a listing may page (rows skipped). */
  maxOffset: number;
  /** The longest span of one series at each resolution. */
  span: { raw: number; minute: number; hour: number };
  /** The longest from–to range a listing or a computation over history may cover. */
  maxRangeMs: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxPoints: 10_000,
  maxOffset: 100_000,
  span: { raw: 7 * DAY, minute: 93 * DAY, hour: 3660 * DAY },
  maxRangeMs: 3660 * DAY,
};

/** An instant in epoch milliseconds, inside the platform's date range (a schema, so a bad one is a 400 naming the field). */
export function EpochMs(description: string) {
  return Type.Integer({ minimum: EPOCH_MIN, maximum: EPOCH_MAX, description: `${description} (epoch ms, 2000-01-01 to 2100-01-01)` });
}

/** `limit` and `offset` of a listing: a page of at most `max` rows, never further than maxOffset. */
export function PageQuery(defaultLimit: number, max: number) {
  return {
    limit: Type.Integer({ minimum: 1, maximum: max, default: defaultLimit, description: `Rows in the page (at most ${max})` }),
    offset: Type.Integer({ minimum: 0, maximum: DEFAULT_LIMITS.maxOffset, default: 0, description: `Rows to skip (at most ${DEFAULT_LIMITS.maxOffset})` }),
  };
}

function tooMuch(pointer: string, detail: string): AppError {
  return new AppError('WD_ERR_VALIDATION', detail, { errors: [{ pointer, detail }] });
}

/** Whether t is an instant the platform accepts (an integer in [2000, 2100)). */
export function inDateRange(t: number): boolean {
  return Number.isInteger(t) && t >= EPOCH_MIN && t < EPOCH_MAX;
}

/**
 * Checks `offset` against the configured maximum (the schema allows the default maximum; a
 * deployment may lower it).
 */
export function checkOffset(limits: QueryLimits, offset: number | undefined, pointer = '/querystring/offset'): void {
  if (offset !== undefined && offset > limits.maxOffset)
    throw tooMuch(pointer, `offset may be at most ${limits.maxOffset} (QUERY_MAX_OFFSET); narrow the query instead of paging this far`);
}

/**
 * A from–to range with defaults: `to` defaults to now, `from` to `to - defaultSpanMs`; both must
 * be inside the date range, `from` before `to`, and the span at most `maxSpanMs`.
 */
export function timeRange(
  q: { from?: number | undefined; to?: number | undefined },
  opts: { now: number; defaultSpanMs: number; maxSpanMs: number; limitName: string; pointer?: string },
): { from: number; to: number } {
  const base = opts.pointer ?? '/querystring';
  const to = q.to ?? opts.now;
  const from = q.from ?? to - opts.defaultSpanMs;
  for (const [k, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!inDateRange(v)) throw tooMuch(`${base}/${k}`, `${k} must be an epoch-ms instant from 2000-01-01 to 2100-01-01`);
  }
  if (from >= to) throw new AppError('WD_ERR_VALIDATION', '`from` must be before `to`', { errors: [{ pointer: `${base}/from`, detail: 'must be before to' }] });
  if (to - from > opts.maxSpanMs)
    throw tooMuch(`${base}/from`, `the range may span at most ${formatSpan(opts.maxSpanMs)} (${opts.limitName}); narrow it or use a coarser resolution`);
  return { from, to };
}

/** 7 days, 36 hours, 90 minutes: a span as a person reads it. */
export function formatSpan(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minutes`;
  return `${ms / 1000} seconds`;
}
