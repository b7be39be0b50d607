/**
 * Electronic licences (电子证照): types as data, signed documents issued by their departments and
 * verified offline with the published keys and revocation list (docs/licences.md).
 */
import type { Platform } from '../../platform/context.js';
import type { LoadService } from '../sharing/index.js';
import { type LicenceOptions, LicenceService } from './licences.service.js';

export { licenceRoutes } from './licences.routes.js';
export { migrations } from './migrations/index.js';
export type { LicencePayload, LicenceService, LicenceType, Verdict } from './licences.service.js';

export interface Licences {
  licences: LicenceService;
}

export async function startLicences(p: Platform, opts: LicenceOptions, records: Pick<LoadService, 'put'>): Promise<Licences> {
  const licences = new LicenceService(p, opts, records);
  await licences.seed();
  return { licences };
}
