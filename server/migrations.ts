/**
 * Every migration the platform runs: the platform's own and each module's, merged in the order of
 * their names. A new module adds its set here, in the composition root.
 */
import type { Kysely } from 'kysely';
import { migrations as brain } from '../modules/brain/index.js';
import { migrations as command } from '../modules/command/index.js';
import { migrations as sensing } from '../modules/sensing/index.js';
import { migrations as sharing } from '../modules/sharing/index.js';
import { migrations as licences } from '../modules/licences/index.js';
import { migrations as opendata } from '../modules/opendata/index.js';
import { migrations as urban } from '../modules/urban/index.js';
import { migrations as superapp } from '../modules/superapp/index.js';
import { migrations as services } from '../modules/services/index.js';
import { migrations as warning } from '../modules/warning/index.js';
import { type MigrationSet, mergeMigrations, migrateToLatest } from '../platform/storage/migrate.js';
import { migrations as platform } from '../platform/storage/migrations/index.js';

export const MIGRATIONS: MigrationSet = mergeMigrations(platform, sensing, warning, command, brain, sharing, licences, opendata, urban, superapp, services);

/** Brings a database up to date with every migration; returns the names applied now. */
// biome-ignore lint/suspicious/noExplicitAny: works for any schema
export function migrateAll(db: Kysely<any>): Promise<string[]> {
  return migrateToLatest(db, MIGRATIONS);
}

export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS);
}
