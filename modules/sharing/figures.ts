/**
 * The sharing centre's figures for the operations screen (the indicator library's `sharing`
 * source): published resources, requests under way, the share handled on time, gateway calls today,
 * each with a breakdown by department.
 */
import type { Platform } from '../../platform/context.js';

export type SharingMeasure = 'resources' | 'open_requests' | 'requests_on_time' | 'calls_today';
export const SHARING_MEASURES: readonly SharingMeasure[] = ['resources', 'open_requests', 'requests_on_time', 'calls_today'];

export interface SharingFigure {
  value: number | null;
  /** By department: the provider (resources, requests) or the consumer (calls). */
  byDepartment: Map<string, number>;
  /** How many records the value stands on. */
  basis: number;
}

const OPEN = ['compliance_review', 'provider_review', 'provider_refused', 'negotiation', 'arbitration'];
/** Requests counted for the on-time share: those made in the last 30 days. */
const ON_TIME_WINDOW_MS = 30 * 86_400_000;

export class SharingFigures {
  constructor(private readonly p: Platform) {}

  async figure(measure: SharingMeasure, at: number): Promise<SharingFigure> {
    const db = this.p.db;
    const per = new Map<string, number>();
    const add = (k: string | null, n = 1) => per.set(k ?? '—', (per.get(k ?? '—') ?? 0) + n);
    if (measure === 'resources') {
      const rows = await db
        .selectFrom('sharing_resources')
        .select((eb) => ['provider', eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'published')
        .groupBy('provider')
        .execute();
      for (const r of rows) add(r.provider, Number(r.n));
      const total = rows.reduce((a, r) => a + Number(r.n), 0);
      return { value: total, byDepartment: per, basis: total };
    }
    if (measure === 'open_requests') {
      const rows = await db
        .selectFrom('sharing_requests')
        .select((eb) => ['provider', eb.fn.countAll<number>().as('n')])
        .where('state', 'in', OPEN)
        .groupBy('provider')
        .execute();
      for (const r of rows) add(r.provider, Number(r.n));
      const total = rows.reduce((a, r) => a + Number(r.n), 0);
      return { value: total, byDepartment: per, basis: total };
    }
    if (measure === 'requests_on_time') {
      const rows = await db
        .selectFrom('sharing_requests')
        .select(['provider', 'late_steps'])
        .where('created_at', '>=', at - ON_TIME_WINDOW_MS)
        .execute();
      const byProvider = new Map<string, [number, number]>();
      for (const r of rows) {
        const [ok, all] = byProvider.get(r.provider) ?? [0, 0];
        byProvider.set(r.provider, [ok + (Number(r.late_steps) === 0 ? 1 : 0), all + 1]);
      }
      for (const [k, [ok, all]] of byProvider) per.set(k, (100 * ok) / all);
      const ok = rows.filter((r) => Number(r.late_steps) === 0).length;
      return { value: rows.length ? (100 * ok) / rows.length : null, byDepartment: per, basis: rows.length };
    }
    const day = (await this.p.calendar.get()).localDate(at);
    const rows = await db
      .selectFrom('sharing_calls')
      .select((eb) => ['consumer', eb.fn.countAll<number>().as('n')])
      .where('day', '=', day)
      .groupBy('consumer')
      .execute();
    for (const r of rows) add(r.consumer, Number(r.n));
    const total = rows.reduce((a, r) => a + Number(r.n), 0);
    return { value: total, byDepartment: per, basis: total };
  }
}
