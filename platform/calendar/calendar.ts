/**
 * Working days and working hours under China's public holidays and make-up working days
 * (调休). Weekends rest unless listed as make-up working days; listed holidays rest.
 * All arithmetic is in the city's local time (a fixed UTC offset: China has no DST).
 */

export type DayKind = 'holiday' | 'workday';

/** One span of office hours, in minutes after local midnight. */
export interface OfficeWindow {
  start: number;
  end: number;
}

export interface CalendarDay {
  date: string; // YYYY-MM-DD
  kind: DayKind;
  name: string;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function toDayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) throw new RangeError(`No such date: ${date}`);
  return t / DAY_MS;
}

function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function isValidDate(date: string): boolean {
  try {
    toDayNumber(date);
    return true;
  } catch {
    return false;
  }
}

export class WorkingCalendar {
  private readonly days: Map<string, CalendarDay>;
  private readonly offsetMs: number;

  constructor(
    days: Iterable<CalendarDay>,
    readonly officeHours: readonly OfficeWindow[],
    /** Minutes east of UTC; 480 for China Standard Time. */
    readonly utcOffsetMinutes = 480,
  ) {
    this.days = new Map([...days].map((d) => [d.date, d]));
    this.offsetMs = utcOffsetMinutes * MINUTE_MS;
    if (officeHours.length === 0) throw new RangeError('At least one office-hours window is needed');
  }

  /** The special day entry for a date, if any. */
  special(date: string): CalendarDay | undefined {
    return this.days.get(date);
  }

  isWorkingDay(date: string): boolean {
    const special = this.days.get(date);
    if (special) return special.kind === 'workday';
    const weekday = (toDayNumber(date) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    return weekday !== 0 && weekday !== 6;
  }

  /** The n-th working day after `date` (n ≥ 1); n = 0 gives `date` itself. */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
    let d = toDayNumber(date);
    let left = n;
    let guard = 0;
    while (left > 0) {
      d++;
      if (this.isWorkingDay(fromDayNumber(d))) left--;
      if (++guard > 3660) throw new RangeError('No working days within ten years');
    }
    return fromDayNumber(d);
  }

  /** Number of working days in (from, to], i.e. counted after `from` up to and including `to`. */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let d = toDayNumber(from) + 1; d <= toDayNumber(to); d++) if (this.isWorkingDay(fromDayNumber(d))) count++;
    return count;
  }

  /** The city-local calendar date of an instant. */
  localDate(instant: number): string {
    return fromDayNumber(Math.floor((instant + this.offsetMs) / DAY_MS));
  }

  /** The instant of a local date plus minutes after local midnight. */
  instantOf(date: string, minutes: number): number {
    return toDayNumber(date) * DAY_MS + minutes * MINUTE_MS - this.offsetMs;
  }

  /** End of the last office window of a date. */
  endOfWorkingDay(date: string): number {
    return this.instantOf(date, this.officeHours[this.officeHours.length - 1]!.end);
  }

  /**
   * Deadline for "within n working days" from an instant: the end of office hours on the
   * n-th working day after the instant's local date.
   */
  deadlineInWorkingDays(instant: number, n: number): number {
    return this.endOfWorkingDay(this.addWorkingDays(this.localDate(instant), n));
  }

  /** The instant `hours` working hours after `instant`, counting only office windows on working days. */
  addWorkingHours(instant: number, hours: number): number {
    if (!(hours >= 0) || !Number.isFinite(hours)) throw new RangeError('hours must be a non-negative number');
    let leftMs = Math.round(hours * 3_600_000);
    let date = this.localDate(instant);
    let cursor = instant;
    for (let guard = 0; guard < 3660; guard++) {
      if (this.isWorkingDay(date)) {
        for (const w of this.officeHours) {
          const start = Math.max(this.instantOf(date, w.start), cursor);
          const end = this.instantOf(date, w.end);
          if (start >= end) continue;
          if (leftMs === 0) return start;
          if (end - start >= leftMs) return start + leftMs;
          leftMs -= end - start;
          cursor = end;
        }
      }
      date = fromDayNumber(toDayNumber(date) + 1);
      cursor = Math.max(cursor, this.instantOf(date, 0));
    }
    throw new RangeError('No working hours within ten years');
  }

  /** Working time in milliseconds between two instants (office windows on working days). */
  workingMsBetween(from: number, to: number): number {
    if (to <= from) return 0;
    let total = 0;
    for (let d = toDayNumber(this.localDate(from)); d <= toDayNumber(this.localDate(to)); d++) {
      const date = fromDayNumber(d);
      if (!this.isWorkingDay(date)) continue;
      for (const w of this.officeHours) {
        const s = Math.max(this.instantOf(date, w.start), from);
        const e = Math.min(this.instantOf(date, w.end), to);
        if (e > s) total += e - s;
      }
    }
    return total;
  }
}

/** A deadline spec as workflows and modules declare it. */
export type DeadlineSpec = { workingDays: number } | { workingHours: number } | { hours: number };

export function deadlineFrom(cal: WorkingCalendar, instant: number, spec: DeadlineSpec): number {
  if ('workingDays' in spec) return cal.deadlineInWorkingDays(instant, spec.workingDays);
  if ('workingHours' in spec) return cal.addWorkingHours(instant, spec.workingHours);
  return instant + spec.hours * 3_600_000;
}
