import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../storage/db.js';
import { json } from '../storage/db.js';
import { queryAudit, verifyAuditChain } from './audit.js';
import { actorOf, appendAudit } from './audit.js';
import { ctxOf } from '../http/http.js';

const AuditRecord = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Unknown(),
  hash: Type.String(),
});

export async function auditRoutes(root: FastifyInstance, { db }: { db: Db }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Query the audit log (newest first); page with beforeSeq',
        querystring: Type.Object(
          {
            action: Type.Optional(Type.String({ maxLength: 64, pattern: '^[a-z_.]+\\*?$' })),
            actorId: Type.Optional(Type.String({ maxLength: 40 })),
            targetType: Type.Optional(Type.String({ maxLength: 64 })),
            targetId: Type.Optional(Type.String({ maxLength: 200 })),
            outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AuditRecord) }) },
      },
      config: { auth: { permission: 'audit.read' } },
    },
    async (req) => {
      const q = req.query;
      const rows = await queryAudit(db, {
        ...(q.action ? { action: q.action } : {}),
        ...(q.actorId ? { actorId: q.actorId } : {}),
        ...(q.targetType ? { targetType: q.targetType } : {}),
        ...(q.targetId ? { targetId: q.targetId } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.from ? { from: Date.parse(q.from) } : {}),
        ...(q.to ? { to: Date.parse(q.to) } : {}),
        ...(q.beforeSeq ? { beforeSeq: q.beforeSeq } : {}),
        limit: q.limit,
      });
      // Reading the audit log is itself audited.
      await appendAudit(db, {
        ...actorOf(ctxOf(req)),
        action: 'audit.read',
        details: { query: q, returned: rows.length },
      });
      return {
        items: rows.map((r) => ({
          seq: r.seq,
          id: r.id,
          at: new Date(r.at).toISOString(),
          actorId: r.actor_id,
          actorName: r.actor_name,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          outcome: r.outcome,
          ip: r.ip,
          requestId: r.request_id,
          details: json.parse(r.details, {}),
          hash: r.hash,
        })),
      };
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain of the whole audit log',
        response: {
          200: Type.Object({ ok: Type.Boolean(), checked: Type.Integer(), problems: Type.Array(Type.Object({ seq: Type.Integer(), reason: Type.String() })) }),
        },
      },
      config: { auth: { permission: 'audit.read' } },
    },
    async (req) => {
      const result = await verifyAuditChain(db);
      await appendAudit(db, {
        ...actorOf(ctxOf(req)),
        action: 'audit.verified',
        outcome: result.ok ? 'success' : 'failure',
        details: { checked: result.checked, problems: result.problems.length },
      });
      return result;
    },
  );
}
