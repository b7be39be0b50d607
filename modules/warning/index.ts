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
import { AlertEscalation, type EscalationOptions } from './escalation.js';
import { seedRules } from './seed.js';
import type { Warning } from './warning.types.js';

export { warningRoutes } from './warning.routes.js';
export { migrations } from './migrations/index.js';
export type { Warning } from './warning.types.js';
// What other modules use: derived values (AQI, water class, load).
export { DERIVED, readValue } from './derived.js';
export { computeAqi } from './aqi.js';
// The shapes the web apps read (type-only imports from the web).
export type { AlertDetail, AlertEvidence, AlertTimelineEntry, AlertView } from './warning.schemas.js';
export type { MaintenanceWindow, PublicWarning, AlertEvent } from './alerts.js';
export type { EscalationPolicy } from './escalation.js';

/** The city-wide alert figures the operations screen reads (the alert service provides them). */
export type AlertFigures = Pick<import('./alerts.js').AlertService, 'openFigures' | 'acknowledgedSince'>;
/** Alerts told to the public, as the super app reads them. */
export type PublicAlerts = Pick<import('./alerts.js').AlertService, 'publicAlerts'>;

export interface WarningOptions extends Omit<EngineOptions, 'registry'> {
  registry?: Registry;
  escalation?: EscalationOptions;
  /** Evaluate rules in this process (default true). */
  engine?: boolean;
}

export async function startWarning(p: Platform, sensing: Sensing, opts: WarningOptions = {}): Promise<Warning> {
  await seedRules(p);
  const escalation = new AlertEscalation(p, opts.escalation);
  const alerts = new AlertService(p, escalation);
  escalation.onEscalated = (a, stage, role, departments) => alerts.announceEscalation(a, stage, role, departments);
  // Escalation timers are rows: any process fires them (claimed with a lease); the platform's
  // notification service delivers the messages.
  const escalating = opts.timers === false ? undefined : every(1000, 'alert escalation', () => escalation.escalateDue(), p.log);
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
    escalation,
    ...(engine ? { engine } : {}),
    close: async () => {
      for (const s of live) await s.unsubscribe();
      await escalating?.stop();
      await engine?.close();
    },
  };
}
