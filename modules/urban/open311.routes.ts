/**
 * Open311 GeoReport v2 at /open311/v2 (and discovery at /open311/discovery.{json,xml}): services
 * and their definitions, POST requests (form-encoded or multipart with a `media` photo, with an
 * API key), GET requests with the specification's filters, a request by id, tokens. The format is
 * the path's extension; errors are the specification's list of {code, description}.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../platform/auth/scope.js';
import type { Platform } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import { type Lang, negotiateLanguage, pick } from '../../platform/i18n/index.js';
import { listDepartments } from '../identity/index.js';
import { type Format, SPECIFICATION, definitionOf, iso, parseMultipart, requestOf, serviceNotice, serviceOf, toXml } from './open311.js';
import type { CaseRow } from './urban.store.js';
import type { UrbanService } from './urban.service.js';

export interface Open311Deps {
  platform: Platform;
  urban: UrbanService;
  /** Checks an API key (the platform's `wdk_…` keys); null when it is not one. */
  authenticate(key: string): Promise<Principal | null>;
  publicUrl: string | null;
}

/** Cases from these sources are listed to anyone; citizens' and hotline callers' reports only to their reporter. */
const PUBLIC_SOURCES = ['open311', 'inspector', 'video', 'alert', 'staff'];
const MAX_REQUESTS = 1000;

class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

function split(file: string): { name: string; format: Format } {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) throw new Open311Error(404, 'Add the format to the path: .json or .xml');
  return { name: m[1]!, format: m[2] as Format };
}

function send(reply: FastifyReply, format: Format, root: string, body: unknown, status = 200) {
  reply.status(status).header('access-control-allow-origin', '*');
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, body as never));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function parseDate(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw new Open311Error(400, `${name} is not an ISO 8601 date: ${v}`);
  return t;
}

