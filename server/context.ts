/** What every module's service receives: the platform's ports, built once by the composition root. */
import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from '../platform/auth/scope.js';
import type { EventBus } from '../platform/bus/bus.js';
import type { Outbox } from '../platform/bus/outbox.js';
import type { CalendarService } from '../platform/calendar/calendar.service.js';
import type { QueryLimits } from '../platform/http/limits.js';
import type { CityProfile } from '../platform/profile/profile.js';
import type { Db, Storage } from '../platform/storage/db.js';
import type { Config } from './config.js';

export interface Platform {
  config: Config;
  storage: Storage;
  db: Db;
  bus: EventBus;
  /** Events that report a database change: `outbox.add(trx, …)` inside the transaction, `flush()` after. */
  outbox: Outbox;
  profile: CityProfile;
  calendar: CalendarService;
  /** Bounds of every query that takes a range, a page or a resolution. */
  limits: QueryLimits;
  log: FastifyBaseLogger;
  /** Current time in epoch ms; tests may replace it. */
  now: () => number;
}

/** Who did something and from where, for audit records. */
export interface RequestContext {
  principal: Principal | null;
  ip: string | null;
  requestId: string | null;
}

export const SYSTEM_CONTEXT: RequestContext = { principal: null, ip: null, requestId: null };
