/**
 * The service item catalogue: seeded once from the profile (an item that is not valid here is
 * skipped with a warning), searched by anyone, kept by the government services authority (政数局)
 * for every item and by each department for its own. Every edit is a new version with a note and an
 * audit entry; an edit made on a stale version is refused (no lost update).
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { seedList } from '../../platform/profile/seeds.js';
import { json, transaction } from '../../platform/storage/db.js';
import { listDepartments } from '../identity/index.js';
import type { LicenceService } from '../licences/index.js';
import type { RecordReader } from '../sharing/index.js';
import { CHANNEL_LABELS, type CatalogueRefs, checkEvent, checkItem, ITEM_KIND_LABELS, type ServiceEvent, type ServiceItem } from './catalogue.js';
import * as store from './services.store.js';

const ITEM: Text = { zh: '政务服务事项', en: 'Service item' };
const EVENT: Text = { zh: '一件事', en: 'Bundled event' };

export interface CatalogueDeps {
  licences: Pick<LicenceService, 'types'>;
  records: Pick<RecordReader, 'fields'>;
}

function searchText(item: ServiceItem, departmentName: string): string {
  return [item.code, item.name.zh, item.name.en, departmentName, ...(item.keywords ?? [])].join(' ').toLowerCase();
}

export class CatalogueService {
  constructor(
    private readonly p: Platform,
    private readonly deps: CatalogueDeps,
  ) {}

  /** The department that keeps the whole catalogue (政数局): the profile's data authority. */
  get authority(): string {
    return this.p.profile.dataAuthority;
  }

  private async refs(): Promise<CatalogueRefs> {
    const departments = new Set((await listDepartments(this.p.db)).map((d) => d.code));
    const licenceTypes = new Map((await this.deps.licences.types()).map((t) => [t.code, { holderKind: t.holderKind, fields: t.fields.map((f) => f.key) }]));
    const datasets = new Map<string, string[]>();
    for (const d of ['population', 'legal-entities']) {
      const f = this.deps.records.fields(d);
      if (f)
        datasets.set(
          d,
          f.map((x) => x.key),
        );
    }
    return { departments, licenceTypes, datasets };
  }

  private async departmentNames(): Promise<Map<string, { zh: string; en: string }>> {
    return new Map((await listDepartments(this.p.db)).map((d) => [d.code, { zh: d.name_zh ?? d.code, en: d.name_en ?? d.code }]));
  }

  /** Adds the profile's items and bundles that are not here yet; never overwrites a department's edit. */
  async seed(): Promise<void> {
    const have = new Set((await store.itemCodes(this.p.db)).map((r) => r.code));
    const refs = await this.refs();
    const names = await this.departmentNames();
    const now = this.p.now();
    const items = new Map<string, ServiceItem>();
    for (const raw of seedList<Omit<ServiceItem, 'code'>>(this.p, 'service-items')) {
      const { id, ...rest } = raw;
      const item = { ...rest, code: id } as ServiceItem;
      const errors = checkItem(item, refs, '');
      if (errors.length) {
        this.p.log.warn({ seed: 'service-items', code: id, errors }, 'service item is not valid here; skipped');
        continue;
      }
      items.set(item.code, item);
      if (have.has(item.code)) continue;
      await store.insertItem(this.p.db, this.row(item, 1, now, names), null, null);
    }
    for (const raw of seedList<Omit<ServiceEvent, 'code'>>(this.p, 'service-events')) {
      const { id, ...rest } = raw;
      const e = { ...rest, code: id } as ServiceEvent;
      const errors = checkEvent(e, items, '');
      if (errors.length) {
        this.p.log.warn({ seed: 'service-events', code: id, errors }, 'service bundle is not valid here; skipped');
        continue;
      }
      await store.insertEvent(this.p.db, { code: e.code, body: JSON.stringify(e), retired: 0, updated_at: now });
    }
  }

  private row(item: ServiceItem, version: number, now: number, names: Map<string, { zh: string; en: string }>): store.ItemRow {
    const dept = names.get(item.department);
    return {
      code: item.code,
      department: item.department,
      kind: item.kind,
      applicant: item.applicant,
      name_zh: item.name.zh,
      name_en: item.name.en,
      search: searchText(item, dept ? `${dept.zh} ${dept.en}` : item.department),
      version,
      body: JSON.stringify(item),
      retired: item.retired ? 1 : 0,
      updated_at: now,
    };
  }

  /** An item as the catalogue shows it: the definition with its labels and version. */
  private view(r: store.ItemRow, names: Map<string, { zh: string; en: string }>) {
    const item = json.parse<ServiceItem>(r.body, {} as ServiceItem);
    return {
      ...item,
      version: r.version,
      departmentName: names.get(item.department) ?? { zh: item.department, en: item.department },
      kindName: ITEM_KIND_LABELS[item.kind],
      channelNames: item.channels.map((c) => CHANNEL_LABELS[c]),
      updatedAt: Number(r.updated_at),
    };
  }

  async list(q: { q?: string; department?: string; kind?: string; applicant?: string; retired?: boolean; limit: number; offset: number }) {
    const words = (q.q ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w.length > 0)
      .slice(0, 8);
    const rows = await store.items(this.p.db, { ...q, words });
    const names = await this.departmentNames();
    return rows.map((r) => {
      const v = this.view(r, names);
      // The list carries what a search result shows; the form and materials come with the item.
      return {
        code: v.code,
        name: v.name,
        department: v.department,
        departmentName: v.departmentName,
        kind: v.kind,
        kindName: v.kindName,
        applicant: v.applicant,
        channels: v.channels,
        channelNames: v.channelNames,
        promisedDays: v.promisedDays,
        legalDays: v.legalDays,
        instant: !!v.instant,
        fee: v.fee,
        retired: !!v.retired,
        version: v.version,
      };
    });
  }

  /** The item now in force, or the version an application was made under. */
  async get(code: string, version?: number) {
    const r = await store.item(this.p.db, code);
    if (!r) throw notFound(ITEM, code);
    const names = await this.departmentNames();
    if (version === undefined || version === r.version) return this.view(r, names);
    const old = await store.itemVersion(this.p.db, code, version);
    if (!old) throw new AppError('WD_ERR_NOT_FOUND', { zh: `${code} 没有第 ${version} 版`, en: `${code} has no version ${version}` });
    return this.view({ ...r, body: old.body, version: old.version, updated_at: old.created_at }, names);
  }

  /** The definition (for applications): the current item, or a version. */
  async definition(code: string, version?: number): Promise<ServiceItem & { version: number }> {
    const v = await this.get(code, version);
    return v;
  }

  async versions(code: string) {
    if (!(await store.item(this.p.db, code))) throw notFound(ITEM, code);
    return (await store.itemVersions(this.p.db, code)).map((v) => ({
      version: v.version,
      note: v.note,
      createdBy: v.created_by,
      createdAt: Number(v.created_at),
    }));
  }

  /** Who may keep an item: the authority keeps every item, a department its own. */
  canKeep(principal: Principal, department: string): boolean {
    if (principal.scope.departments === ALL) return true;
    if (!principal.department || !principal.roles.some((r) => r === 'dept_staff' || r === 'dept_leader')) return false;
    return principal.department === this.authority || principal.department === department;
  }

  private assertKeeper(principal: Principal, department: string): void {
    if (!this.canKeep(principal, department))
      throw new AppError('WD_ERR_FORBIDDEN', {
        zh: '事项由政务服务主管部门或事项的实施部门维护',
        en: 'Items are kept by the government services authority or the item’s own department',
      });
  }

  async create(item: ServiceItem, note: string | undefined, ctx: RequestContext & { principal: Principal }) {
    this.assertKeeper(ctx.principal, item.department);
    const errors = checkItem(item, await this.refs());
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', undefined, { errors });
    if (await store.item(this.p.db, item.code)) throw new AppError('WD_ERR_CONFLICT', { zh: `事项编码 ${item.code} 已存在`, en: `Item ${item.code} exists` });
    const now = this.p.now();
    const names = await this.departmentNames();
    await transaction(this.p.db, async (trx) => {
      await store.insertItem(trx, this.row(item, 1, now, names), note ?? null, ctx.principal.id);
      await appendAudit(trx, { ...actorOf(ctx), at: now, action: 'services.item_created', targetType: 'service_item', targetId: item.code });
    });
    return this.get(item.code);
  }

  /**
   * A new version of an item from the version the editor read. Its department changes only by the
   * authority; applications made under earlier versions keep theirs.
   */
  async update(code: string, input: { item: ServiceItem; version: number; note?: string }, ctx: RequestContext & { principal: Principal }) {
    const r = await store.item(this.p.db, code);
    if (!r) throw notFound(ITEM, code);
    this.assertKeeper(ctx.principal, r.department);
    const item = { ...input.item, code };
    if (item.department !== r.department) this.assertKeeper(ctx.principal, item.department);
    const errors = checkItem(item, await this.refs(), '/body/item');
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', undefined, { errors });
    if (r.version !== input.version)
      throw new AppError('WD_ERR_CONFLICT', {
        zh: `事项已被修改为第 ${r.version} 版，请刷新后再改`,
        en: `The item is now at version ${r.version}; reload and edit again`,
      });
    const now = this.p.now();
    const names = await this.departmentNames();
    await transaction(this.p.db, async (trx) => {
      if (!(await store.updateItem(trx, this.row(item, r.version + 1, now, names), r.version, input.note ?? null, ctx.principal.id)))
        throw new AppError('WD_ERR_CONFLICT', { zh: '事项已被他人修改，请刷新后再改', en: 'Someone else changed the item; reload and edit again' });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'services.item_updated',
        targetType: 'service_item',
        targetId: code,
        details: { version: r.version + 1, ...(input.note ? { note: input.note } : {}) },
      });
    });
    return this.get(code);
  }

  async events() {
    const rows = await store.events(this.p.db);
    return Promise.all(rows.map((r) => this.eventView(r)));
  }

  async event(code: string) {
    const r = await store.event(this.p.db, code);
    if (!r || r.retired) throw notFound(EVENT, code);
    return this.eventView(r);
  }

  private async eventView(r: store.EventRow) {
    const e = json.parse<ServiceEvent>(r.body, {} as ServiceEvent);
    const names = await this.departmentNames();
    const items = await Promise.all(e.items.map((c) => store.item(this.p.db, c)));
    return {
      ...e,
      items: items.flatMap((x) =>
        x ? [{ code: x.code, name: { zh: x.name_zh, en: x.name_en }, department: x.department, departmentName: names.get(x.department) ?? null }] : [],
      ),
      departments: [...new Set(items.flatMap((x) => (x ? [x.department] : [])))],
    };
  }
}
