/**
 * Fees (收费) of applications through the payment provider port: the applicant opens the order and
 * pays at the provider; only the provider's signed notice marks it paid (a notice with a bad
 * signature is refused and audited; one delivered twice pays once); the department refunds, never
 * more than was paid (one conditional UPDATE, whatever runs at once); every day's payments are
 * reconciled with the provider's statement and the mismatches reported.
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/scope.js';
import { SYSTEM_CONTEXT, type Platform, type RequestContext } from '../../platform/context.js';
import { AppError, hiddenNotFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { isUniqueViolation, json, transaction } from '../../platform/storage/db.js';
import type { ApplicationService } from './applications.service.js';
import * as apps from './applications.store.js';
import type { PaymentProvider, ProviderNotice, StatementEntry } from './payments.js';
import * as store from './payments.store.js';

const PAYMENT: Text = { zh: '缴费', en: 'Payment' };

export interface Mismatch {
  kind: 'missing_here' | 'missing_at_provider' | 'amount_differs';
  orderId: string;
  providerRef: string | null;
  ours: number | null;
  theirs: number | null;
}

export class PaymentService {
  constructor(
    private readonly p: Platform,
    private readonly provider: PaymentProvider,
    private readonly applications: Pick<ApplicationService, 'canSee' | 'isDepartmentOf'>,
  ) {}

  get providerName(): string {
    return this.provider.name;
  }

  private view(x: store.PaymentRow) {
    return {
      id: x.id,
      application: x.application_id,
      amount: x.amount_cents / 100,
      refunded: x.refunded_cents / 100,
      status: x.status,
      provider: x.provider,
      payCode: x.pay_code,
      paidAt: x.paid_at === null ? null : Number(x.paid_at),
      createdAt: Number(x.created_at),
    };
  }

  /** The applicant opens (or reopens) the order for an application's fee. */
  async order(principal: Principal, applicationId: string, ctx: RequestContext) {
    const a = await apps.application(this.p.db, applicationId);
    if (!a || !this.applications.canSee(principal, a) || !principal.roles.every((r) => r === 'citizen' || r === 'enterprise'))
      throw hiddenNotFound({ zh: '办件', en: 'Application' }, applicationId);
    if (a.fee_cents <= 0) throw new AppError('WD_ERR_UNPROCESSABLE', { zh: '该办件无需缴费', en: 'This application has no fee' });
    if (a.decision === 'rejected' || a.decision === 'withdrawn' || a.decision === 'refused')
      throw new AppError('WD_ERR_CONFLICT', { zh: '办件已终止，无需缴费', en: 'The application has ended; nothing to pay' });
    const now = this.p.now();
    let x = (await store.paymentsOf(this.p.db, a.id)).find((y) => y.status === 'unpaid' || y.status === 'paid');
    if (x?.status === 'paid') return { ...this.view(x), payUrl: null };
    if (!x) {
      x = {
        id: newId('pay', now),
        application_id: a.id,
        payer_user_id: principal.id,
        department: a.department,
        amount_cents: a.fee_cents,
        refunded_cents: 0,
        status: 'unpaid',
        provider: this.provider.name,
        provider_ref: null,
        pay_code: null,
        paid_at: null,
        created_at: now,
        updated_at: now,
      };
      await store.insertPayment(this.p.db, x);
      await appendAudit(this.p.db, {
        ...actorOf(ctx),
        at: now,
        action: 'services.payment_ordered',
        targetType: 'service_application',
        targetId: a.id,
        details: { payment: x.id, cents: x.amount_cents },
      });
    }
    const opened = await this.provider.createOrder({ orderId: x.id, amountCents: x.amount_cents, subject: a.item_code });
    await store.updatePayment(this.p.db, x.id, { provider_ref: opened.providerRef, pay_code: opened.payCode, updated_at: now });
    return { ...this.view({ ...x, provider_ref: opened.providerRef, pay_code: opened.payCode }), payUrl: opened.payUrl };
  }

  /**
   * A notice from the provider, as it arrived. Refused (and audited) unless the provider's signature
   * holds; applied once however often it comes; a paid amount that differs from the order is kept as
   * a mismatch for reconciliation, never as paid.
   */
  async notify(provider: string, rawBody: string, headers: Record<string, string | string[] | undefined>, ctx: RequestContext) {
    const now = this.p.now();
    if (provider !== this.provider.name || !this.provider.verify(rawBody, headers)) {
      await appendAudit(this.p.db, {
        ...actorOf(ctx),
        at: now,
        action: 'services.payment_notice_refused',
        targetType: 'payment_provider',
        targetId: provider,
        details: { bytes: rawBody.length },
      });
      throw new AppError('WD_ERR_VALIDATION', { zh: '支付通知签名无效', en: 'The payment notice’s signature does not hold' });
    }
    const n = json.parse<ProviderNotice | null>(rawBody, null);
    if (
      !n ||
      typeof n.noticeId !== 'string' ||
      typeof n.orderId !== 'string' ||
      !Number.isInteger(n.amountCents) ||
      (n.kind !== 'paid' && n.kind !== 'refunded')
    )
      throw new AppError('WD_ERR_VALIDATION', { zh: '支付通知格式不正确', en: 'The payment notice is malformed' });
    const x = await store.payment(this.p.db, n.orderId);
    if (!x) throw new AppError('WD_ERR_NOT_FOUND', { zh: `没有缴款单 ${n.orderId}`, en: `No payment ${n.orderId}` });
    try {
      return await transaction(this.p.db, async (trx) => {
        const fresh = (await store.payment(trx, x.id))!;
        const matches = n.kind === 'paid' ? n.amountCents === fresh.amount_cents : true;
        await store.insertNotice(trx, {
          provider,
          notice_id: n.noticeId,
          payment_id: x.id,
          kind: n.kind,
          amount_cents: n.amountCents,
          refund_id: n.refundId ?? null,
          outcome: matches ? 'applied' : 'mismatch',
          at: Number(n.at) || now,
          received_at: now,
        });
        if (n.kind === 'paid' && matches && fresh.status === 'unpaid') {
          await store.updatePayment(trx, x.id, { status: 'paid', paid_at: Number(n.at) || now, provider_ref: n.providerRef, updated_at: now });
          await appendAudit(trx, {
            ...actorOf(ctx),
            at: now,
            action: 'services.payment_paid',
            targetType: 'service_application',
            targetId: x.application_id,
            details: { payment: x.id, cents: n.amountCents },
          });
        }
        if (n.kind === 'refunded' && n.refundId) {
          await store.markRefunded(trx, n.refundId, now);
          if (fresh.refunded_cents >= fresh.amount_cents) await store.updatePayment(trx, x.id, { status: 'refunded', updated_at: now });
        }
        return { ok: true, outcome: matches ? 'applied' : 'mismatch' };
      });
    } catch (e) {
      // The same notice again: it was applied the first time.
      if (isUniqueViolation(e)) return { ok: true, outcome: 'duplicate' };
      throw e;
    }
  }

  /** The department refunds part or all of a paid fee, to the paying account; never beyond what was paid. */
  async refund(applicationId: string, input: { amount: number; reason: string }, ctx: RequestContext & { principal: Principal }) {
    const a = await apps.application(this.p.db, applicationId);
    if (!a || !this.applications.isDepartmentOf(ctx.principal, a)) throw hiddenNotFound({ zh: '办件', en: 'Application' }, applicationId);
    const x = (await store.paymentsOf(this.p.db, a.id)).find((y) => y.status === 'paid' || y.status === 'refunded');
    if (!x) throw new AppError('WD_ERR_CONFLICT', { zh: '该办件没有已缴的费用', en: 'Nothing was paid for this application' });
    const cents = Math.round(input.amount * 100);
    if (!Number.isFinite(cents) || cents <= 0 || Math.abs(cents - input.amount * 100) > 1e-6)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '退款金额须为大于 0 的元，最多两位小数', en: 'A refund is yuan above 0 with at most two decimals' },
        {
          errors: [{ pointer: '/body/amount', detail: 'amount' }],
        },
      );
    const now = this.p.now();
    const refundId = newId('ref', now);
    const ok = await transaction(this.p.db, async (trx) => {
      // One statement decides: the sum of refunds never passes what was paid, whatever runs at once.
      if (!(await store.takeRefund(trx, x.id, cents, now))) return false;
      await store.insertRefund(trx, {
        id: refundId,
        payment_id: x.id,
        amount_cents: cents,
        reason: input.reason,
        status: 'requested',
        provider_ref: null,
        requested_by: ctx.principal.id,
        created_at: now,
        updated_at: now,
      });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'services.payment_refunded',
        targetType: 'service_application',
        targetId: a.id,
        details: { payment: x.id, cents, reason: input.reason },
      });
      return true;
    });
    if (!ok)
      throw new AppError('WD_ERR_CONFLICT', {
        zh: `退款不能超过已缴金额（已缴 ${(x.amount_cents / 100).toFixed(2)} 元，已退 ${(x.refunded_cents / 100).toFixed(2)} 元）`,
        en: `A refund cannot pass what was paid (${(x.amount_cents / 100).toFixed(2)} yuan paid, ${(x.refunded_cents / 100).toFixed(2)} refunded)`,
      });
    const r = await this.provider.refund({ orderId: x.id, providerRef: x.provider_ref ?? '', refundId, amountCents: cents });
    await store.updateRefund(this.p.db, refundId, { provider_ref: r.providerRef, updated_at: this.p.now() });
    return this.view((await store.payment(this.p.db, x.id))!);
  }

  async ofApplication(principal: Principal, applicationId: string) {
    const a = await apps.application(this.p.db, applicationId);
    if (!a || !this.applications.canSee(principal, a)) throw hiddenNotFound(PAYMENT, applicationId);
    const rows = await store.paymentsOf(this.p.db, a.id);
    return Promise.all(
      rows.map(async (x) => ({
        ...this.view(x),
        refunds: (await store.refundsOf(this.p.db, x.id)).map((r) => ({
          id: r.id,
          amount: r.amount_cents / 100,
          reason: r.reason,
          status: r.status,
          at: Number(r.created_at),
        })),
      })),
    );
  }

  /** Who opened a payment order (the sandbox's payer). */
  async payerOf(id: string): Promise<string | null> {
    return (await store.payment(this.p.db, id))?.payer_user_id ?? null;
  }

  /** Whether the application's fee is paid (approval waits for it). */
  async paid(applicationId: string, feeCents: number): Promise<boolean> {
    if (feeCents <= 0) return true;
    return (await store.paymentsOf(this.p.db, applicationId)).some((x) => x.status === 'paid' || x.status === 'refunded');
  }

  /**
   * 对账: the provider's statement of a day against the notices applied here. Reported: what the
   * provider has and this platform does not (a notice lost), what this platform has and the provider
   * does not, and amounts that differ. Kept per day; run again, it replaces the day's report.
   */
  async reconcile(day: string, ctx: RequestContext) {
    const cal = await this.p.calendar.get();
    const from = cal.instantOf(day, 0);
    const to = from + 86_400_000;
    const theirs = await this.provider.statement(from, to);
    const ours = await store.noticesBetween(this.p.db, this.provider.name, from, to);
    const key = (e: { orderId: string; kind: string }) => `${e.kind}:${e.orderId}`;
    const mine = new Map<string, { orderId: string; kind: string; cents: number }>();
    for (const n of ours) {
      if (n.outcome !== 'applied') continue;
      const k = key({ orderId: n.payment_id, kind: n.kind });
      const prev = mine.get(k);
      mine.set(k, { orderId: n.payment_id, kind: n.kind, cents: (prev?.cents ?? 0) + n.amount_cents });
    }
    const theirsBy = new Map<string, StatementEntry & { cents: number }>();
    for (const e of theirs) {
      const k = key(e);
      const prev = theirsBy.get(k);
      theirsBy.set(k, { ...e, cents: (prev?.cents ?? 0) + e.amountCents });
    }
    const mismatches: Mismatch[] = [];
    let matched = 0;
    for (const [k, e] of theirsBy) {
      const m = mine.get(k);
      if (!m) mismatches.push({ kind: 'missing_here', orderId: e.orderId, providerRef: e.providerRef, ours: null, theirs: e.cents / 100 });
      else if (m.cents !== e.cents)
        mismatches.push({ kind: 'amount_differs', orderId: e.orderId, providerRef: e.providerRef, ours: m.cents / 100, theirs: e.cents / 100 });
      else matched++;
    }
    for (const [k, m] of mine)
      if (!theirsBy.has(k)) mismatches.push({ kind: 'missing_at_provider', orderId: m.orderId, providerRef: null, ours: m.cents / 100, theirs: null });
    const now = this.p.now();
    await store.saveReconciliation(this.p.db, { provider: this.provider.name, day, matched, mismatches: JSON.stringify(mismatches), ran_at: now });
    await appendAudit(this.p.db, {
      ...actorOf(ctx),
      at: now,
      action: 'services.payments_reconciled',
      targetType: 'payment_provider',
      targetId: this.provider.name,
      details: { day, matched, mismatches: mismatches.length },
    });
    return { provider: this.provider.name, day, matched, mismatches, ranAt: now };
  }

  /** Reconciles yesterday (the city's calendar) if it has not been. */
  async reconcileDue(): Promise<void> {
    const cal = await this.p.calendar.get();
    const today = cal.localDate(this.p.now());
    const yesterday = cal.localDate(cal.instantOf(today, 0) - 12 * 3_600_000);
    if (await store.reconciliation(this.p.db, this.provider.name, yesterday)) return;
    await this.reconcile(yesterday, SYSTEM_CONTEXT);
  }

  async reconciliation(day: string) {
    const r = await store.reconciliation(this.p.db, this.provider.name, day);
    if (!r) throw new AppError('WD_ERR_NOT_FOUND', { zh: `${day} 尚未对账`, en: `${day} has not been reconciled` });
    return { provider: r.provider, day: r.day, matched: r.matched, mismatches: json.parse<Mismatch[]>(r.mismatches, []), ranAt: Number(r.ran_at) };
  }
}