export async function open311Routes(app: FastifyInstance, deps: Open311Deps): Promise<void> {
  const { platform, urban } = deps;
  const off = platform.profile.utcOffsetMinutes;

  // POST bodies: form-encoded as the specification says, or multipart with a photo.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) =>
    done(null, { form: String(body) }),
  );
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 9 * 1024 * 1024 }, (_req, body, done) => done(null, { multipart: body }));

  const handle =
    (root: string, fn: (req: FastifyRequest, format: Format, lang: Lang) => Promise<unknown>) =>
    async (req: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) => {
      let format: Format = 'json';
      try {
        const s = split(req.params.file);
        format = s.format;
        const lang = negotiateLanguage(req.headers['accept-language']);
        return send(reply, format, root, await fn(req, format, lang));
      } catch (err) {
        const [status, description] =
          err instanceof Open311Error
            ? [err.status, err.description]
            : err instanceof AppError
              ? [err.status === 403 || err.status === 401 ? 403 : err.status === 404 ? 404 : 400, errorText(err)]
              : [500, 'Internal error'];
        if (status === 500) req.log.error({ err }, 'open311 failed');
        return send(reply, format, 'errors', [{ code: status, description }], status);
      }
    };

  const agencyNames = async () => new Map((await listDepartments(platform.db)).map((d) => [d.code, d.name_zh]));
  const checkJurisdiction = (j: unknown) => {
    if (j === undefined || j === '' || j === platform.profile.id || j === platform.profile.adcode) return;
    throw new Open311Error(404, `jurisdiction_id not found: ${String(j)}`);
  };

  const discovery = handle('discovery', async (req, format) => {
    const base = deps.publicUrl ?? `${req.protocol}://${req.host}`;
    return {
      changeset: iso((await urban.classification()).version === 1 ? 0 : platform.now(), off),
      contact: `${platform.profile.name.zh} 城市管理监督指挥中心`,
      key_service: `${base}/console/`,
      endpoints: [
        {
          specification: SPECIFICATION,
          url: `${base}/open311/v2`,
          changeset: iso(0, off),
          type: 'production',
          formats: format === 'xml' ? ['text/xml', 'application/json'] : ['application/json', 'text/xml'],
        },
      ],
    };
  });
  app.get('/discovery.:ext', { schema: { hide: true }, config: { auth: 'public' } }, (req, reply) =>
    discovery(Object.assign(req, { params: { file: `discovery.${(req.params as { ext: string }).ext}` } }) as never, reply),
  );

  const services = handle('services', async (req, _f, lang) => {
    checkJurisdiction((req.query as Record<string, string>).jurisdiction_id);
    return (await urban.classification()).subcategories.filter((s) => !s.retired).map((s) => serviceOf(s, lang));
  });

  const requestsGet = handle('service_requests', async (req, _f, lang) => {
    const q = req.query as Record<string, string | undefined>;
    checkJurisdiction(q.jurisdiction_id);
    const principal = q.api_key ? await deps.authenticate(q.api_key) : null;
    const ids = q.service_request_id?.split(',').filter(Boolean);
    const codes = q.service_code?.split(',').filter(Boolean);
    const status = q.status?.split(',').filter(Boolean);
    if (status?.some((s) => s !== 'open' && s !== 'closed')) throw new Open311Error(400, 'status is open, closed or both');
    let from = parseDate(q.start_date, 'start_date');
    const to = parseDate(q.end_date, 'end_date');
    // The specification's default: the last 90 days, unless requests are asked for by id.
    if (from === undefined && !ids?.length) from = (to ?? platform.now()) - 90 * 86_400_000;
    if (from !== undefined && to !== undefined && to - from > 90 * 86_400_000 && !ids?.length)
      throw new Open311Error(400, 'start_date to end_date spans at most 90 days');
    const rows = await urban.open311Requests({
      ...(ids ? { ids: ids.slice(0, MAX_REQUESTS) } : {}),
      ...(codes ? { codes } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(status ? { status: status as ('open' | 'closed')[] } : {}),
      publicSources: PUBLIC_SOURCES,
      reporter: principal?.id ?? null,
      limit: MAX_REQUESTS,
    });
    return present(rows, lang);
  });

  const present = async (rows: CaseRow[], lang: Lang) => {
    const agencies = await agencyNames();
    const out = [];
    for (const c of rows) {
      const cls = await urban.classification(c.class_version);
      const s = cls.subcategories.find((x) => x.code === c.subcategory);
      out.push(requestOf(c, s, c.unit ? (agencies.get(c.unit) ?? c.unit) : null, lang, off, c.media_url));
    }
    return out;
  };

  const requestPost = handle('service_requests', async (req, _f, lang) => {
    const body = req.body as { form?: string; multipart?: Buffer } | undefined;
    const fields: Record<string, string> = {};
    let media: { filename: string; type: string; data: Buffer } | undefined;
    if (body?.form !== undefined) for (const [k, v] of new URLSearchParams(body.form)) fields[k] = v;
    else if (body?.multipart) {
      const parsed = parseMultipart(body.multipart, String(req.headers['content-type'] ?? ''));
      if (!parsed) throw new Open311Error(400, 'The multipart body could not be read');
      for (const [k, v] of Object.entries(parsed.fields)) fields[k] = v[0]!;
      media = parsed.files.find((f) => f.name === 'media');
    } else throw new Open311Error(400, 'Send the request as application/x-www-form-urlencoded (or multipart/form-data with a media file)');
    for (const [k, v] of Object.entries(req.query as Record<string, string>)) fields[k] ??= v;
    checkJurisdiction(fields.jurisdiction_id);
    if (!fields.api_key) throw new Open311Error(403, 'api_key is required to submit a request');
    const principal = await deps.authenticate(fields.api_key);
    if (!principal?.permissions.has('urban.report')) throw new Open311Error(403, 'api_key is not valid for submitting requests');
    const code = fields.service_code;
    if (!code) throw new Open311Error(400, 'service_code is required');
    const cls = await urban.classification();
    const s = cls.subcategories.find((x) => x.code === code && !x.retired);
    if (!s) throw new Open311Error(404, `service_code not found: ${code}`);
    const lat = fields.lat === undefined || fields.lat === '' ? Number.NaN : Number(fields.lat);
    const long = fields.long === undefined || fields.long === '' ? Number.NaN : Number(fields.long);
    if (!Number.isFinite(lat) || !Number.isFinite(long))
      throw new Open311Error(400, 'lat and long are required: a request is placed in its unit grid by its location (address_string alone is not enough)');
    const description = (fields.description ?? '').trim() || s.name[lang];
    if (description.length > 4000) throw new Open311Error(400, 'description is at most 4000 characters');
    if (fields.media_url && !/^https?:\/\/\S+$/i.test(fields.media_url)) throw new Open311Error(400, 'media_url must be an http(s) URL');
    const urgent = fields['attribute[urgent]'];
    if (urgent !== undefined && urgent !== 'yes' && urgent !== 'no') throw new Open311Error(400, 'attribute[urgent] is yes or no');
    const componentId = fields['attribute[component_id]'] || undefined;
    const photos: string[] = [];
    if (media) {
      const f = await platform.files.upload(principal, { name: media.filename || 'media', contentType: media.type, data: media.data });
      photos.push(f.id);
    }
    const name = [fields.last_name, fields.first_name].filter(Boolean).join('') || undefined;
    const token = `tok-${crypto.randomUUID()}`;
    const ctx = { principal, ip: req.ip, requestId: req.id };
    const c = await urban.report(
      {
        subcategory: code,
        urgent: urgent === 'yes',
        location: { lon: long, lat, datum: 'WGS-84' },
        ...(fields.address_string ? { address: fields.address_string.slice(0, 200) } : {}),
        description,
        ...(photos.length ? { photos } : {}),
        ...(fields.media_url ? { mediaUrl: fields.media_url } : {}),
        ...(componentId ? { componentId } : {}),
        reporter: { ...(name ? { name } : {}), ...(fields.phone ? { phone: fields.phone.replace(/[\s-]/g, '').slice(0, 20) } : {}) },
        externalRef: token,
      },
      'open311',
      ctx,
    );
    return [{ service_request_id: c.id, token: c.external_ref ?? token, service_notice: serviceNotice(s, lang), account_id: null }];
  });

  app.get('/v2/:file', { schema: { hide: true }, config: { auth: 'public' } }, async (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const { name } = (() => {
      try {
        return split(req.params.file);
      } catch {
        return { name: '' };
      }
    })();
    if (name === 'services') return services(req, reply);
    if (name === 'requests') return requestsGet(req, reply);
    if (name === 'discovery') return discovery(req, reply);
    return handle('errors', async () => {
      throw new Open311Error(404, `No resource ${req.params.file}`);
    })(req, reply);
  });

  app.post('/v2/:file', { schema: { hide: true }, config: { auth: 'own' } }, async (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const name = /^(.+)\.(json|xml)$/.exec(req.params.file)?.[1];
    if (name === 'requests') return requestPost(req, reply);
    return handle('errors', async () => {
      throw new Open311Error(404, `No resource ${req.params.file} to post to`);
    })(req, reply);
  });

  app.get(
    '/v2/services/:file',
    { schema: { hide: true }, config: { auth: 'public' } },
    handle('service_definition', async (req, _f, lang) => {
      const { name } = split((req.params as { file: string }).file);
      checkJurisdiction((req.query as Record<string, string>).jurisdiction_id);
      const s = (await urban.classification()).subcategories.find((x) => x.code === name && !x.retired);
      if (!s) throw new Open311Error(404, `service_code not found: ${name}`);
      return definitionOf(s, lang);
    }),
  );

  // GeoReport v2 writes requests/{id}; the community's Swagger writes request/{id}: both answer.
  const one = handle('service_requests', async (req, _f, lang) => {
    const { name } = split((req.params as { file: string }).file);
    const q = req.query as Record<string, string | undefined>;
    checkJurisdiction(q.jurisdiction_id);
    const principal = q.api_key ? await deps.authenticate(q.api_key) : null;
    const rows = await urban.open311Requests({ ids: [name], publicSources: PUBLIC_SOURCES, reporter: principal?.id ?? null, limit: 1 });
    if (rows.length === 0) throw new Open311Error(404, `service_request_id not found: ${name}`);
    return present(rows, lang);
  });
  app.get('/v2/requests/:file', { schema: { hide: true }, config: { auth: 'public' } }, one);
  app.get('/v2/request/:file', { schema: { hide: true }, config: { auth: 'public' } }, one);

  app.get(
    '/v2/tokens/:file',
    { schema: { hide: true }, config: { auth: 'public' } },
    handle('service_requests', async (req) => {
      const { name } = split((req.params as { file: string }).file);
      const c = await urban.caseByToken(name);
      if (!c) throw new Open311Error(404, `token not found: ${name}`);
      return [{ service_request_id: c.id, token: name }];
    }),
  );
}

function errorText(err: AppError): string {
  const first = err.extra.errors?.[0];
  const detail = err.detail === undefined ? err.message : pick(err.detail, 'en');
  if (!first) return detail;
  const field = first.pointer.split('/').pop() ?? '';
  const d = typeof first.detail === 'string' ? first.detail : first.detail.en;
  return `${detail}${field ? ` (${field}: ${d})` : ''}`;
}
