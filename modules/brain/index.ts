/**
 * The city brain's operations figures (城市运行监测): indicators as data over the sensing hub,
 * early warning, emergency command and the data sharing centre, evaluated on demand and kept every five minutes for
 * trends and replay (docs/brain.md).
 */
import type { Platform } from '../../platform/context.js';
import { every } from '../../platform/jobs.js';
import type { IncidentService } from '../command/index.js';
import type { AlertFigures } from '../warning/index.js';
import type { TelemetryStore } from '../sensing/index.js';
import type { SharingFigures } from '../sharing/index.js';
import type { ServicesFigures } from '../services/index.js';
import type { UrbanFigures } from '../urban/index.js';
import { IndicatorService, SNAPSHOT_MS } from './brain.service.js';
import { IndicatorEvaluator } from './evaluate.js';

export { brainRoutes } from './brain.routes.js';
export { migrations } from './migrations/index.js';

export interface Brain {
  indicators: IndicatorService;
  close(): Promise<void>;
}

export async function startBrain(
  p: Platform,
  telemetry: TelemetryStore,
  incidents: IncidentService,
  alerts: AlertFigures,
  opts: { timers?: boolean; sharing?: Pick<SharingFigures, 'figure'>; urban?: UrbanFigures; services?: ServicesFigures } = {},
): Promise<Brain> {
  const indicators = new IndicatorService(p, new IndicatorEvaluator(p, telemetry, incidents, alerts, opts.sharing, opts.urban, opts.services));
  await indicators.seed();
  const job = opts.timers === false ? undefined : every(SNAPSHOT_MS, 'indicator snapshot', () => indicators.snapshot(), p.log);
  return {
    indicators,
    close: async () => {
      await job?.stop();
    },
  };
}
