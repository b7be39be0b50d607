/**
 * 我的城市: the person's own timeline (reports, bookings, shares, scans, notifications; the
 * applications and payments of government services join it when that module lands), "who used my
 * data" from the data sharing centre (数据使用记录), the city's warnings for their district (alerts
 * whose rule tells the public), and the inbox those warnings reach when the person asked for them.
 */
import type { Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { listDepartments } from '../identity/index.js';
import type { GatewayService, RecordReader } from '../sharing/index.js';
import type { UrbanService } from '../urban/index.js';
import type { PublicAlerts } from '../warning/index.js';
import type { AccountService } from './accounts.js';
import type { CityCodeService } from './citycode.js';
import type { ScenicService } from './scenic.js';
import * as store from './superapp.store.js';
import type { WalletService } from './wallet.js';

export interface TimelineItem {
  kind: 'report' | 'booking' | 'share' | 'scan' | 'notification' | 'application' | 'payment' | 'appointment';
  at: number;
  title: Text;
  detail: Text | null;
  ref: string;
  state: string | null;
}

/** More of a person's timeline, from a module the super app does not know (government services). */
export type TimelineSource = (principal: Principal, as: string | undefined) => Promise<TimelineItem[]>;

export class MyCityService {
  private readonly sources: TimelineSource[] = [];

  /** Adds a module's items (applications, payments, appointments) to every person's timeline. */
  addSource(source: TimelineSource): void {
    this.sources.push(source);
  }

  constructor(
    private readonly p: Platform,
    private readonly accounts: AccountService,
    private readonly deps: {
      gateway: Pick<GatewayService, 'dataUse'>;
      records: Pick<RecordReader, 'fields'>;
      alerts: PublicAlerts;
      urban: Pick<UrbanService, 'list' | 'view'>;
      scenic: Pick<ScenicService, 'mine'>;
      wallet: Pick<WalletService, 'shares'>;
      citycode: Pick<CityCodeService, 'scansOf'>;
    },
  ) {}

  /** Listens for alerts told to the public and notifies the residents of the district who asked. */
  async start(): Promise<void> {
    await this.p.bus.subscribe(
      'alert.raised',
      async (e) => {
        const [w] = await this.deps.alerts.publicAlerts(undefined, e.data.id);
        if (!w) return;
        const targets = w.district ? await store.warnedIn(this.p.db, w.district) : [];
        const now = this.p.now();
        for (const t of targets)
          await store.notify(this.p.db, {
            id: newId('ntc', now),
            user_id: t.user_id,
            kind: 'warning',
            ref: w.id,
            title_zh: w.title.zh,
            title_en: w.title.en,
            body_zh: w.advice.zh,
            body_en: w.advice.en,
            at: now,
            read_at: null,
          });
      },
      { group: 'superapp-warnings' },
    );
  }

  /** Warnings for the person's district (or the district asked for, e.g. where they are travelling). */
  async warnings(principal: Principal, district?: string) {
    const a = await this.accounts.account(principal);
    return this.deps.alerts.publicAlerts(district ?? a.district);
  }

  /** 谁用了我的数据: which departments read the person's records through the gateway, for what. */
  async dataUse(principal: Principal, as: string | undefined, ctx: RequestContext) {
    const { account } = await this.accounts.acting(principal, as, 'data');
    const names = new Map((await listDepartments(this.p.db)).map((d) => [d.code, { zh: d.name_zh, en: d.name_en }]));
    const entries = await this.deps.gateway.dataUse(account.subject, ctx);
    const label = (dataset: string | null, key: string): Text =>
      (dataset ? this.deps.records.fields(dataset)?.find((f) => f.key === key)?.name : undefined) ?? { zh: key, en: key };
    return entries.map((e) => ({
      ...e,
      clearNames: e.itemsClear.map((k) => label(e.dataset, k)),
      maskedNames: e.itemsMasked.map((k) => label(e.dataset, k)),
      consumerName: (e.consumer && names.get(e.consumer)) ?? { zh: e.consumer ?? '', en: e.consumer ?? '' },
      providerName: (e.provider && names.get(e.provider)) ?? { zh: e.provider ?? '', en: e.provider ?? '' },
    }));
  }

  async notifications(principal: Principal, before?: number) {
    const a = await this.accounts.account(principal);
    const rows = await store.notificationsOf(this.p.db, a.user_id, 100, before);
    return rows.map((n) => ({
      id: n.id,
      kind: n.kind,
      ref: n.ref,
      title: { zh: n.title_zh, en: n.title_en },
      body: n.body_zh === null ? null : { zh: n.body_zh, en: n.body_en ?? n.body_zh },
      at: Number(n.at),
      read: n.read_at !== null,
    }));
  }

  async markRead(principal: Principal, ids: string[] | 'all') {
    const a = await this.accounts.account(principal);
    await store.markRead(this.p.db, a.user_id, ids, this.p.now());
  }

  /** Everything the person did and that happened to them, newest first. */
  async timeline(principal: Principal, as: string | undefined): Promise<TimelineItem[]> {
    const { account, agent } = await this.accounts.acting(principal, as, 'data');
    const items: TimelineItem[] = [];
    if (!agent) {
      const cases = await this.deps.urban.list(principal, { limit: 100, offset: 0 });
      for (const c of cases) {
        const v = this.deps.urban.view(c, principal);
        items.push({
          kind: 'report',
          at: v.closedAt ?? v.handledAt ?? v.dispatchedAt ?? v.filedAt ?? v.reportedAt,
          title: { zh: `随手拍：${v.subcategoryName.zh}`, en: `Report: ${v.subcategoryName.en}` },
          detail: v.stateLabel,
          ref: v.id,
          state: v.state,
        });
      }
    }
    for (const b of await this.deps.scenic.mine(principal, as))
      items.push({
        kind: 'booking',
        at: b.createdAt,
        title: { zh: `预约 ${b.area.name.zh} ${b.day} ${b.start}`, en: `Booking: ${b.area.name.en}, ${b.day} ${b.start}` },
        detail: { zh: `${b.party} 人`, en: `${b.party} people` },
        ref: b.id,
        state: b.status,
      });
    for (const s of await this.deps.wallet.shares(principal, as))
      items.push({
        kind: 'share',
        at: s.createdAt,
        title: { zh: `向${s.grantee.name}分享证照`, en: `Licences shared with ${s.grantee.name}` },
        detail: { zh: s.purpose, en: s.purpose },
        ref: s.id,
        state: s.status,
      });
    for (const s of await this.deps.citycode.scansOf(principal, as))
      items.push({
        kind: 'scan',
        at: s.at,
        title: { zh: `城市码在「${s.point.name.zh}」被扫描`, en: `City code scanned at ${s.point.name.en}` },
        detail: null,
        ref: s.id,
        state: s.verdict,
      });
    if (!agent)
      for (const n of await store.notificationsOf(this.p.db, account.user_id, 100))
        if (n.kind === 'warning' || n.kind === 'agent')
          items.push({
            kind: 'notification',
            at: Number(n.at),
            title: { zh: n.title_zh, en: n.title_en },
            detail: n.body_zh === null ? null : { zh: n.body_zh, en: n.body_en ?? n.body_zh },
            ref: n.ref,
            state: n.read_at === null ? 'unread' : 'read',
          });
    for (const source of this.sources) items.push(...(await source(principal, as)));
    return items.sort((a, b) => b.at - a.at).slice(0, 300);
  }
}
