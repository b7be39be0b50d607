/**
 * 全域旅游 for visitors: scenic areas with their live load from the sensing hub's visitor counters
 * (green, amber, red against the instantaneous capacity, LB/T 034-2014: a warning at 80 %, entry
 * restricted at 100 %), time-slot reservations within each slot's capacity (never overbooked, even
 * under concurrent requests: one conditional UPDATE takes the places), admission by the city
 * code at the gate, and visitors' complaints (旅游投诉), which enter the urban-management case loop
 * in the area's own grids and reach the tourism bureau.
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { seedList } from '../../platform/profile/seeds.js';
import { transaction } from '../../platform/storage/db.js';
import { type TelemetryStore, deviceRefs } from '../sensing/index.js';
import type { AccountService } from './accounts.js';
import * as store from './superapp.store.js';
import type { ReservationRow, ScenicAreaRow } from './superapp.tables.js';

export interface SlotPlan {
  start: string;
  end: string;
  capacity: number;
}

interface ScenicSeed {
  name: Text;
  district: string;
  grade?: string;
  lon: number;
  lat: number;
  capacityInstant: number;
  capacityDaily: number;
  device?: string;
  slots: SlotPlan[];
}

export type LoadLevel = 'green' | 'amber' | 'red' | 'unknown';

/** LB/T 034-2014 practice: warn at 80 % of capacity, restrict entry at 100 %. */
export function loadLevel(share: number | null): LoadLevel {
  if (share === null || !Number.isFinite(share)) return 'unknown';
  return share >= 1 ? 'red' : share >= 0.8 ? 'amber' : 'green';
}

/** Days ahead a slot can be booked (today included). */
export const BOOKING_DAYS = 7;
/** People one reservation may cover. */
export const MAX_PARTY = 5;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** What a complaint is about; the first words of the case's description. */
export const COMPLAINT_TOPICS: Record<string, Text> = {
  crowding: { zh: '景区拥挤', en: 'Crowding' },
  prices: { zh: '价格收费', en: 'Prices and charges' },
  service: { zh: '服务质量', en: 'Service' },
  safety: { zh: '安全隐患', en: 'Safety' },
  sanitation: { zh: '环境卫生', en: 'Sanitation' },
  other: { zh: '其他', en: 'Other' },
};

/** Files a report into the urban-management case loop (the urban module's report). */
export type CaseReporter = (
  input: { subcategory: string; location: { lon: number; lat: number }; address?: string; description: string; photos?: string[] },
  ctx: RequestContext & { principal: Principal },
) => Promise<{ id: string; state: string; unit: string | null }>;

export class ScenicService {
  constructor(
    private readonly p: Platform,
    private readonly accounts: AccountService,
    private readonly telemetry: Pick<TelemetryStore, 'latest'>,
    private readonly complaints: { report: CaseReporter; subcategory: string } | null = null,
  ) {}

  async seed(): Promise<void> {
    const now = this.p.now();
    for (const { id, ...s } of seedList<ScenicSeed>(this.p, 'scenic-areas')) {
      await store.insertScenicAreaIfAbsent(this.p.db, {
        code: id,
        name_zh: s.name.zh,
        name_en: s.name.en,
        district: s.district,
        grade: s.grade ?? null,
        lon: s.lon,
        lat: s.lat,
        capacity_instant: s.capacityInstant,
        capacity_daily: s.capacityDaily,
        device_id: s.device ?? null,
        slots: JSON.stringify(s.slots),
        synthetic: 1,
        updated_at: now,
      });
    }
  }

  private async today(): Promise<{ day: string; minutes: number }> {
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    const day = cal.localDate(now);
    return { day, minutes: Math.floor((now - cal.instantOf(day, 0)) / 60_000) };
  }

