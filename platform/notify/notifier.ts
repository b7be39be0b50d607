/**
 * Notifications, for any module and any subject (alerts, incidents' tasks, cases, applications).
 *
 * A module registers the kinds of subject it notifies about (`registerSubject`: how a message
 * reads, what to record when it finally fails) and queues messages inside the transaction that
 * changes the subject (`queue`): one row per enabled endpoint of each department that takes that
 * severity and audience. Whichever process claims a row (a lease, `claimDue`) delivers it through
 * its channel, retries with backoff and finally marks it failed, so a failing channel never blocks
 * the change that caused the message and nothing is lost in a crash. In-app delivery is each
 * module's live push stream, not this service.
 */
import type { Text } from '../i18n/index.js';
import type { Transaction } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { checkEgressUrl } from '../http/egress.js';
import { newId } from '../ids.js';
import { claimDue } from '../storage/claims.js';
import { type Db, json } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { type Channel, type ChannelName, DevelopmentMailer, DevelopmentSmsGateway, EMAIL, PHONE, WebhookChannel, maskAddress } from './channels.js';
import * as store from './notify.store.js';
import type { EndpointRow, NotificationRow } from './notify.store.js';

/** Backoff before attempt n+1 (ms); after the last, the message is failed. */
export const RETRY_BACKOFF_MS = [10_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/** What the service needs to know about a kind of subject. */
export interface SubjectKind {
  /** The text of a message (the SMS, the e-mail's subject line). */
  text(m: NotificationRow, payload: Record<string, unknown>): string;
  /** What to record when a message finally fails (on the subject's timeline, say). */
  failed?(m: NotificationRow, attempts: number, error: string): Promise<void>;
}

/** A message to queue: the department whose endpoints receive it, and what it says. */
export interface QueuedMessage {
  department: string;
  payload: Record<string, unknown>;
}

export interface Queue {
  /** A registered subject kind. */
  subject: string;
  subjectId: string;
  /** Severity 1 (Ⅰ, most severe) to 4 (Ⅳ): endpoints take messages up to their `min_level`. */
  level: number;
  /** null: ordinary messages (endpoints without roles); a role: an escalation to that role's endpoints. */
  role: string | null;
  event: string;
  messages: QueuedMessage[];
}

export interface NotifierDeps {
  db: Db;
  log: { warn(o: object, msg: string): void; error(o: object, msg: string): void };
  /** Read at every use: a test may replace the platform's clock. */
  now: () => number;
}

export interface NotifierOptions {
  /** Where webhooks may go (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE); https to public addresses only by default. */
  egress?: { allowHttp: boolean; allowPrivate: boolean };
  channels?: Partial<Record<ChannelName, Channel>>;
  backoffMs?: number[];
  leaseMs?: number;
}

/** An endpoint as users see it: the address masked, the secret never. */
export function endpointView(e: EndpointRow) {
  return {
    id: e.id,
    department: e.department_code,
    channel: e.channel as ChannelName,
    address: maskAddress(e.channel, e.address),
    minLevel: e.min_level,
    roles: json.parse<string[] | null>(e.roles, null),
    enabled: e.enabled === 1,
    hasSecret: !!e.secret,
  };
}
export type EndpointView = ReturnType<typeof endpointView>;

export class Notifier {
  private readonly channels: Partial<Record<ChannelName, Channel>>;
  private readonly backoff: number[];
  private readonly leaseMs: number;
  private readonly sent: Counter<'channel' | 'outcome'>;
  private readonly subjects = new Map<string, SubjectKind>();
  /** Where webhooks may go; endpoint registration checks addresses against the same rules. */
  readonly egress: { allowHttp: boolean; allowPrivate: boolean };

  constructor(
    private readonly deps: NotifierDeps,
    opts: NotifierOptions = {},
  ) {
    this.egress = { ...(opts.egress ?? { allowHttp: false, allowPrivate: false }) };
    this.channels = {
      webhook: new WebhookChannel(this.egress, deps.log),
      sms: new DevelopmentSmsGateway(deps),
      email: new DevelopmentMailer(deps),
      ...opts.channels,
    };
    this.backoff = opts.backoffMs ?? RETRY_BACKOFF_MS;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.sent = new Counter({
      name: 'wudang_notifications_total',
      help: 'Notifications (alerts, tasks, …) by channel and outcome (sent, retry, failed)',
      labelNames: ['channel', 'outcome'],
      registers: [],
    });
  }

  /** Exposes the delivery counter on the platform's metrics. */
  registerMetrics(registry: Registry): void {
    registry.registerMetric(this.sent);
  }

  /** A kind of subject this service delivers messages about; a module registers its own at start. */
  registerSubject(kind: string, handler: SubjectKind): void {
    if (!/^[a-z][a-z0-9_]{0,15}$/.test(kind)) throw new Error(`a subject kind is 1-16 lowercase letters, digits or _: ${kind}`);
    this.subjects.set(kind, handler);
  }

  /**
   * Inside the caller's transaction: one message per enabled endpoint of each message's department
   * that takes this level (`min_level`) and this audience (no `roles` for ordinary messages; the
   * role for an escalation). Returns how many were queued. Never a query on the service's own
   * connection: on SQLite the caller's transaction holds the only one.
   */
  async queue(trx: Transaction<Database>, o: Queue): Promise<number> {
    if (!this.subjects.has(o.subject)) throw new Error(`notifications: subject kind ${o.subject} is not registered`);
    if (o.messages.length === 0) return 0;
    const endpoints = await store.endpointsFor(trx, [...new Set(o.messages.map((m) => m.department))], o.level);
    const now = this.deps.now();
    const rows = o.messages.flatMap((msg) =>
      endpoints
        .filter((e) => {
          if (e.department_code !== msg.department) return false;
          const roles = json.parse<string[] | null>(e.roles, null);
          return o.role === null ? roles === null : roles?.includes(o.role);
        })
        .map((e) => ({
          id: newId('ntf', now),
          subject: o.subject,
          subject_id: o.subjectId,
          endpoint_id: e.id,
          channel: e.channel,
          department_code: e.department_code,
          address: e.address,
          event: o.event,
          payload: JSON.stringify({ event: o.event, ...msg.payload, ...(o.role ? { escalatedTo: o.role } : {}), at: now }),
          status: 'pending',
          attempts: 0,
          next_at: now,
          claimed_until: null,
          last_error: null,
          created_at: now,
          sent_at: null,
        })),
    );
    await store.insertNotifications(trx, rows);
    return rows.length;
  }

  /** Delivers due messages; safe in several processes. Returns how many were handled. */
  async deliverDue(limit = 100): Promise<number> {
    const { db, now } = this.deps;
    const due = await claimDue<NotificationRow>(db, {
      table: 'notifications',
      key: 'id',
      dueColumn: 'next_at',
      now: now(),
      leaseMs: this.leaseMs,
      limit,
      pending: (eb) => eb('status', '=', 'pending'),
    });
    await Promise.all(due.map((m) => this.deliverOne(m)));
    return due.length;
  }

  private async deliverOne(m: NotificationRow): Promise<void> {
    const { db, now } = this.deps;
    const channel = this.channels[m.channel as ChannelName];
    const endpoint = m.endpoint_id ? await store.getEndpoint(db, m.endpoint_id) : undefined;
    // An endpoint removed since the message was queued: nothing more goes to it.
    if (m.endpoint_id && !endpoint) {
      await store.settleNotification(db, m.id, { status: 'cancelled' });
      return;
    }
    const payload = json.parse<Record<string, unknown>>(m.payload, {});
    const kind = this.subjects.get(m.subject);
    try {
      if (!kind) throw new Error(`no module in this process handles ${m.subject} messages`);
      const text = kind.text(m, payload);
      if (!channel) throw new Error(`no ${m.channel} channel is configured`);
      await channel.send({
        id: m.id,
        channel: m.channel as ChannelName,
        address: m.address,
        secret: endpoint?.secret ?? null,
        event: m.event,
        subject: text,
        text,
        payload,
      });
      await store.settleNotification(db, m.id, { status: 'sent', attempts: m.attempts + 1, sent_at: now(), last_error: null });
      this.sent.inc({ channel: m.channel, outcome: 'sent' });
    } catch (err) {
      const attempts = m.attempts + 1;
      const failed = attempts > this.backoff.length;
      await store.settleNotification(db, m.id, {
        status: failed ? 'failed' : 'pending',
        attempts,
        next_at: failed ? m.next_at : now() + this.backoff[attempts - 1]!,
        last_error: (err as Error).message.slice(0, 1000),
      });
      this.sent.inc({ channel: m.channel, outcome: failed ? 'failed' : 'retry' });
      if (failed) await kind?.failed?.(m, attempts, (err as Error).message);
    }
  }

  // ---- endpoints ----

  /**
   * Sends one message at once through a channel, bypassing the queue: for what is useless late and
   * must not be retried after it expires (a one-time sign-in code). Throws when the channel refuses.
   */
  async sendNow(channel: ChannelName, address: string, event: string, text: string, subject = ''): Promise<void> {
    const c = this.channels[channel];
    if (!c) throw new Error(`no ${channel} channel is configured`);
    try {
      await c.send({ id: newId('ntf', this.deps.now()), channel, address, secret: null, event, subject, text, payload: {} });
      this.sent.inc({ channel, outcome: 'sent' });
    } catch (err) {
      this.sent.inc({ channel, outcome: 'failed' });
      throw err;
    }
  }

  /** Why an address cannot be an endpoint of this channel, or undefined when it can. */
  addressProblem(channel: ChannelName, address: string): Text | undefined {
    if (channel === 'webhook') return checkEgressUrl(address, this.egress);
    if (channel === 'sms' && !PHONE.test(address)) return { zh: '须为手机号码', en: 'a phone number' };
    if (channel === 'email' && !EMAIL.test(address)) return { zh: '须为电子邮件地址', en: 'an e-mail address' };
    return undefined;
  }

  listEndpoints(departments: '*' | readonly string[]): Promise<EndpointRow[]> {
    return store.listEndpoints(this.deps.db, departments);
  }

  getEndpoint(id: string): Promise<EndpointRow | undefined> {
    return store.getEndpoint(this.deps.db, id);
  }

  async addEndpoint(trx: Transaction<Database>, row: EndpointRow): Promise<void> {
    await store.insertEndpoint(trx, row);
  }

  /** Removes an endpoint and cancels what is still queued for it; returns how many were cancelled. */
  async removeEndpoint(trx: Transaction<Database>, id: string): Promise<number> {
    await store.deleteEndpoint(trx, id);
    return store.cancelForEndpoint(trx, id);
  }

  // ---- reading ----

  /** The messages about one subject, addresses masked. */
  async forSubject(subject: string, id: string) {
    const rows = await store.notificationsFor(this.deps.db, subject, id);
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      department: r.department_code,
      address: maskAddress(r.channel, r.address),
      event: r.event,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    }));
  }

  /** What the development SMS gateway and mailer would have sent, newest first. */
  devOutbox(limit: number) {
    return store.listDevOutbox(this.deps.db, limit);
  }
}
