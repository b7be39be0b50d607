/** The early-warning module's migrations: rules, the engine's partitions and state, alerts, notifications. */
import type { Migration } from 'kysely';
import * as m0005 from './20261127_0005_warning.js';
import * as m0006 from './20261127_0006_notifications.js';
import * as m0010 from './20261127_0010_notification_subjects.js';
import * as m0014 from './20261204_0014_rule_schema_version.js';

export const migrations: Record<string, Migration> = {
  '20261127_0005_warning': m0005,
  '20261127_0006_notifications': m0006,
  '20261127_0010_notification_subjects': m0010,
  '20261204_0014_rule_schema_version': m0014,
};
