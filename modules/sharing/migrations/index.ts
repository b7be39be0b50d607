/** The data sharing centre's migrations. */
import type { Migration } from 'kysely';
import * as m0018 from './20261205_0018_sharing_catalogue.js';

export const migrations: Record<string, Migration> = {
  '20261205_0018_sharing_catalogue': m0018,
};
