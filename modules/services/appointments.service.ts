/**
 * Appointments (预约): service halls' windows and hospitals' clinics, each with an opening plan on
 * the working-time calendar and a number of places per slot. A booking takes a place by one
 * conditional UPDATE (never beyond the places, whatever runs at once); one person holds one booking
 * at a time (a partial unique index); bookings can be cancelled or moved; the day before, the
 * holder is reminded by SMS; a booking neither attended nor cancelled an hour after its start is a
 * no-show, and three no-shows in 90 days suspend booking for 30 days (a local rule, settings).
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, hiddenNotFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { seedList } from '../../platform/profile/seeds.js';
import { isUniqueViolation, json, transaction } from '../../platform/storage/db.js';
import type { AccountService } from '../superapp/index.js';
import * as store from './appointments.store.js';

export interface Hall {
  code: string;
  kind: 'service_hall' | 'hospital';
  department: string;
  district: string | null;
  name: Text;
  address: Text;
  /** Days of the week (1 Monday … 7 Sunday) and the periods open; service halls also close on the calendar's holidays. */
  hours: { days: number[]; periods: { from: string; to: string }[] };
  slotMinutes: number;
  windows: { code: string; name: Text; places: number; items: string[] }[];
  source: string;
}

export const NO_SHOW_RULE = { count: 3, withinDays: 90, suspendDays: 30 };
export const BOOKING_DAYS = 14;
const APPOINTMENT: Text = { zh: '预约', en: 'Appointment' };

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export class AppointmentService {
  constructor(
    private readonly p: Platform,
    private readonly accounts: Pick<AccountService, 'acting'>,
  ) {}

  /** Adds the profile's halls that are not here yet. */
  async seed(): Promise<void> {
    const now = this.p.now();
    for (const raw of seedList<Omit<Hall, 'code'> & { synthetic?: boolean }>(this.p, 'service-halls')) {
      const { id, ...rest } = raw;
      const hall = { ...rest, code: id } as Hall;
      await store.insertHallIfMissing(this.p.db, {
        code: hall.code,
        kind: hall.kind,
        department: hall.department,
        district: hall.district,
        body: JSON.stringify(hall),
        synthetic: 1,
        updated_at: now,
      });
    }
  }

  /** The department that runs a hall (its staff mark attendance and answer its ratings). */
  async departmentOf(code: string): Promise<string> {
    return (await this.hall(code)).department;
  }

  private async hall(code: string): Promise<Hall> {
    const r = await store.hall(this.p.db, code);
    if (!r) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个大厅或医院', en: 'No such hall or hospital' });
    return json.parse<Hall>(r.body, {} as Hall);
  }

  async halls(q: { kind?: string; item?: string }) {
    const rows = await store.halls(this.p.db, q.kind);
    return rows
      .map((r) => ({ ...json.parse<Hall>(r.body, {} as Hall), synthetic: r.synthetic === 1 }))
      .filter((h) => !q.item || h.windows.some((w) => w.items.includes('*') || w.items.includes(q.item!)));
  }

  /** Whether a day is open at a hall: its weekday, and for service halls a working day of the calendar. */
  private async openOn(h: Hall, day: string): Promise<boolean> {
    const cal = await this.p.calendar.get();
    const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    if (!h.hours.days.includes(weekday)) return false;
    return h.kind === 'hospital' || cal.isWorkingDay(day);
  }

  private starts(h: Hall): string[] {
    const out: string[] = [];
    for (const p of h.hours.periods) for (let m = minutesOf(p.from); m + h.slotMinutes <= minutesOf(p.to); m += h.slotMinutes) out.push(hhmm(m));
    return out;
  }

  private async bookableDay(day: string): Promise<boolean> {
    const cal = await this.p.calendar.get();
    const today = cal.localDate(this.p.now());
    const last = cal.localDate(cal.instantOf(today, 0) + (BOOKING_DAYS - 1) * 86_400_000);
    return /^\d{4}-\d{2}-\d{2}$/.test(day) && day >= today && day <= last;
  }

  /** A window's slots on a day with the places left (reading writes nothing). */
  async slots(hallCode: string, window: string, day: string) {
    const h = await this.hall(hallCode);
    const w = h.windows.find((x) => x.code === window);
    if (!w) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个窗口或科室', en: 'No such window or clinic' });
    if (!(await this.bookableDay(day)))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: `可预约今天起 ${BOOKING_DAYS} 天内`, en: `Bookings open ${BOOKING_DAYS} days ahead` },
        {
          errors: [{ pointer: '/querystring/day', detail: 'day' }],
        },
      );
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    if (!(await this.openOn(h, day))) return { hall: h.code, window, day, open: false, slots: [] };
    const rows = await store.slotsOn(this.p.db, h.code, window, day);
    return {
      hall: h.code,
      window,
      day,
      open: true,
      slots: this.starts(h).map((start) => {
        const row = rows.find((r) => r.start === start);
        const capacity = row?.capacity ?? w.places;
        const booked = row?.booked ?? 0;
        const at = cal.instantOf(day, minutesOf(start));
        return { start, end: hhmm(minutesOf(start) + h.slotMinutes), capacity, left: Math.max(0, capacity - booked), past: at <= now };
      }),
    };
  }

  /** With 3 no-shows in the last 90 days, booking waits until 30 days after the latest. */
  private async suspendedUntil(userId: string): Promise<number | null> {
    const now = this.p.now();
    const misses = await store.noShowsSince(this.p.db, userId, now - NO_SHOW_RULE.withinDays * 86_400_000);
    if (misses.length < NO_SHOW_RULE.count) return null;
    const until = Math.max(...misses.map((m) => Number(m.starts_at))) + NO_SHOW_RULE.suspendDays * 86_400_000;
    return until > now ? until : null;
  }

  /** Books a place, within the places left; one booking per person per time. */
  async book(
    principal: Principal,
    input: { hall: string; window: string; day: string; start: string; item?: string; application?: string },
    ctx: RequestContext,
  ) {
    const { account, userId } = await this.accounts.acting(principal, undefined, 'applications');
    const h = await this.hall(input.hall);
    const w = h.windows.find((x) => x.code === input.window);
    if (!w) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个窗口或科室', en: 'No such window or clinic' });
    if (input.item && !(w.items.includes('*') || w.items.includes(input.item)))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '该窗口不办理这个事项', en: 'This window does not handle the item' },
        { errors: [{ pointer: '/body/item', detail: 'item' }] },
      );
    const suspended = await this.suspendedUntil(userId);
    if (suspended) {
      const cal = await this.p.calendar.get();
      throw new AppError('WD_ERR_FORBIDDEN', {
        zh: `${NO_SHOW_RULE.withinDays} 天内爽约 ${NO_SHOW_RULE.count} 次，${cal.localDate(suspended)} 前暂停预约`,
        en: `${NO_SHOW_RULE.count} missed appointments in ${NO_SHOW_RULE.withinDays} days: booking is suspended until ${cal.localDate(suspended)}`,
      });
    }
    const day = await this.slots(h.code, w.code, input.day);
    const slot = day.slots.find((s) => s.start === input.start);
    if (!slot) throw new AppError('WD_ERR_VALIDATION', { zh: '没有这个时段', en: 'No such slot' }, { errors: [{ pointer: '/body/start', detail: 'start' }] });
    if (slot.past) throw new AppError('WD_ERR_UNPROCESSABLE', { zh: '该时段已过，请选择其他时段', en: 'The slot has passed; choose another' });
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    const id = newId('apt', now);
    try {
      await transaction(this.p.db, async (trx) => {
        await store.openSlot(trx, { hall: h.code, window: w.code, day: input.day, start: input.start, capacity: w.places });
        if (!(await store.takePlace(trx, h.code, w.code, input.day, input.start)))
          throw new AppError('WD_ERR_CONFLICT', { zh: '该时段已约满，请选择其他时段', en: 'The slot is full; choose another' });
        await store.insertAppointment(trx, {
          id,
          user_id: userId,
          phone: account.phone,
          hall: h.code,
          window: w.code,
          day: input.day,
          start: input.start,
          starts_at: cal.instantOf(input.day, minutesOf(input.start)),
          item_code: input.item ?? null,
          application_id: input.application ?? null,
          status: 'booked',
          reminded_at: null,
          created_at: now,
          updated_at: now,
        });
        await appendAudit(trx, {
          ...actorOf(ctx),
          at: now,
          action: 'services.appointment_booked',
          targetType: 'appointment',
          targetId: id,
          details: { hall: h.code, window: w.code, day: input.day, start: input.start },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('WD_ERR_CONFLICT', { zh: '您在这个时间已有预约', en: 'You already have an appointment at that time' });
      throw e;
    }
    return this.view((await store.appointment(this.p.db, id))!, h);
  }

  private async mine(principal: Principal, id: string) {
    const a = await store.appointment(this.p.db, id);
    if (!a || a.user_id !== principal.id) throw hiddenNotFound(APPOINTMENT, id);
    return a;
  }

  /** Cancels a booking before its slot; the place goes back. */
  async cancel(principal: Principal, id: string, ctx: RequestContext) {
    const a = await this.mine(principal, id);
    const now = this.p.now();
    if (a.status !== 'booked' || Number(a.starts_at) <= now)
      throw new AppError('WD_ERR_CONFLICT', { zh: '只能取消尚未开始的预约', en: 'Only an appointment still to come can be cancelled' });
    await transaction(this.p.db, async (trx) => {
      if (!(await store.moveStatus(trx, id, 'booked', 'cancelled', now)))
        throw new AppError('WD_ERR_CONFLICT', { zh: '预约已变更，请刷新', en: 'The appointment changed; reload' });
      await store.givePlace(trx, a.hall, a.window, a.day, a.start);
      await appendAudit(trx, { ...actorOf(ctx), at: now, action: 'services.appointment_cancelled', targetType: 'appointment', targetId: id });
    });
    return this.view((await store.appointment(this.p.db, id))!, await this.hall(a.hall));
  }

  /** Moves a booking to another slot: the new place is taken first, then the old one given back. */
  async reschedule(principal: Principal, id: string, input: { day: string; start: string; window?: string }, ctx: RequestContext) {
    const a = await this.mine(principal, id);
    if (a.status !== 'booked' || Number(a.starts_at) <= this.p.now())
      throw new AppError('WD_ERR_CONFLICT', { zh: '只能改约尚未开始的预约', en: 'Only an appointment still to come can be moved' });
    const moved = await this.book(
      principal,
      { hall: a.hall, window: input.window ?? a.window, day: input.day, start: input.start, ...(a.item_code ? { item: a.item_code } : {}) },
      ctx,
    );
    await this.cancel(principal, id, ctx);
    return moved;
  }

  async list(principal: Principal) {
    const rows = await store.appointmentsOf(this.p.db, principal.id);
    const halls = new Map<string, Hall>();
    for (const r of rows) if (!halls.has(r.hall)) halls.set(r.hall, await this.hall(r.hall));
    return rows.map((r) => this.view(r, halls.get(r.hall)!));
  }

  /** The hall's staff mark an appointment attended (at the window, by the city code or the list). */
  async attend(principal: Principal, id: string, ctx: RequestContext) {
    const a = await store.appointment(this.p.db, id);
    if (!a) throw hiddenNotFound(APPOINTMENT, id);
    const h = await this.hall(a.hall);
    if (principal.scope.departments !== ALL && principal.department !== h.department) throw hiddenNotFound(APPOINTMENT, id);
    const now = this.p.now();
    if (!(await store.moveStatus(this.p.db, id, 'booked', 'attended', now)))
      throw new AppError('WD_ERR_CONFLICT', { zh: '预约不在待办状态', en: 'The appointment is not waiting' });
    await appendAudit(this.p.db, { ...actorOf(ctx), at: now, action: 'services.appointment_attended', targetType: 'appointment', targetId: id });
    return this.view((await store.appointment(this.p.db, id))!, h);
  }

  /** The day before: reminders by SMS; after a slot's end: no-shows. One turn of the job. */
  async sweep(): Promise<{ reminded: number; noShows: number }> {
    const now = this.p.now();
    let reminded = 0;
    for (const a of await store.toRemind(this.p.db, now, now + 24 * 3_600_000)) {
      if (!(await store.markReminded(this.p.db, a.id, now))) continue;
      const h = await this.hall(a.hall);
      const w = h.windows.find((x) => x.code === a.window);
      if (a.phone)
        await this.p.notifier
          .sendNow(
            'sms',
            a.phone,
            'services.appointment.reminder',
            `【${this.p.profile.name.zh}城市服务】提醒：您预约了${a.day} ${a.start}在${h.name.zh}${w?.name.zh ?? ''}办理，请准时到场；不能前往请提前取消。`,
          )
          .catch((err) => this.p.log.warn({ err, appointment: a.id }, 'appointment reminder not sent'));
      reminded++;
    }
    let noShows = 0;
    for (const a of await store.unattendedBefore(this.p.db, now - 60 * 60_000)) {
      if (await store.moveStatus(this.p.db, a.id, 'booked', 'no_show', now)) noShows++;
    }
    return { reminded, noShows };
  }

  private view(a: store.AppointmentRow, h: Hall) {
    const w = h.windows.find((x) => x.code === a.window);
    return {
      id: a.id,
      hall: { code: h.code, kind: h.kind, name: h.name, address: h.address },
      window: { code: a.window, name: w?.name ?? { zh: a.window, en: a.window } },
      day: a.day,
      start: a.start,
      item: a.item_code,
      application: a.application_id,
      status: a.status,
      remindedAt: a.reminded_at === null ? null : Number(a.reminded_at),
    };
  }
}
