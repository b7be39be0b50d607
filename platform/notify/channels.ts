/**
 * Ways of reaching people, behind one interface: a webhook signed with HMAC-SHA256, and SMS and
 * e-mail, whose development implementations write to an inspectable outbox (`dev_outbox`) instead
 * of a gateway. A city plugs its operator's SMS gateway and its mail relay in behind `Channel`.
 */
import { createHmac } from 'node:crypto';
import { EgressRefused, type EgressPolicy, STRICT_EGRESS, egressPost } from '../http/egress.js';
import { newId } from '../ids.js';
import type { Db } from '../storage/db.js';
import { writeDevOutbox } from './notify.store.js';

export type ChannelName = 'webhook' | 'sms' | 'email';
export const CHANNELS: readonly ChannelName[] = ['webhook', 'sms', 'email'];

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

export const PHONE = /^\+?[0-9]{6,15}$/;
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

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

interface OutboxDeps {
  db: Db;
  now: () => number;
}

/**
 * Development SMS gateway: writes the text message to `dev_outbox` (GET /api/dev/outbox) and
 * sends nothing. A city plugs its operator's gateway in behind the same interface.
 */
export class DevelopmentSmsGateway implements Channel {
  readonly name = 'sms' as const;
  constructor(private readonly deps: OutboxDeps) {}
  async send(d: Delivery): Promise<void> {
    if (!PHONE.test(d.address)) throw new Error(`not a phone number: ${d.address}`);
    const at = this.deps.now();
    await writeDevOutbox(this.deps.db, { id: newId('dvo', at), channel: 'sms', address: d.address, subject: null, body: d.text.slice(0, 500), at });
  }
}

/** Development e-mail: writes the message to `dev_outbox` and sends nothing. */
export class DevelopmentMailer implements Channel {
  readonly name = 'email' as const;
  constructor(private readonly deps: OutboxDeps) {}
  async send(d: Delivery): Promise<void> {
    if (!/^[^@\s]+@[^@\s]+$/.test(d.address)) throw new Error(`not an e-mail address: ${d.address}`);
    const at = this.deps.now();
    await writeDevOutbox(this.deps.db, { id: newId('dvo', at), channel: 'email', address: d.address, subject: d.subject, body: d.text, at });
  }
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
