/**
 * HTTP routes of the open data portal: the portal's own JSON API under /api/open (search, a
 * dataset, its preview and downloads, publishing, applications), and the standard doors for
 * harvesters outside /api: DCAT-AP JSON-LD and a CKAN-compatible action API under /open.
 */
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.js';
import { OPEN_TYPES, UPDATE_CYCLES } from '../sharing/index.js';
import { notFound } from '../../platform/http/errors.js';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { ACTIONS, CkanError, type CkanSite, runAction } from './ckan.js';
import { catalogueDocument, datasetDocument } from './dcat.js';
import { NAME, type OpenDataService } from './opendata.service.js';
import { type DownloadFormat, FORMATS, LICENCES, THEMES } from './vocabulary.js';

const R = (summary: string) => ({ tags: ['open data'], summary });
const P = { $ref: 'Problem#' };
const Name = Type.Object({ name: Type.String({ maxLength: 100 }) });
const Lang = Type.Object({ zh: Type.String({ maxLength: 200 }), en: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const LongLang = Type.Object({ zh: Type.String({ maxLength: 4000 }), en: Type.String({ maxLength: 4000 }) }, { additionalProperties: false });

export interface OpenDataDeps {
  platform: Platform;
  opendata: OpenDataService;
  /** The public address (PUBLIC_URL), or null to use each request's own. */
  publicUrl: string | null;
}

function baseOf(req: FastifyRequest, publicUrl: string | null): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

async function siteOf(req: FastifyRequest, deps: OpenDataDeps): Promise<CkanSite> {
  const name = deps.platform.profile.name;
  return {
    base: baseOf(req, deps.publicUrl),
    title: { zh: `${name.zh}公共数据开放平台`, en: `${name.en} Open Data` },
    datasets: await deps.opendata.active(),
    organisations: await deps.opendata.organisations(),
  };
}

/** RFC 4180 CSV of one value: quoted when needed; text that a spreadsheet would run as a formula is escaped. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function openDataRoutes(scope: FastifyInstance, deps: OpenDataDeps): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { opendata } = deps;

  app.get(
    '/open/vocabulary',
    {
      schema: R('The portal’s name, themes, licences, formats, open types, update cycles and organisations, in both languages'),
      config: { auth: 'public' },
    },
    async (_req, reply) => {
      const city = deps.platform.profile.name;
      return reply.header('cache-control', 'public, max-age=300').send({
        site: { zh: `${city.zh}公共数据开放平台`, en: `${city.en} Open Data` },
        themes: Object.entries(THEMES).map(([key, t]) => ({ key, name: t.name })),
        licences: Object.entries(LICENCES).map(([key, l]) => ({ key, title: l.title, url: l.url, open: l.open })),
        formats: Object.keys(FORMATS),
        openTypes: { open: OPEN_TYPES.open, conditional: OPEN_TYPES.conditional },
        updateCycles: UPDATE_CYCLES,
        organisations: await opendata.organisations(),
      });
    },
  );

  app.get(
    '/open/datasets',
    {
      schema: {
        ...R('Search the open datasets: words (Chinese or English), provider, theme, open type; with counts by each'),
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          provider: Type.Optional(Type.String({ maxLength: 64 })),
          theme: Type.Optional(Type.String({ maxLength: 32 })),
          openType: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('conditional')])),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
        }),
      },
      config: { auth: 'public' },
    },
    async (req) => opendata.search(req.query),
  );

  app.get(
    '/open/datasets/:name',
    {
      schema: {
        ...R('One open dataset: description, items, update cycle, formats, download count; and whether you may download it'),
        params: Name,
        response: { 404: P },
      },
      config: { auth: 'public' },
    },
    async (req) => {
      const d = await opendata.get(req.params.name);
      return { ...d, mayDownload: await opendata.mayRead(d, req.principal ?? null) };
    },
  );

  app.get(
    '/open/datasets/:name/preview',
    {
      schema: { ...R('The first rows of a dataset (those who may download it)'), params: Name, response: { 404: P } },
      config: { auth: 'public' },
    },
    async (req) => opendata.preview(req.params.name, req.principal ?? null),
  );

  app.get(
    '/open/datasets/:name/data',
    {
      schema: {
        ...R('Download every row of a dataset as CSV (UTF-8 with BOM) or JSON; counted; a conditionally open one needs an approved application'),
        params: Name,
        querystring: Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' }) }),
        response: { 401: P, 403: P, 404: P, 409: P },
      },
      config: { auth: 'public', tokenInQuery: true },
    },
    async (req, reply) => {
      const format = req.query.format as DownloadFormat;
      const d = await opendata.download(req.params.name, format, ctxOf(req));
      const pages = opendata.rows(d);
      const columns = d.columns.map((c) => c.key);
      async function* body(): AsyncGenerator<string> {
        let synthetic = false;
        if (format === 'csv') {
          let header = false;
          for await (const page of pages) {
            if (!header) {
              synthetic = page.some((r) => 'synthetic' in r);
              yield `\uFEFF${[...columns, ...(synthetic ? ['synthetic'] : [])].join(',')}\r\n`;
              header = true;
            }
            yield page.map((r) => `${[...columns.map((c) => csvCell(r[c])), ...(synthetic ? [r.synthetic ? 'true' : ''] : [])].join(',')}\r\n`).join('');
          }
          if (!header) yield `\uFEFF${columns.join(',')}\r\n`;
          return;
        }
        yield `{"dataset":${JSON.stringify(d.name)},"title":${JSON.stringify(d.title)},"columns":${JSON.stringify(d.columns)},"records":[`;
        let first = true;
        for await (const page of pages) {
          if (page.length === 0) continue;
          synthetic ||= page.some((r) => 'synthetic' in r);
          yield (first ? '' : ',') + page.map((r) => JSON.stringify(r)).join(',');
          first = false;
        }
        yield `],"synthetic":${synthetic}}`;
      }
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${d.name}-${stamp}.${format}"`)
        .send(Readable.from(body()));
    },
  );

  app.post(
    '/open/datasets',
    {
      schema: {
        ...R('Publish a catalogue entry (or chosen items of it, or counts grouped by items) as an open dataset; personal items are refused'),
        body: Type.Object(
          {
            resource: Type.String({ maxLength: 32 }),
            name: Type.Optional(Type.String({ maxLength: 100 })),
            title: Type.Optional(Lang),
            description: Type.Optional(LongLang),
            themes: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 5 }),
            keywords: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
            items: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }),
            aggregate: Type.Optional(Type.Boolean()),
            licence: Type.Optional(Type.String({ maxLength: 32 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req, reply) => reply.status(201).send(await opendata.publish(req.body, ctxOf(req))),
  );

  app.post(
    '/open/datasets/:name/withdraw',
    {
      schema: {
        ...R('Withdraw a dataset from the portal, with the reason'),
        params: Name,
        body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 403: P, 404: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => opendata.withdraw(req.params.name, req.body.reason, ctxOf(req)),
  );

  app.put(
    '/open/datasets/:name/data',
    {
      schema: {
        ...R('Replace the rows of a dataset not kept in a base database (a JSON array of objects holding only its items)'),
        params: Name,
        body: Type.Array(
          Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean(), Type.Null()])),
          {
            maxItems: 100_000,
          },
        ),
        response: { 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'sharing.manage' }, bodyLimit: 64 * 1024 * 1024 },
    },
    async (req) => opendata.upload(req.params.name, req.body, ctxOf(req)),
  );

  app.post(
    '/open/datasets/:name/applications',
    {
      schema: {
        ...R('Apply to use a conditionally open dataset (有条件开放): who you are, what for'),
        params: Name,
        body: Type.Object(
          {
            organisation: Type.String({ minLength: 2, maxLength: 200 }),
            purpose: Type.String({ minLength: 5, maxLength: 2000 }),
            contact: Type.String({ minLength: 5, maxLength: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), 404: P, 409: P },
      },
      config: { auth: { audience: 'everyone' } },
    },
    async (req, reply) => reply.status(201).send(await opendata.apply(req.params.name, req.body, ctxOf(req))),
  );

  app.get(
    '/open/applications',
    { schema: R('Applications: for a provider’s staff those for its datasets, for anyone else their own'), config: { auth: { audience: 'everyone' } } },
    async (req) => opendata.applications(principalOf(req)),
  );

  app.post(
    '/open/applications/:id/decision',
    {
      schema: {
        ...R('Approve or refuse an application (a refusal states why); an approval lets the applicant download for a year'),
        params: Type.Object({ id: Type.String({ maxLength: 36 }) }),
        body: Type.Object({ approve: Type.Boolean(), reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => opendata.decide(req.params.id, req.body.approve, req.body.reason, ctxOf(req)),
  );
}

/**
 * The doors for harvesters, outside /api: DCAT-AP JSON-LD and the CKAN action API (answering as
 * CKAN does, errors included, rather than with problem details).
 */
export async function openPortalRoutes(app: FastifyInstance, deps: OpenDataDeps): Promise<void> {
  const ld = 'application/ld+json; charset=utf-8';
  const hidden = { schema: { hide: true }, config: { quiet: false } };

  app.get('/open/catalog.jsonld', hidden, async (req, reply) => {
    const site = await siteOf(req, deps);
    return reply.type(ld).header('access-control-allow-origin', '*').send(catalogueDocument(site, deps.platform.profile.dataAuthority));
  });

  app.get<{ Params: { name: string } }>('/open/dataset/:name/dcat.jsonld', hidden, async (req, reply) => {
    const site = await siteOf(req, deps);
    const d = NAME.test(req.params.name) ? site.datasets.find((x) => x.name === req.params.name) : undefined;
    if (!d) throw notFound({ zh: '开放数据集', en: 'Open dataset' }, req.params.name);
    return reply.type(ld).header('access-control-allow-origin', '*').send(datasetDocument(site, d));
  });

  // CKAN clients post JSON or a form, or call with GET and query parameters; bad JSON is CKAN's 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, { form: String(body) }));

  const version = async () => ({ version: 3 });
  for (const prefix of ['/open/api/3', '/open/api']) {
    app.get(prefix, hidden, version);
    app.route<{ Params: { action: string } }>({
      method: ['GET', 'POST'],
      url: `${prefix}/action/:action`,
      ...hidden,
      handler: async (req, reply) => {
        const site = await siteOf(req, deps);
        const action = req.params.action;
        const help = `${site.base}/open/api/3/action/help_show?name=${encodeURIComponent(action)}`;
        const send = (status: number, body: unknown) =>
          reply.status(status).type('application/json; charset=utf-8').header('access-control-allow-origin', '*').send(JSON.stringify(body));
        if (!ACTIONS.includes(action)) return send(400, `Bad request - Action name not known: ${action}`);
        let params: Record<string, unknown>;
        try {
          params = paramsOf(req);
        } catch (err) {
          return send(400, `Bad request - JSON Error: ${(err as Error).message}`);
        }
        try {
          return send(200, { help, success: true, result: runAction(site, action, params) });
        } catch (err) {
          if (err instanceof CkanError)
            return typeof err.error === 'string' ? send(err.status, err.error) : send(err.status, { help, success: false, error: err.error });
          req.log.error({ err }, 'CKAN action failed');
          return send(500, { help, success: false, error: { __type: 'Internal Server Error', message: 'Internal Server Error' } });
        }
      },
    });
  }
}

/** The action's parameters: the query string on GET, the JSON (or form) body on POST. */
function paramsOf(req: FastifyRequest): Record<string, unknown> {
  if (req.method === 'GET') return Object.fromEntries(Object.entries((req.query as Record<string, unknown>) ?? {}).filter(([k]) => k !== 'callback'));
  const body = req.body as unknown;
  if (body === undefined || body === null || body === '') return {};
  if (typeof body === 'object' && body !== null && 'form' in body) {
    const form = new URLSearchParams(String((body as { form: string }).form));
    const keys = [...new Set(form.keys())];
    // A form with one key and an empty value is a JSON body sent as a form (what some clients do).
    if (keys.length === 1 && ['', '1'].includes(form.get(keys[0]!) ?? '')) return objectOf(JSON.parse(keys[0]!));
    return Object.fromEntries(keys.map((k) => [k, form.getAll(k).length > 1 ? form.getAll(k) : form.get(k)]));
  }
  return objectOf(JSON.parse(String(body)));
}

function objectOf(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`Request data JSON decoded to ${JSON.stringify(v)} but it needs to be a dictionary.`);
  return v as Record<string, unknown>;
}
