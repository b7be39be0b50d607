/** HTTP routes of the notification service that belong to no module: the development outbox. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Notifier } from './notifier.js';

export async function notifyRoutes(root: FastifyInstance, { notifier }: { notifier: Notifier }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/dev/outbox',
    {
      schema: {
        tags: ['development'],
        summary: 'What the development SMS gateway and mailer would have sent (nothing leaves the platform)',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
      },
      config: { auth: { permission: 'settings.manage' } },
    },
    async (req) => notifier.devOutbox(req.query.limit ?? 100),
  );
}
