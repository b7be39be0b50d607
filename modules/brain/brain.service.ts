/**
 * The indicator library and its values: definitions stored as versioned data (a department writes
 * its own), the current values evaluated on demand and cached briefly (many screens read the same
 * figures), and snapshots every few minutes for trends, history and the wall's 24-hour replay.
 */
import { listDepartments } from '../identity/index.js';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal, inScope } from '../../platform/auth/scope.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { problemCount, text } from '../../platform/i18n/index.js';
import { getSetting, json, putSetting, transaction } from '../../platform/storage/db.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { listTypes } from '../sensing/index.js';
import type { IndicatorEvaluator, IndicatorValue } from './evaluate.js';
import { seedList } from '../../platform/profile/seeds.js';
import * as store from './brain.store.js';
import { DOMAINS, INDICATOR_ID_RE, type IndicatorCatalog, type IndicatorDefinition, validateIndicator } from './indicators.js';

const SEEDED_KEY = 'brain.seeded_indicators';
/** How long an evaluation serves every reader (the wall polls; dozens of screens read the same figures). */
export const CACHE_MS = 10_000;
/** How often values are kept for trends and replay, and how long. */
export const SNAPSHOT_MS = 5 * 60_000;
export const HISTORY_MS = 7 * 86_400_000;
/** The trend compares with the snapshot nearest this long ago. */
const TREND_MS = 60 * 60_000;

export interface Indicator extends IndicatorDefinition {
  id: string;
  version: number;
  enabled: boolean;
  updatedBy: string | null;
  updatedAt: number;
}

/** An indicator's first stored version, enabled. */
function firstVersion(id: string, def: IndicatorDefinition, by: string | null, now: number): store.IndicatorRow {
  return { id, owner: def.owner, domain: def.domain, definition: JSON.stringify(def), version: 1, enabled: 1, updated_by: by, updated_at: now };
}

export class IndicatorService {
  private cache: { at: number; values: Promise<IndicatorValue[]>; ids: string } | undefined;

  constructor(
    private readonly p: Platform,
    private readonly evaluator: IndicatorEvaluator,
  ) {}

  async catalog(): Promise<IndicatorCatalog> {
    const departments = new Set((await listDepartments(this.p.db)).map((d) => d.code));
    const types = new Map<string, Set<string>>();
    for (const t of await listTypes(this.p.db)) types.set(t.id, new Set(t.attributes.map((a) => a.key)));
    return { departments, types };
  }

