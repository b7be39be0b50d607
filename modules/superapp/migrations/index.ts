/** The super app's migrations. */
import type { Migration } from 'kysely';
import * as m0028 from './20261205_0028_superapp.js';

export const migrations: Record<string, Migration> = {
  '20261205_0028_superapp': m0028,
};
