/**
 * The open data portal (开放数据): catalogue entries whose open attribute allows it, published as
 * datasets with DCAT-AP metadata and a CKAN-compatible API for harvesters (docs/open-data.md).
 */
import type { Platform } from '../../platform/context.js';
import type { CatalogueService, RecordReader } from '../sharing/index.js';
import { OpenDataService } from './opendata.service.js';

export { openDataRoutes, openPortalRoutes } from './opendata.routes.js';
export { migrations } from './migrations/index.js';
export type { DatasetView, OpenDataService, PublishInput } from './opendata.service.js';

export interface OpenData {
  opendata: OpenDataService;
}

export async function startOpenData(p: Platform, catalogue: CatalogueService, records: RecordReader): Promise<OpenData> {
  const opendata = new OpenDataService(p, catalogue, records);
  await opendata.seed();
  return { opendata };
}
