/**
 * A CKAN-compatible action API (the subset harvesters and clients read): the datasets, their
 * resources, organisations (the providing departments) and groups (themes) in CKAN's shapes, and
 * CKAN's answers to bad calls: `{help, success: false, error: {__type, …}}` with CKAN's status
 * codes (409 validation, 404 not found, 400 a bad search or an unknown action).
 *
 * `q` and `fq` accept the Solr syntax clients send: words and "phrases", `field:value`,
 * `field:"a phrase"`, `field:(a OR b)`, `field:[from TO to]` on dates, `+`/`-` prefixes, `OR`
 * between clauses and a trailing `*` wildcard (docs/open-data.md).
 */
import type { Text } from '../../platform/i18n/index.js';
import { type DatasetView, stableId, searchText } from './opendata.service.js';
import { FORMATS, LICENCES, THEMES } from './vocabulary.js';

export const CKAN_VERSION = '2.10.0';

export class CkanError extends Error {
  constructor(
    readonly status: number,
    /** The `error` object (or, for a bad request CKAN answers with a bare string, that string). */
    readonly error: Record<string, unknown> | string,
  ) {
    super(typeof error === 'string' ? error : String(error.message ?? error.__type));
  }
}

const validation = (fields: Record<string, string[]>) => new CkanError(409, { ...fields, __type: 'Validation Error' });
const notFound = (what?: string) => new CkanError(404, { __type: 'Not Found Error', message: what ? `Not found: ${what}` : 'Not found' });
const searchQuery = (message: string) => new CkanError(400, { __type: 'Search Query Error', message: `Search Query is invalid: ${pyRepr(message)}` });
const searchError = (message: string) => new CkanError(409, { __type: 'Search Error', message: `Search error: (${pyRepr(message)},)` });

/** Python's repr of a string, as CKAN's messages quote them. */
function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`;
}

export interface CkanSite {
  /** Absolute base of the deployment (no trailing slash). */
  base: string;
  title: Text;
  datasets: readonly DatasetView[];
  organisations: readonly { code: string; name: Text }[];
}

type Params = Record<string, unknown>;

// ---- dictization ----

/** CKAN's timestamps: ISO 8601 in UTC without a zone, to the microsecond. */
export const ckanTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000`;

const orgName = (code: string) => code.toLowerCase();
const orgId = (code: string) => stableId(`organization:${code}`);
const groupId = (theme: string) => stableId(`group:${theme}`);
const tagId = (tag: string) => stableId(`tag:${tag}`);
export const resourceId = (d: DatasetView, format: string) => stableId(`resource:${d.id}:${format}`);

export function dataUrl(site: CkanSite, d: DatasetView, format: string): string {
  return `${site.base}/api/open/datasets/${encodeURIComponent(d.name)}/data?format=${format}`;
}

export function pageUrl(site: CkanSite, d: DatasetView): string {
  return `${site.base}/open/dataset/${encodeURIComponent(d.name)}`;
}

function orgDict(site: CkanSite, code: string, extra = false) {
  const name = site.organisations.find((o) => o.code === code)?.name ?? { zh: code, en: code };
  const base = {
    id: orgId(code),
    name: orgName(code),
    title: name.zh,
    type: 'organization',
    description: name.en,
    image_url: '',
    created: ckanTime(0),
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
  };
  if (!extra) return base;
  return {
    ...base,
    display_name: name.zh,
    image_display_url: '',
    title_translated: name,
    package_count: site.datasets.filter((d) => d.provider === code).length,
    num_followers: 0,
    extras: [],
    tags: [],
    groups: [],
    users: [],
  };
}

function groupDict(site: CkanSite, theme: string, extra = false) {
  const t = THEMES[theme]!;
  const base = {
    id: groupId(theme),
    name: theme,
    title: t.name.zh,
    display_name: t.name.zh,
    description: t.name.en,
    image_display_url: '',
  };
  if (!extra) return base;
  return {
    ...base,
    type: 'group',
    image_url: '',
    created: ckanTime(0),
    is_organization: false,
    approval_status: 'approved',
    state: 'active',
    title_translated: t.name,
    package_count: site.datasets.filter((d) => d.themes.includes(theme)).length,
    num_followers: 0,
    extras: [],
    tags: [],
    groups: [],
    users: [],
  };
}

