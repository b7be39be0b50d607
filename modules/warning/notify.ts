/**
 * Notification of alerts, and escalation of alerts nobody acknowledges.
 *
 * Channels sit behind one interface: a webhook signed with HMAC-SHA256, and SMS and e-mail,
 * whose development implementations write to an inspectable outbox (`dev_outbox`) instead of a
 * gateway. Each message is a row written in the same transaction as the alert change, delivered
 * by whichever process claims it (a lease), retried with backoff and finally marked failed, so a
 * failing channel never blocks evaluation and nothing is lost in a crash. In-app delivery is the
 * live push stream (alert events on the bus).
 */
import { createHmac } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { EgressRefused, type EgressPolicy, STRICT_EGRESS, egressPost } from '../../platform/http/egress.js';
import { newId } from '../../platform/ids.js';
import { getSetting, json, putSetting, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { NotificationTable } from './warning.tables.js';
import type { Platform } from '../../platform/context.js';
import type { AlertRow, Recipient } from './alert.model.js';
import { LEVELS } from './rules.js';
import { claimDue } from '../../platform/storage/claims.js';
import * as store from './notify.store.js';
import { getAlert, insertAlertEvent } from './alerts.store.js';

export type ChannelName = 'webhook' | 'sms' | 'email';

export interface Delivery {
  id: string;
  channel: ChannelName;
  address: string;
  secret: string | null;
  event: string;
  subject: string;
  text: string;
  payload: Record<string, unknown>;
}

/** A way of reaching people. `send` resolves once the message is accepted and throws otherwise. */
export interface Channel {
  readonly name: ChannelName;
  send(d: Delivery): Promise<void>;
}

/** Signs the body: `X-Wudang-Signature: sha256=<hex HMAC of "<timestamp>.<body>">`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;
  constructor(
    private readonly policy: EgressPolicy = STRICT_EGRESS,
    private readonly log?: { warn(o: object, msg: string): void },
    private readonly timeoutMs = 5_000,
  ) {}

  /**
   * Delivers under the egress policy (platform/http/egress.ts). What is recorded for the user is
   * generic, so an endpoint cannot be used to map what answers where; the detail goes to the log.
   */
  async send(d: Delivery): Promise<void> {
    const body = JSON.stringify(d.payload);
    const timestamp = String(Date.now());
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Wudang-Webhook/1',
      'x-wudang-event': d.event,
      'x-wudang-delivery': d.id,
      'x-wudang-timestamp': timestamp,
      ...(d.secret ? { 'x-wudang-signature': signWebhook(d.secret, timestamp, body) } : {}),
    };
    let status: number;
    try {
      status = (await egressPost(d.address, headers, body, { policy: this.policy, timeoutMs: this.timeoutMs })).status;
    } catch (err) {
      this.log?.warn({ delivery: d.id, err: (err as Error).message }, 'webhook delivery failed');
      throw new Error(err instanceof EgressRefused ? 'refused: the address is not allowed' : 'delivery failed: the endpoint could not be reached');
    }
    if (status < 200 || status >= 300) {
      this.log?.warn({ delivery: d.id, status }, 'webhook endpoint did not accept the delivery');
      throw new Error('delivery failed: the endpoint did not accept it');
    }
  }
}

/**
 * Development SMS gateway: writes the text message to `dev_outbox` (GET /api/dev/outbox) and
 * sends nothing. A city plugs its operator's gateway in behind the same interface.
 */
export class DevelopmentSmsGateway implements Channel {
  readonly name = 'sms' as const;
  constructor(private readonly p: Platform) {}
  async send(d: Delivery): Promise<void> {
    if (!/^\+?[0-9]{6,15}$/.test(d.address)) throw new Error(`not a phone number: ${d.address}`);
    await store.writeDevOutbox(this.p.db, {
      id: newId('dvo', this.p.now()),
      channel: 'sms',
      address: d.address,
      subject: null,
      body: d.text.slice(0, 500),
      at: this.p.now(),
    });
  }
}

/** Development e-mail: writes the message to `dev_outbox` and sends nothing. */
export class DevelopmentMailer implements Channel {
  readonly name = 'email' as const;
  constructor(private readonly p: Platform) {}
  async send(d: Delivery): Promise<void> {
    if (!/^[^@\s]+@[^@\s]+$/.test(d.address)) throw new Error(`not an e-mail address: ${d.address}`);
    await store.writeDevOutbox(this.p.db, {
      id: newId('dvo', this.p.now()),
      channel: 'email',
      address: d.address,
      subject: d.subject,
      body: d.text,
      at: this.p.now(),
    });
  }
}

