/**
 * Government services online (智慧政务, 一网通办): the service item catalogue (事项清单) with
 * 一件事 bundles; applications, handling, payments, appointments and 好差评 build on it.
 * docs/services.md.
 */
import type { Platform } from '../../platform/context.js';
import { type CatalogueDeps, CatalogueService } from './catalogue.service.js';

export { migrations } from './migrations/index.js';
export { servicesRoutes } from './services.routes.js';
export type { CatalogueService };
export type { ServiceEvent, ServiceItem } from './catalogue.js';

export interface Services {
  catalogue: CatalogueService;
}

export async function startServices(p: Platform, deps: CatalogueDeps): Promise<Services> {
  const catalogue = new CatalogueService(p, deps);
  await catalogue.seed();
  return { catalogue };
}
