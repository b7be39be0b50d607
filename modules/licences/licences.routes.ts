/**
 * HTTP routes of electronic licences: types, issuing and the lifecycle for issuers; and, for
 * anyone, verification, the issuers' public keys and the revocation list (what an offline
 * verifier caches).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import type { LicenceService } from './licences.service.js';

const R = (summary: string) => ({ tags: ['licences'], summary });
const P = { $ref: 'Problem#' };
const Number_ = Type.Object({ number: Type.String({ maxLength: 64 }) });

export async function licenceRoutes(scope: FastifyInstance, { licences }: { licences: LicenceService }): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/licences/types', { schema: R('Licence types (证照类型): issuer, holder kind, fields, validity, source'), config: { auth: 'public' } }, async () =>
    licences.types(),
  );

  app.post(
    '/licences',
    {
      schema: {
        ...R('Issue a licence of a type your department issues: signed (SM2/SM3 by default) and mirrored into the licence base database'),
        body: Type.Object(
          {
            type: Type.String({ maxLength: 32 }),
            holder: Type.Object(
              { id: Type.String({ maxLength: 18, description: 'ID number or credit code' }), name: Type.String({ maxLength: 200 }) },
              { additionalProperties: false },
            ),
            fields: Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 2000 }), Type.Number()])),
            validFrom: Type.Optional(Type.String({ maxLength: 10 })),
            number: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9-]+$' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'licences.issue' } },
    },
    async (req, reply) => reply.status(201).send(await licences.issue(req.body, ctxOf(req))),
  );

  app.get(
    '/licences/:number',
    {
      schema: { ...R('A licence your department issued, with its document and versions'), params: Number_, response: { 404: P } },
      config: { auth: { permission: 'licences.issue' } },
    },
    async (req) => licences.get(req.params.number, principalOf(req)),
  );

  for (const [action, to] of [
    ['suspend', 'suspended'],
    ['resume', 'valid'],
    ['revoke', 'revoked'],
  ] as const)
    app.post(
      `/licences/:number/${action}`,
      {
        schema: {
          ...R(`${action[0]!.toUpperCase()}${action.slice(1)} a licence (its issuer), with a reason; published on the revocation list`),
          params: Number_,
          body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
          response: { 400: P, 403: P, 404: P, 409: P },
        },
        config: { auth: { permission: 'licences.issue' } },
      },
      async (req) => licences.setStatus(req.params.number, to, req.body.reason, ctxOf(req)),
    );

  app.post(
    '/licences/:number/renew',
    {
      schema: {
        ...R('Renew a licence (its issuer): a new document under the same number, valid for the type’s term from the day after the old expiry'),
        params: Number_,
        response: { 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'licences.issue' } },
    },
    async (req) => licences.renew(req.params.number, ctxOf(req)),
  );

  app.get(
    '/licences',
    {
      schema: {
        ...R('A holder’s licences your department issued (by ID number or credit code); the lookup is audited'),
        querystring: Type.Object({ holder: Type.String({ minLength: 15, maxLength: 18 }) }),
      },
      config: { auth: { permission: 'licences.issue' } },
    },
    async (req) => licences.byHolder(req.query.holder, ctxOf(req)),
  );

  app.post(
    '/licences/keys/rotate',
    {
      schema: {
        ...R('Rotate your department’s signing key: new licences are signed with a new key; the old public key stays published'),
        body: Type.Object({ department: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 403: P },
      },
      config: { auth: { permission: 'licences.issue' } },
    },
    async (req, reply) => {
      await licences.rotate(req.body.department, ctxOf(req));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/open/licences/verify',
    {
      schema: {
        ...R('Verify a licence document (the text of its QR code): valid, expired, suspended, revoked, forged, unknown issuer or malformed, and why'),
        body: Type.Object({ document: Type.String({ maxLength: 8000 }) }, { additionalProperties: false }),
      },
      config: { auth: 'public' },
    },
    async (req) => licences.verify(req.body.document, ctxOf(req)),
  );

  app.get(
    '/open/licence-keys',
    { schema: R('The issuers’ public keys, active and retired (SM2 as 04‖x‖y hex, Ed25519 as SPKI PEM): a verifier’s key list'), config: { auth: 'public' } },
    async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send({ keys: await licences.publishedKeys() }),
  );

  app.get(
    '/open/licence-revocations',
    { schema: R('Revoked and suspended licence numbers, with when and why: the list a verifier caches'), config: { auth: 'public' } },
    async (_req, reply) => reply.header('cache-control', 'public, max-age=60').send({ updatedAt: Date.now(), licences: await licences.revocations() }),
  );
}
