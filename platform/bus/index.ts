import type { BusLogger, EventBus } from './bus.js';
import { MemoryBus } from './memory.js';
import { NatsBus } from './nats.js';

export * from './bus.js';
export { MemoryBus } from './memory.js';
export { NatsBus } from './nats.js';
export { idempotent } from './idempotent.js';
export { Outbox } from './outbox.js';

/** The bus for a configuration: NATS JetStream when a URL is given, in-process otherwise. */
export async function openBus(natsUrl: string | undefined, logger?: BusLogger): Promise<EventBus> {
  return natsUrl ? NatsBus.connect({ url: natsUrl, ...(logger ? { logger } : {}) }) : new MemoryBus(logger);
}
