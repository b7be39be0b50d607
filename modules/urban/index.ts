/**
 * Urban management (智慧城管, docs/urban-management.md): the classification as versioned data,
 * unit grids and components, the seven-step case loop on the workflow kernel, the evaluation
 * (CJ/T 292), 12345 and video intake, and Open311 GeoReport v2.
 */
import type { Platform } from '../../platform/context.js';
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import { type AlertLookup, UrbanService } from './urban.service.js';

export { migrations } from './migrations/index.js';
export { urbanRoutes } from './urban.routes.js';
export { open311Routes } from './open311.routes.js';
export { URBAN_MEASURES, type UrbanMeasure, type UrbanService } from './urban.service.js';
/** What the operations screen's indicators read. */
export type UrbanFigures = Pick<import('./urban.service.js').UrbanService, 'figure'>;
export type { Classification, Subcategory } from './classes.js';

export interface Urban {
  urban: UrbanService;
}

export async function startUrban(p: Platform, engine: WorkflowEngine, alerts: AlertLookup | null): Promise<Urban> {
  const urban = new UrbanService(p, engine, alerts);
  await urban.start();
  return { urban };
}
