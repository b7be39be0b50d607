/**
 * Event bus on NATS JetStream (NATS_URL). Events are stored in one file-backed stream before
 * publish returns; each subscriber group is a durable pull consumer that processes of that
 * group share, so an event is handled once per group across processes, and a group resumes
 * where it stopped after a restart of either side.
 */
import { createHash } from 'node:crypto';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
} from 'nats';
import {
  type BusLogger,
  type DomainEvent,
  type EventBus,
  type EventMap,
  type EventType,
  type Handler,
  type PublishOptions,
  type SubscribeOptions,
  type Subscription,
  type TypedEvent,
  consoleLogger,
  makeEvent,
  type EventFor,
} from './bus.js';
import { newId } from '../ids.js';

export interface NatsBusOptions {
  url: string;
  /** Stream name; tests use their own. */
  stream?: string;
  /** Subject prefix for events; `wd` gives `wd.alert.raised`. */
  prefix?: string;
  /** How long publish keeps retrying while the server is unreachable. */
  publishTimeoutMs?: number;
  /** How long events are kept in the stream. */
  maxAgeDays?: number;
  logger?: BusLogger;
  name?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function durableName(group: string, pattern: string): string {
  const safeGroup = group.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
  const h = createHash('sha1').update(pattern).digest('hex').slice(0, 8);
  return `${safeGroup}_${h}`;
}

export class NatsBus implements EventBus {
  readonly kind = 'nats' as const;
  private readonly subs = new Set<{ stop(): void }>();
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly prefix: string,
    private readonly publishTimeoutMs: number,
    private readonly logger: BusLogger,
  ) {}

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const url = new URL(opts.url);
    const nc = await connect({
      servers: `${url.hostname}:${url.port || 4222}`,
      ...(url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : {}),
      name: opts.name ?? 'wudang',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: false,
    });
    const jsm = await nc.jetstreamManager();
    const stream = opts.stream ?? 'WUDANG_EVENTS';
    const prefix = opts.prefix ?? 'wd';
    const config = {
      name: stream,
      subjects: [`${prefix}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos((opts.maxAgeDays ?? 7) * 86_400_000),
      duplicate_window: nanos(120_000),
    };
    try {
      await jsm.streams.info(stream);
      await jsm.streams.update(stream, config);
    } catch {
      await jsm.streams.add(config);
    }
    return new NatsBus(nc, nc.jetstream(), jsm, stream, prefix, opts.publishTimeoutMs ?? 30_000, opts.logger ?? consoleLogger);
  }

  async publish<T extends EventType>(type: T, data: EventMap[T], opts?: PublishOptions): Promise<TypedEvent<T>> {
    if (this.closed) throw new Error('Event bus is closed');
    const event = makeEvent(type, data, opts);
    const payload = encoder.encode(JSON.stringify(event));
    const deadline = Date.now() + (opts?.timeoutMs ?? this.publishTimeoutMs);
    // Retry until JetStream has stored the event; msgID makes retries idempotent.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.js.publish(`${this.prefix}.${type}`, payload, { msgID: event.id, timeout: Math.min(5000, opts?.timeoutMs ?? 5000) });
        return event;
      } catch (err) {
        if (this.closed || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * attempt)));
      }
    }
  }

  subscribe<P extends string>(pattern: P, handler: (event: EventFor<P>) => Promise<void> | void, opts: SubscribeOptions): Promise<Subscription> {
    // A pattern's events are the ones EventFor<P> describes; inside, every handler takes a DomainEvent.
    return this.subscribeAny(pattern, handler as Handler, opts);
  }

  private async subscribeAny(pattern: string, handler: Handler, opts: SubscribeOptions): Promise<Subscription> {
    const name = opts.broadcast ? durableName(`${opts.group}_${newId('p').slice(2)}`, pattern) : durableName(opts.group, pattern);
    const maxDeliver = opts.maxDeliver ?? 5;
    const ensureConsumer = async () => {
      try {
        await this.jsm.consumers.info(this.stream, name);
      } catch {
        await this.jsm.consumers.add(this.stream, {
          durable_name: name,
          filter_subject: `${this.prefix}.${pattern}`,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.New,
          ack_wait: nanos(30_000),
          max_deliver: maxDeliver,
          // A process's private consumer disappears a while after the process does.
          ...(opts.broadcast ? { inactive_threshold: nanos(300_000) } : {}),
        });
      }
    };
    await ensureConsumer();

    let stopped = false;
    let current: ConsumerMessages | undefined;
    const loop = async () => {
      while (!stopped && !this.closed) {
        try {
          await ensureConsumer();
          const consumer = await this.js.consumers.get(this.stream, name);
          current = await consumer.consume({ max_messages: 64 });
          for await (const m of current) {
            let event: DomainEvent;
            try {
              event = JSON.parse(decoder.decode(m.data)) as DomainEvent;
            } catch (err) {
              this.logger.error({ err, subject: m.subject, seq: m.seq }, 'undecodable event dropped');
              m.term();
              continue;
            }
            try {
              await handler(event);
              m.ack();
            } catch (err) {
              const attempt = m.info.redeliveryCount;
              if (attempt >= maxDeliver) {
                this.logger.error({ err, event, group: opts.group, attempts: attempt }, 'event handler failed; event dead-lettered');
                m.term();
              } else {
                this.logger.warn({ err, eventId: event.id, group: opts.group, attempt }, 'event handler failed; retrying');
                m.nak(Math.min(5000, 100 * 2 ** attempt));
              }
            }
          }
        } catch (err) {
          if (stopped || this.closed) break;
          this.logger.warn({ err, group: opts.group }, 'event consumer interrupted; resuming');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    void loop();
    const sub = {
      stop: () => {
        stopped = true;
        current?.stop();
      },
    };
    this.subs.add(sub);
    return {
      unsubscribe: async () => {
        sub.stop();
        this.subs.delete(sub);
      },
    };
  }

  notify(channel: string, data: unknown): void {
    if (this.closed) return;
    // Core NATS, outside the stream's subjects: nothing is stored.
    try {
      this.nc.publish(`${this.prefix}_notify.${channel}`, encoder.encode(JSON.stringify(data)));
    } catch (err) {
      this.logger.warn({ err, channel }, 'notification not sent');
    }
  }

  async onNotify(channel: string, handler: (data: unknown) => void): Promise<Subscription> {
    const sub = this.nc.subscribe(`${this.prefix}_notify.${channel}`, {
      callback: (err, m) => {
        if (err) return;
        try {
          handler(JSON.parse(decoder.decode(m.data)));
        } catch (e) {
          this.logger.error({ err: e, channel }, 'notification handler failed');
        }
      },
    });
    const entry = { stop: () => sub.unsubscribe() };
    this.subs.add(entry);
    return {
      unsubscribe: async () => {
        entry.stop();
        this.subs.delete(entry);
      },
    };
  }

  async ping(): Promise<void> {
    if (this.closed || this.nc.isClosed()) throw new Error('NATS connection is closed');
    await this.nc.flush();
    await this.jsm.streams.info(this.stream);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.subs) s.stop();
    this.subs.clear();
    await this.nc.drain().catch(() => this.nc.close());
  }

  /** Deletes the stream (tests). */
  async destroyStream(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => undefined);
  }
}
