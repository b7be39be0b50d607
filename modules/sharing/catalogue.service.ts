/**
 * The resource catalogue as a service: providers keep their own entries, the data authority
 * (数据主管部门) governs all; every save is a new version with what changed and who changed it;
 * every staff member finds what the city's departments hold (共享该共享).
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, type FieldError, hiddenNotFound, notFound } from '../../platform/http/errors.js';
import { problemCount } from '../../platform/i18n/index.js';
import { newSecret } from '../../platform/ids.js';
import { getSetting, isUniqueViolation, json, putSetting, transaction } from '../../platform/storage/db.js';
import { seedList } from '../../platform/profile/seeds.js';
import { listDepartments } from '../identity/index.js';
import { RESOURCE_CODE, type Resource, type ResourceInput, changesBetween, normalise, searchText, validateResource } from './catalogue.js';
import type { ParsedEntry } from './catalogue-io.js';
import * as store from './catalogue.store.js';
import { DATASETS } from './datasets.js';

const SEEDED_KEY = 'sharing.seeded_resources';
/** Changed (to a new random value) with every change of the catalogue, in its transaction: every process's search index follows it. */
const REVISION_KEY = 'sharing.catalogue_revision';
const DATA_RESOURCE = { zh: '数据资源', en: 'Data resource' };

export interface ResourceVersion {
  version: number;
  changes: string[];
  changedBy: { id: string | null; name: string | null };
  changedAt: number;
  definition: ResourceInput;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  results: { at: number; code: string | null; outcome: 'created' | 'updated' | 'unchanged' | 'failed'; changes?: string[]; errors?: FieldError[] }[];
}

export interface CatalogueQuery {
  q?: string | undefined;
  provider?: string | undefined;
  kind?: string | undefined;
  classCode?: string | undefined;
  sharingType?: string | undefined;
  dataset?: string | undefined;
  status?: string | undefined;
  limit: number;
  offset: number;
}

export class CatalogueService {
  constructor(private readonly p: Platform) {}

  /** The data authority's department (governs every entry). */
  get authority(): string {
    return this.p.profile.dataAuthority;
  }

  /** Whether the caller keeps entries of this provider: its own department's, or all for the data authority. */
  mayManage(principal: Principal | null, provider: string): boolean {
    if (!principal) return true;
    if (!principal.permissions.has('sharing.manage')) return false;
    if (principal.scope.departments === ALL || principal.department === this.authority) return true;
    return principal.scope.departments.includes(provider);
  }

