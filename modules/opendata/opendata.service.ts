/**
 * The open data portal (开放数据): catalogue entries whose open attribute allows it, published as
 * datasets anyone can find, preview and download; conditionally open ones after an application
 * the provider approves. Personal information is never published: an item graded personal (any
 * masked or sensitive item) or important/core data is refused at the publish step, unless the
 * dataset publishes counts grouped by items that are not personal (docs/open-data.md).
 */
import { createHash, randomUUID } from 'node:crypto';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, type FieldError, notFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { seedList } from '../../platform/profile/seeds.js';
import { getSetting, isUniqueViolation, json, putSetting, transaction } from '../../platform/storage/db.js';
import { listDepartments } from '../identity/index.js';
import type { CatalogueService, DataItem, RecordReader, Resource } from '../sharing/index.js';
import * as store from './opendata.store.js';
import { type DownloadFormat, LICENCES, THEMES } from './vocabulary.js';

const REVISION_KEY = 'opendata.revision';
const SEEDED_KEY = 'opendata.seeded';
const DATASET: Text = { zh: '开放数据集', en: 'Open dataset' };
const APPLICATION: Text = { zh: '开放数据申请', en: 'Open data application' };
/** Groups smaller than this are left out of a published count (so nobody is singled out). */
export const MIN_GROUP = 5;
/** How long an approved application lets its applicant download. */
const APPROVAL_DAYS = 365;
const MAX_UPLOAD_ROWS = 100_000;
export const NAME = /^[a-z0-9][a-z0-9_-]{1,99}$/;

export interface PublishInput {
  resource: string;
  name?: string | undefined;
  title?: Text | undefined;
  description?: Text | undefined;
  themes: string[];
  keywords?: string[] | undefined;
  /** The items published; for an aggregate, the items the counts are grouped by. */
  items: string[];
  aggregate?: boolean | undefined;
  licence?: string | undefined;
}

interface Definition {
  title: Text;
  description: Text;
  themes: string[];
  keywords: string[];
  items: string[];
  aggregate: boolean;
  licence: string;
}

export interface ItemView {
  key: string;
  name: Text;
  type: string;
  description?: string;
}

export interface DatasetView extends Definition {
  id: string;
  name: string;
  resource: string;
  provider: string;
  providerName: Text;
  openType: 'open' | 'conditional';
  updateCycle: string;
  status: 'active' | 'withdrawn';
  source: 'base' | 'upload' | 'none';
  rows: number | null;
  downloads: number;
  /** The columns of the data, in order: the items, and `count` for an aggregate. */
  columns: ItemView[];
  formats: DownloadFormat[];
  createdAt: number;
  modifiedAt: number;
  dataAt: number | null;
}

export interface SearchQuery {
  q?: string | undefined;
  provider?: string | undefined;
  theme?: string | undefined;
  openType?: string | undefined;
  limit: number;
  offset: number;
}

type Row = Record<string, string | number | boolean | null>;

/** Whether an item may be published as it is: general data, not masked, not sensitive. */
export function publishable(item: DataItem): boolean {
  return item.grade === 'general' && item.mask === 'none' && !item.sensitive;
}

