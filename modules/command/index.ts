/**
 * Emergency linkage command (应急联动指挥): the plan library, incidents, one-click activation of a
 * plan with every unit's tasks on the workflow kernel, level changes and the end of a response
 * (docs/command.md).
 */
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import type { Platform } from '../../server/context.js';
import { IncidentService } from './incidents.service.js';
import { seedPlans } from './seed.js';

export { commandRoutes } from './command.routes.js';

export interface Command {
  incidents: IncidentService;
}

export async function startCommand(p: Platform, workflow: WorkflowEngine): Promise<Command> {
  await seedPlans(p);
  const incidents = new IncidentService(p, workflow);
  await incidents.start();
  return { incidents };
}