  /** The city's own indicators, once: an indicator a city deletes is not seeded again. */
  async seed(): Promise<void> {
    const seeded = new Set(await getSetting<string[]>(this.p.db, SEEDED_KEY, []));
    const todo = seedList<IndicatorDefinition>(this.p, 'indicators').filter((i) => !seeded.has(i.id));
    if (todo.length === 0) return;
    const cat = await this.catalog();
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      for (const { id, ...def } of todo) {
        const errors = validateIndicator(def, cat, `/seed/${id}`);
        if (errors.length) {
          this.p.log.warn({ indicator: id, errors }, 'seed indicator skipped');
          continue;
        }
        if (!(await store.indicatorExists(trx, id))) await store.insertIndicator(trx, firstVersion(id, def, null, now));
        seeded.add(id);
      }
      await putSetting(trx, SEEDED_KEY, [...seeded].sort(), now);
    });
  }

  async list(q: { domain?: string; enabled?: boolean } = {}): Promise<Indicator[]> {
    const rows = await store.listIndicators(this.p.db, q);
    // The screen's order: domains as the plan lists them.
    const order = Object.keys(DOMAINS);
    return rows
      .map((r) => ({
        ...json.parse<IndicatorDefinition>(r.definition, {} as IndicatorDefinition),
        id: r.id,
        version: r.version,
        enabled: r.enabled === 1,
        updatedBy: r.updated_by,
        updatedAt: Number(r.updated_at),
      }))
      .sort((a, b) => order.indexOf(a.domain) - order.indexOf(b.domain));
  }

  async get(id: string): Promise<Indicator> {
    const found = (await this.list()).find((i) => i.id === id);
    if (!found) throw notFound('Indicator', id);
    return found;
  }

  private assertOwner(principal: Principal | null, owner: string): void {
    if (!principal || principal.scope.departments === ALL) return;
    if (!inScope(principal.scope, { department: owner, district: null }))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', `Indicators of ${owner} are kept by that department`);
  }

  private async check(def: IndicatorDefinition): Promise<void> {
    const errors = validateIndicator(def, await this.catalog());
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', problemCount(errors.length, '指标', 'indicator'), { errors });
  }

  async create(id: string, def: IndicatorDefinition, ctx: RequestContext): Promise<Indicator> {
    if (!INDICATOR_ID_RE.test(id))
      throw new AppError('WD_ERR_VALIDATION', text('指标编号不符合要求', 'Bad indicator id'), {
        errors: [{ pointer: '/body/id', detail: text('指标编号只能包含小写字母、数字和 -', 'lower-case letters, digits and -') }],
      });
    this.assertOwner(ctx.principal, def.owner);
    await this.check(def);
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      if (await store.indicatorExists(trx, id)) throw new AppError('WD_ERR_CONFLICT', `Indicator ${id} exists`);
      await store.insertIndicator(trx, firstVersion(id, def, ctx.principal?.id ?? null, now));
      await appendAudit(trx, { ...actorOf(ctx), action: 'indicator.created', targetType: 'indicator', targetId: id, details: { owner: def.owner }, at: now });
    });
    this.cache = undefined;
    return this.get(id);
  }

  /** A revision: send the version you loaded (409 if someone saved since). */
  async update(id: string, def: IndicatorDefinition, version: number, enabled: boolean | undefined, ctx: RequestContext): Promise<Indicator> {
    const cur = await this.get(id);
    this.assertOwner(ctx.principal, cur.owner);
    this.assertOwner(ctx.principal, def.owner);
    await this.check(def);
    const now = this.p.now();
    await transaction(this.p.db, async (trx) => {
      const updated = await store.updateIndicator(trx, id, version, {
        owner: def.owner,
        domain: def.domain,
        definition: JSON.stringify(def),
        ...(enabled !== undefined ? { enabled: enabled ? 1 : 0 } : {}),
        updated_by: ctx.principal?.id ?? null,
        updated_at: now,
      });
      if (!updated) throw new AppError('WD_ERR_VERSION_CONFLICT', `Indicator ${id} is at version ${cur.version}, not ${version}; reload it`);
      await appendAudit(trx, {
        ...actorOf(ctx),
        action: 'indicator.updated',
        targetType: 'indicator',
        targetId: id,
        details: { version: version + 1 },
        at: now,
      });
    });
    this.cache = undefined;
    return this.get(id);
  }

  /** Every enabled indicator's value now, with its trend (the change since about an hour ago). */
  async values(): Promise<(IndicatorValue & { previous: number | null })[]> {
    const defs = await this.list({ enabled: true });
    const ids = defs.map((d) => `${d.id}@${d.version}`).join(',');
    const now = this.p.now();
    if (!this.cache || now - this.cache.at >= CACHE_MS || this.cache.ids !== ids) {
      const values = this.evaluator.evaluate(defs);
      this.cache = { at: now, values, ids };
      values.catch(() => {
        if (this.cache?.values === values) this.cache = undefined;
      });
    }
    const current = await this.cache.values;
    const previous = await this.valuesAt(now - TREND_MS);
    return current.map((v) => ({ ...v, previous: previous.get(v.id) ?? null }));
  }

  /** Every indicator as kept in the snapshot nearest before a time, with breakdowns (a frame of the replay). */
  async frameAt(at: number): Promise<{ at: number | null; values: Map<string, { value: number | null; breakdown: Record<string, number> | null }> }> {
    const last = await store.latestSnapshotAt(this.p.db, at - 3 * SNAPSHOT_MS, at);
    if (last === null) return { at: null, values: new Map() };
    const rows = await store.snapshotValues(this.p.db, last);
    return {
      at: last,
      values: new Map(
        rows.map((r) => [
          r.indicator_id,
          { value: r.value === null ? null : Number(r.value), breakdown: json.parse<Record<string, number> | null>(r.breakdown, null) },
        ]),
      ),
    };
  }

  /** The snapshot values nearest before a time (the trend's reference). */
  async valuesAt(at: number): Promise<Map<string, number | null>> {
    const frame = await this.frameAt(at);
    return new Map([...frame.values].map(([id, v]) => [id, v.value]));
  }

  /**
   * Keeps every enabled indicator's current value (the timer's work) at the start of the current
   * 5-minute slot, and drops what is older than the history kept. Several processes may run it:
   * the slot is the key, so the first one's values stand and the others' are ignored.
   */
  async snapshot(): Promise<number> {
    const defs = await this.list({ enabled: true });
    const values = await this.evaluator.evaluate(defs);
    const now = this.p.now();
    const at = now - (now % SNAPSHOT_MS);
    await transaction(this.p.db, (trx) =>
      store.keepSnapshot(
        trx,
        values.map((v) => ({ indicator_id: v.id, at, value: v.value, breakdown: v.breakdown ? JSON.stringify(v.breakdown) : null })),
        at - HISTORY_MS,
      ),
    );
    return values.length;
  }

  /** An indicator's kept values over the last hours, with their breakdowns. */
  async history(id: string, hours: number) {
    await this.get(id);
    const since = this.p.now() - hours * 3_600_000;
    const rows = await store.indicatorHistory(this.p.db, id, since);
    return rows.map((r) => ({
      at: Number(r.at),
      value: r.value === null ? null : Number(r.value),
      breakdown: json.parse<Record<string, number> | null>(r.breakdown, null),
    }));
  }
}