function resourceDict(site: CkanSite, d: DatasetView, format: 'csv' | 'json', position: number) {
  const f = FORMATS[format];
  return {
    id: resourceId(d, format),
    package_id: d.id,
    name: `${d.title.zh} (${f.ckan})`,
    description: d.title.en ? `${d.title.en}: all rows as ${f.ckan}` : '',
    format: f.ckan,
    mimetype: f.media,
    mimetype_inner: null,
    url: dataUrl(site, d, format),
    url_type: null,
    size: null,
    hash: '',
    position,
    state: 'active',
    resource_type: null,
    datastore_active: false,
    cache_url: null,
    cache_last_updated: null,
    created: ckanTime(d.createdAt),
    last_modified: d.dataAt === null ? null : ckanTime(d.dataAt),
    metadata_modified: ckanTime(d.modifiedAt),
  };
}

export function packageDict(site: CkanSite, d: DatasetView) {
  const licence = LICENCES[d.licence]!;
  const resources = d.formats.map((f, i) => resourceDict(site, d, f, i));
  const tags = d.keywords.map((k) => ({ id: tagId(k), name: k, display_name: k, state: 'active', vocabulary_id: null }));
  return {
    id: d.id,
    name: d.name,
    title: d.title.zh,
    title_translated: d.title,
    notes: d.description.zh,
    notes_translated: d.description,
    url: pageUrl(site, d),
    version: null,
    type: 'dataset',
    state: 'active',
    private: false,
    isopen: licence.open && d.openType === 'open',
    license_id: d.licence,
    license_title: licence.title.en,
    license_url: licence.url,
    author: d.providerName.zh,
    author_email: null,
    maintainer: d.providerName.zh,
    maintainer_email: null,
    creator_user_id: null,
    metadata_created: ckanTime(d.createdAt),
    metadata_modified: ckanTime(d.modifiedAt),
    owner_org: orgId(d.provider),
    organization: orgDict(site, d.provider),
    groups: d.themes.filter((t) => THEMES[t]).map((t) => groupDict(site, t)),
    tags,
    num_tags: tags.length,
    resources,
    num_resources: resources.length,
    extras: [
      { key: 'open_type', value: d.openType },
      { key: 'update_cycle', value: d.updateCycle },
      { key: 'catalogue_resource', value: d.resource },
      { key: 'aggregate', value: d.aggregate ? 'true' : 'false' },
    ],
    relationships_as_object: [],
    relationships_as_subject: [],
  };
}

// ---- parameters ----

function natural(params: Params, key: string, fallback: number): number {
  const v = params[key];
  if (v === undefined || v === null || v === '') return fallback;
  const s = String(v).trim();
  if (!/^-?\d+$/.test(s)) throw validation({ [key]: ['Invalid integer'] });
  const n = Number(s);
  if (n < 0) throw validation({ [key]: ['Must be a natural number'] });
  return n;
}

