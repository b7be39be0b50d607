/**
 * The government data sharing and exchange centre (政务数据共享交换中心): the resource catalogue,
 * the base databases, sharing requests and approvals on the workflow kernel, and the exchange
 * gateway that answers consumer systems exactly as approved (docs/sharing.md).
 */
import type { Platform } from '../../platform/context.js';
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import { CatalogueService } from './catalogue.service.js';
import { GatewayService } from './gateway.service.js';
import { LoadService } from './loader.js';
import { RequestService } from './requests.service.js';
import { seedDemoData } from './demo.js';
import { SharingFigures } from './figures.js';
import { RecordReader } from './reader.js';

export { sharingRoutes } from './sharing.routes.js';
export { exchangeRoutes } from './exchange.routes.js';
export { migrations } from './migrations/index.js';
export type { CatalogueService, ImportReport, ResourceVersion } from './catalogue.service.js';
export type { DataItem, Resource, ResourceInput } from './catalogue.js';
export type { LoadJob, LoadService } from './loader.js';
export type { GatewayService } from './gateway.service.js';
export type { RecordReader, ScannedRecord } from './reader.js';
export { MASKS, OPEN_TYPES, UPDATE_CYCLES, type OpenType, type UpdateCycle } from './catalogue.js';
export type { RequestService, RequestView, ApprovalView } from './requests.service.js';
export { REQUEST_WORKFLOW } from './requests.js';
export { SHARING_MEASURES, type SharingFigure, type SharingFigures, type SharingMeasure } from './figures.js';

export interface Sharing {
  catalogue: CatalogueService;
  loads: LoadService;
  requests: RequestService;
  gateway: GatewayService;
  /** Reads base-database records for a module that publishes them (open data). */
  records: RecordReader;
  /** Figures for the operations screen. */
  figures: SharingFigures;
  /** The synthetic demo records being made on first start (resolves at once when none are). */
  demo: Promise<Record<string, number> | null>;
  close(): Promise<void>;
}

export interface SharingOptions {
  /** Synthetic residents to generate on first start (0: none). */
  demoPeople: number;
}

export async function startSharing(p: Platform, engine: WorkflowEngine, opts: SharingOptions = { demoPeople: 0 }): Promise<Sharing> {
  const catalogue = new CatalogueService(p);
  await catalogue.seed();
  // A base database is kept by the provider its catalogue entry names (and the data authority).
  const loads = new LoadService(p, async (principal, dataset) => {
    const provider = await catalogue.providerOf(dataset);
    return provider !== null && catalogue.mayManage(principal, provider);
  });
  const requests = new RequestService(p, engine, catalogue);
  await requests.start();
  const gateway = new GatewayService(p, catalogue);
  await gateway.start();
  // Made in the background: the platform answers meanwhile, and the load jobs show the progress.
  const demo = seedDemoData(p, loads, { people: opts.demoPeople }).catch((err: unknown) => {
    p.log.error({ err }, 'synthetic base-database records could not be made');
    return null;
  });
  return {
    catalogue,
    loads,
    requests,
    gateway,
    records: new RecordReader(p),
    figures: new SharingFigures(p),
    demo,
    close: async () => {
      await demo;
    },
  };
}
