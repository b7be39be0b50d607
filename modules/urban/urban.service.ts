/**
 * Urban management (智慧城管): the classification and its versions, grids and components, and
 * the case loop on the workflow kernel, from any source (inspector, citizen, 12345 hotline,
 * video analytics, an early-warning alert, Open311) to closing, with the counters the
 * evaluation reads. Who may do what:
 *  - the centre (监督指挥中心: staff of the classification's centre department, and the city-wide
 *    roles) files, rejects, merges, dispatches, decides extensions and hang-ups, edits the
 *    classification and the grids;
 *  - a unit (责任单位) acts only on the cases dispatched to it;
 *  - an inspector (监督员) reports, and verifies the cases given to them in their districts;
 *  - a member of the public, or a system's API key, sees only the cases it reported;
 *  - a district government reads the cases in its district.
 */
import type { Transaction } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, districtInScope, readOnly } from '../../platform/auth/scope.js';
import { deadlineFrom } from '../../platform/calendar/calendar.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import type { FileView } from '../../platform/files/index.js';
import { AppError, type FieldError, hiddenNotFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { maskName, maskPhone } from '../../platform/privacy/mask.js';
import { toGcj02, type Datum } from '../../platform/profile/datum.js';
import type { Geometry } from '../../platform/profile/geo.js';
import { seedList } from '../../platform/profile/seeds.js';
import { isUniqueViolation, json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { InstanceRow, WorkflowEngine } from '../../platform/workflow/engine.js';
import { listDepartments, userNames } from '../identity/index.js';
import { rank } from './evaluation.js';
import {
  type Classification,
  DEFAULT_SETTINGS,
  type LoopSettings,
  type Subcategory,
  checkSettings,
  checkSubcategory,
  deadlineRank,
  limitOf,
  unitFor,
  unitsOf,
} from './classes.js';
import { type AreaRecord, type DemoGridSpec, GridIndex, type GridRecord, areaM2, bboxOf, distanceM, generateGrids, parseGridCode } from './grids.js';
import * as store from './urban.store.js';
import type { CaseRow, StatKey } from './urban.store.js';
import { CASE_DEFINITION, CASE_WORKFLOW, OPEN_STATES, STATE_LABELS } from './workflow.js';

const CASE: Text = { zh: '案件', en: 'Case' };
export type UrbanMeasure = 'open' | 'overdue' | 'reported_today' | 'on_time_today';
export const URBAN_MEASURES: readonly UrbanMeasure[] = ['open', 'overdue', 'reported_today', 'on_time_today'];
export const SOURCES = ['inspector', 'citizen', 'hotline', 'video', 'alert', 'open311', 'staff'] as const;
export type Source = (typeof SOURCES)[number];

/** Looks up an early-warning alert as the caller may see it (the warning module's AlertService). */
export interface AlertLookup {
  get(
    id: string,
    principal: Principal | null,
    how?: 'read' | 'act',
  ): Promise<{ id: string; rule_id: string; title_zh: string; district_adcode: string | null; lon: number | null; lat: number | null }>;
}

export interface Location {
  lon: number;
  lat: number;
  datum?: Datum;
}

export interface ReportInput {
  subcategory: string;
  urgent?: boolean;
  location: Location;
  address?: string;
  description: string;
  photos?: string[];
  mediaUrl?: string;
  componentId?: string;
  /** A hotline caller or an Open311 submitter: told of filing and result. */
  reporter?: { name?: string; phone?: string };
  externalRef?: string;
}

interface UrbanSeedSettings extends Partial<LoopSettings> {
  centre: string;
}

function fieldError(pointer: string, detail: Text): AppError {
  return new AppError('WD_ERR_VALIDATION', detail, { errors: [{ pointer, detail }] });
}

function dayOf(at: number, offsetMinutes: number): string {
  return new Date(at + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export class UrbanService {
  private current!: Classification;
  private readonly versions = new Map<number, Classification>();
  readonly grids = new GridIndex();
  private centre = '';

  constructor(
    private readonly p: Platform,
    private readonly engine: WorkflowEngine,
    private readonly alerts: AlertLookup | null,
  ) {}

  async start(): Promise<void> {
    await this.engine.register(CASE_DEFINITION);
    await this.seedClasses();
    await this.seedGrids();
    await this.reloadGrids();
    // Photos of a case: whoever may see the case may see them.
    this.p.files.registerSubject('urban_case', async (principal, id) => {
      const c = await store.getCase(this.p.db, id);
      return !!c && this.canSee(principal, c);
    });
    // Reminders, overdue handling and escalations reach the unit's endpoints (webhook, SMS, e-mail).
    this.p.notifier.registerSubject('urban_case', {
      text: (_m, payload) => {
        const what = `案件 ${String(payload.caseId).slice(-8)}（${String(payload.subcategory)}）`;
        const due = new Date(Number(payload.dueAt) + this.p.profile.utcOffsetMinutes * 60_000).toISOString().slice(5, 16).replace('T', ' ');
        if (payload.event === 'reminder') return `【数字城管】${what}将于 ${due} 到期，请及时处置并反馈`;
        if (payload.event === 'escalated') return `【数字城管】督办：${what}已超过处置时限（${due}），请尽快处置`;
        return `【数字城管】${what}已超过处置时限（${due}）`;
      },
    });
    for (const type of ['workflow.reminder_due', 'workflow.escalated'] as const)
      await this.p.bus.subscribe(
        type,
        async (e) => {
          const d = e.data;
          if (d.definitionKey !== CASE_WORKFLOW || d.state !== 'handling' || !d.subjectId) return;
          const c = await store.getCase(this.p.db, d.subjectId);
          if (c?.state !== 'handling' || !c.unit) return;
          const s = this.current.subcategories.find((x) => x.code === c.subcategory);
          const payload = {
            caseId: c.id,
            subcategory: s?.name.zh ?? c.subcategory,
            dueAt: d.deadlineAt,
            event: type === 'workflow.reminder_due' ? 'reminder' : 'escalated',
          };
          const roles = type === 'workflow.escalated' && 'notify' in d ? d.notify : [null];
          await transaction(this.p.db, async (trx) => {
            for (const role of roles)
              await this.p.notifier.queue(trx, {
                subject: 'urban_case',
                subjectId: c.id,
                level: c.urgent ? 2 : 3,
                role,
                event: payload.event,
                messages: [{ department: c.unit!, payload }],
              });
            if (type === 'workflow.escalated')
              await appendAudit(trx, {
                at: this.p.now(),
                action: 'urban.case_escalated',
                targetType: 'urban_case',
                targetId: c.id,
                details: { unit: c.unit, notify: roles },
              });
          });
        },
        { group: `urban-${type === 'workflow.reminder_due' ? 'reminders' : 'escalations'}` },
      );
    // A handling deadline passed: the case is overdue (counted once for its unit and district).
    await this.p.bus.subscribe(
      'workflow.deadline_passed',
      async (e) => {
        if (e.data.definitionKey !== CASE_WORKFLOW || e.data.state !== 'handling') return;
        const now = this.p.now();
        await transaction(this.p.db, async (trx) => {
          const c = await store.markOverdue(trx, e.data.instanceId, now);
          if (!c) return;
          await store.addStats(trx, [this.stat(now, c.district, c.unit ?? '', '', 'overdue')]);
          await appendAudit(trx, {
            at: now,
            action: 'urban.case_overdue',
            targetType: 'urban_case',
            targetId: c.id,
            details: { unit: c.unit, dueAt: c.due_at },
          });
        });
      },
      { group: 'urban-overdue' },
    );
  }

  // ---- classification ----

  private async seedClasses(): Promise<void> {
    const latest = await store.latestClassVersion(this.p.db);
    if (latest) {
      this.current = json.parse<Classification>(latest.body, undefined as never);
      this.versions.set(this.current.version, this.current);
      this.centre = this.current.settings.centre ?? '';
      return;
    }
    const departments = new Set((await listDepartments(this.p.db)).map((d) => d.code));
    const districts = new Set(this.p.profile.districts.map((d) => d.adcode));
    const subcategories: Subcategory[] = [];
    for (const raw of seedList<Omit<Subcategory, 'code'>>(this.p, 'urban-classes')) {
      const { id, ...rest } = raw;
      const s = { ...rest, code: id } as Subcategory;
      const errors = checkSubcategory(s, departments, districts);
      if (errors.length) this.p.log.warn({ seed: 'urban-classes', code: id, errors }, 'urban-management subcategory is not valid here; skipped');
      else subcategories.push(s);
    }
    const seeded = seedList<UrbanSeedSettings>(this.p, 'urban-settings')[0];
    const centre = seeded?.centre && departments.has(seeded.centre) ? seeded.centre : this.p.profile.operationsCentre;
    const { id: _id, centre: _c, ...rest } = seeded ?? ({ id: '', centre } as UrbanSeedSettings & { id: string });
    const settings = { ...DEFAULT_SETTINGS, ...rest, centre };
    const body: Classification = { version: 1, subcategories, settings };
    await store.insertClassVersion(this.p.db, {
      version: 1,
      body: JSON.stringify(body),
      note: null,
      created_by: null,
      created_at: this.p.now(),
    });
    this.current = body;
    this.versions.set(1, body);
    this.centre = centre;
  }

  /** The classification now in force, or the version a case was filed under. */
  async classification(version?: number): Promise<Classification> {
    if (version === undefined) {
      // Another process may have stored a newer version.
      const latest = await store.latestClassVersion(this.p.db);
      if (latest && latest.version !== this.current.version) {
        this.current = json.parse<Classification>(latest.body, undefined as never);
        this.versions.set(this.current.version, this.current);
        this.centre = this.current.settings.centre;
      }
      return this.current;
    }
    const hit = this.versions.get(version);
    if (hit) return hit;
    const row = await store.classVersion(this.p.db, version);
    if (!row) throw hiddenNotFound({ zh: '分类版本', en: 'Classification version' }, String(version));
    const c = json.parse<Classification>(row.body, undefined as never);
    this.versions.set(version, c);
    return c;
  }

  classVersions() {
    return store.classVersions(this.p.db);
  }

  private async subcategory(code: string, pointer = '/body/subcategory', version?: number): Promise<{ c: Classification; s: Subcategory }> {
    const c = await this.classification(version);
    const s = c.subcategories.find((x) => x.code === code);
    if (!s || (version === undefined && s.retired)) throw fieldError(pointer, { zh: `没有案件小类 ${code}`, en: `no subcategory ${code}` });
    return { c, s };
  }

  /** The centre's staff, or a city-wide role (the operations centre's duty officers, the administrator). */
  isCentre(principal: Principal): boolean {
    if (principal.scope.departments === ALL) return true;
    // The centre's staff: not its inspectors, who report and verify.
    return principal.department !== null && principal.department === this.centre && principal.roles.some((r) => r === 'dept_staff' || r === 'dept_leader');
  }

  /** Staff of any department (figures and evaluations are not for the public's or systems' accounts). */
  assertStaff(principal: Principal): void {
    if (principal.roles.every((r) => r === 'citizen' || r === 'enterprise' || r === 'api_client'))
      throw new AppError('WD_ERR_FORBIDDEN', { zh: '仅限工作人员查看', en: 'For staff only' });
  }

  private assertCentre(principal: Principal): void {
    if (!this.isCentre(principal))
      throw new AppError('WD_ERR_FORBIDDEN', {
        zh: '只有城市管理监督指挥中心可以办理此事项',
        en: 'Only the urban-management command centre may do this',
      });
  }

  /** Adds or changes one subcategory (or the settings): a new version of the whole classification. */
  async saveClassification(
    change: { subcategory?: Subcategory; settings?: LoopSettings; note?: string },
    ctx: RequestContext & { principal: Principal },
  ): Promise<Classification> {
    this.assertCentre(ctx.principal);
    const cur = await this.classification();
    const departments = new Set((await listDepartments(this.p.db)).map((d) => d.code));
    const districts = new Set(this.p.profile.districts.map((d) => d.adcode));
    const errors: FieldError[] = [];
    let subcategories = cur.subcategories;
    if (change.subcategory) {
      errors.push(...checkSubcategory(change.subcategory, departments, districts, '/body/subcategory'));
      const others = cur.subcategories.filter((s) => s.code !== change.subcategory!.code);
      subcategories = [...others, change.subcategory].sort((a, b) => a.code.localeCompare(b.code));
    }
    const settings = change.settings ? { ...change.settings } : cur.settings;
    if (change.settings) {
      errors.push(...checkSettings(settings).map((e) => ({ ...e, pointer: `/body${e.pointer}` })));
      if (!departments.has(settings.centre))
        errors.push({ pointer: '/body/settings/centre', detail: { zh: `没有部门 ${settings.centre}`, en: `no department ${settings.centre}` } });
    }
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', { zh: '分类内容不符合要求', en: 'The classification is not valid' }, { errors });
    const next: Classification = { version: cur.version + 1, subcategories, settings };
    const now = this.p.now();
    // Two editors saving at once both reach for the next version: the second is told to reload.
    await transaction(this.p.db, async (trx) => {
      await store.insertClassVersion(trx, {
        version: next.version,
        body: JSON.stringify(next),
        note: change.note ?? null,
        created_by: ctx.principal.id,
        created_at: now,
      });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'urban.classification_changed',
        targetType: 'urban_classification',
        targetId: String(next.version),
        details: { subcategory: change.subcategory?.code ?? null, settings: !!change.settings, note: change.note ?? null },
      });
    }).catch((err: unknown) => {
      if (isUniqueViolation(err))
        throw new AppError(
          'WD_ERR_VERSION_CONFLICT',
          { zh: '分类刚被他人修改，请刷新后重试', en: 'Someone changed the classification just now; reload and retry' },
          { currentVersion: next.version },
        );
      throw err;
    });
    this.current = next;
    this.versions.set(next.version, next);
    this.centre = next.settings.centre;
    return next;
  }

  // ---- grids ----

  private async seedGrids(): Promise<void> {
    const { n } = await store.gridCount(this.p.db);
    if (Number(n) > 0) return;
    const specs = seedList<DemoGridSpec>(this.p, 'urban-grids');
    if (specs.length === 0) return;
    const names = new Map(this.p.profile.districts.map((d) => [d.adcode, d.name]));
    const grids: GridRecord[] = [];
    const areas: AreaRecord[] = [];
    for (const spec of specs) {
      const out = generateGrids(
        spec,
        this.p.profile.adcode,
        (lon, lat) => this.p.profile.districtAt(lon, lat),
        (d) => names.get(d) ?? { zh: d, en: d },
      );
      grids.push(...out.grids);
      areas.push(...out.areas);
    }
    await transaction(this.p.db, (trx) => this.saveGrids(trx, [], grids, areas));
  }

  private saveGrids(trx: Transaction<Database>, districts: string[], grids: GridRecord[], areas: AreaRecord[]) {
    return store.replaceGrids(
      trx,
      districts,
      grids.map((g) => ({
        code: g.code,
        district: g.district,
        street: g.street,
        community: g.community,
        geometry: JSON.stringify(g.geometry),
        min_lon: g.bbox[0],
        min_lat: g.bbox[1],
        max_lon: g.bbox[2],
        max_lat: g.bbox[3],
        area_m2: g.areaM2,
        generated: g.generated ? 1 : 0,
      })),
      areas.map((a) => ({
        district: a.district,
        code: a.code,
        kind: a.kind,
        parent: a.parent,
        name_zh: a.name.zh,
        name_en: a.name.en,
        geometry: JSON.stringify(a.geometry),
        generated: a.generated ? 1 : 0,
      })),
    );
  }

  async reloadGrids(): Promise<void> {
    const rows = await store.allGrids(this.p.db);
    this.grids.load(
      rows.map((r) => ({
        code: r.code,
        district: r.district,
        street: r.street,
        community: r.community,
        geometry: JSON.parse(r.geometry) as Geometry,
        bbox: [Number(r.min_lon), Number(r.min_lat), Number(r.max_lon), Number(r.max_lat)],
        areaM2: Number(r.area_m2),
        generated: r.generated === 1,
      })),
    );
  }

  /**
   * Replaces the grids of the districts a GeoJSON FeatureCollection covers with its features: each
   * a Polygon or MultiPolygon with `code` (20 digits), and the street's and community's names.
   */
  async importGrids(fc: unknown, ctx: RequestContext & { principal: Principal }): Promise<{ grids: number; districts: string[] }> {
    this.assertCentre(ctx.principal);
    const errors: FieldError[] = [];
    const features = (fc as { type?: string; features?: unknown[] })?.features;
    if ((fc as { type?: string })?.type !== 'FeatureCollection' || !Array.isArray(features) || features.length === 0)
      throw fieldError('/body', { zh: '须为含网格要素的 GeoJSON FeatureCollection', en: 'must be a GeoJSON FeatureCollection of grids' });
    const districts = new Set(this.p.profile.districts.map((d) => d.adcode));
    const grids: GridRecord[] = [];
    const areas = new Map<string, AreaRecord & { cells: Geometry[] }>();
    const seen = new Set<string>();
    for (const [i, f] of features.entries()) {
      const base = `/body/features/${i}`;
      const props = ((f as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;
      const geometry = (f as { geometry?: Geometry }).geometry;
      const code = String(props.code ?? '');
      const parts = parseGridCode(code);
      if (!parts) {
        errors.push({ pointer: `${base}/properties/code`, detail: { zh: '网格编码须为 20 位数字（CJ/T 349）', en: 'a grid code is 20 digits (CJ/T 349)' } });
        continue;
      }
      if (parts.city !== this.p.profile.adcode || !districts.has(parts.county))
        errors.push({
          pointer: `${base}/properties/code`,
          detail: { zh: `编码中的市或区县代码不是本市的：${code}`, en: `the city or county code is not this city's: ${code}` },
        });
      if (seen.has(code)) errors.push({ pointer: `${base}/properties/code`, detail: { zh: `网格编码重复：${code}`, en: `duplicate grid code ${code}` } });
      seen.add(code);
      if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') || !Array.isArray(geometry.coordinates)) {
        errors.push({ pointer: `${base}/geometry`, detail: { zh: '须为 Polygon 或 MultiPolygon', en: 'must be a Polygon or MultiPolygon' } });
        continue;
      }
      const area = areaM2(geometry);
      if (!(area > 0) || area > 1_000_000)
        errors.push({ pointer: `${base}/geometry`, detail: { zh: '网格面积须大于 0 且不超过 1 平方千米', en: 'a grid is above 0 and at most 1 km²' } });
      grids.push({
        code,
        district: parts.county,
        street: parts.street,
        community: parts.community,
        geometry,
        bbox: bboxOf(geometry),
        areaM2: Math.round(area),
        generated: false,
      });
      for (const [kind, key, name] of [
        ['street', parts.street, props.street],
        ['community', parts.community, props.community],
      ] as const) {
        const id = `${parts.county}:${key}`;
        const a = areas.get(id);
        if (a) a.cells.push(geometry);
        else
          areas.set(id, {
            district: parts.county,
            code: key,
            kind,
            parent: kind === 'community' ? parts.street : null,
            name: { zh: String(name ?? key), en: String(name ?? key) },
            geometry,
            generated: false,
            cells: [geometry],
          });
      }
    }
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', { zh: '网格数据不符合要求', en: 'The grids are not valid' }, { errors: errors.slice(0, 50) });
    // A street or community's boundary: the union of its grids, kept as a MultiPolygon of them.
    const areaList: AreaRecord[] = [...areas.values()].map(({ cells, ...a }) => ({
      ...a,
      geometry: {
        type: 'MultiPolygon',
        coordinates: cells.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates as unknown] : (g.coordinates as unknown[]))) as never,
      },
    }));
    const covered = [...new Set(grids.map((g) => g.district))];
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      await this.saveGrids(trx, covered, grids, areaList);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'urban.grids_imported',
        targetType: 'urban_grid',
        targetId: covered.join(','),
        details: { grids: grids.length, districts: covered },
      });
    });
    await this.reloadGrids();
    return { grids: grids.length, districts: covered };
  }

  /** The grid at a point, with its street and community; undefined outside every grid. */
  gridAt(lon: number, lat: number): GridRecord | undefined {
    return this.grids.find(lon, lat);
  }

  async assignInspectors(gridCodes: string[], userIds: string[], ctx: RequestContext & { principal: Principal }): Promise<void> {
    this.assertCentre(ctx.principal);
    const unknown = gridCodes.filter((g) => !this.grids.get(g));
    if (unknown.length) throw fieldError('/body/grids', { zh: `没有网格 ${unknown[0]}`, en: `no grid ${unknown[0]}` });
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      await store.setInspectors(trx, gridCodes, userIds);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'urban.inspectors_assigned',
        targetType: 'urban_grid',
        targetId: gridCodes.slice(0, 5).join(','),
        details: { grids: gridCodes.length, inspectors: userIds },
      });
    });
  }

  areas(district: string | null, kind: 'street' | 'community' | null) {
    return store.areas(this.p.db, district, kind);
  }

  /** A case by its source's reference (a 12345 work-order number), as the caller may see it. */
  async byRef(source: Source, ref: string, principal: Principal): Promise<CaseRow> {
    const c = await store.caseByRef(this.p.db, source, ref);
    if (!c || !this.canSee(principal, c)) throw hiddenNotFound({ zh: '工单', en: 'Work order' }, ref);
    return c;
  }

  open311Requests(q: Parameters<typeof store.open311Requests>[1]) {
    return store.open311Requests(this.p.db, q);
  }

  caseByToken(token: string) {
    return store.caseByRef(this.p.db, 'open311', token);
  }

  inspectorGrids(userId: string) {
    return store.gridsOfInspector(this.p.db, userId);
  }

  // ---- components ----

  async addComponent(
    input: { subcategory: string; location: Location; name?: string },
    ctx: RequestContext & { principal: Principal },
  ): Promise<store.ComponentRow> {
    this.assertCentre(ctx.principal);
    const { s } = await this.subcategory(input.subcategory);
    if (s.kind !== 'component') throw fieldError('/body/subcategory', { zh: '只有部件小类可以登记部件', en: 'only component subcategories are components' });
    const [lon, lat] = this.place(input.location, '/body/location');
    const grid = this.gridAt(lon, lat);
    const district = grid?.district ?? this.p.profile.districtAt(lon, lat);
    if (!district) throw fieldError('/body/location', { zh: '位置不在本市范围内', en: 'the location is outside the city' });
    // 18 digits: county (6) + major class (2) + subcategory (2) + sequence (8).
    const prefix = `${district}${s.code.slice(1, 3)}${s.code.slice(3, 5)}`;
    const now = this.p.now();
    return transaction(this.p.db, async (trx) => {
      const seq = (await store.lastComponentSeq(trx, prefix)) + 1;
      if (seq > 99_999_999) throw new AppError('WD_ERR_CONFLICT', 'No component numbers left for this subcategory in this district');
      const row = {
        id: `${prefix}${String(seq).padStart(8, '0')}`,
        subcategory: s.code,
        district,
        grid_code: grid?.code ?? null,
        lon,
        lat,
        name: input.name ?? null,
        unit: unitFor(s, district),
        status: 'in_service',
        created_at: now,
      };
      await store.insertComponent(trx, row);
      await appendAudit(trx, { ...actorOf(ctx), at: now, action: 'urban.component_added', targetType: 'urban_component', targetId: row.id });
      return row;
    });
  }

  components(q: { district?: string; grid?: string; subcategory?: string; limit: number; offset: number }) {
    return store.componentsIn(this.p.db, q);
  }

  // ---- cases: who sees what ----

  canSee(principal: Principal, c: CaseRow): boolean {
    if (principal.roles.every((r) => r === 'citizen' || r === 'enterprise' || r === 'api_client')) return c.reporter_id === principal.id;
    if (this.isCentre(principal)) return districtInScope(principal.scope, c.district);
    if (principal.roles.includes('grid_inspector') && districtInScope(principal.scope, c.district)) return true;
    if (c.unit !== null && c.unit === principal.department && districtInScope(principal.scope, c.district)) return true;
    // A district government reads what lies in its district (属地管理).
    return principal.view.departments === ALL && principal.view.cityLevel === false && districtInScope(principal.view, c.district);
  }

  async getFor(id: string, principal: Principal): Promise<CaseRow> {
    const c = await store.getCase(this.p.db, id);
    if (!c || !this.canSee(principal, c)) throw hiddenNotFound(CASE, id);
    return c;
  }

  /** A case as the caller may see it, with its timeline, requests and notices. */
  async detail(id: string, principal: Principal) {
    const c = await this.getFor(id, principal);
    const [steps, requests, notices, cls] = await Promise.all([
      this.engine.timeline(c.instance_id),
      store.requestsOf(this.p.db, id),
      store.noticesOf(this.p.db, id),
      this.classification(c.class_version),
    ]);
    const s = cls.subcategories.find((x) => x.code === c.subcategory);
    const publicView = principal.roles.every((r) => r === 'citizen' || r === 'enterprise' || r === 'api_client');
    return {
      ...this.view(c, principal),
      classification: s
        ? { version: c.class_version, name: s.name, kind: s.kind, major: s.major, filing: s.filing, closing: s.closing, limit: limitOf(s, c.urgent === 1) }
        : null,
      actions: await this.actionsFor(principal, c),
      timeline: steps.map((st) => ({
        at: Number(st.at),
        action: st.action,
        from: st.from_state,
        to: st.to_state,
        // The public sees what happened, not who at the centre did it.
        actor: publicView ? null : st.actor_name,
        comment: st.comment,
        attachments: json.parse<FileView[]>(st.attachments, []),
      })),
      requests: publicView
        ? []
        : requests.map((r) => ({
            id: r.id,
            kind: r.kind,
            unit: r.unit,
            reason: r.reason,
            hours: r.hours === null ? null : Number(r.hours),
            status: r.status,
            requestedAt: Number(r.requested_at),
            decidedAt: r.decided_at === null ? null : Number(r.decided_at),
            note: r.decision_note,
          })),
      notices: notices.map((n) => ({
        kind: n.kind,
        text: { zh: n.text_zh, en: n.text_en },
        at: Number(n.created_at),
        to: n.phone ? maskPhone(n.phone) : null,
      })),
    };
  }

  view(c: CaseRow, principal: Principal | null) {
    const own = principal !== null && c.reporter_id === principal.id;
    const s = this.current.subcategories.find((x) => x.code === c.subcategory);
    return {
      id: c.id,
      state: c.state,
      stateLabel: STATE_LABELS[c.state] ?? { zh: c.state, en: c.state },
      source: c.source,
      subcategory: c.subcategory,
      subcategoryName: s?.name ?? { zh: c.subcategory, en: c.subcategory },
      kind: c.subcategory.startsWith('C') ? 'component' : 'event',
      urgent: c.urgent === 1,
      district: c.district,
      street: c.street,
      community: c.community,
      grid: c.grid_code,
      location: { lon: Number(c.lon), lat: Number(c.lat) },
      address: c.address,
      description: c.description,
      componentId: c.component_id,
      photos: json.parse<FileView[]>(c.photos, []),
      mediaUrl: c.media_url,
      resultPhotos: json.parse<FileView[]>(c.result_photos, []),
      // The reporter's name and phone are personal information: masked except for the reporter.
      reporter: {
        name: own ? c.reporter_name : maskName(c.reporter_name),
        phone: own ? c.reporter_phone : maskPhone(c.reporter_phone),
      },
      externalRef: c.external_ref,
      unit: c.unit,
      verifier: c.verifier_id,
      duplicateOf: c.duplicate_of,
      mergedInto: c.merged_into,
      reportedAt: Number(c.reported_at),
      filedAt: c.filed_at === null ? null : Number(c.filed_at),
      dispatchedAt: c.dispatched_at === null ? null : Number(c.dispatched_at),
      dueAt: c.due_at === null ? null : Number(c.due_at),
      handledAt: c.handled_at === null ? null : Number(c.handled_at),
      closedAt: c.closed_at === null ? null : Number(c.closed_at),
      overdue: c.overdue === 1,
      handledOnTime: c.handled_on_time === null ? null : c.handled_on_time === 1,
      returns: c.returns,
      reworks: c.reworks,
      extensions: c.extensions,
      hangs: c.hangs,
      rating: c.rating,
      rev: c.rev,
    };
  }

  /** What the caller may do with the case now. */
  async actionsFor(principal: Principal, c: CaseRow): Promise<string[]> {
    const out: string[] = [];
    const centre = this.isCentre(principal) && districtInScope(principal.scope, c.district);
    const unit = c.unit !== null && c.unit === principal.department && principal.permissions.has('urban.act');
    const inspector = principal.roles.includes('grid_inspector') && districtInScope(principal.scope, c.district);
    if (centre && c.state === 'reported') out.push('file', 'reject', ...(c.duplicate_of ? ['merge'] : []));
    if (centre && (c.state === 'filed' || c.state === 'returned')) out.push('dispatch');
    if (centre && c.state === 'hung') out.push('resume');
    if (unit && c.state === 'handling') out.push('return', 'request_extension', 'request_hang', 'report_back');
    if (inspector && c.state === 'verifying' && (c.verifier_id === null || c.verifier_id === principal.id)) out.push('close', 'rework');
    if (c.state === 'closed' && c.reporter_id === principal.id && c.rating === null) out.push('rate');
    return out;
  }

  list(principal: Principal, q: store.CaseQuery) {
    // Members of the public and systems see what they reported; units their own cases; inspectors
    // and the centre their districts; a district government its district.
    if (principal.roles.every((r) => r === 'citizen' || r === 'enterprise' || r === 'api_client'))
      return store.listCases(this.p.db, null, { ...q, reporter: principal.id });
    if (this.isCentre(principal) || principal.roles.includes('grid_inspector')) return store.listCases(this.p.db, principal.scope, q);
    if (principal.view.departments === ALL && principal.view.cityLevel === false) return store.listCases(this.p.db, principal.view, q);
    return store.listCases(this.p.db, principal.scope, { ...q, unit: principal.department ?? '\u0000' });
  }

  // ---- reporting ----

  private place(loc: Location, pointer: string): [number, number] {
    if (!loc || typeof loc.lon !== 'number' || typeof loc.lat !== 'number' || !Number.isFinite(loc.lon) || !Number.isFinite(loc.lat))
      throw fieldError(pointer, { zh: '缺少位置（经纬度）', en: 'the location (longitude and latitude) is missing' });
    return toGcj02(loc.lon, loc.lat, loc.datum ?? 'GCJ-02');
  }

  private stat(at: number, district: string, unit: string, actor: string, metric: string): StatKey {
    return { day: dayOf(at, this.p.profile.utcOffsetMinutes), district, unit, actor, metric };
  }

  /** A report from any source: a case in 待立案, with duplicates proposed. */
  async report(input: ReportInput, source: Source, ctx: RequestContext & { principal: Principal }): Promise<CaseRow> {
    const principal = ctx.principal;
    if (!input.subcategory) throw fieldError('/body/subcategory', { zh: '缺少案件类别', en: 'the category is missing' });
    const { c: cls, s } = await this.subcategory(input.subcategory);
    const [lon, lat] = this.place(input.location, '/body/location');
    const grid = this.gridAt(lon, lat);
    if (!grid)
      throw fieldError('/body/location', {
        zh: '该位置不在任何单元网格内，不属于数字城管的管理范围',
        en: 'The location is outside every unit grid: not an area urban management covers',
      });
    const description = (input.description ?? '').trim();
    if (!description) throw fieldError('/body/description', { zh: '请描述问题', en: 'describe the problem' });
    if (input.componentId) {
      const comp = await store.getComponent(this.p.db, input.componentId);
      if (!comp || comp.subcategory !== s.code)
        throw fieldError('/body/componentId', { zh: '没有该小类的这个部件', en: 'no such component of this subcategory' });
    }
    if (input.externalRef) {
      // A source's reference is taken once: a work order sent twice is the same case.
      const existing = await store.caseByRef(this.p.db, source, input.externalRef);
      if (existing) return existing;
    }
    const now = this.p.now();
    const settings = cls.settings;
    // Duplicates: open cases of the subcategory within the radius and window.
    const dLat = settings.duplicateRadiusM / 111_320;
    const dLon = settings.duplicateRadiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
    const near = await store.nearbyOpen(this.p.db, s.code, now - settings.duplicateHours * 3_600_000, [lon - dLon, lat - dLat, lon + dLon, lat + dLat]);
    const dup = near
      .filter((x) => x.merged_into === null && x.state !== 'merged' && x.state !== 'rejected')
      .map((x) => ({ x, d: distanceM(lon, lat, Number(x.lon), Number(x.lat)) }))
      .filter((x) => x.d <= settings.duplicateRadiusM)
      .sort((a, b) => a.d - b.d)[0]?.x;
    const start = await this.engine.prepare(CASE_WORKFLOW);
    const id = newId('case', now);
    const isPerson = principal.kind === 'user';
    try {
      return await this.insertReport(input, source, ctx, { id, now, cls, s, grid, lon, lat, description, dup, start, isPerson });
    } catch (err) {
      // The same reference sent twice at once: the first one made the case.
      if (input.externalRef && isUniqueViolation(err)) {
        const existing = await store.caseByRef(this.p.db, source, input.externalRef);
        if (existing) return existing;
      }
      throw err;
    }
  }

  private insertReport(
    input: ReportInput,
    source: Source,
    ctx: RequestContext & { principal: Principal },
    k: {
      id: string;
      now: number;
      cls: Classification;
      s: Subcategory;
      grid: GridRecord;
      lon: number;
      lat: number;
      description: string;
      dup: CaseRow | undefined;
      start: Awaited<ReturnType<WorkflowEngine['prepare']>>;
      isPerson: boolean;
    },
  ): Promise<CaseRow> {
    const { id, now, cls, s, grid, lon, lat, description, dup, start, isPerson } = k;
    const principal = ctx.principal;
    return transaction(this.p.db, async (trx) => {
      const photos = input.photos?.length ? await this.p.files.attach(trx, principal, input.photos, 'urban_case', id) : [];
      const [inst] = await start(
        [{ subjectType: 'urban_case', subjectId: id, department: this.centre || null, district: grid.district, data: { subcategory: s.code } }],
        { principal: null },
        trx,
      );
      const row = {
        id,
        instance_id: inst!.id,
        state: 'reported',
        source,
        class_version: cls.version,
        subcategory: s.code,
        urgent: input.urgent ? 1 : 0,
        district: grid.district,
        street: grid.street,
        community: grid.community,
        grid_code: grid.code,
        lon,
        lat,
        address: input.address?.trim() || null,
        description,
        component_id: input.componentId ?? null,
        photos: JSON.stringify(photos),
        media_url: input.mediaUrl ?? null,
        result_photos: null,
        reporter_id: principal.id,
        reporter_name: input.reporter?.name ?? (isPerson ? (principal.displayName ?? principal.name) : null),
        reporter_phone: input.reporter?.phone ?? null,
        external_ref: input.externalRef ?? null,
        unit: null,
        operator_id: null,
        verifier_id: null,
        duplicate_of: dup?.id ?? null,
        merged_into: null,
        reported_at: now,
        filed_at: null,
        dispatched_at: null,
        due_at: null,
        remaining_ms: null,
        handled_at: null,
        closed_at: null,
        handled_on_time: null,
        closed_on_time: null,
        overdue: 0,
        returns: 0,
        reworks: 0,
        extensions: 0,
        hangs: 0,
        rating: null,
        rating_comment: null,
        rev: inst!.rev,
        updated_at: now,
      };
      await store.insertCase(trx, row);
      await store.addStats(trx, [this.stat(now, grid.district, '', principal.roles.includes('grid_inspector') ? principal.id : '', 'reported')]);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'urban.case_reported',
        targetType: 'urban_case',
        targetId: id,
        details: { source, subcategory: s.code, grid: grid.code, duplicateOf: row.duplicate_of },
      });
      return row;
    });
  }

  /** The centre turns an early-warning alert (waterlogging, air quality, …) into a case. */
  async fromAlert(alertId: string, subcategory: string | undefined, ctx: RequestContext & { principal: Principal }): Promise<CaseRow> {
    this.assertCentre(ctx.principal);
    if (!this.alerts) throw hiddenNotFound({ zh: '预警', en: 'Alert' }, alertId);
    const a = await this.alerts.get(alertId, ctx.principal, 'read');
    const cls = await this.classification();
    const matching = cls.subcategories.filter((s) => !s.retired && s.fromAlerts?.some((prefix) => a.rule_id === prefix || a.rule_id.startsWith(`${prefix}-`)));
    const s = subcategory ? matching.find((x) => x.code === subcategory) : matching[0];
    if (!s)
      throw fieldError('/body/subcategory', {
        zh: `预警规则 ${a.rule_id} 不对应任何可立案的城管小类`,
        en: `Alerts of rule ${a.rule_id} are not of a kind urban management files`,
      });
    if (a.lon === null || a.lat === null)
      throw fieldError('/body/alertId', { zh: '该预警没有位置，无法定位网格', en: 'the alert has no location to find its grid by' });
    return this.report({ subcategory: s.code, location: { lon: a.lon, lat: a.lat }, description: a.title_zh, externalRef: a.id, urgent: true }, 'alert', ctx);
  }

  // ---- the loop ----

  private async act(
    id: string,
    transition: string,
    ctx: RequestContext & { principal: Principal | null },
    opts: {
      rev?: number;
      comment?: string;
      attachments?: FileView[];
      dueAt?: Record<string, number>;
      set: (c: CaseRow, next: InstanceRow, trx: Transaction<Database>) => Promise<Partial<CaseRow>> | Partial<CaseRow>;
      stats?: (c: CaseRow, patched: CaseRow) => StatKey[];
      notices?: (c: CaseRow, patched: CaseRow) => { kind: string; text: Text } | null;
      before?: CaseRow;
    },
  ): Promise<CaseRow> {
    const c0 = opts.before ?? (await store.getCase(this.p.db, id));
    if (!c0) throw hiddenNotFound(CASE, id);
    if (opts.rev !== undefined && opts.rev !== c0.rev)
      throw new AppError(
        'WD_ERR_VERSION_CONFLICT',
        { zh: '案件已被他人处理，请刷新后重试', en: 'The case changed since you read it; reload and retry' },
        { currentRev: c0.rev, state: c0.state },
      );
    let out: CaseRow | undefined;
    try {
      await this.engine.fire(
        c0.instance_id,
        transition,
        { principal: ctx.principal, ip: ctx.ip, requestId: ctx.requestId },
        {
          ...(opts.comment ? { comment: opts.comment } : {}),
          ...(opts.attachments ? { attachments: opts.attachments } : {}),
          expectedRev: c0.rev,
          partyChecked: true,
          ...(opts.dueAt ? { data: { _dueAt: opts.dueAt } } : {}),
          also: async (trx, next) => {
            // Re-read under the transaction: what the case is now, not what it was before.
            const c = (await store.getCase(trx, id))!;
            const patch = await opts.set(c, next, trx);
            const now = this.p.now();
            const patched: CaseRow = { ...c, ...patch, state: next.state, rev: next.rev, updated_at: now };
            await store.updateCase(trx, id, { ...patch, state: next.state, rev: next.rev, updated_at: now });
            const keys = opts.stats?.(c, patched) ?? [];
            if (keys.length) await store.addStats(trx, keys);
            const notice = opts.notices?.(c, patched);
            if (notice) await this.notify(trx, patched, notice.kind, notice.text, now);
            await appendAudit(trx, {
              ...actorOf(ctx),
              at: now,
              action: `urban.case_${transition}`,
              targetType: 'urban_case',
              targetId: id,
              details: { from: c.state, to: next.state, unit: patched.unit, comment: opts.comment ?? null },
            });
            out = patched;
          },
        },
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'WD_ERR_CONFLICT')
        throw new AppError(
          'WD_ERR_CONFLICT',
          {
            zh: `案件当前为「${STATE_LABELS[c0.state]?.zh ?? c0.state}」，不能${CASE_DEFINITION.transitions[transition]?.label?.zh ?? transition}`,
            en: `The case is ${STATE_LABELS[c0.state]?.en ?? c0.state}: it cannot be ${transition.replace('_', ' ')}ed now`,
          },
          { state: c0.state },
        );
      throw err;
    }
    return out!;
  }

  /** Tells the reporter (and the reporters of cases merged into this one). */
  private async notify(trx: Transaction<Database>, c: CaseRow, kind: string, text: Text, now: number): Promise<void> {
    const merged = await store.mergedInto(trx, c.id);
    const rows = [c, ...merged]
      .filter((x) => x.source === 'citizen' || x.source === 'hotline' || x.source === 'open311' || x.reporter_phone)
      .map((x) => ({
        id: newId('umn', now),
        // Each reporter reads it on their own report (a merged report's reporter on theirs).
        case_id: x.id,
        user_id: x.source === 'hotline' ? null : x.reporter_id,
        phone: x.reporter_phone,
        kind,
        text_zh: text.zh,
        text_en: text.en,
        created_at: now,
      }));
    await store.insertNotices(trx, rows);
  }

  private async caseFor(id: string, principal: Principal, how: 'centre' | 'unit' | 'inspector'): Promise<CaseRow> {
    const c = await this.getFor(id, principal);
    if (how === 'centre') {
      this.assertCentre(principal);
      if (!districtInScope(principal.scope, c.district)) throw readOnly();
    }
    if (how === 'unit' && !(c.unit !== null && c.unit === principal.department && districtInScope(principal.scope, c.district))) {
      if (c.state !== 'handling' || principal.view !== principal.scope) throw readOnly();
      throw new AppError('WD_ERR_FORBIDDEN', { zh: '该案件不是派遣给本单位的', en: 'This case is not dispatched to your unit' });
    }
    if (how === 'inspector') {
      if (!principal.roles.includes('grid_inspector')) throw new AppError('WD_ERR_FORBIDDEN', { zh: '只有监督员可以核查', en: 'Only an inspector verifies' });
      if (c.verifier_id !== null && c.verifier_id !== principal.id)
        throw new AppError('WD_ERR_FORBIDDEN', { zh: '该核查任务已派给其他监督员', en: 'Another inspector has this verification' });
    }
    return c;
  }

  async file(id: string, input: { rev?: number; comment?: string; urgent?: boolean }, ctx: RequestContext & { principal: Principal }) {
    await this.caseFor(id, ctx.principal, 'centre');
    return this.act(id, 'file', ctx, {
      ...input,
      set: (c) => ({
        filed_at: this.p.now(),
        operator_id: ctx.principal.id,
        duplicate_of: null,
        urgent: input.urgent === undefined ? c.urgent : input.urgent ? 1 : 0,
      }),
      stats: (c) => [this.stat(this.p.now(), c.district, '', ctx.principal.id, 'filed')],
      notices: (c) => ({
        kind: 'filed',
        text: {
          zh: `您反映的问题已立案（案件编号 ${c.id}），将派遣责任单位处置。`,
          en: `Your report was filed as case ${c.id} and will be sent to the responsible unit.`,
        },
      }),
    });
  }

  async reject(id: string, input: { rev?: number; comment: string }, ctx: RequestContext & { principal: Principal }) {
    await this.caseFor(id, ctx.principal, 'centre');
    return this.act(id, 'reject', ctx, {
      ...input,
      set: () => ({ closed_at: this.p.now(), operator_id: ctx.principal.id }),
      stats: (c) => [this.stat(this.p.now(), c.district, '', ctx.principal.id, 'rejected')],
      notices: () => ({ kind: 'rejected', text: { zh: `您反映的问题未予立案：${input.comment}`, en: `Your report was not filed: ${input.comment}` } }),
    });
  }

  /** Merges a report into the open case it duplicates; its reporter is told of that case from now on. */
  async merge(id: string, input: { rev?: number; into?: string }, ctx: RequestContext & { principal: Principal }) {
    const c = await this.caseFor(id, ctx.principal, 'centre');
    const intoId = input.into ?? c.duplicate_of;
    if (!intoId) throw fieldError('/body/into', { zh: '请指定要并入的案件', en: 'name the case to merge into' });
    const target = await store.getCase(this.p.db, intoId);
    if (!target || target.id === c.id || target.closed_at !== null || target.merged_into !== null || !this.canSee(ctx.principal, target))
      throw fieldError('/body/into', { zh: '只能并入一个未结案的其他案件', en: 'merge into another case that is still open' });
    if (target.subcategory !== c.subcategory) throw fieldError('/body/into', { zh: '只能并入同一小类的案件', en: 'merge into a case of the same subcategory' });
    return this.act(id, 'merge', ctx, {
      rev: input.rev,
      comment: `→ ${target.id}`,
      set: () => ({ merged_into: target.id, closed_at: this.p.now(), operator_id: ctx.principal.id }),
      notices: () => ({ kind: 'merged', text: { zh: `您反映的问题已并入案件 ${target.id} 一并处置。`, en: `Your report was merged into case ${target.id}.` } }),
    });
  }

  /** Dispatch (派遣): to the subcategory's unit for the district, or another unit that owns it; the clock starts. */
  async dispatch(id: string, input: { rev?: number; unit?: string; comment?: string }, ctx: RequestContext & { principal: Principal }) {
    const c = await this.caseFor(id, ctx.principal, 'centre');
    const { s } = await this.subcategory(c.subcategory, '/body/unit', c.class_version);
    const unit = input.unit ?? unitFor(s, c.district);
    if (!unitsOf(s).has(unit))
      throw fieldError('/body/unit', {
        zh: `${unit} 不是「${s.name.zh}」的责任单位；可派遣：${[...unitsOf(s)].join('、')}`,
        en: `${unit} is not responsible for ${s.name.en}; responsible: ${[...unitsOf(s)].join(', ')}`,
      });
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    const due = deadlineFrom(cal, now, limitOf(s, c.urgent === 1));
    return this.act(id, 'dispatch', ctx, {
      rev: input.rev,
      comment: input.comment ?? `→ ${unit}`,
      dueAt: { handling: due },
      set: () => ({ unit, dispatched_at: now, due_at: due, overdue: 0, operator_id: c.operator_id ?? ctx.principal.id }),
      stats: (x) => [this.stat(now, x.district, unit, ctx.principal.id, 'dispatched')],
    });
  }

  /** The unit returns a case outside its remit (退回), with the reason; it goes back to the centre. */
  async returnCase(id: string, input: { rev?: number; comment: string }, ctx: RequestContext & { principal: Principal }) {
    const c = await this.caseFor(id, ctx.principal, 'unit');
    return this.act(id, 'return', ctx, {
      ...input,
      set: (x) => ({ unit: null, due_at: null, returns: x.returns + 1 }),
      stats: () => [this.stat(this.p.now(), c.district, c.unit!, '', 'returned')],
    });
  }

  /** The unit asks for more time (延期) or to hang the case (挂账); the centre decides. */
  async request(
    id: string,
    input: { kind: 'extension' | 'hang'; reason: string; hours?: number; days?: number },
    ctx: RequestContext & { principal: Principal },
  ) {
    const c = await this.caseFor(id, ctx.principal, 'unit');
    if (c.state !== 'handling') throw new AppError('WD_ERR_CONFLICT', { zh: '只有处置中的案件可以申请', en: 'Only a case being handled can ask for this' });
    if (!input.reason?.trim()) throw fieldError('/body/reason', { zh: '请说明理由', en: 'give the reason' });
    const pending = (await store.requestsOf(this.p.db, id)).filter((r) => r.status === 'pending');
    if (pending.length) throw new AppError('WD_ERR_CONFLICT', { zh: '已有待审批的申请', en: 'A request is already waiting for the centre' });
    let hours: number | null = null;
    if (input.kind === 'extension') {
      const { c: cls, s } = await this.subcategory(c.subcategory, '/body', c.class_version);
      if (c.extensions >= cls.settings.maxExtensions)
        throw new AppError('WD_ERR_CONFLICT', {
          zh: `每个案件最多延期 ${cls.settings.maxExtensions} 次`,
          en: `A case is extended at most ${cls.settings.maxExtensions} times`,
        });
      const limit = s.limits.normal;
      const asked = 'workingDays' in limit ? input.days : input.hours;
      const max = deadlineRank(limit) / ('workingDays' in limit ? 8 : 1);
      const pointer = 'workingDays' in limit ? '/body/days' : '/body/hours';
      if (!(typeof asked === 'number' && asked > 0 && asked <= max && (!('workingDays' in limit) || Number.isInteger(asked))))
        throw fieldError(pointer, {
          zh: `延期不得超过该小类的处置时限（${max} 个${'workingDays' in limit ? '工作日' : '工作小时'}）`,
          en: `an extension is at most the subcategory's limit (${max} working ${'workingDays' in limit ? 'days' : 'hours'})`,
        });
      hours = 'workingDays' in limit ? asked * 8 : asked;
    }
    const now = this.p.now();
    const row = {
      id: newId('umr', now),
      case_id: id,
      kind: input.kind,
      unit: c.unit!,
      reason: input.reason.trim(),
      hours,
      status: 'pending',
      requested_by: ctx.principal.id,
      requested_at: now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertRequest(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: `urban.${input.kind}_requested`,
        targetType: 'urban_case',
        targetId: id,
        details: { reason: row.reason, hours },
      });
    });
    return row;
  }

  pendingRequests(principal: Principal, limit: number) {
    this.assertCentre(principal);
    return store.pendingRequests(this.p.db, limit);
  }

  /** The centre approves or refuses an extension or hang-up request. */
  async decide(requestId: string, input: { approve: boolean; note?: string }, ctx: RequestContext & { principal: Principal }) {
    const r = await store.getRequest(this.p.db, requestId);
    if (!r) throw hiddenNotFound({ zh: '申请', en: 'Request' }, requestId);
    const c = await this.caseFor(r.case_id, ctx.principal, 'centre');
    if (r.status !== 'pending') throw new AppError('WD_ERR_CONFLICT', { zh: '该申请已审批', en: 'This request was already decided' });
    const now = this.p.now();
    const decision = { status: input.approve ? 'approved' : 'refused', decided_by: ctx.principal.id, decided_at: now, decision_note: input.note ?? null };
    if (!input.approve || c.state !== 'handling' || c.unit !== r.unit) {
      await transaction(this.p.db, async (trx) => {
        if (!(await store.decideRequest(trx, r.id, { ...decision, status: 'refused' })))
          throw new AppError('WD_ERR_CONFLICT', { zh: '该申请已审批', en: 'This request was already decided' });
        await appendAudit(trx, {
          ...actorOf(ctx),
          at: now,
          action: `urban.${r.kind}_refused`,
          targetType: 'urban_case',
          targetId: c.id,
          details: { request: r.id },
        });
      });
      return this.getFor(c.id, ctx.principal);
    }
    const cal = await this.p.calendar.get();
    const claim = async (trx: Transaction<Database>) => {
      if (!(await store.decideRequest(trx, r.id, decision)))
        throw new AppError('WD_ERR_CONFLICT', { zh: '该申请已审批', en: 'This request was already decided' });
    };
    if (r.kind === 'extension') {
      const due = cal.addWorkingHours(Math.max(Number(c.due_at ?? now), now), Number(r.hours));
      return this.act(c.id, 'extend', ctx, {
        before: c,
        comment: `${r.reason}（+${Number(r.hours)}h）`,
        dueAt: { handling: due },
        set: async (x, _n, trx) => {
          await claim(trx);
          return { due_at: due, extensions: x.extensions + 1 };
        },
        stats: (x) => [this.stat(now, x.district, x.unit ?? '', '', 'extended')],
      });
    }
    // Hang-up: the clock stops with the working time left, and restarts with it on resumption.
    const left = c.due_at === null ? 0 : cal.workingMsBetween(now, Number(c.due_at));
    return this.act(c.id, 'hang', ctx, {
      before: c,
      comment: r.reason,
      set: async (x, _n, trx) => {
        await claim(trx);
        return { due_at: null, remaining_ms: left, hangs: x.hangs + 1 };
      },
      stats: (x) => [this.stat(now, x.district, x.unit ?? '', '', 'hung')],
    });
  }

  async resume(id: string, input: { rev?: number; comment?: string }, ctx: RequestContext & { principal: Principal }) {
    const c = await this.caseFor(id, ctx.principal, 'centre');
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    const due = cal.addWorkingHours(now, Math.max(Number(c.remaining_ms ?? 0), 0) / 3_600_000);
    return this.act(id, 'resume', ctx, { ...input, dueAt: { handling: due }, set: () => ({ due_at: due, remaining_ms: null }) });
  }

  /** The unit reports back (处置反馈) with photos of the result; an inspector is given the verification. */
  async reportBack(id: string, input: { rev?: number; comment: string; photos: string[] }, ctx: RequestContext & { principal: Principal }) {
    const c = await this.caseFor(id, ctx.principal, 'unit');
    if (!input.photos?.length) throw fieldError('/body/photos', { zh: '请上传处置后的照片', en: 'add a photo of the result' });
    if (!input.comment?.trim()) throw fieldError('/body/comment', { zh: '请说明处置情况', en: 'say what was done' });
    const { c: cls } = await this.subcategory(c.subcategory, '/body', c.class_version);
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    const verifyBy = deadlineFrom(cal, now, cls.settings.verify);
    const verifier = await this.verifierFor(c);
    let attached: FileView[] = [];
    return this.act(id, 'report_back', ctx, {
      rev: input.rev,
      comment: input.comment,
      dueAt: { verifying: verifyBy },
      set: async (x, _n, trx) => {
        attached = await this.p.files.attach(trx, ctx.principal, input.photos, 'urban_case', id);
        const onTime = x.due_at !== null && now <= Number(x.due_at) ? 1 : 0;
        return { handled_at: now, handled_on_time: onTime, result_photos: JSON.stringify(attached), verifier_id: verifier };
      },
      stats: (x, p) => [
        this.stat(now, x.district, x.unit ?? '', ctx.principal.id, 'handled'),
        ...(p.handled_on_time === 1 ? [this.stat(now, x.district, x.unit ?? '', '', 'handled_on_time')] : []),
      ],
    });
  }

  /** The inspector who reported the case, else one assigned to its grid; null lets any inspector of the district take it. */
  private async verifierFor(c: CaseRow): Promise<string | null> {
    if (c.source === 'inspector' && c.reporter_id) return c.reporter_id;
    const assigned = await store.inspectorsOf(this.p.db, [c.grid_code]);
    return assigned[0]?.user_id ?? null;
  }

  /** The inspector's verification (核查): close when the result meets the closing condition, else rework (返工). */
  async verify(id: string, input: { rev?: number; ok: boolean; comment?: string; photos?: string[] }, ctx: RequestContext & { principal: Principal }) {
    const c = await this.caseFor(id, ctx.principal, 'inspector');
    const now = this.p.now();
    if (input.ok) {
      return this.act(id, 'close', ctx, {
        rev: input.rev,
        ...(input.comment ? { comment: input.comment } : {}),
        set: async (x, _n, trx) => {
          if (input.photos?.length) await this.p.files.attach(trx, ctx.principal, input.photos, 'urban_case', id);
          return { closed_at: now, closed_on_time: x.handled_on_time === 1 && x.overdue === 0 ? 1 : 0, verifier_id: ctx.principal.id };
        },
        stats: (x, p) => [
          this.stat(now, x.district, x.unit ?? '', ctx.principal.id, 'closed'),
          ...(p.closed_on_time === 1 ? [this.stat(now, x.district, x.unit ?? '', '', 'closed_on_time')] : []),
        ],
        notices: (x) => ({
          kind: 'result',
          text: {
            zh: `您反映的问题（案件 ${x.id}）已处置完毕并经现场核查结案。处置后照片：${json.parse<FileView[]>(x.result_photos, [])[0]?.url ?? '无'}。欢迎评价。`,
            en: `Your report (case ${x.id}) was handled and closed after an on-site check. Photo of the result: ${json.parse<FileView[]>(x.result_photos, [])[0]?.url ?? 'none'}. Please rate it.`,
          },
        }),
      });
    }
    if (!input.comment?.trim()) throw fieldError('/body/comment', { zh: '返工须说明现场情况', en: 'say what is still wrong' });
    const { s } = await this.subcategory(c.subcategory, '/body', c.class_version);
    const cal = await this.p.calendar.get();
    const due = deadlineFrom(cal, now, limitOf(s, c.urgent === 1));
    return this.act(id, 'rework', ctx, {
      rev: input.rev,
      comment: input.comment,
      dueAt: { handling: due },
      set: async (x, _n, trx) => {
        if (input.photos?.length) await this.p.files.attach(trx, ctx.principal, input.photos, 'urban_case', id);
        return { due_at: due, reworks: x.reworks + 1, handled_at: null, verifier_id: ctx.principal.id };
      },
      stats: (x) => [this.stat(now, x.district, x.unit ?? '', ctx.principal.id, 'rework')],
    });
  }

  /** The reporter rates the handling (满意度) once the case is closed: 1 (very unsatisfied) to 5. */
  async rate(id: string, input: { score: number; comment?: string }, ctx: RequestContext & { principal: Principal }) {
    const c = await this.getFor(id, ctx.principal);
    if (c.reporter_id !== ctx.principal.id) throw new AppError('WD_ERR_FORBIDDEN', { zh: '只有反映人可以评价', en: 'Only the reporter rates a case' });
    if (c.state !== 'closed') throw new AppError('WD_ERR_CONFLICT', { zh: '结案后才能评价', en: 'A case is rated once it is closed' });
    if (c.rating !== null) throw new AppError('WD_ERR_CONFLICT', { zh: '已经评价过', en: 'Already rated' });
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      await store.updateCase(trx, id, { rating: input.score, rating_comment: input.comment ?? null, updated_at: now });
      await store.addStats(trx, [
        this.stat(now, c.district, c.unit ?? '', '', 'rated'),
        ...Array.from({ length: input.score }, () => this.stat(now, c.district, c.unit ?? '', '', 'rating_points')),
      ]);
      await appendAudit(trx, { ...actorOf(ctx), at: now, action: 'urban.case_rated', targetType: 'urban_case', targetId: id, details: { score: input.score } });
    });
    return (await store.getCase(this.p.db, id))!;
  }

  /** Open cases by district and state, and today's on-time figures: the operations screen's domain. */
  async figures() {
    const rows = await store.openByDistrict(this.p.db);
    const today = dayOf(this.p.now(), this.p.profile.utcOffsetMinutes);
    const stats = await store.sumStats(this.p.db, today, today, 'district', null);
    const sum = (m: string) => stats.filter((r) => r.metric === m).reduce((a, r) => a + Number(r.n), 0);
    const handled = sum('handled');
    const closed = sum('closed');
    const byDistrict = new Map<string, { open: number; overdue: number; byState: Record<string, number> }>();
    for (const r of rows) {
      if (!OPEN_STATES.includes(r.state)) continue;
      const d = byDistrict.get(r.district) ?? { open: 0, overdue: 0, byState: {} };
      d.open += Number(r.n);
      d.overdue += Number(r.overdue ?? 0);
      d.byState[r.state] = Number(r.n);
      byDistrict.set(r.district, d);
    }
    return {
      day: today,
      open: [...byDistrict.values()].reduce((a, d) => a + d.open, 0),
      byDistrict: [...byDistrict.entries()].map(([district, d]) => ({ district, ...d })),
      today: {
        reported: sum('reported'),
        handled,
        handledOnTime: sum('handled_on_time'),
        closed,
        onTimeRate: handled ? sum('handled_on_time') / handled : null,
      },
    };
  }

  /** Open cases on the map: the ones the caller may see. */
  layer(principal: Principal, limit: number) {
    return this.list(principal, { open: true, limit, offset: 0 });
  }

  /** One figure for the indicator library: open or overdue cases (by district), reports today, today's on-time handling share. */
  async figure(measure: UrbanMeasure): Promise<{ value: number | null; byDistrict: Map<string, number>; basis: number }> {
    const f = await this.figures();
    const per = new Map<string, number>();
    if (measure === 'open' || measure === 'overdue') {
      for (const d of f.byDistrict) per.set(d.district, measure === 'open' ? d.open : d.overdue);
      const total = [...per.values()].reduce((a, n) => a + n, 0);
      return { value: total, byDistrict: per, basis: f.open };
    }
    if (measure === 'reported_today') return { value: f.today.reported, byDistrict: per, basis: f.today.reported };
    return { value: f.today.onTimeRate, byDistrict: per, basis: f.today.handled };
  }

  get centreDepartment(): string {
    return this.centre;
  }
}

