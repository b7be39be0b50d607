/** The data sharing centre's migrations. */
import type { Migration } from 'kysely';
import * as m0018 from './20261205_0018_sharing_catalogue.js';
import * as m0019 from './20261205_0019_sharing_base_databases.js';
import * as m0020 from './20261205_0020_sharing_requests_gateway.js';
import * as m0021 from './20261205_0021_sharing_five_databases.js';
import * as m0022 from './20261205_0022_sharing_request_late_steps.js';

export const migrations: Record<string, Migration> = {
  '20261205_0018_sharing_catalogue': m0018,
  '20261205_0019_sharing_base_databases': m0019,
  '20261205_0020_sharing_requests_gateway': m0020,
  '20261205_0021_sharing_five_databases': m0021,
  '20261205_0022_sharing_request_late_steps': m0022,
};
