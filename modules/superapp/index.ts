/**
 * The city super app (城市超级APP): accounts for residents and enterprises (real-name verified
 * against the base databases), agents, the city code (城市码) with scan points and offline
 * verification, the licence wallet with consent sharing, scenic-area reservations, and "my city"
 * (timeline, who used my data, warnings, inbox). docs/super-app.md.
 */
import type { Platform } from '../../platform/context.js';
import type { DocumentAlg } from '../../platform/crypto/signed-document.js';
import type { IdentityContext } from '../identity/index.js';
import type { LicenceService } from '../licences/index.js';
import type { TelemetryStore } from '../sensing/index.js';
import type { GatewayService, LoadService, RecordReader } from '../sharing/index.js';
import type { UrbanService } from '../urban/index.js';
import type { PublicAlerts } from '../warning/index.js';
import { type AccountOptions, AccountService, DEFAULT_ACCOUNT_OPTIONS } from './accounts.js';
import { CityCodeService } from './citycode.js';
import { seedDemoPeople } from './demo.js';
import { MyCityService } from './mycity.js';
import { ScenicService } from './scenic.js';
import type { SuperApp } from './superapp.types.js';
import { WalletService } from './wallet.js';

export { migrations } from './migrations/index.js';
export { superAppRoutes } from './superapp.routes.js';
export { CODE_TTL_S, type CityCodePayload, type CodeVerdict, judgeCode } from './citycode.js';
export { DEMO_ENTERPRISE, DEMO_RESIDENT, DEMO_UNREGISTERED } from './demo.js';
export { COMPLAINT_TOPICS, loadLevel, type LoadLevel } from './scenic.js';

/** 旅游投诉 in Shiyan's urban-management classification. */
export const DEFAULT_COMPLAINT_SUBCATEGORY = 'E0605';
export type { AccountService, CityCodeService, MyCityService, ScenicService, WalletService };
export type { AccountView } from './accounts.js';
export type { TimelineItem, TimelineSource } from './mycity.js';

export type { SuperApp } from './superapp.types.js';

export interface SuperAppDeps {
  identity: IdentityContext;
  records: Pick<RecordReader, 'lookup' | 'fields'>;
  loads: Pick<LoadService, 'load'>;
  gateway: Pick<GatewayService, 'dataUse'>;
  licences: Pick<LicenceService, 'wallet' | 'issue'>;
  urban: Pick<UrbanService, 'list' | 'view' | 'report'>;
  alerts: PublicAlerts;
  telemetry: Pick<TelemetryStore, 'latest'>;
}

export interface SuperAppOptions {
  /** 32 bytes that seal the city code's private key. */
  masterKey: Buffer;
  alg: DocumentAlg;
  accounts?: Partial<AccountOptions>;
  /** Make the demo's residents and enterprise (when the demo accounts exist). */
  demo: boolean;
  /** The urban-management subcategory scenic-area complaints are filed under (旅游投诉, E0605 by default). */
  complaintSubcategory?: string;
}

export async function startSuperApp(p: Platform, deps: SuperAppDeps, opts: SuperAppOptions): Promise<SuperApp> {
  const accounts = new AccountService(deps.identity, deps.records, { ...DEFAULT_ACCOUNT_OPTIONS, ...opts.accounts });
  const scenic = new ScenicService(p, accounts, deps.telemetry, {
    subcategory: opts.complaintSubcategory ?? DEFAULT_COMPLAINT_SUBCATEGORY,
    report: (input, ctx) => deps.urban.report(input, 'citizen', ctx),
  });
  await scenic.seed();
  const citycode = new CityCodeService(p, { masterKey: opts.masterKey, alg: opts.alg }, accounts, deps.licences, scenic);
  const wallet = new WalletService(p, accounts, deps.licences);
  const mycity = new MyCityService(p, accounts, {
    gateway: deps.gateway,
    records: deps.records,
    alerts: deps.alerts,
    urban: deps.urban,
    scenic,
    wallet,
    citycode,
  });
  await mycity.start();
  if (opts.demo) await seedDemoPeople(p, deps.loads, deps.licences);
  return { accounts, citycode, wallet, scenic, mycity };
}
