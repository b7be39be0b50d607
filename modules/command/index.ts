/**
 * Emergency linkage command (应急联动指挥): the plan library, incidents, one-click activation of a
 * plan with every unit's tasks on the workflow kernel, level changes and the end of a response
 * (docs/command.md).
 */
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import type { Platform } from '../../platform/context.js';
import type { LiveHub } from '../sensing/index.js';
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
  close(): Promise<void>;
}

export async function startCommand(
  p: Platform,
  settings: CommandSettings,
  workflow: WorkflowEngine,
  alerts?: AlertReader,
  live?: Pick<LiveHub, 'incident'>,
): Promise<Command> {
  await seedPlans(p);
  const incidents = new IncidentService(p, workflow, alerts);
  await incidents.start();
  const resources = new ResourceService(p);
  // Sample resources for the demo city (fictional names, marked 示例); a real city registers its own.
  if (settings.demoData) await seedResources(p, resources);
  // Incidents and dispatched tasks reach the live stream (in-app notification) of every process.
  const subs = live
    ? [
        await p.bus.subscribe('incident.changed', (e) => live.incident({ event: 'changed', ...e.data }), { group: 'live-push-incidents', broadcast: true }),
        await p.bus.subscribe('incident.task_dispatched', (e) => live.incident({ event: 'task_dispatched', ...e.data, units: [e.data.unit] }), {
          group: 'live-push-incident-tasks',
          broadcast: true,
        }),
      ]
    : [];
  return {
    incidents,
    resources,
    settings,
    close: async () => {
      for (const s of subs) await s.unsubscribe();
    },
  };
}
