/** Emergency command's migrations: plans, incidents and tasks, resources, the review's lessons. */
import type { Migration } from 'kysely';
import * as m0007 from './20261127_0007_command_plans.js';
import * as m0008 from './20261127_0008_incidents.js';
import * as m0009 from './20261127_0009_resources.js';
import * as m0013 from './20261204_0013_incident_lessons.js';
import * as m0015 from './20261204_0015_plan_schema_version.js';

export const migrations: Record<string, Migration> = {
  '20261127_0007_command_plans': m0007,
  '20261127_0008_incidents': m0008,
  '20261127_0009_resources': m0009,
  '20261204_0013_incident_lessons': m0013,
  '20261204_0015_plan_schema_version': m0015,
};
