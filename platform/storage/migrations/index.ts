/**
 * The platform's migrations (identity, audit, calendar, settings, workflow, outbox, notifications)
 * and 0012, which also added command's em_incident_units before modules kept their own. The
 * notification tables were created by warning's 0006 and 0010, when warning owned them; since 0016
 * they belong to platform/notify.
 */
import type { Migration } from 'kysely';
import * as m0001 from './20261126_0001_foundation.js';
import * as m0002 from './20261126_0002_outbox.js';
import * as m0004 from './20261126_0004_outbox_claims.js';
import * as m0012 from './20261204_0012_hardening.js';
import * as m0016 from './20261204_0016_notification_subject_id.js';
import * as m0017 from './20261204_0017_files.js';
import * as m0026 from './20261205_0026_file_blobs.js';

export const migrations: Record<string, Migration> = {
  '20261126_0001_foundation': m0001,
  '20261126_0002_outbox': m0002,
  '20261126_0004_outbox_claims': m0004,
  '20261204_0012_hardening': m0012,
  '20261204_0016_notification_subject_id': m0016,
  '20261204_0017_files': m0017,
  '20261205_0026_file_blobs': m0026,
};
