/** The open data module's migrations. */
import type { Migration } from 'kysely';
import * as m0024 from './20261205_0024_opendata.js';

export const migrations: Record<string, Migration> = {
  '20261205_0024_opendata': m0024,
};
