/** The city brain's migrations: indicators and their snapshots. */
import type { Migration } from 'kysely';
import * as m0011 from './20261127_0011_indicators.js';

export const migrations: Record<string, Migration> = {
  '20261127_0011_indicators': m0011,
};
