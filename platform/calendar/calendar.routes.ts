import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../http/errors.js';
import { inDateRange } from '../http/limits.js';
import { ctxOf } from '../http/http.js';
import { isValidDate } from './calendar.js';
import type { CalendarService } from './calendar.service.js';

const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (city local date)' });
const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
const Day = Type.Object(
  { date: DateStr, kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function checkDate(date: string, pointer: string): void {
  if (!isValidDate(date)) throw new AppError('WD_ERR_VALIDATION', `${date} is not a calendar date`, { errors: [{ pointer, detail: 'not a calendar date' }] });
}

export async function calendarRoutes(root: FastifyInstance, { calendar }: { calendar: CalendarService }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['calendar'];

  app.get(
    '/calendar/years',
    { schema: { tags, summary: 'Years with a holiday schedule' }, config: { auth: { permission: 'calendar.read', audience: 'everyone' } } },
    async () => ({
      years: await calendar.years(),
      officeHours: calendar.officeHours.map((w) => ({ start: hhmm(w.start), end: hhmm(w.end) })),
      utcOffsetMinutes: calendar.utcOffsetMinutes,
    }),
  );

  app.get(
    '/calendar/years/:year',
    {
      schema: { tags, summary: "One year's public holidays (放假) and make-up working days (调休上班)", params: Type.Object({ year: Year }) },
      config: { auth: { permission: 'calendar.read', audience: 'everyone' } },
    },
    async (req) => ({
      year: req.params.year,
      days: (await calendar.listYear(req.params.year)).map((d) => ({ date: d.date, kind: d.kind, name: d.name })),
      source: (await calendar.listYear(req.params.year))[0]?.source ?? null,
    }),
  );

  app.put(
    '/calendar/years/:year',
    {
      schema: {
        tags,
        summary: "Replace one year's schedule from the State Council notice",
        params: Type.Object({ year: Year }),
        body: Type.Object(
          { source: Type.Optional(Type.String({ maxLength: 200 })), days: Type.Array(Day, { maxItems: 366 }) },
          { additionalProperties: false },
        ),
      },
      config: { auth: { permission: 'calendar.manage' } },
    },
    async (req) => {
      const ctx = ctxOf(req);
      await calendar.replaceYear(
        { id: ctx.principal?.id ?? null, name: ctx.principal?.name ?? null, ip: ctx.ip, requestId: ctx.requestId },
        req.params.year,
        req.body.source ?? null,
        req.body.days,
      );
      return { year: req.params.year, days: req.body.days.length };
    },
  );

  app.get(
    '/calendar/days/:date',
    {
      schema: { tags, summary: 'Whether a date is a working day, and why', params: Type.Object({ date: DateStr }) },
      config: { auth: { permission: 'calendar.read', audience: 'everyone' } },
    },
    async (req) => {
      checkDate(req.params.date, '/params/date');
      const cal = await calendar.get();
      const special = cal.special(req.params.date);
      return { date: req.params.date, working: cal.isWorkingDay(req.params.date), special: special ?? null };
    },
  );

  app.get(
    '/calendar/deadline',
    {
      schema: {
        tags,
        summary: 'Deadline arithmetic: from a date or instant plus working days or working hours',
        querystring: Type.Object(
          {
            from: Type.String({ maxLength: 40, description: 'YYYY-MM-DD or an ISO-8601 instant' }),
            workingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'at most 1000 (about four years)' })),
            workingHours: Type.Optional(Type.Number({ minimum: 0, maximum: 8000, description: 'at most 8000' })),
          },
          { additionalProperties: false },
        ),
      },
      config: { auth: { permission: 'calendar.read', audience: 'everyone' } },
    },
    async (req) => {
      const { from, workingDays, workingHours } = req.query;
      if ((workingDays === undefined) === (workingHours === undefined)) {
        throw new AppError('WD_ERR_VALIDATION', 'Give exactly one of workingDays or workingHours', {
          errors: [{ pointer: '/querystring', detail: 'exactly one of workingDays, workingHours' }],
        });
      }
      const cal = await calendar.get();
      const outOfRange = () =>
        new AppError('WD_ERR_VALIDATION', `${from} is outside the calendar (2000-01-01 to 2100-01-01)`, {
          errors: [{ pointer: '/querystring/from', detail: 'from 2000-01-01 to 2100-01-01' }],
        });
      try {
        return answer();
      } catch (err) {
        // The calendar's own guards (a date it cannot reach) are the caller's range, not a fault.
        if (err instanceof RangeError) throw outOfRange();
        throw err;
      }
      function answer() {
        if (/^\d{4}-\d{2}-\d{2}$/.test(from)) {
          checkDate(from, '/querystring/from');
          if (!inDateRange(cal.instantOf(from, 0))) throw outOfRange();
          if (workingDays !== undefined) {
            const date = cal.addWorkingDays(from, workingDays);
            const end = cal.endOfWorkingDay(date);
            if (!inDateRange(end)) throw outOfRange();
            return { from, workingDays, date, deadline: new Date(end).toISOString() };
          }
        }
        const instant = /^\d{4}-\d{2}-\d{2}$/.test(from) ? cal.instantOf(from, 0) : Date.parse(from);
        if (Number.isNaN(instant))
          throw new AppError('WD_ERR_VALIDATION', `${from} is not a date or an instant`, {
            errors: [{ pointer: '/querystring/from', detail: 'not a date or ISO-8601 instant' }],
          });
        if (!inDateRange(instant)) throw outOfRange();
        const deadline = workingDays !== undefined ? cal.deadlineInWorkingDays(instant, workingDays) : cal.addWorkingHours(instant, workingHours!);
        if (!inDateRange(deadline)) throw outOfRange();
        return {
          from,
          ...(workingDays !== undefined ? { workingDays } : { workingHours }),
          date: cal.localDate(deadline),
          deadline: new Date(deadline).toISOString(),
        };
      }
    },
  );
}
