/**
 * The government data sharing and exchange centre (政务数据共享交换中心): the resource catalogue
 * now; the seven base databases, requests, the exchange gateway and usage records build on it
 * (docs/sharing.md).
 */
import type { Platform } from '../../platform/context.js';
import { CatalogueService } from './catalogue.service.js';
import { LoadService } from './loader.js';

export { sharingRoutes } from './sharing.routes.js';
export { migrations } from './migrations/index.js';
export type { CatalogueService, ImportReport, ResourceVersion } from './catalogue.service.js';
export type { DataItem, Resource, ResourceInput } from './catalogue.js';
export type { LoadJob, LoadService } from './loader.js';

export interface Sharing {
  catalogue: CatalogueService;
  loads: LoadService;
  close(): Promise<void>;
}

export async function startSharing(p: Platform): Promise<Sharing> {
  const catalogue = new CatalogueService(p);
  await catalogue.seed();
  // A base database is kept by the provider its catalogue entry names (and the data authority).
  const loads = new LoadService(p, async (principal, dataset) => {
    const provider = await catalogue.providerOf(dataset);
    return provider !== null && catalogue.mayManage(principal, provider);
  });
  return { catalogue, loads, close: async () => {} };
}
