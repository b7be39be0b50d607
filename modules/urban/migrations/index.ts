/** The urban-management module's migrations. */
import type { Migration } from 'kysely';
import * as m0025 from './20261205_0025_urban.js';
import * as m0027 from './20261205_0027_urban_refs_unique.js';

export const migrations: Record<string, Migration> = {
  '20261205_0025_urban': m0025,
  '20261205_0027_urban_refs_unique': m0027,
};
