/** The government services module's migrations. */
import type { Migration } from 'kysely';
import * as m0029 from './20261205_0029_services_catalogue.js';
import * as m0030 from './20261205_0030_services_applications.js';
import * as m0031 from './20261205_0031_services_payments.js';
import * as m0032 from './20261205_0032_services_appointments.js';
import * as m0033 from './20261205_0033_services_ratings.js';

export const migrations: Record<string, Migration> = {
  '20261205_0029_services_catalogue': m0029,
  '20261205_0030_services_applications': m0030,
  '20261205_0031_services_payments': m0031,
  '20261205_0032_services_appointments': m0032,
  '20261205_0033_services_ratings': m0033,
};
