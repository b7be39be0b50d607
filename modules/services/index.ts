/**
 * Government services online (智慧政务, 一网通办): the service item catalogue (事项清单) with
 * 一件事 bundles; applications, handling, payments, appointments and 好差评 build on it.
 * docs/services.md.
 */
import type { Platform } from '../../platform/context.js';
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import { type ApplicationDeps, type ApplicationOptions, ApplicationService } from './applications.service.js';
import { type CatalogueDeps, CatalogueService } from './catalogue.service.js';

export { migrations } from './migrations/index.js';
export { servicesRoutes } from './services.routes.js';
export type { ApplicationService, CatalogueService };
export type { ServiceEvent, ServiceItem } from './catalogue.js';

export interface Services {
  catalogue: CatalogueService;
  applications: ApplicationService;
}

export async function startServices(p: Platform, engine: WorkflowEngine, deps: CatalogueDeps & ApplicationDeps, opts: ApplicationOptions): Promise<Services> {
  const catalogue = new CatalogueService(p, deps);
  await catalogue.seed();
  const applications = new ApplicationService(p, engine, catalogue, deps, opts);
  await applications.start();
  return { catalogue, applications };
}