function bool(params: Params, key: string, fallback: boolean): boolean {
  const v = params[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  return ['true', 'yes', 'on', '1', 'y', 't'].includes(String(v).toLowerCase());
}

/** A list given as a JSON list, a list, or a single string. */
function list(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.map(String);
  const s = String(v).trim();
  if (s.startsWith('[')) {
    try {
      const a = JSON.parse(s);
      if (Array.isArray(a)) return a.map(String);
    } catch {
      // not JSON: one value
    }
  }
  return [s];
}

// ---- Solr-like queries ----

type Clause =
  | { kind: 'text'; value: string; negate: boolean; required: boolean; field: string | null; prefix: boolean }
  | { kind: 'any'; values: string[]; negate: boolean; required: boolean; field: string }
  | { kind: 'range'; field: string; from: string; to: string; negate: boolean; required: boolean }
  | { kind: 'all' }
  | { kind: 'or' };

const FIELDS = new Set([
  'id',
  'name',
  'title',
  'notes',
  'text',
  'tags',
  'groups',
  'organization',
  'owner_org',
  'res_format',
  'license_id',
  'metadata_modified',
  'metadata_created',
  'state',
  'capacity',
  'dataset_type',
  'type',
  'site_id',
]);

/** Splits a query into clauses; throws a Search Error for what Solr would refuse. */
export function parseQuery(q: string): Clause[] {
  const out: Clause[] = [];
  const re = /\s*([+-]?)(?:([A-Za-z_][\w.]*):)?("(?:[^"\\]|\\.)*"|\((?:[^()"]|"[^"]*")*\)|\[[^\]]*\]|\{[^}]*\}|[^\s()]+)/y;
  let i = 0;
  const s = q.trim();
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) {
      if (/^\s*$/.test(s.slice(i))) break;
      throw searchError(`SOLR returned an error running query: cannot parse '${q}'`);
    }
    i = re.lastIndex;
    const [, sign, field0, raw] = m as unknown as [string, string, string | undefined, string];
    const negate = sign === '-';
    const required = sign === '+';
    if (!field0 && (raw === 'OR' || raw === '||')) {
      out.push({ kind: 'or' });
      continue;
    }
    if (!field0 && (raw === 'AND' || raw === '&&')) continue;
    if ((field0 === '*' || !field0) && raw === '*:*') {
      out.push({ kind: 'all' });
      continue;
    }
    const field = field0 ?? null;
    if (field === '*' && raw === '*') {
      out.push({ kind: 'all' });
      continue;
    }
    if (field !== null && !FIELDS.has(field) && !field.startsWith('extras_'))
      throw searchError(`SOLR returned an error running query: undefined field ${field}`);
    if (raw.startsWith('[') || raw.startsWith('{')) {
      const r = /^[[{]\s*(\S+)\s+TO\s+(\S+)\s*[\]}]$/.exec(raw);
      if (!r || field === null) throw searchError(`SOLR returned an error running query: cannot parse '${q}'`);
      out.push({ kind: 'range', field, from: r[1]!, to: r[2]!, negate, required });
      continue;
    }
    if (raw.startsWith('(')) {
      const inner = raw.slice(1, -1);
      const values = inner
        .split(/\s+(?:OR|\|\|)\s+|\s+/)
        .map((v) => unquote(v))
        .filter((v) => v && v !== 'AND' && v !== 'OR');
      out.push({ kind: 'any', values, negate, required, field: field ?? 'text' });
      continue;
    }
    const value = unquote(raw);
    const prefix = !raw.startsWith('"') && value.endsWith('*') && value.length > 1;
    out.push({ kind: 'text', value: prefix ? value.slice(0, -1) : value, negate, required, field, prefix });
  }
  return out;
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

/** The values a dataset holds for a field (lower case), or its text for words. */
function fieldValues(d: DatasetView, field: string): string[] {
  switch (field) {
    case 'id':
      return [d.id];
    case 'name':
      return [d.name];
    case 'title':
      return [d.title.zh.toLowerCase(), d.title.en.toLowerCase()];
    case 'notes':
      return [d.description.zh.toLowerCase(), d.description.en.toLowerCase()];
    case 'tags':
      return d.keywords.map((k) => k.toLowerCase());
    case 'groups':
      return d.themes;
    case 'organization':
      return [orgName(d.provider)];
    case 'owner_org':
      return [orgId(d.provider)];
    case 'res_format':
      return d.formats.map((f) => FORMATS[f].ckan.toLowerCase());
    case 'license_id':
      return [d.licence];
    case 'state':
      return ['active'];
    case 'capacity':
      return ['public'];
    case 'dataset_type':
    case 'type':
      return ['dataset'];
    case 'site_id':
      return ['*'];
    default:
      return [];
  }
}

const EXACT = new Set(['id', 'name', 'tags', 'groups', 'organization', 'owner_org', 'res_format', 'license_id', 'state', 'capacity', 'dataset_type', 'type']);

function dateOf(d: DatasetView, field: string): number | null {
  if (field === 'metadata_modified') return d.modifiedAt;
  if (field === 'metadata_created') return d.createdAt;
  return null;
}

/** A Solr date bound: an ISO time (Z optional), `*`, or NOW with -/+ units. */
function bound(v: string, open: number): number {
  if (v === '*') return open;
  const now = /^NOW(?:([+-])(\d+)(DAYS?|HOURS?|MINUTES?|YEARS?|MONTHS?))?(?:\/DAY)?$/.exec(v);
  if (now) {
    const unit: Record<string, number> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, YEAR: 365 * 86_400_000, MONTH: 30 * 86_400_000 };
    const n = now[2] ? Number(now[2]) * unit[now[3]!.replace(/S$/, '')]! : 0;
    return Date.now() + (now[1] === '-' ? -n : n);
  }
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw searchError(`SOLR returned an error running query: Invalid Date String:'${v}'`);
  return t;
}

