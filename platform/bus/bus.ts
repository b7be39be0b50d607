/**
 * The EventBus port. Domain events are named `<entity>.<past-verb>` and typed through
 * EventMap, which modules extend by declaration merging:
 *
 *   declare module '../../platform/bus/bus.js' { interface EventMap { 'alert.raised': AlertRaised } }
 *
 * Delivery is at least once. Subscribers that share a `group` split the events between them
 * (across processes with NATS), so each event is handled once per group; different groups
 * each get every event. Within one subscriber events of one subject arrive in publish order.
 */
import { newId } from '../ids.js';

// biome-ignore lint/suspicious/noEmptyInterface: extended by modules through declaration merging
export interface EventMap {}

export type EventType = keyof EventMap & string;

export interface DomainEvent<T extends string = string, D = unknown> {
  id: string;
  type: T;
  /** Epoch milliseconds when published. */
  at: number;
  /** Optional ordering/partition key, e.g. the entity id. */
  key?: string;
  data: D;
}

export type TypedEvent<T extends EventType> = DomainEvent<T, EventMap[T]>;

export type Handler = (event: DomainEvent) => Promise<void> | void;

/** The event a subscription to `P` receives: typed by the event map for an event type, untyped for a wildcard. */
export type EventFor<P extends string> = P extends EventType ? TypedEvent<P> : DomainEvent;

export interface SubscribeOptions {
  /** Consumer group: one delivery per group. Required, so every consumer is named. */
  group: string;
  /** Deliveries before an event is given up on (logged as dead-lettered). */
  maxDeliver?: number;
  /**
   * Every process gets every event (cache invalidation): the group is private to this
   * process and, on NATS, its consumer is removed once the process has gone.
   */
  broadcast?: boolean;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface PublishOptions {
  key?: string;
  /** Set to make a retried publish idempotent (the broker drops the duplicate). */
  id?: string;
  /** Give up after this long instead of the bus's own retry deadline (the outbox retries later). */
  timeoutMs?: number;
}

export interface EventBus {
  readonly kind: 'memory' | 'nats';
  publish<T extends EventType>(type: T, data: EventMap[T], opts?: PublishOptions): Promise<TypedEvent<T>>;
  /**
   * `pattern` is an event type, `entity.*` or `>` for everything. The handler of an event type
   * gets that type's data as the event map declares it, as `publish` takes it.
   */
  subscribe<P extends string>(pattern: P, handler: (event: EventFor<P>) => Promise<void> | void, opts: SubscribeOptions): Promise<Subscription>;
  /**
   * Fire-and-forget notification to every process, for live screens: not stored, not retried, and
   * lost by a process that is away (it reloads from the database instead). Channel names are
   * lower-case words joined by dots.
   */
  notify(channel: string, data: unknown): void;
  /** Receives every process's notifications on a channel, this process's own included. */
  onNotify(channel: string, handler: (data: unknown) => void): Promise<Subscription>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function assertEventType(type: string): void {
  if (!TYPE_RE.test(type)) throw new TypeError(`Event type must look like <entity>.<past_verb>: ${type}`);
}

export function makeEvent<T extends string, D>(type: T, data: D, opts: PublishOptions = {}): DomainEvent<T, D> {
  assertEventType(type);
  return { id: opts.id ?? newId('evt'), type, at: Date.now(), ...(opts.key ? { key: opts.key } : {}), data };
}

/** Whether a type matches a pattern: exact, `a.*` (one token), `a.>` or `>` (rest). */
export function matches(pattern: string, type: string): boolean {
  if (pattern === '>') return true;
  const p = pattern.split('.');
  const t = type.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return t.length > i;
    if (i >= t.length) return false;
    if (p[i] !== '*' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}

export interface BusLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const consoleLogger: BusLogger = {
  warn: (o, m) => console.warn(m, o),
  error: (o, m) => console.error(m, o),
};