/** A stable UUID-shaped id made from a name (an organisation's or a resource's). */
export function stableId(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class OpenDataService {
  private departments: { at: number; names: Promise<Map<string, Text>> } | null = null;
  private index: { revision: string; rows: DatasetView[] } | null = null;
  private loading: Promise<NonNullable<OpenDataService['index']>> | null = null;

  constructor(
    private readonly p: Platform,
    private readonly catalogue: CatalogueService,
    private readonly records: RecordReader,
  ) {}

  /** Department names, read at most once a minute (concurrent callers share one read). */
  private departmentNames(): Promise<Map<string, Text>> {
    if (this.departments && this.p.now() - this.departments.at < 60_000) return this.departments.names;
    const names = listDepartments(this.p.db).then((rows) => new Map(rows.map((d) => [d.code, { zh: d.name_zh, en: d.name_en }])));
    this.departments = { at: this.p.now(), names };
    names.catch(() => {
      this.departments = null;
    });
    return names;
  }

  /** Departments (code and name): the portal's organisations. */
  async organisations(): Promise<{ code: string; name: Text }[]> {
    return [...(await this.departmentNames())].map(([code, name]) => ({ code, name }));
  }

  // ---- publishing ----

  /** Publishes the city's seed datasets once (a dataset its provider withdraws is not brought back). */
  async seed(): Promise<void> {
    if (await getSetting<boolean>(this.p.db, SEEDED_KEY, false)) return;
    const ctx = { principal: null, ip: null, requestId: null };
    for (const s of seedList<PublishInput>(this.p, 'open-datasets')) {
      try {
        await this.publish({ ...s, name: s.id }, ctx);
      } catch (err) {
        if (err instanceof AppError && err.code === 'WD_ERR_CONFLICT') continue;
        this.p.log.warn({ err, dataset: s.id }, 'seed open dataset skipped');
      }
    }
    await putSetting(this.p.db, SEEDED_KEY, true, this.p.now());
  }

  /** Publishes a catalogue entry (or part of it) as an open dataset. */
  async publish(input: PublishInput, ctx: RequestContext): Promise<DatasetView> {
    const resource = await this.catalogue.get(input.resource, ctx.principal).catch(() => {
      throw notFound({ zh: '数据资源', en: 'Data resource' }, input.resource);
    });
    if (!this.catalogue.mayManage(ctx.principal, resource.provider))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', {
        zh: `${resource.provider} 的数据由该部门或数据主管部门开放`,
        en: `Data of ${resource.provider} is opened by that department or the data authority`,
      });
    const def = this.check(input, resource);
    const name = input.name ?? input.resource.replace('/', '-');
    const now = this.p.now();
    const source = resource.dataset && this.records.fields(resource.dataset) ? 'base' : 'none';
    const row: store.DatasetRow = {
      id: randomUUID(),
      name,
      resource_code: resource.code,
      provider: resource.provider,
      definition: JSON.stringify(def),
      // Counts grouped by items that are not personal are statistics: open, whatever the records' condition.
      open_type: def.aggregate ? 'open' : resource.openType,
      update_cycle: resource.updateCycle,
      status: 'active',
      source,
      row_count: source === 'base' ? await this.records.count(resource.dataset!) : null,
      downloads: 0,
      published_by: ctx.principal?.id ?? null,
      published_by_name: ctx.principal?.name ?? null,
      created_at: now,
      modified_at: now,
      data_at: source === 'base' ? now : null,
    };
    try {
      await transaction(this.p.db, async (trx) => {
        await store.insertDataset(trx, row);
        await putSetting(trx, REVISION_KEY, randomUUID(), now);
        await appendAudit(trx, {
          ...actorOf(ctx),
          at: now,
          action: 'opendata.published',
          targetType: 'open_dataset',
          targetId: name,
          details: { resource: resource.code, items: def.items, aggregate: def.aggregate, openType: resource.openType },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('WD_ERR_CONFLICT', { zh: `数据集名称 ${name} 已被使用`, en: `The dataset name ${name} is taken` });
      throw err;
    }
    return this.view(row);
  }

  /**
   * What a publish request must keep: a published entry that is open or conditionally open; known
   * themes, items and licence; and no personal item published as it is (the refusal names them).
   */
  private check(input: PublishInput, r: Resource): Definition {
    const errors: FieldError[] = [];
    const err = (pointer: string, zh: string, en: string) => errors.push({ pointer: `/body${pointer}`, detail: { zh, en } });
    if (r.status !== 'published') err('/resource', '只有已发布的目录资源可以开放', 'only a published catalogue entry can be opened');
    if (r.openType === 'closed') err('/resource', `「${r.name.zh}」的开放属性为不予开放`, `"${r.name.en || r.name.zh}" is marked not open (不予开放)`);
    if (input.name !== undefined && !NAME.test(input.name))
      err('/name', '名称为 2 至 100 个小写字母、数字、- 或 _', 'a name is 2–100 lower-case letters, digits, - or _');
    if (input.themes.length === 0) err('/themes', '请选择至少一个主题', 'choose at least one theme');
    for (const [i, t] of input.themes.entries()) if (!THEMES[t]) err(`/themes/${i}`, `没有主题 ${t}`, `no theme ${t}`);
    const licence = input.licence ?? (r.openType === 'open' ? 'cc-by' : 'other-closed');
    if (!LICENCES[licence]) err('/licence', `没有许可协议 ${licence}`, `no licence ${licence}`);
    if (input.items.length === 0) err('/items', '请选择至少一个信息项', 'choose at least one item');
    const byKey = new Map(r.items.map((i) => [i.key, i]));
    const personal: string[] = [];
    for (const [i, key] of input.items.entries()) {
      const item = byKey.get(key);
      if (!item) err(`/items/${i}`, `资源中没有信息项 ${key}`, `the resource has no item ${key}`);
      else if (!publishable(item)) personal.push(key);
    }
    if (new Set(input.items).size !== input.items.length) err('/items', '信息项重复', 'an item is listed twice');
    if (personal.length) {
      const names = personal.map((k) => byKey.get(k)!.name);
      err(
        '/items',
        `个人信息或重要数据不得开放：${names.map((n) => n.zh).join('、')}。请删除这些信息项，或按不含个人信息的信息项汇总发布`,
        `personal information or important data is never opened: ${names.map((n) => n.en || n.zh).join(', ')}. Remove these items, or publish counts grouped by items that are not personal`,
      );
    }
    if (input.aggregate && !(r.dataset && this.records.fields(r.dataset)))
      err('/aggregate', '只有本平台保存数据的基础库资源可以汇总发布', 'only a base database kept here can be published as counts');
    if (errors.length)
      throw new AppError(
        'WD_ERR_VALIDATION',
        personal.length
          ? { zh: '数据集包含不得开放的个人信息项', en: 'The dataset holds personal items that may not be opened' }
          : { zh: '开放数据集有误', en: 'The dataset cannot be published as it is' },
        { errors },
      );
    return {
      title: input.title ?? (input.aggregate ? { zh: `${r.name.zh}（汇总统计）`, en: `${r.name.en || r.name.zh} (counts)` } : r.name),
      description: input.description ?? { zh: r.abstract, en: '' },
      themes: [...new Set(input.themes)],
      keywords: [...new Set(input.keywords ?? r.keywords ?? [])].slice(0, 20),
      items: input.items,
      aggregate: !!input.aggregate,
      licence,
    };
  }

  /** Takes a dataset off the portal (its page says so; downloads stop). */
  async withdraw(name: string, reason: string, ctx: RequestContext): Promise<DatasetView> {
    const row = await this.rowByName(name);
    if (!this.catalogue.mayManage(ctx.principal, row.provider))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', { zh: '只有数据提供部门可以撤回', en: 'Only the provider withdraws a dataset' });
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      await store.updateDataset(trx, row.id, { status: 'withdrawn', modified_at: now });
      await putSetting(trx, REVISION_KEY, randomUUID(), now);
      await appendAudit(trx, { ...actorOf(ctx), at: now, action: 'opendata.withdrawn', targetType: 'open_dataset', targetId: name, details: { reason } });
    });
    return this.view({ ...row, status: 'withdrawn', modified_at: now });
  }

  /**
   * Rows a provider uploads for a dataset whose data is not kept in a base database here: every
   * row holds only the dataset's items, with values of the item's type; any fault refuses the upload.
   */
  async upload(name: string, rows: readonly Record<string, unknown>[], ctx: RequestContext): Promise<DatasetView> {
    const row = await this.rowByName(name);
    if (!this.catalogue.mayManage(ctx.principal, row.provider))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', { zh: '只有数据提供部门可以上传数据', en: 'Only the provider uploads data' });
    const def = json.parse<Definition>(row.definition, null as never);
    if (row.source === 'base' || def.aggregate)
      throw new AppError('WD_ERR_CONFLICT', { zh: '该数据集的数据来自基础库，无需上传', en: 'This dataset’s rows come from a base database' });
    if (rows.length > MAX_UPLOAD_ROWS)
      throw new AppError('WD_ERR_VALIDATION', { zh: `一次至多上传 ${MAX_UPLOAD_ROWS} 行`, en: `At most ${MAX_UPLOAD_ROWS} rows an upload` });
    const resource = await this.catalogue.get(row.resource_code, ctx.principal);
    const items = def.items.map((k) => resource.items.find((i) => i.key === k)!);
    const errors: FieldError[] = [];
    const out: string[] = [];
    for (const [i, r] of rows.entries()) {
      if (errors.length >= 20) break;
      const extra = Object.keys(r).filter((k) => !def.items.includes(k));
      if (extra.length)
        errors.push({
          pointer: `/body/${i}`,
          detail: { zh: `第 ${i + 1} 行含有未开放的列：${extra.join('、')}`, en: `row ${i + 1} holds columns not published: ${extra.join(', ')}` },
        });
      const values: Row = {};
      for (const it of items) {
        const v = typedValue(it, r[it.key]);
        if (v === undefined)
          errors.push({
            pointer: `/body/${i}/${it.key}`,
            detail: {
              zh: `第 ${i + 1} 行「${it.name.zh}」应为${TYPE_WORDS[it.type]?.zh ?? it.type}`,
              en: `row ${i + 1}: ${it.name.en || it.key} must be ${TYPE_WORDS[it.type]?.en ?? it.type}`,
            },
          });
        else values[it.key] = v;
      }
      out.push(JSON.stringify(values));
    }
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', { zh: '上传的数据有误，未保存', en: 'The rows were not saved: some are wrong' }, { errors });
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      await store.replaceRows(trx, row.id, out);
      await store.updateDataset(trx, row.id, { source: 'upload', row_count: out.length, data_at: now, modified_at: now });
      await putSetting(trx, REVISION_KEY, randomUUID(), now);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'opendata.data_uploaded',
        targetType: 'open_dataset',
        targetId: name,
        details: { rows: out.length },
      });
    });
    return this.view({ ...row, source: 'upload', row_count: out.length, data_at: now, modified_at: now });
  }

  // ---- finding ----

  /** Every dataset as the portal shows it, read again when another process changed one. */
  private async all(): Promise<DatasetView[]> {
    const revision = await getSetting<string>(this.p.db, REVISION_KEY, '');
    if (this.index?.revision === revision) return this.index.rows;
    this.loading ??= (async () => {
      try {
        const rows = await store.allDatasets(this.p.db);
        const { items } = await this.catalogue.list({ limit: 1_000_000, offset: 0 }, null);
        const resources = new Map(items.map((r) => [r.code, r]));
        const views = await Promise.all(rows.map((r) => this.view(r, resources)));
        this.index = { revision, rows: views };
        return this.index;
      } finally {
        this.loading = null;
      }
    })();
    return (await this.loading).rows;
  }

  /** Active datasets, for the CKAN API and the catalogue's DCAT: fresh download counts are not needed there. */
  async active(): Promise<DatasetView[]> {
    return (await this.all()).filter((d) => d.status === 'active');
  }

  /** The portal's search: words in any language, provider, theme, open type; newest first. */
  async search(q: SearchQuery): Promise<{ total: number; items: DatasetView[]; facets: Record<string, Record<string, number>> }> {
    const words = (q.q ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
    const hits = (await this.active()).filter(
      (d) =>
        (!q.provider || d.provider === q.provider) &&
        (!q.theme || d.themes.includes(q.theme)) &&
        (!q.openType || d.openType === q.openType) &&
        words.every((w) => searchText(d).includes(w)),
    );
    hits.sort((a, b) => b.modifiedAt - a.modifiedAt || a.name.localeCompare(b.name));
    const facets: Record<string, Record<string, number>> = { provider: {}, theme: {}, openType: {} };
    for (const d of hits) {
      facets.provider![d.provider] = (facets.provider![d.provider] ?? 0) + 1;
      for (const t of d.themes) facets.theme![t] = (facets.theme![t] ?? 0) + 1;
      facets.openType![d.openType] = (facets.openType![d.openType] ?? 0) + 1;
    }
    const page = hits.slice(q.offset, q.offset + q.limit);
    const counts = await store.downloadsOf(
      this.p.db,
      page.map((d) => d.id),
    );
    const items = await Promise.all(page.map((d) => this.withCount({ ...d, downloads: counts.get(d.id) ?? d.downloads })));
    return { total: hits.length, items, facets };
  }

  private async rowByName(name: string): Promise<store.DatasetRow> {
    const row = await store.datasetByName(this.p.db, name);
    if (!row) throw notFound(DATASET, name);
    return row;
  }

  /** One dataset by name or id, as it is now (withdrawn ones too: their page says so). */
  async get(nameOrId: string): Promise<DatasetView> {
    const row = (await store.datasetByName(this.p.db, nameOrId)) ?? (await store.datasetById(this.p.db, nameOrId));
    if (!row) throw notFound(DATASET, nameOrId);
    return this.withCount(await this.view(row));
  }

  private counts = new Map<string, { at: number; n: Promise<number> }>();

  /** A base database changes with every load: its record count is read as it is now (at most 30 s old). */
  private async withCount(d: DatasetView): Promise<DatasetView> {
    if (d.source !== 'base' || d.aggregate) return d;
    let hit = this.counts.get(d.resource);
    if (!hit || this.p.now() - hit.at > 30_000) {
      const n = this.catalogue.get(d.resource, null).then((r) => this.records.count(r.dataset!));
      hit = { at: this.p.now(), n };
      this.counts.set(d.resource, hit);
      n.catch(() => this.counts.delete(d.resource));
    }
    return { ...d, rows: await hit.n };
  }

  private async view(row: store.DatasetRow, resources?: ReadonlyMap<string, Resource>): Promise<DatasetView> {
    const def = json.parse<Definition>(row.definition, null as never);
    const names = await this.departmentNames();
    const resource = resources ? (resources.get(row.resource_code) ?? null) : await this.catalogue.get(row.resource_code, null).catch(() => null);
    const itemOf = (k: string): ItemView => {
      const it = resource?.items.find((i) => i.key === k);
      return { key: k, name: it?.name ?? { zh: k, en: k }, type: it?.type ?? 'string', ...(it?.description ? { description: it.description } : {}) };
    };
    const columns = def.items.map(itemOf);
    if (def.aggregate)
      columns.push({ key: 'count', name: { zh: '数量', en: 'Count' }, type: 'integer', description: `groups of fewer than ${MIN_GROUP} are left out` });
    return {
      ...def,
      id: row.id,
      name: row.name,
      resource: row.resource_code,
      provider: row.provider,
      providerName: names.get(row.provider) ?? { zh: row.provider, en: row.provider },
      openType: row.open_type as DatasetView['openType'],
      updateCycle: row.update_cycle,
      status: row.status as DatasetView['status'],
      source: row.source as DatasetView['source'],
      rows: row.row_count === null ? null : Number(row.row_count),
      downloads: Number(row.downloads),
      columns,
      formats: row.source === 'none' ? [] : ['csv', 'json'],
      createdAt: Number(row.created_at),
      modifiedAt: Number(row.modified_at),
      dataAt: row.data_at === null ? null : Number(row.data_at),
    };
  }

  // ---- reading the data ----

  /**
   * Whether this caller may read the dataset's rows: anyone for an open dataset; for a conditionally
   * open one, an applicant whose application was approved and has not expired, or the provider.
   */
  async mayRead(d: DatasetView, principal: Principal | null): Promise<boolean> {
    if (d.status !== 'active') return false;
    if (d.openType === 'open') return true;
    if (!principal) return false;
    if (this.catalogue.mayManage(principal, d.provider)) return true;
    return store.holdsApproval(this.p.db, d.id, principal.id, this.p.now());
  }

  private async assertMayRead(d: DatasetView, principal: Principal | null): Promise<void> {
    if (d.status !== 'active') throw new AppError('WD_ERR_CONFLICT', { zh: '该数据集已撤回', en: 'This dataset has been withdrawn' });
    if (d.source === 'none') throw new AppError('WD_ERR_CONFLICT', { zh: '该数据集尚无可下载的数据', en: 'This dataset has no rows to download yet' });
    if (await this.mayRead(d, principal)) return;
    throw new AppError(principal ? 'WD_ERR_FORBIDDEN' : 'WD_ERR_AUTH_REQUIRED', {
      zh: '有条件开放的数据集须申请并经提供部门同意后下载',
      en: 'A conditionally open dataset is downloaded after its provider approves an application',
    });
  }

  /** The dataset's rows, page by page (a synthetic base-database record carries `synthetic: true`). */
  async *rows(d: DatasetView): AsyncGenerator<Row[]> {
    if (d.aggregate) {
      const resource = await this.catalogue.get(d.resource, null);
      const groups = await this.records.groups(resource.dataset!, d.items);
      yield groups.filter((g) => g.count >= MIN_GROUP).map((g) => ({ ...g.values, count: g.count }));
      return;
    }
    if (d.source === 'base') {
      const resource = await this.catalogue.get(d.resource, null);
      let after: string | null = null;
      do {
        const page: Awaited<ReturnType<RecordReader['scan']>> = await this.records.scan(resource.dataset!, d.items, after, 5000);
        yield page.records.map((r): Row => (r.synthetic ? { ...r.values, synthetic: true } : r.values));
        after = page.next;
      } while (after !== null);
      return;
    }
    if (d.source === 'upload') {
      let after = 0;
      for (;;) {
        const page = await store.rowsAfter(this.p.db, d.id, after, 5000);
        if (page.length === 0) return;
        yield page.map((r) => json.parse<Row>(r.data, {}));
        after = Number(page[page.length - 1]!.seq);
      }
    }
  }

  /** The first rows, for the dataset page; or why they cannot be shown to this caller. */
  async preview(nameOrId: string, principal: Principal | null, limit = 20): Promise<{ rows: Row[]; synthetic: boolean } | { refused: Text }> {
    const d = await this.get(nameOrId);
    try {
      await this.assertMayRead(d, principal);
    } catch (err) {
      if (err instanceof AppError) return { refused: typeof err.detail === 'object' ? err.detail : { zh: String(err.detail), en: String(err.detail) } };
      throw err;
    }
    const out: Row[] = [];
    for await (const page of this.rows(d)) {
      out.push(...page.slice(0, limit - out.length));
      if (out.length >= limit) break;
    }
    return { rows: out, synthetic: out.some((r) => 'synthetic' in r) };
  }

  /**
   * Starts a download: checks the caller may read it, counts it, and audits a conditionally open
   * one (who took it). Returns the dataset and its rows.
   */
  async download(nameOrId: string, format: DownloadFormat, ctx: RequestContext): Promise<DatasetView> {
    const d = await this.get(nameOrId);
    await this.assertMayRead(d, ctx.principal);
    await store.countDownload(this.p.db, d.id);
    if (d.openType === 'conditional')
      await appendAudit(this.p.db, {
        ...actorOf(ctx),
        at: this.p.now(),
        action: 'opendata.downloaded',
        targetType: 'open_dataset',
        targetId: d.name,
        details: { format },
      });
    return d;
  }

  // ---- applications (有条件开放) ----

  async apply(nameOrId: string, input: { organisation: string; purpose: string; contact: string }, ctx: RequestContext) {
    const principal = ctx.principal!;
    const d = await this.get(nameOrId);
    if (d.status !== 'active') throw new AppError('WD_ERR_CONFLICT', { zh: '该数据集已撤回', en: 'This dataset has been withdrawn' });
    if (d.openType !== 'conditional') throw new AppError('WD_ERR_CONFLICT', { zh: '无条件开放的数据集无需申请', en: 'An open dataset needs no application' });
    const last = await store.pendingOf(this.p.db, d.id, principal.id);
    if (last?.status === 'pending') throw new AppError('WD_ERR_CONFLICT', { zh: '您已提交申请，正在审核', en: 'Your application is being considered' });
    const now = this.p.now();
    const row: store.ApplicationRow = {
      id: randomUUID(),
      dataset_id: d.id,
      applicant_id: principal.id,
      applicant_name: principal.displayName ?? principal.name,
      organisation: input.organisation.trim(),
      purpose: input.purpose.trim(),
      contact: input.contact.trim(),
      status: 'pending',
      reason: null,
      decided_by: null,
      decided_at: null,
      expires_at: null,
      created_at: now,
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertApplication(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'opendata.applied',
        targetType: 'open_dataset',
        targetId: d.name,
        details: { application: row.id },
      });
    });
    return this.applicationView({ ...row, dataset_name: d.name, provider: d.provider, definition: JSON.stringify({ title: d.title }) });
  }

  /** The provider (or the data authority) approves or refuses; a refusal gives its reason. */
  async decide(id: string, approve: boolean, reason: string | undefined, ctx: RequestContext) {
    const app = await store.getApplication(this.p.db, id);
    if (!app) throw notFound(APPLICATION, id);
    const d = await this.get(app.dataset_id);
    if (!this.catalogue.mayManage(ctx.principal, d.provider))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', { zh: '由数据提供部门审核', en: 'The provider decides' });
    if (!approve && !reason?.trim()) throw new AppError('WD_ERR_VALIDATION', { zh: '不同意须说明理由', en: 'A refusal states its reason' });
    const now = this.p.now();
    const set = {
      status: approve ? 'approved' : 'refused',
      reason: reason?.trim() || null,
      decided_by: ctx.principal?.id ?? null,
      decided_at: now,
      expires_at: approve ? now + APPROVAL_DAYS * 86_400_000 : null,
    };
    await transaction(this.p.db, async (trx) => {
      if (!(await store.decideApplication(trx, id, set)))
        throw new AppError('WD_ERR_CONFLICT', { zh: '该申请已审核', en: 'This application was decided already' });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: approve ? 'opendata.approved' : 'opendata.refused',
        targetType: 'open_dataset',
        targetId: d.name,
        details: { application: id, applicant: app.applicant_id },
      });
    });
    return this.applicationView({ ...app, ...set, dataset_name: d.name, provider: d.provider, definition: JSON.stringify({ title: d.title }) });
  }

  /** A provider's staff see applications for their datasets (the data authority all); anyone else their own. */
  async applications(principal: Principal) {
    const manages = principal.permissions.has('sharing.manage');
    const q =
      manages && this.catalogue.isAuthority(principal)
        ? { providers: null, applicant: null }
        : manages && principal.scope.departments !== ALL && principal.scope.departments.length
          ? { providers: principal.scope.departments, applicant: null }
          : { providers: null, applicant: principal.id };
    return (await store.listApplications(this.p.db, { ...q, limit: 500 })).map((r) => this.applicationView(r));
  }

  private applicationView(r: store.ApplicationRow & { dataset_name: string; provider: string; definition: string }) {
    return {
      id: r.id,
      dataset: r.dataset_name,
      title: json.parse<{ title: Text }>(r.definition, { title: { zh: r.dataset_name, en: r.dataset_name } }).title,
      provider: r.provider,
      applicant: { id: r.applicant_id, name: r.applicant_name },
      organisation: r.organisation,
      purpose: r.purpose,
      contact: r.contact,
      status: r.status as 'pending' | 'approved' | 'refused',
      reason: r.reason,
      decidedAt: r.decided_at === null ? null : Number(r.decided_at),
      expiresAt: r.expires_at === null ? null : Number(r.expires_at),
      createdAt: Number(r.created_at),
    };
  }
}

