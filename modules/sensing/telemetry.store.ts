/**
 * Telemetry storage: raw observations, per-minute and per-hour rollups and the latest value per
 * device and attribute, in time-partitioned tables.
 *
 * - SQLite: its own file (`telemetry.db` beside the main database), so bulk telemetry commits never
 *   wait on, or block, the transactions of the rest of the platform. Partitions are tables named by
 *   period (`tm_raw_20261126`, `tm_min_20261126`, `tm_hour_202611`), created as data arrives.
 * - PostgreSQL: native declarative partitioning (`PARTITION BY RANGE`) of `tm_raw`, `tm_min` and
 *   `tm_hour`, partitions created as data arrives.
 *
 * Periods are UTC days (raw, minute rollups) and UTC months (hour rollups). Rows are keyed by
 * (device, attribute, time), so a repeated observation is ignored and counted as a duplicate, and
 * rollups only ever see each observation once. The latest value moves only forward in time, so late
 * data lands in history without replacing a newer reading.
 */
import { dirname, join } from 'node:path';
import type { Storage } from '../../platform/storage/db.js';
import type { TelemetryStore } from './telemetry.port.js';
import { PgTelemetryStore } from './telemetry.pg.js';
import { SqliteTelemetryStore } from './telemetry.sqlite.js';

export * from './telemetry.port.js';
export { aggregate } from './telemetry.rollup.js';
export { type RetentionStep, retentionPlan } from './telemetry.retention.js';
export { PgTelemetryStore } from './telemetry.pg.js';
export { SqliteTelemetryStore } from './telemetry.sqlite.js';

export function openTelemetryStore(storage: Storage): TelemetryStore {
  if (storage.dialect === 'postgres') {
    if (!storage.pool) throw new Error('PostgreSQL telemetry needs the storage pool');
    return new PgTelemetryStore(storage.pool);
  }
  const main = storage.sqliteFile ?? ':memory:';
  return new SqliteTelemetryStore(main === ':memory:' ? ':memory:' : join(dirname(main), 'telemetry.db'));
}
