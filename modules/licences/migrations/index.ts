/** The licence module's migrations. */
import type { Migration } from 'kysely';
import * as m0023 from './20261205_0023_licences.js';

export const migrations: Record<string, Migration> = {
  '20261205_0023_licences': m0023,
};
