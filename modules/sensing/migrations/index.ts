/** The sensing hub's migrations: device types, devices, device health (telemetry tables are the store's own). */
import type { Migration } from 'kysely';
import * as m0003 from './20261126_0003_sensing.js';

export const migrations: Record<string, Migration> = {
  '20261126_0003_sensing': m0003,
};
