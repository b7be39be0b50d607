/**
 * The payment provider port (the unified public payment platform, 非税收入统一支付, in practice) and
 * its development implementation. A provider takes orders and refunds, sends signed notices of what
 * happened (possibly more than once), and gives a statement of a day for reconciliation. The sandbox
 * moves no money: a "payer" pays through its development route, and it signs its notices with
 * HMAC-SHA256 under a secret the platform derives, as a real provider signs with its own key.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { newId, newSecret } from '../../platform/ids.js';

export interface PaymentOrder {
  /** The platform's payment id: the provider's merchant order number. */
  orderId: string;
  amountCents: number;
  subject: string;
}

export interface ProviderNotice {
  noticeId: string;
  kind: 'paid' | 'refunded';
  orderId: string;
  providerRef: string;
  amountCents: number;
  refundId?: string;
  /** The provider's time (ms). */
  at: number;
}

export interface StatementEntry {
  orderId: string;
  providerRef: string;
  kind: 'paid' | 'refunded';
  amountCents: number;
  at: number;
}

export interface PaymentProvider {
  readonly name: string;
  /** Opens an order: the provider's reference, the payer's code (缴款码) and where the payer pays. */
  createOrder(order: PaymentOrder): Promise<{ providerRef: string; payCode: string; payUrl: string }>;
  /** Asks for a refund to the paying account; the outcome arrives as a notice. */
  refund(r: { orderId: string; providerRef: string; refundId: string; amountCents: number }): Promise<{ providerRef: string }>;
  /** Whether a notice's raw body carries the provider's signature. */
  verify(rawBody: string, headers: Record<string, string | string[] | undefined>): boolean;
  /** What the provider recorded in a day [from, to) (ms), for reconciliation. */
  statement(from: number, to: number): Promise<StatementEntry[]>;
}

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

/**
 * Development implementation: no money moves. Orders and payments live in memory (a restart loses
 * the sandbox's ledger, as a provider's test environment may); notices are signed and delivered to
 * the platform's notify handler, in-process.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private readonly orders = new Map<string, { order: PaymentOrder; providerRef: string; payCode: string; paid: boolean }>();
  private readonly ledger: StatementEntry[] = [];
  /** Where notices go (the platform's notify handler, as the provider would POST them). */
  deliver: ((rawBody: string, headers: Record<string, string>) => Promise<unknown>) | null = null;

  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  sign(rawBody: string): string {
    return createHmac('sha256', this.secret).update(rawBody).digest('hex');
  }

  async createOrder(order: PaymentOrder) {
    const existing = this.orders.get(order.orderId);
    if (existing) return { providerRef: existing.providerRef, payCode: existing.payCode, payUrl: `/app/pay?order=${order.orderId}` };
    const providerRef = `SBX${newId('p', this.now()).slice(2).toUpperCase()}`;
    const payCode = `4203${String(randomInt(1e6)).padStart(6, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;
    this.orders.set(order.orderId, { order, providerRef, payCode, paid: false });
    return { providerRef, payCode, payUrl: `/app/pay?order=${order.orderId}` };
  }

  /** The payer pays (the sandbox's own page or a test): recorded, then the signed notice is delivered. */
  async pay(orderId: string): Promise<ProviderNotice> {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`sandbox: no order ${orderId}`);
    const at = this.now();
    if (!o.paid) {
      o.paid = true;
      this.ledger.push({ orderId, providerRef: o.providerRef, kind: 'paid', amountCents: o.order.amountCents, at });
    }
    const notice: ProviderNotice = { noticeId: `N${newSecret(12)}`, kind: 'paid', orderId, providerRef: o.providerRef, amountCents: o.order.amountCents, at };
    await this.send(notice);
    return notice;
  }

  async refund(r: { orderId: string; providerRef: string; refundId: string; amountCents: number }) {
    const at = this.now();
    const providerRef = `SBR${newSecret(10).toUpperCase()}`;
    this.ledger.push({ orderId: r.orderId, providerRef: r.providerRef, kind: 'refunded', amountCents: r.amountCents, at });
    // The refund's outcome arrives as a notice, as from a real provider (here at once).
    queueMicrotask(() => {
      void this.send({
        noticeId: `R${newSecret(12)}`,
        kind: 'refunded',
        orderId: r.orderId,
        providerRef: r.providerRef,
        amountCents: r.amountCents,
        refundId: r.refundId,
        at,
      });
    });
    return { providerRef };
  }

  /** Delivers a notice, signed; the body is what a provider would POST. */
  async send(notice: ProviderNotice): Promise<unknown> {
    const raw = JSON.stringify(notice);
    return this.deliver?.(raw, { [SANDBOX_SIGNATURE_HEADER]: this.sign(raw) });
  }

  verify(rawBody: string, headers: Record<string, string | string[] | undefined>): boolean {
    const got = headers[SANDBOX_SIGNATURE_HEADER];
    if (typeof got !== 'string' || !/^[0-9a-f]{64}$/.test(got)) return false;
    return timingSafeEqual(Buffer.from(got, 'hex'), Buffer.from(this.sign(rawBody), 'hex'));
  }

  async statement(from: number, to: number): Promise<StatementEntry[]> {
    return this.ledger.filter((e) => e.at >= from && e.at < to);
  }

  /** For tests of reconciliation: an entry the platform never heard of (a lost notice). */
  recordOnly(entry: StatementEntry): void {
    this.ledger.push(entry);
  }
}