/** Minutes after raising (per level) until each escalation stage, and whom each stage reaches. */
export interface EscalationPolicy {
  /** Level → minutes to stage 1 (department leaders) and stage 2 (duty officers). */
  afterMinutes: Record<'1' | '2' | '3' | '4', [number, number]>;
  roles: [string, string];
}

export const DEFAULT_ESCALATION: EscalationPolicy = {
  afterMinutes: { '1': [5, 15], '2': [10, 30], '3': [30, 60], '4': [60, 120] },
  roles: ['dept_leader', 'duty_officer'],
};

const POLICY_KEY = 'warning.escalation';

/** Backoff before attempt n+1 (ms); after the last, the message is failed. */
export const RETRY_BACKOFF_MS = [10_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'alert.escalated': { id: string; stage: number; role: string; departments: string[]; level: number; district: string | null };
  }
}

type NotificationRow = Selectable<NotificationTable>;

/**
 * What the notifier needs to know about a kind of subject (an alert, an incident): the text of a
 * message, and what to record when a message finally fails.
 */
export interface SubjectHandler {
  text(m: NotificationRow, payload: Record<string, unknown>): string;
  failed(m: NotificationRow, attempts: number, error: string): Promise<void>;
}

/** A message to queue: the department whose endpoints receive it, and what it says. */
export interface QueuedMessage {
  department: string;
  payload: Record<string, unknown>;
}

export interface NotifierOptions {
  /** Where webhooks may go (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE); https to public addresses only by default. */
  egress?: { allowHttp: boolean; allowPrivate: boolean };
  /** Notify about alerts of simulated devices too (SIMULATE); they only show on screens otherwise. */
  notifySimulated?: boolean;
  channels?: Partial<Record<ChannelName, Channel>>;
  backoffMs?: number[];
  leaseMs?: number;
  registry?: Registry;
}

export class Notifier {
  private readonly channels: Partial<Record<ChannelName, Channel>>;
  private readonly backoff: number[];
  private readonly leaseMs: number;
  private policy: { at: number; value: EscalationPolicy } | undefined;
  private readonly sent: Counter<'channel' | 'outcome'>;
  private readonly subjects = new Map<string, SubjectHandler>();
  /** Called after an escalation so the alert service can announce it. */
  onEscalated: ((alert: AlertRow, stage: number, role: string, departments: string[]) => Promise<void>) | undefined;

  /** Where webhooks may go; endpoint registration checks addresses against the same rules. */
  readonly egress: { allowHttp: boolean; allowPrivate: boolean };
  private readonly notifySimulated: boolean;

  constructor(
    private readonly p: Platform,
    opts: NotifierOptions = {},
  ) {
    this.egress = { ...(opts.egress ?? { allowHttp: false, allowPrivate: false }) };
    this.notifySimulated = opts.notifySimulated ?? false;
    this.channels = {
      webhook: new WebhookChannel(this.egress, p.log),
      sms: new DevelopmentSmsGateway(p),
      email: new DevelopmentMailer(p),
      ...opts.channels,
    };
    this.backoff = opts.backoffMs ?? RETRY_BACKOFF_MS;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.sent = new Counter({
      name: 'wudang_notifications_total',
      help: 'Alert notifications by channel and outcome (sent, retry, failed)',
      labelNames: ['channel', 'outcome'],
      registers: opts.registry ? [opts.registry] : [],
    });
    this.subjects.set('alert', {
      text: (_m, payload) => {
        const alert = payload.alert as { title: { zh: string }; levelLabel: { zh: string } };
        return `【${this.p.profile.signatures.alerts}】${alert.levelLabel.zh} ${alert.title.zh}（${eventZh(String(payload.event))}）`;
      },
      failed: async (m, attempts, error) => {
        await insertAlertEvent(this.p.db, {
          id: newId('ale', this.p.now()),
          alert_id: m.alert_id,
          at: this.p.now(),
          actor_id: null,
          actor_name: 'system',
          action: 'notify_failed',
          level: null,
          comment: `${m.channel} to ${m.department_code} failed after ${attempts} attempts: ${error}`.slice(0, 2000),
          data: JSON.stringify({ notification: m.id }),
        });
      },
    });
  }

  /** Another kind of subject whose messages this notifier delivers (emergency command's incidents). */
  registerSubject(name: string, handler: SubjectHandler): void {
    this.subjects.set(name, handler);
  }