function holds(d: DatasetView, c: Exclude<Clause, { kind: 'all' } | { kind: 'or' }>): boolean {
  if (c.kind === 'range') {
    const t = dateOf(d, c.field);
    if (t === null) return false;
    return t >= bound(c.from, Number.NEGATIVE_INFINITY) && t <= bound(c.to, Number.POSITIVE_INFINITY);
  }
  const match = (field: string | null, value: string, prefix: boolean) => {
    const v = value.toLowerCase();
    if (field === null || field === 'text') return searchText(d).includes(v);
    if (field.startsWith('extras_')) return false;
    const values = fieldValues(d, field);
    if (EXACT.has(field)) return values.some((x) => (prefix ? x.startsWith(v) : x === v));
    return values.some((x) => x.includes(v));
  };
  if (c.kind === 'any') return c.values.some((v) => match(c.field, v, false));
  return match(c.field, c.value, c.prefix);
}

/** Whether a dataset matches a query: clauses joined by AND, `OR` between two joins them by OR. */
export function matches(d: DatasetView, clauses: readonly Clause[]): boolean {
  // Split into OR groups; each group is an AND of its clauses.
  const groups: Clause[][] = [[]];
  for (const c of clauses) {
    if (c.kind === 'or') groups.push([]);
    else groups[groups.length - 1]!.push(c);
  }
  const nonEmpty = groups.filter((g) => g.length);
  if (nonEmpty.length === 0) return true;
  return nonEmpty.some((g) =>
    g.every((c) => {
      if (c.kind === 'all' || c.kind === 'or') return true;
      const ok = holds(d, c);
      return c.negate ? !ok : ok;
    }),
  );
}

/** How well a dataset matches the words of a query: title hits count most. */
function score(d: DatasetView, clauses: readonly Clause[]): number {
  let s = 0;
  for (const c of clauses) {
    if (c.kind !== 'text' || c.negate) continue;
    const v = c.value.toLowerCase();
    if (d.title.zh.toLowerCase().includes(v) || d.title.en.toLowerCase().includes(v)) s += 3;
    if (d.keywords.some((k) => k.toLowerCase() === v)) s += 2;
    if (searchText(d).includes(v)) s += 1;
  }
  return s;
}

const SORTABLE: Record<string, (d: DatasetView) => string | number> = {
  metadata_modified: (d) => d.modifiedAt,
  metadata_created: (d) => d.createdAt,
  name: (d) => d.name,
  title_string: (d) => d.title.zh,
  id: (d) => d.id,
};

// ---- the actions ----

/** The parameters package_search accepts (CKAN's and the Solr ones it passes on). */
const SEARCH_PARAMS = new Set([
  'q',
  'fq',
  'fq_list',
  'sort',
  'rows',
  'start',
  'facet',
  'facet.mincount',
  'facet.limit',
  'facet.field',
  'include_drafts',
  'include_deleted',
  'include_private',
  'use_default_schema',
  'include_group_types',
  'fl',
  'qf',
  'wt',
  'bf',
  'boost',
  'tie',
  'defType',
  'mm',
  'df',
  'extras',
  'user',
  'callback',
]);