  /**
   * Every area with its live load (the visitor counter's latest reading against the capacity) and
   * the weather at the nearest weather station within 50 km (its readings of the last hour).
   */
  async areas() {
    const rows = await store.scenicAreas(this.p.db);
    const devices = await deviceRefs(this.p.db, { ids: rows.flatMap((r) => (r.device_id ? [r.device_id] : [])), enabledOnly: true });
    const stations = (await deviceRefs(this.p.db, { types: ['WeatherObserved'], enabledOnly: true })).filter((d) => d.lon !== null && d.lat !== null);
    const latest = await this.telemetry.latest([...devices.map((d) => d.seq), ...stations.map((d) => d.seq)]);
    const now = this.p.now();
    const weatherAt = (lon: number, lat: number) => {
      const km = (d: { lon: number | null; lat: number | null }) =>
        Math.hypot((Number(d.lon) - lon) * 111.32 * Math.cos((lat * Math.PI) / 180), (Number(d.lat) - lat) * 110.57);
      const near = stations
        .map((d) => ({ d, km: km(d) }))
        .filter((x) => x.km <= 50)
        .sort((a, b) => a.km - b.km)[0];
      if (!near) return null;
      const values = (latest.get(near.d.seq) ?? []).filter((v) => v.v !== null && now - v.ts < 3_600_000);
      const value = (attr: string) => {
        const v = values.find((x) => x.attr === attr);
        return v ? Number(v.v) : null;
      };
      if (!values.length) return null;
      return {
        station: near.d.name,
        km: Math.round(near.km),
        temperature: value('temperature'),
        precipitation: value('precipitation'),
        windSpeed: value('windSpeed'),
        at: Math.max(...values.map((v) => Number(v.ts))),
        simulated: near.d.simulated === 1,
      };
    };
    const { day } = await this.today();
    return Promise.all(
      rows.map(async (r) => {
        const dev = devices.find((d) => d.id === r.device_id);
        const inside = dev ? latest.get(dev.seq)?.find((v) => v.attr === 'visitorsInside') : undefined;
        // A reading older than 15 minutes says nothing about now.
        const fresh = inside && inside.v !== null && now - inside.ts < 15 * 60_000 ? inside : undefined;
        const share = fresh ? Number(fresh.v) / r.capacity_instant : null;
        const slots = await this.slots(r, day);
        const booked = slots.reduce((a, s) => a + s.booked, 0);
        return {
          code: r.code,
          name: { zh: r.name_zh, en: r.name_en },
          district: r.district,
          grade: r.grade,
          location: { lon: Number(r.lon), lat: Number(r.lat) },
          capacity: { instant: r.capacity_instant, daily: r.capacity_daily },
          load: { inside: fresh ? Number(fresh.v) : null, at: fresh ? Number(fresh.ts) : null, share, level: loadLevel(share) },
          today: { day, booked, left: slots.reduce((a, s) => a + s.left, 0) },
          weather: weatherAt(Number(r.lon), Number(r.lat)),
          synthetic: r.synthetic === 1,
        };
      }),
    );
  }

  private async area(code: string): Promise<ScenicAreaRow> {
    const r = await store.scenicArea(this.p.db, code);
    if (!r) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个景区', en: 'No such scenic area' });
    return r;
  }

  /**
   * A day's slots: the plan with what is booked; past ones marked closed. Reading writes nothing
   * (a slot nobody booked yet has its planned capacity); `open` makes the rows a booking updates.
   */
  private async slots(r: ScenicAreaRow, day: string, open = false) {
    const plan = JSON.parse(r.slots) as SlotPlan[];
    if (open)
      await store.openSlots(
        this.p.db,
        plan.map((s) => ({ area: r.code, day, start: s.start, capacity: s.capacity })),
      );
    const rows = await store.slotsOn(this.p.db, r.code, day);
    const { day: today, minutes } = await this.today();
    return plan.map((s) => {
      const row = rows.find((x) => x.start === s.start);
      const capacity = row?.capacity ?? s.capacity;
      const booked = row?.booked ?? 0;
      const closed = day < today || (day === today && minutes >= minutesOf(s.end));
      return { start: s.start, end: s.end, capacity, booked, left: Math.max(0, capacity - booked), open: !closed };
    });
  }