  /**
   * Inside the caller's transaction: one message per enabled endpoint of each message's department
   * that takes this level (`min_level`) and this audience (no `roles` for ordinary messages; the
   * role for an escalation). Returns how many were queued.
   */
  async queue(
    trx: Transaction<Database>,
    o: { subject: string; subjectId: string; level: number; role: string | null; event: string; messages: QueuedMessage[] },
  ): Promise<number> {
    if (o.messages.length === 0) return 0;
    const endpoints = await store.endpointsFor(trx, [...new Set(o.messages.map((m) => m.department))], o.level);
    const now = this.p.now();
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
          alert_id: o.subjectId,
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

  /** Loads the policy if it is not cached; call before opening the transaction that calls onChange. */
  async prepare(): Promise<void> {
    await this.escalationPolicy();
  }

  async escalationPolicy(): Promise<EscalationPolicy> {
    const now = this.p.now();
    if (this.policy && now - this.policy.at < 30_000) return this.policy.value;
    const value = await getSetting<EscalationPolicy>(this.p.db, POLICY_KEY, DEFAULT_ESCALATION);
    this.policy = { at: now, value };
    return value;
  }

  async setEscalationPolicy(policy: EscalationPolicy, by: string | null): Promise<void> {
    await putSetting(this.p.db, POLICY_KEY, policy, this.p.now(), by);
    this.policy = undefined;
  }

  /**
   * Inside the alert's transaction: messages for the change, and the escalation timers.
   * `event` is raised, reopened, level_raised, level_lowered, acknowledged, resolved, closed, cleared.
   */
  async onChange(trx: Transaction<Database>, a: AlertRow, event: string, quiet: boolean): Promise<void> {
    const now = this.p.now();
    if (event === 'raised' || event === 'reopened' || event === 'level_raised') {
      await store.closeTimers(trx, a.id, now);
      if (!a.simulated || this.notifySimulated) {
        // Never a query on p.db here: on SQLite the caller's transaction holds the only connection.
        const policy = this.policy?.value ?? DEFAULT_ESCALATION;
        const [m1, m2] = policy.afterMinutes[String(a.level) as '1'] ?? DEFAULT_ESCALATION.afterMinutes['4'];
        await store.insertTimers(trx, [
          { id: newId('alt', now), alert_id: a.id, stage: 1, due_at: now + m1 * 60_000, done_at: null, claimed_until: null },
          { id: newId('alt', now), alert_id: a.id, stage: 2, due_at: now + m2 * 60_000, done_at: null, claimed_until: null },
        ]);
      }
      // A flapping alert's comings and goings are on its timeline, not on everyone's phone.
      if (!quiet) await this.enqueue(trx, a, event, null);
    } else if (event === 'acknowledged' || event === 'resolved' || event === 'closed' || event === 'cleared') {
      await store.closeTimers(trx, a.id, now);
      if (event !== 'acknowledged') await this.enqueue(trx, a, event, null);
    }
  }

  /** Messages to the endpoints of the alert's recipients (or, for an escalation, those of a role). */
  private async enqueue(trx: Transaction<Database>, a: AlertRow, event: string, role: string | null): Promise<number> {
    const recipients = json.parse<Recipient[]>(a.recipients, []).map((r) => r.department);
    const lvl = LEVELS[a.level as 1];
    const alert = {
      id: a.id,
      rule: a.rule_id,
      level: a.level,
      levelLabel: { zh: lvl.zh, en: lvl.en },
      predicted: a.predicted === 1,
      status: a.status,
      title: { zh: a.title_zh, en: a.title_en },
      district: a.district_adcode,
      device: a.device_id,
      raisedAt: a.raised_at,
      simulated: a.simulated === 1,
    };
    return this.queue(trx, {
      subject: 'alert',
      subjectId: a.id,
      level: a.level,
      role,
      event,
      messages: recipients.map((department) => ({ department, payload: { alert } })),
    });
  }

  /** Fires due escalations and delivers due messages; safe in several processes. Returns how many were handled. */
  async runDue(limit = 100): Promise<number> {
    return (await this.escalate(limit)) + (await this.deliver(limit));
  }

  private async escalate(limit: number): Promise<number> {
    const now = this.p.now();
    const due = await claimDue<{ id: string }>(this.p.db, {
      table: 'alert_timers',
      key: 'id',
      dueColumn: 'due_at',
      now,
      leaseMs: this.leaseMs,
      limit,
      pending: (eb) => eb('done_at', 'is', null),
    });
    let n = 0;
    for (const { id } of due) {
      const policy = await this.escalationPolicy();
      const fired = await transaction(this.p.db, async (trx) => {
        const timer = await store.takeTimer(trx, id, now);
        const a = await getAlert(trx, timer.alert_id);
        if (a?.status !== 'raised') return undefined; // acknowledged or over in the meantime
        const role = policy.roles[timer.stage - 1] ?? 'duty_officer';
        const departments = json.parse<Recipient[]>(a.recipients, []).map((r) => r.department);
        const queued = await this.enqueue(trx, a, 'escalated', role);
        await insertAlertEvent(trx, {
          id: newId('ale', now),
          alert_id: a.id,
          at: now,
          actor_id: null,
          actor_name: 'system',
          action: 'escalated',
          level: a.level,
          comment: `not acknowledged after ${Math.round((now - a.raised_at) / 60_000)} min: escalated to ${role}`,
          data: JSON.stringify({ stage: timer.stage, role, departments, messages: queued }),
        });
        return { a, stage: timer.stage, role, departments };
      });
      if (fired) {
        n++;
        await this.onEscalated?.(fired.a, fired.stage, fired.role, fired.departments);
      }
    }
    return n;
  }

  private async deliver(limit: number): Promise<number> {
    const now = this.p.now();
    const due = await claimDue<Selectable<NotificationTable>>(this.p.db, {
      table: 'notifications',
      key: 'id',
      dueColumn: 'next_at',
      now,
      leaseMs: this.leaseMs,
      limit,
      pending: (eb) => eb('status', '=', 'pending'),
    });
    let n = 0;
    await Promise.all(
      due.map(async (m) => {
        n++;
        const channel = this.channels[m.channel as ChannelName];
        const endpoint = m.endpoint_id ? await store.getEndpoint(this.p.db, m.endpoint_id) : undefined;
        // An endpoint removed since the message was queued: nothing more goes to it.
        if (m.endpoint_id && !endpoint) {
          await store.settleNotification(this.p.db, m.id, { status: 'cancelled' });
          return;
        }
        const payload = json.parse<Record<string, unknown>>(m.payload, {});
        const handler = this.subjects.get(m.subject) ?? this.subjects.get('alert')!;
        try {
          const text = handler.text(m, payload);
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
          await store.settleNotification(this.p.db, m.id, { status: 'sent', attempts: m.attempts + 1, sent_at: this.p.now(), last_error: null });
          this.sent.inc({ channel: m.channel, outcome: 'sent' });
        } catch (err) {
          const attempts = m.attempts + 1;
          const failed = attempts > this.backoff.length;
          await store.settleNotification(this.p.db, m.id, {
            status: failed ? 'failed' : 'pending',
            attempts,
            next_at: failed ? m.next_at : this.p.now() + this.backoff[attempts - 1]!,
            last_error: (err as Error).message.slice(0, 1000),
          });
          this.sent.inc({ channel: m.channel, outcome: failed ? 'failed' : 'retry' });
          if (failed) await handler.failed(m, attempts, (err as Error).message);
        }
      }),
    );
    return n;
  }

  /** Cancels what is still queued for an endpoint (it is being removed). */
  async cancelFor(trx: Transaction<Database>, endpointId: string): Promise<number> {
    return store.cancelForEndpoint(trx, endpointId);
  }

  async forAlert(alertId: string) {
    return this.forSubject('alert', alertId);
  }

  /** The messages about one subject, addresses masked. */
  async forSubject(subject: string, id: string) {
    const rows = await store.notificationsFor(this.p.db, subject, id);
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
}

function eventZh(event: string): string {
  return (
    (
      {
        raised: '发布',
        reopened: '再次发生',
        level_raised: '升级',
        escalated: '超时未确认',
        resolved: '解除',
        cleared: '解除',
        closed: '关闭',
      } as Record<string, string>
    )[event] ?? event
  );
}

/** Phone numbers and e-mail addresses are personal information: shown masked. */
export function maskAddress(channel: string, address: string): string {
  if (channel === 'sms') return address.length > 7 ? `${address.slice(0, 3)}****${address.slice(-4)}` : '****';
  if (channel === 'email') {
    const [user, domain] = address.split('@');
    return `${(user ?? '').slice(0, 1)}***@${domain ?? ''}`;
  }
  try {
    const u = new URL(address);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