  private assertMayManage(principal: Principal | null, provider: string): void {
    if (!this.mayManage(principal, provider))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', {
        zh: `${provider} 的资源目录由该部门或数据主管部门编制`,
        en: `Resources of ${provider} are kept by that department or the data authority`,
      });
  }

  private async known() {
    return { departments: new Set((await listDepartments(this.p.db)).map((d) => d.code)), datasets: new Set(Object.keys(DATASETS)) };
  }

  private async providerNames() {
    return new Map((await listDepartments(this.p.db)).map((d) => [d.code, { zh: d.name_zh, en: d.name_en }]));
  }

  private toResource(r: store.ResourceRow): Resource {
    return {
      ...json.parse<ResourceInput>(r.definition, {} as ResourceInput),
      code: r.code,
      version: r.version,
      updatedBy: r.updated_by,
      updatedAt: Number(r.updated_at),
    };
  }

  private invalid(errors: FieldError[]): AppError {
    return new AppError('WD_ERR_VALIDATION', problemCount(errors.length, '资源目录', 'catalogue entry'), { errors });
  }

  /** The profile's catalogue (the seven base databases and more), once: an entry a city retires stays retired. */
  async seed(): Promise<void> {
    const seeded = new Set(await getSetting<string[]>(this.p.db, SEEDED_KEY, []));
    const todo = seedList<ResourceInput & { code: string }>(this.p, 'sharing-catalogue').filter((r) => !seeded.has(r.code));
    if (todo.length === 0) return;
    const known = await this.known();
    const names = await this.providerNames();
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      for (const { code, id: _id, ...raw } of todo) {
        const def = normalise(raw);
        const errors = validateResource(def, known);
        if (errors.length || !code.startsWith(`${def.classCode}/`)) {
          this.p.log.warn({ resource: code, errors }, 'seed catalogue entry skipped');
          continue;
        }
        if (!(await store.getResource(trx, code))) await this.insert(trx, code, def, null, names, now);
        seeded.add(code);
      }
      await putSetting(trx, SEEDED_KEY, [...seeded].sort(), now);
    });
  }

  private async insert(
    trx: Parameters<typeof store.insertResource>[0],
    code: string,
    def: ResourceInput,
    actor: { id: string; name: string } | null,
    names: Map<string, { zh: string; en: string }>,
    now: number,
  ): Promise<void> {
    await store.insertResource(trx, {
      code,
      ...columns(def),
      definition: JSON.stringify(def),
      search_text: searchText({ ...def, code }, names.get(def.provider)),
      version: 1,
      updated_by: actor?.id ?? null,
      updated_at: now,
      created_at: now,
    });
    await putSetting(trx, REVISION_KEY, newSecret(8), now);
    await store.insertVersion(trx, {
      code,
      version: 1,
      definition: JSON.stringify(def),
      changes: JSON.stringify(['created']),
      changed_by: actor?.id ?? null,
      changed_by_name: actor?.name ?? null,
      changed_at: now,
    });
  }

  /**
   * A new entry: its code is the class code and the next sequence under it, or the code an
   * imported file gives (already checked to start with the class code).
   */
  async create(input: ResourceInput, ctx: RequestContext, given?: string): Promise<Resource> {
    const def = normalise(input);
    this.assertMayManage(ctx.principal, def.provider);
    const errors = validateResource(def, await this.known());
    if (errors.length) throw this.invalid(errors);
    const names = await this.providerNames();
    const now = this.p.now();
    const code = await transaction(this.p.db, async (trx) => {
      let code = given;
      if (!code) {
        const seq = (await store.lastSequence(trx, def.classCode)) + 1;
        if (seq > 999_999) throw new AppError('WD_ERR_CONFLICT', `Class ${def.classCode} has no sequence numbers left`);
        code = `${def.classCode}/${String(seq).padStart(6, '0')}`;
      }
      try {
        await this.insert(trx, code, def, ctx.principal, names, now);
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError('WD_ERR_CONFLICT', { zh: `资源代码 ${code} 已被使用`, en: `Resource code ${code} is taken` });
        throw e;
      }
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'sharing.resource_created',
        targetType: 'sharing_resource',
        targetId: code,
        details: { provider: def.provider, sharingType: def.sharingType, ...(given ? { imported: true } : {}) },
        at: now,
      });
      return code;
    });
    return this.get(code, ctx.principal);
  }

  /** A revision at the version the writer loaded (409 if someone saved since); the history keeps both. */
  async update(code: string, version: number, input: ResourceInput, ctx: RequestContext): Promise<Resource> {
    const def = normalise(input);
    const cur = await this.get(code, ctx.principal);
    this.assertMayManage(ctx.principal, cur.provider);
    this.assertMayManage(ctx.principal, def.provider);
    const errors = validateResource(def, await this.known());
    if (def.classCode !== cur.classCode)
      errors.push({
        pointer: '/body/classCode',
        detail: { zh: '资源代码随分类而定，分类不能修改；请新建资源', en: 'the class fixes the code: create a new entry instead' },
      });
    if (errors.length) throw this.invalid(errors);
    const { code: _c, version: _v, updatedBy: _b, updatedAt: _a, ...before } = cur;
    const changes = changesBetween(before, def);
    if (changes.length === 0) return cur;
    const names = await this.providerNames();
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      const ok = await store.updateResource(trx, code, version, {
        ...columns(def),
        definition: JSON.stringify(def),
        search_text: searchText({ ...def, code }, names.get(def.provider)),
        updated_by: ctx.principal?.id ?? null,
        updated_at: now,
      });
      if (!ok) throw new AppError('WD_ERR_VERSION_CONFLICT', `Resource ${code} has changed since version ${version}; reload it`);
      await putSetting(trx, REVISION_KEY, newSecret(8), now);
      await store.insertVersion(trx, {
        code,
        version: version + 1,
        definition: JSON.stringify(def),
        changes: JSON.stringify(changes),
        changed_by: ctx.principal?.id ?? null,
        changed_by_name: ctx.principal?.displayName ?? ctx.principal?.name ?? null,
        changed_at: now,
      });
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'sharing.resource_updated',
        targetType: 'sharing_resource',
        targetId: code,
        details: { version: version + 1, changes },
        at: now,
      });
    });
    return this.get(code, ctx.principal);
  }

  /** One entry: published ones for every reader; drafts and retired ones for their keepers only. */
  async get(code: string, principal: Principal | null): Promise<Resource> {
    const row = await store.getResource(this.p.db, code);
    if (!row) throw notFound(DATA_RESOURCE, code);
    if (row.status !== 'published' && !this.mayManage(principal, row.provider)) throw hiddenNotFound(DATA_RESOURCE, code);
    return this.toResource(row);
  }

  /**
   * The catalogue's search index, in this process: a few kilobytes an entry, read again when the
   * catalogue's revision (a setting every change rewrites in its transaction) differs, so every
   * process answers with what is committed. A catalogue is thousands of entries, not millions.
   */
  private index: { revision: string; rows: Awaited<ReturnType<typeof store.indexRows>> } | null = null;
  private loading: Promise<NonNullable<CatalogueService['index']>> | null = null;

  private async searchIndex() {
    const revision = await getSetting<string>(this.p.db, REVISION_KEY, '');
    if (this.index?.revision === revision) return this.index;
    this.loading ??= (async () => {
      try {
        const rows = await store.indexRows(this.p.db);
        this.index = { revision, rows };
        return this.index;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  async list(q: CatalogueQuery, principal: Principal | null): Promise<{ items: Resource[]; total: number }> {
    const words = (q.q ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
    // The data authority and administrators see every entry; a provider also its own drafts; everyone else what is published.
    const keepsAny = !!principal?.permissions.has('sharing.manage');
    const seesAll = !principal || (keepsAny && (principal.scope.departments === ALL || principal.department === this.authority));
    const keeps = new Set(keepsAny && principal && principal.scope.departments !== ALL ? principal.scope.departments : []);
    const { rows } = await this.searchIndex();
    const hits = rows.filter(
      (r) =>
        (seesAll || r.status === 'published' || keeps.has(r.provider)) &&
        (!q.provider || r.provider === q.provider) &&
        (!q.kind || r.kind === q.kind) &&
        (!q.classCode || r.class_code.startsWith(q.classCode)) &&
        (!q.sharingType || r.sharing_type === q.sharingType) &&
        (!q.dataset || r.dataset === q.dataset) &&
        (!q.status || r.status === q.status) &&
        words.every((w) => r.search_text.includes(w)),
    );
    const page = hits.slice(q.offset, q.offset + q.limit).map((r) => r.code);
    const byCode = new Map((await store.resourcesByCode(this.p.db, page)).map((r) => [r.code, r]));
    // An entry changed between the index and the read is shown as it is now.
    const items = page.flatMap((c) => (byCode.has(c) ? [this.toResource(byCode.get(c)!)] : []));
    return { items, total: hits.length };
  }

  /** Every saved version, newest first, with what changed and who changed it. */
  async history(code: string, principal: Principal | null): Promise<ResourceVersion[]> {
    await this.get(code, principal);
    return (await store.versions(this.p.db, code)).map((v) => ({
      version: v.version,
      changes: json.parse<string[]>(v.changes, []),
      changedBy: { id: v.changed_by, name: v.changed_by_name },
      changedAt: Number(v.changed_at),
      definition: json.parse<ResourceInput>(v.definition, {} as ResourceInput),
    }));
  }

  /**
   * Loads entries from a file: an entry with a known code is revised (at its current version),
   * one with a new code or none is created. Each entry is checked on its own and reported by the
   * place it came from; a bad entry is skipped, never half-written. `dryRun` checks only.
   */
  async import(entries: readonly ParsedEntry[], ctx: RequestContext, dryRun: boolean): Promise<ImportReport> {
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, failed: 0, results: [] };
    const known = await this.known();
    for (const { at, entry } of entries) {
      const { code, ...raw } = entry;
      const def = normalise(raw);
      const fail = (errors: FieldError[]) => {
        report.failed++;
        report.results.push({ at, code: code ?? null, outcome: 'failed', errors });
      };
      if (!this.mayManage(ctx.principal, def.provider)) {
        fail([
          {
            pointer: '/body/provider',
            detail: { zh: `${def.provider} 的资源目录由该部门或数据主管部门编制`, en: `resources of ${def.provider} are kept by that department` },
          },
        ]);
        continue;
      }
      const errors = validateResource(def, known);
      if (code !== undefined && !RESOURCE_CODE.test(code))
        errors.push({ pointer: '/body/code', detail: { zh: `资源代码 ${code} 格式不正确`, en: `${code} is not a resource code` } });
      else if (code !== undefined && !code.startsWith(`${def.classCode}/`))
        errors.push({ pointer: '/body/code', detail: { zh: '资源代码须以其分类代码开头', en: 'a resource code starts with its class code' } });
      if (errors.length) {
        fail(errors);
        continue;
      }
      const existing = code ? await store.getResource(this.p.db, code) : undefined;
      try {
        if (existing) {
          if (!this.mayManage(ctx.principal, existing.provider)) throw new AppError('WD_ERR_OUT_OF_SCOPE', `Resource ${code} is kept by ${existing.provider}`);
          const before = json.parse<ResourceInput>(existing.definition, {} as ResourceInput);
          const changes = changesBetween(before, def);
          if (changes.length === 0) {
            report.unchanged++;
            report.results.push({ at, code: code!, outcome: 'unchanged' });
            continue;
          }
          if (!dryRun) await this.update(code!, existing.version, def, ctx);
          report.updated++;
          report.results.push({ at, code: code!, outcome: 'updated', changes });
        } else {
          const made = dryRun ? (code ?? null) : (await this.create(def, ctx, code)).code;
          report.created++;
          report.results.push({ at, code: made, outcome: 'created' });
        }
      } catch (e) {
        fail(e instanceof AppError && e.extra.errors ? e.extra.errors : [{ pointer: '/body', detail: e instanceof Error ? e.message : String(e) }]);
      }
    }
    return report;
  }

  /** The provider of a base database: the department its catalogue entry names. */
  async providerOf(dataset: string): Promise<string | null> {
    const { rows } = await this.searchIndex();
    return rows.find((r) => r.dataset === dataset && r.status === 'published')?.provider ?? null;
  }

  /** Whether the caller belongs to the data authority (or administers the platform). */
  isAuthority(principal: Principal | null): boolean {
    return !principal || principal.scope.departments === ALL || (principal.department === this.authority && principal.permissions.has('sharing.manage'));
  }
}

/** The columns kept beside the JSON definition, for filtering. */
function columns(def: ResourceInput) {
  return {
    class_code: def.classCode,
    kind: def.kind,
    provider: def.provider,
    status: def.status,
    sharing_type: def.sharingType,
    dataset: def.dataset ?? null,
    name_zh: def.name.zh,
  };
}
