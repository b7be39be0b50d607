/**
 * The holiday calendar as data: seeded from holidays-cn.json, replaced a year at a time by an
 * administrator, cached per process and reloaded when any process publishes calendar.updated.
 */
import holidaysCn from './holidays-cn.json';
import { appendAudit } from '../audit/audit.js';
import type { EventBus } from '../bus/bus.js';
import { AppError, type FieldError } from '../http/errors.js';
import { join } from '../i18n/index.js';
import { type Db, transaction } from '../storage/db.js';
import { type CalendarDay, type DayKind, type OfficeWindow, WorkingCalendar, isValidDate } from './calendar.js';

declare module '../bus/bus.js' {
  interface EventMap {
    'calendar.updated': { year: number; days: number };
  }
}

interface SeedFile {
  years: Record<string, { source: string; days: CalendarDay[] }>;
}

export function bundledHolidays(): SeedFile {
  return holidaysCn as SeedFile;
}

export interface Actor {
  id: string | null;
  name: string | null;
  ip?: string | null;
  requestId?: string | null;
}

export class CalendarService {
  private cached: Promise<WorkingCalendar> | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    readonly officeHours: readonly OfficeWindow[],
    readonly utcOffsetMinutes: number,
    private readonly seed: SeedFile = bundledHolidays(),
  ) {}

  /** The current calendar (cached until a change). */
  get(): Promise<WorkingCalendar> {
    this.cached ??= this.load().catch((err: unknown) => {
      this.cached = undefined;
      throw err;
    });
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  /** Follows changes made by other processes. */
  async watch(): Promise<void> {
    await this.bus.subscribe('calendar.updated', () => this.invalidate(), { group: 'calendar-cache', broadcast: true });
  }

  private async load(): Promise<WorkingCalendar> {
    const rows = await this.db.selectFrom('calendar_days').select(['date', 'kind', 'name']).execute();
    return new WorkingCalendar(
      rows.map((r) => ({ date: r.date, kind: r.kind as DayKind, name: r.name })),
      this.officeHours,
      this.utcOffsetMinutes,
    );
  }

  /** Inserts the bundled years that the database does not have yet. */
  async seedMissingYears(): Promise<number[]> {
    const have = new Set((await this.db.selectFrom('calendar_days').select('year').distinct().execute()).map((r) => r.year));
    const added: number[] = [];
    for (const [year, data] of Object.entries(this.seed.years)) {
      if (have.has(Number(year))) continue;
      await this.db
        .insertInto('calendar_days')
        .values(data.days.map((d) => ({ ...d, year: Number(year), source: data.source })))
        .execute();
      added.push(Number(year));
    }
    if (added.length) this.invalidate();
    return added;
  }

  listYear(year: number) {
    return this.db.selectFrom('calendar_days').selectAll().where('year', '=', year).orderBy('date').execute();
  }

  async years(): Promise<{ year: number; days: number; source: string | null }[]> {
    const rows = await this.db
      .selectFrom('calendar_days')
      .select(['year', (eb) => eb.fn.countAll<number>().as('days'), (eb) => eb.fn.max('source').as('source')])
      .groupBy('year')
      .orderBy('year')
      .execute();
    return rows.map((r) => ({ year: r.year, days: Number(r.days), source: r.source ?? null }));
  }

  /** Replaces one year's holidays and make-up working days (the State Council's notice). */
  async replaceYear(actor: Actor, year: number, source: string | null, days: CalendarDay[]): Promise<void> {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    days.forEach((d, i) => {
      const pointer = `/body/days/${i}/date`;
      if (!isValidDate(d.date)) errors.push({ pointer, detail: { zh: `${d.date} 不是有效日期`, en: `not a valid date: ${d.date}` } });
      else if (!d.date.startsWith(`${year}-`)) errors.push({ pointer, detail: { zh: `${d.date} 不在 ${year} 年内`, en: `${d.date} is not in ${year}` } });
      if (seen.has(d.date)) errors.push({ pointer, detail: { zh: `${d.date} 重复出现`, en: `${d.date} appears twice` } });
      seen.add(d.date);
    });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', join(errors.map((e) => e.detail)), { errors });
    const before = await this.listYear(year);
    await transaction(this.db, async (trx) => {
      await trx.deleteFrom('calendar_days').where('year', '=', year).execute();
      if (days.length)
        await trx
          .insertInto('calendar_days')
          .values(days.map((d) => ({ date: d.date, kind: d.kind, name: d.name, year, source })))
          .execute();
      await appendAudit(trx, {
        action: 'calendar.updated',
        actorId: actor.id,
        actorName: actor.name,
        ip: actor.ip ?? null,
        requestId: actor.requestId ?? null,
        targetType: 'calendar_year',
        targetId: String(year),
        details: { before: before.length, after: days.length, source },
      });
    });
    this.invalidate();
    await this.bus.publish('calendar.updated', { year, days: days.length });
  }
}