  private async bookable(day: string): Promise<boolean> {
    const cal = await this.p.calendar.get();
    const { day: today } = await this.today();
    const last = cal.localDate(cal.instantOf(today, 0) + (BOOKING_DAYS - 1) * 86_400_000);
    return /^\d{4}-\d{2}-\d{2}$/.test(day) && day >= today && day <= last;
  }

  async day(code: string, day: string) {
    const r = await this.area(code);
    if (!(await this.bookable(day)))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: `只能预约今天起 ${BOOKING_DAYS} 天内的时段`, en: `Slots open ${BOOKING_DAYS} days ahead, from today` },
        { errors: [{ pointer: '/querystring/day', detail: 'day' }] },
      );
    return { area: code, day, slots: await this.slots(r, day) };
  }

  private view(x: ReservationRow, r?: ScenicAreaRow) {
    return {
      id: x.id,
      area: { code: x.area, name: r ? { zh: r.name_zh, en: r.name_en } : { zh: x.area, en: x.area } },
      day: x.day,
      start: x.start,
      party: x.party,
      status: x.status as 'booked' | 'cancelled' | 'used',
      createdAt: Number(x.created_at),
    };
  }

  /**
   * Books places in a slot. The places are taken by one conditional UPDATE (booked + n ≤ capacity)
   * inside the transaction that records the reservation: concurrent requests for the last places
   * get exactly as many as there are. One reservation per person, area and day.
   */
  async reserve(principal: Principal, as: string | undefined, input: { area: string; day: string; start: string; party: number }, ctx: RequestContext) {
    const { account } = await this.accounts.acting(principal, as, 'bookings');
    const r = await this.area(input.area);
    if (!(await this.bookable(input.day)))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: `只能预约今天起 ${BOOKING_DAYS} 天内的时段`, en: `Slots open ${BOOKING_DAYS} days ahead, from today` },
        { errors: [{ pointer: '/body/day', detail: 'day' }] },
      );
    if (!Number.isInteger(input.party) || input.party < 1 || input.party > MAX_PARTY)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: `每次预约 1 至 ${MAX_PARTY} 人`, en: `A reservation covers 1 to ${MAX_PARTY} people` },
        { errors: [{ pointer: '/body/party', detail: 'party' }] },
      );
    const slot = (await this.slots(r, input.day, true)).find((s) => s.start === input.start);
    if (!slot) throw new AppError('WD_ERR_VALIDATION', { zh: '没有这个时段', en: 'No such slot' }, { errors: [{ pointer: '/body/start', detail: 'start' }] });
    if (!slot.open) throw new AppError('WD_ERR_UNPROCESSABLE', { zh: '该时段已结束，请选择其他时段', en: 'The slot is over; choose another' });
    const now = this.p.now();
    const row: ReservationRow = {
      id: newId('rsv', now),
      user_id: account.user_id,
      area: r.code,
      day: input.day,
      start: input.start,
      party: input.party,
      status: 'booked',
      created_at: now,
      updated_at: now,
    };
    await transaction(this.p.db, async (trx) => {
      if ((await store.bookedFor(trx, account.user_id, r.code, input.day)).length)
        throw new AppError('WD_ERR_CONFLICT', { zh: '您已预约该景区当日的参观，可先取消再改约', en: 'You have a booking here that day; cancel it to change' });
      if (!(await store.takePlaces(trx, r.code, input.day, input.start, input.party)))
        throw new AppError(
          'WD_ERR_CONFLICT',
          { zh: '该时段余量不足，请选择其他时段', en: 'Not enough places left in this slot; choose another' },
          { reason: 'full' },
        );
      await store.insertReservation(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'people.reserved',
        targetType: 'reservation',
        targetId: row.id,
        details: { area: r.code, day: input.day, start: input.start, party: input.party },
      });
      await store.notify(trx, {
        id: newId('ntc', now),
        user_id: account.user_id,
        kind: 'booking',
        ref: row.id,
        title_zh: `已预约${r.name_zh} ${input.day} ${input.start}`,
        title_en: `Booked ${r.name_en}, ${input.day} ${input.start}`,
        body_zh: `${input.party} 人，入园时出示城市码`,
        body_en: `${input.party} people; show your city code at the gate`,
        at: now,
        read_at: null,
      });
    });
    return this.view(row, r);
  }

  async mine(principal: Principal, as?: string) {
    const { account } = await this.accounts.acting(principal, as, 'bookings');
    const areas = new Map((await store.scenicAreas(this.p.db)).map((r) => [r.code, r]));
    return (await store.reservationsOf(this.p.db, account.user_id)).map((x) => this.view(x, areas.get(x.area)));
  }

  /** Cancels a booking before its slot ends; the places go back. */
  async cancel(principal: Principal, as: string | undefined, id: string, ctx: RequestContext) {
    const { account } = await this.accounts.acting(principal, as, 'bookings');
    const x = await store.getReservation(this.p.db, id);
    if (!x || x.user_id !== account.user_id) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个预约', en: 'No such reservation' });
    if (x.status !== 'booked') throw new AppError('WD_ERR_CONFLICT', { zh: '该预约已使用或已取消', en: 'The reservation was used or cancelled' });
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      if (!(await store.moveReservation(trx, id, 'booked', 'cancelled', now)))
        throw new AppError('WD_ERR_CONFLICT', { zh: '该预约已使用或已取消', en: 'The reservation was used or cancelled' });
      await store.givePlaces(trx, x.area, x.day, x.start, x.party);
      await appendAudit(trx, { ...actorOf(ctx), at: now, action: 'people.reservation_cancelled', targetType: 'reservation', targetId: id });
    });
    return this.view({ ...x, status: 'cancelled', updated_at: now }, await store.scenicArea(this.p.db, x.area));
  }

  /**
   * At the gate (a scan point that reveals bookings): the holder's booking for today at this
   * area, marked used; null when there is none.
   */
  async admit(userId: string, area: string, ctx: RequestContext): Promise<{ id: string; start: string; party: number } | null> {
    const { day } = await this.today();
    const x = (await store.bookedFor(this.p.db, userId, area, day))[0];
    if (!x) return null;
    const now = this.p.now();
    if (!(await store.moveReservation(this.p.db, x.id, 'booked', 'used', now))) return null;
    await appendAudit(this.p.db, { ...actorOf(ctx), at: now, action: 'people.admitted', targetType: 'reservation', targetId: x.id, details: { area } });
    return { id: x.id, start: x.start, party: x.party };
  }

  /**
   * A visitor's complaint about a scenic area (旅游投诉): a case of the complaints subcategory at the
   * area's place, filed by the signed-in person, who follows it in 随手拍 and My city like any report.
   */
  async complain(
    principal: Principal,
    area: string,
    input: { topic: string; description: string; photos?: string[] },
    ctx: RequestContext,
  ): Promise<{ id: string; state: string; unit: string | null }> {
    await this.accounts.acting(principal, undefined, 'bookings');
    if (!this.complaints) throw new AppError('WD_ERR_UNPROCESSABLE', { zh: '本市未开通景区投诉', en: 'Scenic-area complaints are not open in this city' });
    const r = await this.area(area);
    const topic = COMPLAINT_TOPICS[input.topic];
    if (!topic)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '没有这个投诉类型', en: 'No such complaint topic' },
        { errors: [{ pointer: '/body/topic', detail: 'topic' }] },
      );
    const text = input.description.trim();
    if (!text)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '请描述投诉的问题', en: 'Describe the problem' },
        { errors: [{ pointer: '/body/description', detail: 'description' }] },
      );
    return this.complaints.report(
      {
        subcategory: this.complaints.subcategory,
        location: { lon: Number(r.lon), lat: Number(r.lat) },
        address: r.name_zh,
        description: `【${topic.zh}】${text}`,
        ...(input.photos?.length ? { photos: input.photos } : {}),
      },
      { ...ctx, principal },
    );
  }
}
