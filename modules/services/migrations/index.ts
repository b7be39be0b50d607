/** The government services module's migrations. */
import type { Migration } from 'kysely';
import * as m0029 from './20261205_0029_services_catalogue.js';

export const migrations: Record<string, Migration> = {
  '20261205_0029_services_catalogue': m0029,
};
