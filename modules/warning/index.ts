/**
 * Risk early warning (风险预警预测): rules as data, the engine that evaluates them over the
 * sensing hub's observations, and the alerts it raises. `startWarning` wires it; the routes are
 * in warning.routes.ts.
 */
import type { Registry } from 'prom-client';
import type { Platform } from '../../platform/context.js';
import { every } from '../../platform/jobs.js';
import type { Sensing } from '../sensing/index.js';
import { AlertService } from './alerts.js';
import { type EngineOptions, WarningEngine } from './engine.js';
import { Notifier, type NotifierOptions } from './notify.js';
import { seedRules } from './seed.js';
import type { Warning } from './warning.types.js';

export { warningRoutes } from './warning.routes.js';
export { migrations } from './migrations/index.js';
export type { Warning } from './warning.types.js';
// What other modules use: derived values (AQI, water class, load) and the notifier's type.
export { DERIVED, readValue } from './derived.js';
export { computeAqi } from './aqi.js';
export type { Notifier } from './notify.js';

/** The city-wide alert figures the operations screen reads (the alert service provides them). */
export type AlertFigures = Pick<import('./alerts.js').AlertService, 'openFigures' | 'acknowledgedSince'>;

export interface WarningOptions extends Omit<EngineOptions, 'registry'> {
  registry?: Registry;
  notifier?: Omit<NotifierOptions, 'registry'>;
  /** Evaluate rules in this process (default true). */
  engine?: boolean;
}

export async function startWarning(p: Platform, sensing: Sensing, opts: WarningOptions = {}): Promise<Warning> {
  await seedRules(p);
  const notifier = new Notifier(p, { ...opts.notifier, ...(opts.registry ? { registry: opts.registry } : {}) });
  const alerts = new AlertService(p, notifier);
  notifier.onEscalated = (a, stage, role, departments) => alerts.announceEscalation(a, stage, role, departments);
  // Messages and escalations are rows: any process delivers them (claimed with a lease).
  const delivery = opts.timers === false ? undefined : every(1000, 'alert notification', () => notifier.runDue(), p.log);
  // Alerts reach the live stream of every process: each process pushes to its own clients.
  const live = await Promise.all(
    (['alert.raised', 'alert.updated'] as const).map((type) =>
      p.bus.subscribe(type, (e) => sensing.live.alert(e.data), { group: 'live-push-alerts', broadcast: true }),
    ),
  );
  let engine: WarningEngine | undefined;
  if (opts.engine !== false) {
    engine = new WarningEngine(p, sensing, alerts, opts);
    await engine.start();
  }
  return {
    alerts,
    notifier,
    ...(engine ? { engine } : {}),
    close: async () => {
      for (const s of live) await s.unsubscribe();
      await delivery?.stop();
      await engine?.close();
    },
  };
}