function packageSearch(site: CkanSite, params: Params) {
  const invalid = Object.keys(params)
    .filter((k) => !SEARCH_PARAMS.has(k) && !k.startsWith('ext_'))
    .sort();
  const rows = Math.min(natural(params, 'rows', 10), 1000);
  const start = natural(params, 'start', 0);
  const facetLimit = params['facet.limit'] === undefined ? 50 : Number(params['facet.limit']);
  if (!Number.isInteger(facetLimit)) throw validation({ 'facet.limit': ['Invalid integer'] });
  const facetMin = natural(params, 'facet.mincount', 1);
  if (invalid.length) throw searchQuery(`Invalid search parameters: [${invalid.map((k) => `'${k}'`).join(', ')}]`);
  const q = typeof params.q === 'string' && params.q.trim() ? params.q : '*:*';
  const clauses = parseQuery(q);
  const filters = [...list(params.fq).flatMap((f) => [parseQuery(f)]), ...list(params.fq_list).map(parseQuery)];
  let hits = site.datasets.filter((d) => matches(d, clauses) && filters.every((f) => matches(d, f)));
  const sort = typeof params.sort === 'string' && params.sort.trim() && params.sort !== 'rank' ? params.sort : 'score desc, metadata_modified desc';
  const keys = sort.split(',').map((part) => {
    const [field, dir = 'asc'] = part.trim().split(/\s+/) as [string, string?];
    if (field !== 'score' && !SORTABLE[field]) throw searchError(`SOLR returned an error running query: can not sort on undefined field: ${field}`);
    if (dir !== 'asc' && dir !== 'desc')
      throw searchError(`SOLR returned an error running query: Can't determine a Sort Order (asc or desc) in sort spec '${sort}'`);
    return { field, desc: dir === 'desc' };
  });
  const scores = new Map(hits.map((d) => [d.id, score(d, clauses)]));
  hits = [...hits].sort((a, b) => {
    for (const k of keys) {
      const x = k.field === 'score' ? scores.get(a.id)! : SORTABLE[k.field]!(a);
      const y = k.field === 'score' ? scores.get(b.id)! : SORTABLE[k.field]!(b);
      if (x < y) return k.desc ? 1 : -1;
      if (x > y) return k.desc ? -1 : 1;
    }
    return 0;
  });
  const facetFields = bool(params, 'facet', true) ? list(params['facet.field']) : [];
  const facets: Record<string, Record<string, number>> = {};
  for (const f of facetFields) {
    const counts: Record<string, number> = {};
    for (const d of hits) for (const v of new Set(facetValues(d, f))) counts[v] = (counts[v] ?? 0) + 1;
    const items = Object.entries(counts)
      .filter(([, n]) => n >= facetMin)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    facets[f] = Object.fromEntries(facetLimit < 0 ? items : items.slice(0, facetLimit));
  }
  const fl = list(params.fl).flatMap((f) => f.split(/[\s,]+/).filter(Boolean));
  const results = hits.slice(start, start + rows).map((d) => {
    const dict = packageDict(site, d) as Record<string, unknown>;
    return fl.length ? Object.fromEntries(fl.map((k) => [k, dict[k] ?? null])) : dict;
  });
  const searchFacets: Record<string, { title: string; items: { name: string; display_name: string; count: number; type?: string }[] }> = {};
  for (const [f, counts] of Object.entries(facets)) {
    searchFacets[f] = {
      title: f,
      items: Object.entries(counts)
        .map(([name, count]) => ({
          name,
          display_name: displayName(site, f, name),
          count,
          ...(f === 'organization' ? { type: 'organization' } : f === 'groups' ? { type: 'group' } : {}),
        }))
        .sort((a, b) => (a.display_name < b.display_name ? 1 : a.display_name > b.display_name ? -1 : 0)),
    };
  }
  return { count: hits.length, facets, results, sort, search_facets: searchFacets };
}

function facetValues(d: DatasetView, field: string): string[] {
  if (field === 'res_format') return d.formats.map((f) => FORMATS[f].ckan);
  if (field === 'tags') return d.keywords;
  return fieldValues(d, field);
}

function displayName(site: CkanSite, field: string, name: string): string {
  if (field === 'organization') return site.organisations.find((o) => orgName(o.code) === name)?.name.zh ?? name;
  if (field === 'groups') return THEMES[name]?.name.zh ?? name;
  if (field === 'license_id') return LICENCES[name]?.title.en ?? name;
  return name;
}

function findDataset(site: CkanSite, id: string) {
  return site.datasets.find((d) => d.id === id || d.name === id);
}

function findOrg(site: CkanSite, id: string) {
  return site.organisations.find((o) => orgName(o.code) === id.toLowerCase() || orgId(o.code) === id);
}

function required(params: Params, key: string): string {
  const v = params[key];
  if (v === undefined || v === null || v === '') throw validation({ [key]: ['Missing value'] });
  return String(v);
}

function groupList(site: CkanSite, params: Params, kind: 'organization' | 'group') {
  const all = kind === 'organization' ? site.organisations.map((o) => o.code) : Object.keys(THEMES);
  const limit = natural(params, 'limit', 1000);
  const offset = natural(params, 'offset', 0);
  const dict = (k: string) => (kind === 'organization' ? orgDict(site, k, true) : groupDict(site, k, true));
  const sort = typeof params.sort === 'string' && params.sort.trim() ? params.sort.trim() : 'title asc';
  const [field, dir = 'asc'] = sort.split(/\s+/) as [string, string?];
  const key = (k: string) => {
    const d = dict(k) as unknown as { name: string; title: string; package_count: number };
    return field === 'package_count' ? d.package_count : field === 'name' ? d.name : d.title;
  };
  let names = [...all].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c = x < y ? -1 : x > y ? 1 : 0;
    return dir === 'desc' ? -c : c;
  });
  const only = list(params[kind === 'organization' ? 'organizations' : 'groups']);
  if (only.length) names = names.filter((k) => only.includes(kind === 'organization' ? orgName(k) : k));
  names = names.slice(offset, offset + limit);
  return bool(params, 'all_fields', false) ? names.map((k) => dict(k)) : names.map((k) => (kind === 'organization' ? orgName(k) : k));
}

