/** The urban-management module's migrations. */
import type { Migration } from 'kysely';
import * as m0025 from './20261205_0025_urban.js';

export const migrations: Record<string, Migration> = {
  '20261205_0025_urban': m0025,
};
