/**
 * What alerts tell people, through the platform's notification service: a message to the
 * recipients' endpoints when an alert is raised, reopened, raised a level, resolved or closed; and
 * escalation of alerts nobody acknowledges (stage 1 to department leaders, stage 2 to duty
 * officers, after minutes set per level). Timers are rows written in the alert's transaction and
 * claimed with a lease by whichever process fires them.
 */
import type { Transaction } from 'kysely';
import type { Platform } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { claimDue } from '../../platform/storage/claims.js';
import { getSetting, json, putSetting, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { AlertRow, Recipient } from './alert.model.js';
import { getAlert, insertAlertEvent } from './alerts.store.js';
import * as store from './escalation.store.js';
import { LEVELS } from './rules.js';

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

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'alert.escalated': { id: string; stage: number; role: string; departments: string[]; level: number; district: string | null };
  }
}

export interface EscalationOptions {
  /** Notify about alerts of simulated devices too (SIMULATE); they only show on screens otherwise. */
  notifySimulated?: boolean;
  leaseMs?: number;
}

export class AlertEscalation {
  private policy: { at: number; value: EscalationPolicy } | undefined;
  private readonly notifySimulated: boolean;
  private readonly leaseMs: number;
  /** Called after an escalation so the alert service can announce it. */
  onEscalated: ((alert: AlertRow, stage: number, role: string, departments: string[]) => Promise<void>) | undefined;

  constructor(
    private readonly p: Platform,
    opts: EscalationOptions = {},
  ) {
    this.notifySimulated = opts.notifySimulated ?? false;
    this.leaseMs = opts.leaseMs ?? 60_000;
    p.notifier.registerSubject('alert', {
      text: (_m, payload) => {
        const alert = payload.alert as { title: { zh: string }; levelLabel: { zh: string } };
        return `【${this.p.profile.signatures.alerts}】${alert.levelLabel.zh} ${alert.title.zh}（${eventZh(String(payload.event))}）`;
      },
      failed: async (m, attempts, error) => {
        await insertAlertEvent(this.p.db, {
          id: newId('ale', this.p.now()),
          alert_id: m.subject_id,
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
    return this.p.notifier.queue(trx, {
      subject: 'alert',
      subjectId: a.id,
      level: a.level,
      role,
      event,
      messages: recipients.map((department) => ({ department, payload: { alert } })),
    });
  }

  /** Fires due escalations; safe in several processes. Returns how many fired. */
  async escalateDue(limit = 100): Promise<number> {
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

  /** The messages about an alert, addresses masked. */
  forAlert(alertId: string) {
    return this.p.notifier.forSubject('alert', alertId);
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
