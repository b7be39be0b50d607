/**
 * What every module receives: the platform's ports, built once by the composition root
 * (`server/app.ts`). Modules get their own settings as typed options beside this, never the whole
 * configuration (which holds secrets such as the admin password).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from './auth/scope.js';
import type { EventBus } from './bus/bus.js';
import type { Outbox } from './bus/outbox.js';
import type { CalendarService } from './calendar/calendar.service.js';
import type { QueryLimits } from './http/limits.js';
import type { Files } from './files/files.js';
import type { Notifier } from './notify/notifier.js';
import type { CityProfile } from './profile/profile.js';
import type { Db, Storage } from './storage/db.js';

export interface Platform {
  storage: Storage;
  db: Db;
  bus: EventBus;
  /** Events that report a database change: `outbox.add(trx, …)` inside the transaction, `flush()` after. */
  outbox: Outbox;
  profile: CityProfile;
  calendar: CalendarService;
  /** Bounds of every query that takes a range, a page or a resolution. */
  limits: QueryLimits;
  /** Messages to departments' webhooks, SMS numbers and e-mail addresses, about any module's subjects. */
  notifier: Notifier;
  /** Files people upload (photos), attached to the records modules register. */
  files: Files;
  log: FastifyBaseLogger;
  /** Current time in epoch ms; tests may replace it. */
  now: () => number;
}

/** A module's view of the platform: the same ports, and the module's own settings. */
export type ModuleContext<O> = Platform & { readonly options: O };

/**
 * The platform seen by one module with its options. The view delegates to `p` (a clock a test
 * replaces on the platform is the view's clock too); only `options` is its own.
 */
export function withOptions<O>(p: Platform, options: O): ModuleContext<O> {
  const view = Object.create(p) as ModuleContext<O>;
  Object.defineProperty(view, 'options', { value: Object.freeze({ ...options }), enumerable: true });
  return view;
}

/** Who did something and from where, for audit records. */
export interface RequestContext {
  principal: Principal | null;
  ip: string | null;
  requestId: string | null;
}

export const SYSTEM_CONTEXT: RequestContext = { principal: null, ip: null, requestId: null };