function groupShow(site: CkanSite, params: Params, kind: 'organization' | 'group') {
  const id = required(params, 'id');
  const code = kind === 'organization' ? findOrg(site, id)?.code : Object.keys(THEMES).find((t) => t === id || groupId(t) === id);
  if (!code) throw notFound(kind === 'organization' ? 'Organization was not found.' : 'Group was not found.');
  const dict: Record<string, unknown> = kind === 'organization' ? orgDict(site, code, true) : groupDict(site, code, true);
  if (bool(params, 'include_datasets', false)) {
    const own = site.datasets.filter((d) => (kind === 'organization' ? d.provider === code : d.themes.includes(code)));
    dict.packages = own.slice(0, 1000).map((d) => packageDict(site, d));
  }
  return dict;
}

const HELP: Record<string, string> = {
  package_list:
    'Return a list of the names of the site’s datasets (packages).\n\n:param limit: if given, the list of datasets will be broken into pages of at most ``limit`` datasets per page\n:type limit: int\n:param offset: when ``limit`` is given, the offset to start returning packages from\n:type offset: int\n\n:rtype: list of strings',
  package_search:
    'Searches for packages satisfying a given search criteria: q, fq, fq_list, sort, rows (default 10, at most 1000), start, facet, facet.field, facet.limit, facet.mincount, fl. Returns count, results, facets, search_facets and sort.',
  package_show: 'Return the metadata of a dataset (package) and its resources.\n\n:param id: the id or name of the dataset\n:type id: string',
  organization_list: 'Return a list of the names of the site’s organizations (all_fields for dictionaries; sort, limit, offset).',
  organization_show: 'Return the details of an organization (id or name; include_datasets).',
  group_list: 'Return a list of the names of the site’s groups (the portal’s themes; all_fields, sort, limit, offset).',
  group_show: 'Return the details of a group (id or name; include_datasets).',
  resource_show: 'Return the metadata of a resource.\n\n:param id: the id of the resource\n:type id: string',
  status_show: 'Return a dictionary with information about the site’s configuration.',
  help_show:
    'Return the help string for a particular API action.\n\n:param name: Action function name (eg `user_create`, `package_search`)\n:type name: string',
};

export const ACTIONS = Object.keys(HELP);

/** Runs one action; throws CkanError for what CKAN answers as an error. */
export function runAction(site: CkanSite, action: string, params: Params): unknown {
  switch (action) {
    case 'package_list': {
      const limit = params.limit === undefined ? null : natural(params, 'limit', 0);
      const offset = natural(params, 'offset', 0);
      const names = site.datasets.map((d) => d.name).sort();
      return limit === null ? names.slice(offset) : names.slice(offset, offset + limit);
    }
    case 'package_search':
      return packageSearch(site, params);
    case 'package_show': {
      const id = params.id ? String(params.id) : required(params, 'name_or_id');
      const d = findDataset(site, id);
      if (!d) throw notFound();
      return packageDict(site, d);
    }
    case 'organization_list':
      return groupList(site, params, 'organization');
    case 'organization_show':
      return groupShow(site, params, 'organization');
    case 'group_list':
      return groupList(site, params, 'group');
    case 'group_show':
      return groupShow(site, params, 'group');
    case 'resource_show': {
      const id = required(params, 'id');
      for (const d of site.datasets) for (const [i, f] of d.formats.entries()) if (resourceId(d, f) === id) return { ...resourceDict(site, d, f, i) };
      throw notFound('Resource was not found.');
    }
    case 'status_show':
      return {
        site_title: site.title.zh,
        site_description: site.title.en,
        site_url: site.base,
        ckan_version: CKAN_VERSION,
        error_emails_to: null,
        locale_default: 'zh_Hans_CN',
        extensions: ['wudang_open_data', 'dcat'],
      };
    case 'help_show': {
      const name = required(params, 'name');
      const help = HELP[name];
      if (!help) throw notFound('Action function not found');
      return help;
    }
    default:
      throw new CkanError(400, `Bad request - Action name not known: ${action}`);
  }
}
