/**
 * Emergency linkage command (应急联动指挥): the plan library, incidents, one-click activation of a
 * plan with every unit's tasks on the workflow kernel, level changes and the end of a response
 * (docs/command.md).
 */
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import type { Platform } from '../../platform/context.js';
import type { Notifier } from '../warning/index.js';
import { type AlertReader, IncidentService } from './incidents.service.js';
import { ResourceService } from './resources.service.js';
import { seedPlans, seedResources } from './seed.js';

export { commandRoutes } from './command.routes.js';
export { migrations } from './migrations/index.js';
export type { AlertReader, IncidentService } from './incidents.service.js';

/** The command module's own settings. */
export interface CommandSettings {
  /** Seed the profile's sample resources (a demo city; fictional names marked 示例). */
  demoData: boolean;
  /** Chromium for the review's PDF export (CHROMIUM_PATH). */
  chromiumPath: string;
}

export interface Command {
  incidents: IncidentService;
  resources: ResourceService;
  settings: CommandSettings;
}

export async function startCommand(
  p: Platform,
  settings: CommandSettings,
  workflow: WorkflowEngine,
  notifier?: Notifier,
  alerts?: AlertReader,
): Promise<Command> {
  await seedPlans(p);
  const incidents = new IncidentService(p, workflow, notifier, alerts);
  await incidents.start();
  const resources = new ResourceService(p);
  // Sample resources for the demo city (fictional names, marked 示例); a real city registers its own.
  if (settings.demoData) await seedResources(p, resources);
  return { incidents, resources, settings };
}