export interface EvaluationPeriod {
  from: string;
  to: string;
}

/** The evaluation (CJ/T 292) of a period: districts, units and posts ranked. */
export async function evaluate(svc: UrbanService, p: Platform, period: EvaluationPeriod, district: string | null) {
  const cls = await svc.classification();
  const w = cls.settings.weights;
  const [d, u, a] = await Promise.all([
    store.sumStats(p.db, period.from, period.to, 'district', district),
    store.sumStats(p.db, period.from, period.to, 'unit', district),
    store.sumStats(p.db, period.from, period.to, 'actor', district),
  ]);
  const departments = new Map((await listDepartments(p.db)).map((x) => [x.code, { zh: x.name_zh, en: x.name_en ?? x.name_zh }]));
  const districtNames = new Map(p.profile.districts.map((x) => [x.adcode, x.name]));
  const people = new Map((await userNames(p.db, [...new Set(a.map((r) => r.actor))])).map((x) => [x.id, x]));
  const posts = rank(
    a.map((r) => ({ key: r.actor, metric: r.metric, n: Number(r.n) })),
    null,
  ).map((e) => {
    const person = people.get(e.key);
    const roles = json.parse<string[]>(person?.roles, []);
    return { ...e, name: person?.display_name ?? e.key, post: roles.includes('grid_inspector') ? 'inspector' : 'operator' };
  });
  return {
    period,
    weights: w,
    districts: rank(
      d.map((r) => ({ key: r.district, metric: r.metric, n: Number(r.n) })),
      w,
    ).map((e) => ({ ...e, name: districtNames.get(e.key) ?? { zh: e.key, en: e.key } })),
    units: rank(
      u.map((r) => ({ key: r.unit, metric: r.metric, n: Number(r.n) })),
      w,
    ).map((e) => ({ ...e, name: departments.get(e.key) ?? { zh: e.key, en: e.key } })),
    inspectors: posts.filter((x) => x.post === 'inspector'),
    operators: posts.filter((x) => x.post === 'operator'),
  };
}