const TYPE_WORDS: Record<string, Text> = {
  string: { zh: '文字', en: 'text' },
  code: { zh: '代码', en: 'a code' },
  integer: { zh: '整数', en: 'a whole number' },
  number: { zh: '数字', en: 'a number' },
  date: { zh: '日期（年-月-日）', en: 'a date (YYYY-MM-DD)' },
  datetime: { zh: '日期时间', en: 'a date and time' },
  boolean: { zh: '是或否', en: 'true or false' },
};

/** A value as its item's type keeps it, or undefined when it is not one (empty is null). */
function typedValue(item: DataItem, raw: unknown): string | number | null | undefined {
  if (raw === null || raw === undefined || raw === '') return null;
  const s = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
  if (s === undefined) return undefined;
  switch (item.type) {
    case 'integer':
      return /^-?\d+$/.test(s) ? Number(s) : undefined;
    case 'number':
      return s !== '' && Number.isFinite(Number(s)) ? Number(s) : undefined;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? s : undefined;
    case 'datetime':
      return Number.isNaN(Date.parse(s)) ? undefined : s;
    case 'boolean':
      return s === 'true' || s === 'false' ? s : undefined;
    default:
      return item.length !== undefined && s.length > item.length ? undefined : s;
  }
}

const texts = new WeakMap<DatasetView, string>();
/** What the portal's words match: titles, descriptions, keywords, items, provider, themes. */
export function searchText(d: DatasetView): string {
  let t = texts.get(d);
  if (t === undefined) {
    t = [
      d.name,
      d.title.zh,
      d.title.en,
      d.description.zh,
      d.description.en,
      ...d.keywords,
      ...d.columns.flatMap((c) => [c.key, c.name.zh, c.name.en]),
      d.provider,
      d.providerName.zh,
      d.providerName.en,
      ...d.themes.flatMap((k) => [k, THEMES[k]?.name.zh ?? '', THEMES[k]?.name.en ?? '']),
    ]
      .join(' ')
      .toLowerCase();
    texts.set(d, t);
  }
  return t;
}
