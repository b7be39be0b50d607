/**
 * Risk early warning (风险预警预测): rules as data, the engine that evaluates them over the
 * sensing hub's observations, and the alerts it raises. `startWarning` wires it; the routes are
 * in warning.routes.ts.
 */
import type { Registry } from 'prom-client';
import type { Platform } from '../../server/context.js';
import type { Sensing } from '../sensing/index.js';
import { AlertService } from './alerts.js';
import { type EngineOptions, WarningEngine } from './engine.js';
import { seedRules } from './seed.js';

export { warningRoutes } from './warning.routes.js';

export interface Warning {
  alerts: AlertService;
  /** Absent in a process that does not evaluate rules (WARNING_ENGINE=0). */
  engine?: WarningEngine;
  close(): Promise<void>;
}

export interface WarningOptions extends Omit<EngineOptions, 'registry'> {
  registry?: Registry;
  /** Evaluate rules in this process (default true). */
  engine?: boolean;
}

export async function startWarning(p: Platform, sensing: Sensing, opts: WarningOptions = {}): Promise<Warning> {
  await seedRules(p);
  const alerts = new AlertService(p);
  let engine: WarningEngine | undefined;
  if (opts.engine !== false) {
    engine = new WarningEngine(p, sensing, alerts, opts);
    await engine.start();
  }
  return {
    alerts,
    ...(engine ? { engine } : {}),
    close: async () => {
      await engine?.close();
    },
  };
}
