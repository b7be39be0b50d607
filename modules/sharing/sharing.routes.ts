/** HTTP routes of the data sharing centre: the resource catalogue (政务数据资源目录). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import { ctxOf, principalOf } from '../../platform/http/http.js';
import { PageQuery } from '../../platform/http/limits.js';
import {
  CATALOGUE_KINDS,
  FORMATS,
  GRADES,
  ITEM_TYPES,
  MASKS,
  METHODS,
  OPEN_TYPES,
  type ResourceInput,
  SHARING_TYPES,
  STATUSES,
  UPDATE_CYCLES,
} from './catalogue.js';
import { type ParsedEntry, catalogueCsv, parseCatalogueCsv } from './catalogue-io.js';
import type { CatalogueService } from './catalogue.service.js';
import { DATASETS, RECORD_DATASETS } from './datasets.js';
import { type LoadService, csvRows, jsonRows, specOf } from './loader.js';
import { countRecords } from './records.store.js';

const R = (summary: string) => ({ tags: ['sharing'], summary });
const P = { $ref: 'Problem#' };
const Label = Type.Object({ zh: Type.String({ maxLength: 200 }), en: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const keys = (o: object) => Object.keys(o);

const DataItem = Type.Object(
  {
    key: Type.String({ maxLength: 64, description: 'Item key (letters, digits, _), unique in the entry' }),
    name: Label,
    type: Type.String({ enum: [...ITEM_TYPES] }),
    length: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    sharing: Type.String({ enum: keys(SHARING_TYPES), description: '无条件共享 / 有条件共享 / 不予共享' }),
    grade: Type.String({ enum: keys(GRADES), description: 'GB/T 43697-2024: core, important, general' }),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: 'General data: 1 (least harm if leaked) to 4' })),
    sensitive: Type.Optional(Type.Boolean({ description: 'Sensitive personal information (PIPL): level 3 or more, masked or left out' })),
    mask: Type.String({ enum: keys(MASKS), description: 'How the gateway shows the item to a consumer not approved for it' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const ResourceFields = {
  classCode: Type.String({
    maxLength: 12,
    description: 'Four-level class code: class (1 digit: 1 base, 2 thematic, 3 departmental), item (2), entry (3), sub-entry (0–6)',
  }),
  name: Label,
  kind: Type.String({ enum: keys(CATALOGUE_KINDS) }),
  provider: Type.String({ description: 'Provider department code' }),
  abstract: Type.String({ maxLength: 4000 }),
  format: Type.String({ enum: keys(FORMATS) }),
  items: Type.Array(DataItem, { maxItems: 500 }),
  sharingType: Type.String({ enum: keys(SHARING_TYPES) }),
  sharingCondition: Type.Optional(Type.String({ maxLength: 2000 })),
  legalBasis: Type.Optional(Type.String({ maxLength: 2000, description: 'Required for 不予共享' })),
  sharingMethods: Type.Array(Type.String({ enum: keys(METHODS) }), { maxItems: 3 }),
  openType: Type.String({ enum: keys(OPEN_TYPES) }),
  updateCycle: Type.String({ enum: keys(UPDATE_CYCLES) }),
  publishedAt: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })),
  related: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 50 })),
  keywords: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 30 })),
  dataset: Type.Optional(Type.String({ enum: keys(DATASETS), description: 'The base database holding the data' })),
  status: Type.String({ enum: keys(STATUSES) }),
};
const ResourceBody = Type.Object(ResourceFields, { additionalProperties: false });
const Resource = Type.Object({
  ...ResourceFields,
  code: Type.String({ description: 'Resource code: class code / six-digit sequence' }),
  version: Type.Integer(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Integer(),
});
const Code = Type.Object({ code: Type.String({ description: 'Resource code; its slash is sent as %2F' }) });
const labels = (o: Record<string, { zh: string; en: string }>) => Object.entries(o).map(([code, name]) => ({ code, name }));

/** The sharing centre's routes: a Fastify plugin, registered under /api. */
export async function sharingRoutes(
  scope: FastifyInstance,
  { platform: p, catalogue, loads }: { platform: Platform; catalogue: CatalogueService; loads: LoadService },
): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/sharing/vocabulary',
    {
      schema: R(
        'The catalogue’s terms in both languages: sharing classes, open attributes, kinds, formats, methods, update cycles, grades, masking, statuses, base databases',
      ),
      config: { auth: { permission: 'sharing.read' } },
    },
    async () => ({
      sharingTypes: labels(SHARING_TYPES),
      openTypes: labels(OPEN_TYPES),
      kinds: labels(CATALOGUE_KINDS),
      formats: labels(FORMATS),
      methods: labels(METHODS),
      updateCycles: labels(UPDATE_CYCLES),
      grades: labels(GRADES),
      masks: labels(MASKS),
      statuses: labels(STATUSES),
      itemTypes: ITEM_TYPES,
      datasets: Object.entries(DATASETS).map(([code, d]) => ({ code, name: d.name })),
      authority: catalogue.authority,
    }),
  );

  app.get(
    '/sharing/catalogue',
    {
      schema: {
        ...R(
          'Search and browse the resource catalogue: words in Chinese or English (names, abstract, keywords, items, provider), by provider, kind, class, sharing class or base database',
        ),
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Words that must all appear' })),
          provider: Type.Optional(Type.String()),
          kind: Type.Optional(Type.String({ enum: keys(CATALOGUE_KINDS) })),
          classCode: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$', description: 'A class code or its prefix (1: base, 101: population, ...)' })),
          sharingType: Type.Optional(Type.String({ enum: keys(SHARING_TYPES) })),
          dataset: Type.Optional(Type.String({ enum: keys(DATASETS) })),
          status: Type.Optional(Type.String({ enum: keys(STATUSES) })),
          ...PageQuery(50, 500),
        }),
        response: { 200: Type.Object({ items: Type.Array(Resource), total: Type.Integer() }) },
      },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) => catalogue.list({ ...req.query, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }, principalOf(req)),
  );

  app.post(
    '/sharing/catalogue',
    {
      schema: {
        ...R('Register a resource in the catalogue (its code is the class code and the next sequence)'),
        body: ResourceBody,
        response: { 201: Resource, 400: P, 403: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req, reply) => reply.status(201).send(await catalogue.create(req.body as ResourceInput, ctxOf(req))),
  );

  app.get(
    '/sharing/catalogue/export',
    {
      schema: {
        ...R('The catalogue as a file: JSON (entries as the API gives them) or CSV (one row per data item)'),
        querystring: Type.Object({
          format: Type.Optional(Type.String({ enum: ['json', 'csv'], default: 'json' })),
          provider: Type.Optional(Type.String()),
        }),
      },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req, reply) => {
      const all = await catalogue.list({ provider: req.query.provider, limit: 100_000, offset: 0 }, principalOf(req));
      const day = new Date(p.now()).toISOString().slice(0, 10);
      if (req.query.format === 'csv')
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="catalogue-${day}.csv"`).send(catalogueCsv(all.items));
      const entries = all.items.map(({ version: _v, updatedBy: _b, updatedAt: _a, ...e }) => e);
      return reply.header('content-disposition', `attachment; filename="catalogue-${day}.json"`).send(entries);
    },
  );

  app.post(
    '/sharing/catalogue/import',
    {
      schema: {
        ...R('Load catalogue entries from a file (JSON entries or catalogue CSV): known codes are revised, new ones created; each entry reported by its line'),
        body: Type.Object(
          {
            format: Type.String({ enum: ['json', 'csv'] }),
            content: Type.String({ maxLength: 5_000_000, description: 'The file’s text' }),
            dryRun: Type.Optional(Type.Boolean({ description: 'Check only; change nothing' })),
          },
          { additionalProperties: false },
        ),
        response: { 400: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
      bodyLimit: 6 * 1024 * 1024,
    },
    async (req) => {
      let entries: ParsedEntry[];
      let problems: { at: number; detail: unknown }[] = [];
      if (req.body.format === 'csv') ({ entries, problems } = parseCatalogueCsv(req.body.content));
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(req.body.content);
        } catch (e) {
          throw new AppError('WD_ERR_VALIDATION', { zh: '文件不是有效的 JSON', en: `The file is not valid JSON: ${(e as Error).message}` });
        }
        if (!Array.isArray(parsed) || !parsed.every((x) => x && typeof x === 'object' && !Array.isArray(x)))
          throw new AppError('WD_ERR_VALIDATION', { zh: 'JSON 文件应为资源目录条目的数组', en: 'The JSON file must be an array of catalogue entries' });
        entries = (parsed as ParsedEntry['entry'][]).map((entry, at) => ({
          at,
          entry: { ...entry, items: entry.items ?? [], sharingMethods: entry.sharingMethods ?? [] },
        }));
      }
      const report = await catalogue.import(entries, ctxOf(req), req.body.dryRun === true);
      return { ...report, problems };
    },
  );

  app.get(
    '/sharing/catalogue/:code',
    {
      schema: { ...R('One catalogue entry'), params: Code, response: { 200: Resource, 404: P } },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) => catalogue.get(req.params.code, principalOf(req)),
  );

  app.put(
    '/sharing/catalogue/:code',
    {
      schema: {
        ...R('Revise a catalogue entry at the version you read (409 if it moved on); the history keeps every version'),
        params: Code,
        body: Type.Object({ ...ResourceFields, version: Type.Integer() }, { additionalProperties: false }),
        response: { 200: Resource, 400: P, 403: P, 404: P, 409: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => {
      const { version, ...def } = req.body;
      return catalogue.update(req.params.code, version, def as ResourceInput, ctxOf(req));
    },
  );

  app.get(
    '/sharing/catalogue/:code/history',
    {
      schema: { ...R('Every saved version of a catalogue entry, newest first: what changed, who, when'), params: Code, response: { 404: P } },
      config: { auth: { permission: 'sharing.read' } },
    },
    async (req) => catalogue.history(req.params.code, principalOf(req)),
  );

  // ---- the base databases (七大基础数据库) ----

  app.get(
    '/sharing/databases',
    {
      schema: R('The seven base databases: each one’s provider, catalogue entry, and the number of records kept here'),
      config: { auth: { permission: 'sharing.read' } },
    },
    async () =>
      Promise.all(
        Object.entries(DATASETS).map(async ([key, d]) => ({
          key,
          name: d.name,
          provider: await catalogue.providerOf(key),
          fields: RECORD_DATASETS[key]?.fields.map((f) => ({ key: f.key, name: f.name, kind: f.kind, required: !!f.required })) ?? null,
          records: RECORD_DATASETS[key] ? await countRecords(p.db, RECORD_DATASETS[key]!) : null,
        })),
      ),
  );

  const Dataset = Type.Object({ dataset: Type.String({ enum: Object.keys(RECORD_DATASETS), description: 'A base database that keeps records here' }) });
  app.post(
    '/sharing/databases/:dataset/loads',
    {
      schema: {
        ...R(
          'Load a base database from a file (CSV with a header of field keys or Chinese names, a JSON array, or NDJSON): every row checked, refused rows reported by line and field, records merged by key',
        ),
        params: Dataset,
        body: Type.Object(
          {
            format: Type.String({ enum: ['csv', 'json'] }),
            content: Type.String({ maxLength: 60_000_000 }),
            source: Type.Optional(Type.String({ maxLength: 200, description: 'The file’s name' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Unknown(), 400: P, 403: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
      bodyLimit: 64 * 1024 * 1024,
    },
    async (req, reply) => {
      const spec = specOf(req.params.dataset);
      await loads.assertMayKeep(principalOf(req), spec.key);
      const rows = req.body.format === 'csv' ? csvRows(spec, req.body.content) : jsonRows(req.body.content);
      const job = await loads.load(spec.key, req.body.source ?? `upload.${req.body.format}`, rows, ctxOf(req));
      return reply.status(201).send(job);
    },
  );

  app.get(
    '/sharing/databases/:dataset/loads',
    {
      schema: { ...R('The loads of a base database, newest first (its keepers)'), params: Dataset, response: { 403: P, 404: P } },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => loads.jobs(req.params.dataset, principalOf(req)),
  );

  app.get(
    '/sharing/loads/:id',
    {
      schema: {
        ...R('One load: its counts and the rows it refused, by line and field'),
        params: Type.Object({ id: Type.String() }),
        response: { 403: P, 404: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => loads.job(req.params.id, principalOf(req)),
  );

  app.get(
    '/sharing/databases/:dataset/records/:key',
    {
      schema: {
        ...R('One record as its keeper sees it, with the history of every change (before and after, who, when)'),
        params: Type.Object({ dataset: Type.String(), key: Type.String({ maxLength: 64 }) }),
        response: { 403: P, 404: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req) => loads.record(req.params.dataset, req.params.key, principalOf(req)),
  );

  app.post(
    '/sharing/code-exceptions',
    {
      schema: {
        ...R('Accept an early credit code whose only fault is its check character (the data authority; audited)'),
        body: Type.Object(
          { code: Type.String({ minLength: 18, maxLength: 18 }), reason: Type.String({ minLength: 4, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 400: P, 403: P, 409: P },
      },
      config: { auth: { permission: 'sharing.manage' } },
    },
    async (req, reply) => {
      await loads.grantException(req.body.code, req.body.reason, ctxOf(req), catalogue.isAuthority(principalOf(req)));
      return reply.status(204).send(null);
    },
  );
}
