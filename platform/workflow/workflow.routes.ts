import type { FastifyInstance } from 'fastify';
import { PageQuery } from '../http/limits.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../http/errors.js';
import { ctxOf, principalOf } from '../http/http.js';
import { json } from '../storage/db.js';
import type { InstanceRow, StepRow, WorkflowEngine } from './engine.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function instanceView(i: InstanceRow) {
  return {
    id: i.id,
    workflow: i.definition_key,
    version: i.definition_version,
    state: i.state,
    subject: i.subject_type ? { type: i.subject_type, id: i.subject_id } : null,
    department: i.department_code,
    district: i.district_adcode,
    data: json.parse(i.data, {}),
    createdBy: i.created_by,
    createdAt: iso(i.created_at),
    updatedAt: iso(i.updated_at),
    stateEnteredAt: iso(i.state_entered_at),
    deadlineAt: iso(i.deadline_at),
    overdue: i.deadline_at !== null && i.closed_at === null && i.deadline_at < Date.now(),
    closedAt: iso(i.closed_at),
    rev: i.rev,
  };
}

function stepView(s: StepRow) {
  return {
    seq: s.seq,
    at: iso(s.at),
    actorId: s.actor_id,
    actorName: s.actor_name,
    action: s.action,
    from: s.from_state,
    to: s.to_state,
    comment: s.comment,
    attachments: json.parse(s.attachments, []),
  };
}

const Id = Type.Object({ id: Type.String({ pattern: '^wfi_[0-9a-z]+$', maxLength: 40 }) }, { additionalProperties: false });

export async function workflowRoutes(root: FastifyInstance, { engine }: { engine: WorkflowEngine }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['workflow'];

  app.get('/workflows', { schema: { tags, summary: 'Workflow definitions (latest versions)' }, config: { auth: { permission: 'workflow.read' } } }, async () =>
    engine.definitions(),
  );

  app.get(
    '/workflow-instances',
    {
      schema: {
        tags,
        summary: 'Workflow instances in your scope',
        querystring: Type.Object(
          {
            workflow: Type.Optional(Type.String({ maxLength: 64 })),
            state: Type.Optional(Type.String({ maxLength: 64 })),
            open: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            offset: PageQuery(50, 500).offset,
          },
          { additionalProperties: false },
        ),
      },
      config: { auth: { permission: 'workflow.read' } },
    },
    async (req) => {
      const q = req.query;
      const rows = await engine.list(principalOf(req).scope, {
        ...(q.workflow ? { key: q.workflow } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.open !== undefined ? { open: q.open } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { items: rows.map(instanceView) };
    },
  );

  app.get(
    '/workflow-instances/:id',
    {
      schema: { tags, summary: 'One instance with its timeline, pending timers and the transitions you may fire', params: Id },
      config: { auth: { permission: 'workflow.read' } },
    },
    async (req) => {
      const principal = principalOf(req);
      const inst = await engine.get(req.params.id, principal);
      const [steps, timers, available] = await Promise.all([engine.timeline(inst.id), engine.pendingTimers(inst.id), engine.available(inst, principal)]);
      return { ...instanceView(inst), timeline: steps.map(stepView), timers: timers.map((t) => ({ kind: t.kind, dueAt: iso(t.due_at) })), available };
    },
  );

  app.post(
    '/workflow-instances/:id/transitions',
    {
      schema: {
        tags,
        summary: 'Fire a transition; send the rev you saw to avoid lost updates (409 on conflict)',
        params: Id,
        body: Type.Object(
          {
            transition: Type.String({ minLength: 1, maxLength: 64 }),
            comment: Type.Optional(Type.String({ maxLength: 4000 })),
            rev: Type.Optional(Type.Integer({ minimum: 1 })),
            attachments: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    name: Type.String({ minLength: 1, maxLength: 200 }),
                    url: Type.String({ minLength: 1, maxLength: 2000 }),
                    size: Type.Optional(Type.Integer({ minimum: 0 })),
                    contentType: Type.Optional(Type.String({ maxLength: 100 })),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: 20 },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
      config: { auth: { permission: 'workflow.act' } },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const b = req.body;
      // An instance outside the caller's scope is not found, as an unknown one.
      const inst = await engine.get(req.params.id, principalOf(req));
      const def = await engine.definition(inst.definition_key, inst.definition_version);
      if (def.ownedBy)
        throw new AppError('WD_ERR_CONFLICT', {
          zh: `此流程由${def.label.zh}的页面和接口办理`,
          en: `${def.label.en} is handled through its own module (${def.ownedBy})`,
        });
      const next = await engine.fire(req.params.id, b.transition, ctx, {
        ...(b.comment !== undefined ? { comment: b.comment } : {}),
        ...(b.attachments ? { attachments: b.attachments } : {}),
        ...(b.rev !== undefined ? { expectedRev: b.rev } : {}),
      });
      return instanceView(next);
    },
  );
}
