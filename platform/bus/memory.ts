/**
 * In-process event bus: the embedded default. Same contract as the NATS bus within one
 * process: each group gets every matching event once (retried on failure), in order.
 */
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
  matches,
  type EventFor,
} from './bus.js';

interface Group {
  name: string;
  pattern: string;
  handlers: Handler[];
  next: number; // round-robin among members of the group
  queue: DomainEvent[];
  running: boolean;
  maxDeliver: number;
}

export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly groups = new Map<string, Group>();
  private closed = false;
  private broadcasts = 0;
  private idle: (() => void)[] = [];
  private readonly notifyHandlers = new Map<string, Set<(data: unknown) => void>>();

  constructor(
    private readonly logger: BusLogger = consoleLogger,
    private readonly retryDelayMs = 50,
  ) {}

  async publish<T extends EventType>(type: T, data: EventMap[T], opts?: PublishOptions): Promise<TypedEvent<T>> {
    if (this.closed) throw new Error('Event bus is closed');
    const event = makeEvent(type, data, opts);
    for (const g of this.groups.values()) {
      if (matches(g.pattern, type)) {
        g.queue.push(event);
        this.drain(g);
      }
    }
    return event;
  }

  subscribe<P extends string>(pattern: P, handler: (event: EventFor<P>) => Promise<void> | void, opts: SubscribeOptions): Promise<Subscription> {
    // A pattern's events are the ones EventFor<P> describes; inside, every handler takes a DomainEvent.
    return this.subscribeAny(pattern, handler as Handler, opts);
  }

  private async subscribeAny(pattern: string, handler: Handler, opts: SubscribeOptions): Promise<Subscription> {
    const key = opts.broadcast ? `${opts.group}\u0000${pattern}\u0000${++this.broadcasts}` : `${opts.group}\u0000${pattern}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { name: opts.group, pattern, handlers: [], next: 0, queue: [], running: false, maxDeliver: opts.maxDeliver ?? 5 };
      this.groups.set(key, g);
    }
    g.handlers.push(handler);
    const group = g;
    return {
      unsubscribe: async () => {
        group.handlers = group.handlers.filter((h) => h !== handler);
        if (group.handlers.length === 0) this.groups.delete(key);
      },
    };
  }

  private async drain(g: Group): Promise<void> {
    if (g.running) return;
    g.running = true;
    try {
      while (g.queue.length > 0 && g.handlers.length > 0) {
        const event = g.queue[0]!;
        for (let attempt = 1; ; attempt++) {
          const handler = g.handlers[g.next++ % g.handlers.length]!;
          try {
            await handler(event);
            break;
          } catch (err) {
            if (attempt >= g.maxDeliver) {
              this.logger.error({ err, event, group: g.name, attempts: attempt }, 'event handler failed; event dead-lettered');
              break;
            }
            this.logger.warn({ err, eventId: event.id, group: g.name, attempt }, 'event handler failed; retrying');
            await new Promise((r) => setTimeout(r, this.retryDelayMs * attempt));
          }
        }
        g.queue.shift();
      }
    } finally {
      g.running = false;
      if (this.isIdle()) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private isIdle(): boolean {
    for (const g of this.groups.values()) if (g.running || (g.queue.length > 0 && g.handlers.length > 0)) return false;
    return true;
  }

  /** Resolves when every queued event has been handled (for shutdown and tests). */
  settled(): Promise<void> {
    return this.isIdle() ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  notify(channel: string, data: unknown): void {
    if (this.closed) return;
    for (const h of this.notifyHandlers.get(channel) ?? []) {
      try {
        h(data);
      } catch (err) {
        this.logger.error({ err, channel }, 'notification handler failed');
      }
    }
  }

  async onNotify(channel: string, handler: (data: unknown) => void): Promise<Subscription> {
    let hs = this.notifyHandlers.get(channel);
    if (!hs) {
      hs = new Set();
      this.notifyHandlers.set(channel, hs);
    }
    hs.add(handler);
    return { unsubscribe: async () => void hs.delete(handler) };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('Event bus is closed');
  }

  async close(): Promise<void> {
    await this.settled();
    this.closed = true;
    this.groups.clear();
  }
}
