/**
 * Emergency linkage command (应急联动指挥): the plan library so far; incidents, one-click
 * activation, tasks, resources, drills and review build on it (docs/command.md).
 */
import type { Platform } from '../../server/context.js';
import { seedPlans } from './seed.js';

export { commandRoutes } from './command.routes.js';

export async function startCommand(p: Platform): Promise<void> {
  await seedPlans(p);
}
