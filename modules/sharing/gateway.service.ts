/**
 * The exchange gateway (共享交换网关): consumer systems call with their own credentials (an API
 * key, or an OAuth 2 access token from their client credentials) and get exactly what their
 * department's approval says: approved items in clear, the others masked or left out, within the
 * approval's period, rate and daily quota. Every call, answered or refused, is recorded (who, for
 * what, which resource, which keys, which items) in the hash-chained audit and in the gateway's own
 * tables, from which the provider's usage statistics and a person's 数据使用记录 are read.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { hashToken } from '../../platform/auth/password.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, hiddenNotFound, notFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId, newSecret } from '../../platform/ids.js';
import { json, transaction } from '../../platform/storage/db.js';
import type { DataItem, Resource } from './catalogue.js';
import type { CatalogueService } from './catalogue.service.js';
import { type DatasetSpec, RECORD_DATASETS, normaliseKey } from './datasets.js';
import { type AnswerPlan, answer, auditKey, planAnswer } from './gateway.js';
import * as store from './gateway.store.js';
import { CallWriter } from './call-writer.js';
import * as records from './records.store.js';
import type * as requests from './requests.store.js';

/** Marks a generated record among its values (never an item: answered as `synthetic: true`). */
const SYNTHETIC = Symbol('synthetic');

/** How long an OAuth 2 access token lives (seconds). */
export const TOKEN_TTL_S = 3600;
/** How long a resolved credential or approval is kept in memory (a revocation drops it at once). */
const CACHE_MS = 5_000;
export const MAX_LOOKUP_KEYS = 100;
export const MAX_PAGE = 1000;
export const MAX_EXTRACT = 100_000;

const CLIENT: Text = { zh: '接入系统', en: 'Consumer system' };

export interface GatewayClient {
  id: string;
  consumer: string;
  name: string;
}

/** Who calls: the system, and the purpose it states for this call (else its approval's). */
export interface Caller {
  client: GatewayClient;
  purpose?: string | undefined;
  ip: string | null;
  requestId: string | null;
}

export type Operation = 'lookup' | 'query' | 'extract' | 'changes';

/** Equality filters on approved items, the items wanted, a page size and where to go on from. */
export interface PageQuery {
  filter: Record<string, string>;
  items?: string[];
  limit: number;
  after?: string;
}

/** Why a call was refused (kept with the call; the consumer reads it in words). */
export type Refusal = 'no_approval' | 'expired' | 'revoked' | 'not_yet_valid' | 'items_outside' | 'filter_outside' | 'quota' | 'rate';

interface Grant {
  approvalId: string;
  resource: Resource;
  spec: DatasetSpec;
  approved: Set<string>;
  purpose: string;
  validFrom: number;
  validTo: number;
  rate: number;
  quota: number;
  provider: string;
  until: number;
}

export interface Answered {
  records: Record<string, unknown>[];
  items: { clear: string[]; masked: string[] };
  approval: string;
  /** Records returned today under the approval (its daily quota counts them). */
  quota: { used: number; limit: number };
}

export class GatewayService {
  private readonly grants = new Map<string, Grant>(); // consumer|dataset
  private readonly credentials = new Map<string, { client: GatewayClient; until: number; expiresAt: number }>();
  private readonly windows = new Map<string, { minute: number; count: number }>(); // approval → calls this minute (this process)
  private readonly writer: CallWriter;

  constructor(
    private readonly p: Platform,
    private readonly catalogue: CatalogueService,
  ) {
    this.writer = new CallWriter(p.db);
  }

  async start(): Promise<void> {
    // Every process drops what it cached (broadcast), so a revocation holds at once everywhere.
    await this.p.bus.subscribe('sharing.approval_revoked', async (e) => this.forget(e.data.approvalId), {
      group: 'sharing-gateway-approvals',
      broadcast: true,
    });
    await this.p.bus.subscribe('sharing.client_revoked', async () => this.credentials.clear(), { group: 'sharing-gateway-clients', broadcast: true });
  }

  /** Drops what this process cached of an approval (its revocation takes effect at once). */
  forget(approvalId?: string): void {
    for (const [k, g] of this.grants) if (!approvalId || g.approvalId === approvalId) this.grants.delete(k);
  }

  // ---- credentials ----

  private mayKeepClients(principal: Principal, consumer: string): boolean {
    if (!principal.permissions.has('sharing.manage')) return false;
    return principal.scope.departments === ALL || principal.department === consumer || principal.department === this.catalogue.authority;
  }

  /** Registers a consumer department's system; the secret is shown once and kept only as a hash. */
  async createClient(input: { name: string; consumer?: string | undefined }, ctx: RequestContext) {
    const principal = ctx.principal!;
    const consumer = input.consumer ?? principal.department;
    if (!consumer || !this.mayKeepClients(principal, consumer))
      throw new AppError('WD_ERR_FORBIDDEN', {
        zh: '接入系统由本部门或数据主管部门登记',
        en: 'A department registers its own systems (or the data authority does)',
      });
    if (!input.name.trim())
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '请填写系统名称', en: 'Name the system' },
        { errors: [{ pointer: '/body/name', detail: { zh: '必填', en: 'required' } }] },
      );
    const secret = `wdg_${newSecret()}`;
    const now = this.p.now();
    const row: store.ClientRow = {
      id: newId('shc'),
      consumer,
      name: input.name.trim(),
      secret_hash: hashToken(secret),
      prefix: secret.slice(0, 10),
      created_by: principal.id,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertClient(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'sharing.client_created',
        targetType: 'sharing_client',
        targetId: row.id,
        details: { consumer, name: row.name },
      });
    });
    return { client: clientView(row), secret };
  }

  async listClients(principal: Principal) {
    const all = principal.scope.departments === ALL || principal.department === this.catalogue.authority;
    return (await store.listClients(this.p.db, all ? null : (principal.department ?? ''))).map(clientView);
  }

  async revokeClient(id: string, ctx: RequestContext) {
    const principal = ctx.principal!;
    const c = await store.getClient(this.p.db, id);
    if (!c || !this.mayKeepClients(principal, c.consumer)) throw hiddenNotFound(CLIENT, id);
    const now = this.p.now();
    if (!c.revoked_at)
      await transaction(this.p.db, async (trx) => {
        await store.updateClient(trx, id, { revoked_at: now });
        await appendAudit(trx, {
          ...actorOf(ctx),
          at: now,
          action: 'sharing.client_revoked',
          targetType: 'sharing_client',
          targetId: id,
          details: { consumer: c.consumer },
        });
      });
    this.credentials.clear();
    await this.p.bus.publish('sharing.client_revoked', { clientId: id }, { key: id });
    return clientView((await store.getClient(this.p.db, id))!);
  }

  /** OAuth 2 client credentials grant (RFC 6749 §4.4): an access token for the gateway. */
  async token(clientId: string, secret: string): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
    const c = await store.getClient(this.p.db, clientId);
    if (!c || c.revoked_at || c.secret_hash !== hashToken(secret))
      throw new AppError('WD_ERR_AUTH_TOKEN_INVALID', { zh: '接入系统标识或密钥不正确', en: 'Unknown client or wrong secret' }, { error: 'invalid_client' });
    const token = `wdgt_${newSecret()}`;
    const now = this.p.now();
    await store.dropExpiredTokens(this.p.db, now);
    await store.insertToken(this.p.db, { hash: hashToken(token), client_id: c.id, expires_at: now + TOKEN_TTL_S * 1000, created_at: now });
    return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_S };
  }

  /** The system calling: from `Authorization: Bearer <token or key>` or `X-Api-Key: <key>`. */
  async authenticate(authorization: string | undefined, apiKey: string | undefined): Promise<GatewayClient> {
    const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    const secret = m?.[1] ?? apiKey?.trim();
    if (!secret)
      throw new AppError('WD_ERR_AUTH_REQUIRED', {
        zh: '请使用接入系统的密钥（X-Api-Key）或访问令牌（Authorization: Bearer）',
        en: 'Send the system’s key (X-Api-Key) or an access token (Authorization: Bearer)',
      });
    const now = this.p.now();
    const hash = hashToken(secret);
    const hit = this.credentials.get(hash);
    if (hit && hit.until > now && hit.expiresAt > now) return hit.client;
    let clientId: string | undefined;
    let expiresAt = Number.POSITIVE_INFINITY;
    if (secret.startsWith('wdgt_')) {
      const t = await store.getToken(this.p.db, hash);
      if (t && Number(t.expires_at) > now) {
        clientId = t.client_id;
        expiresAt = Number(t.expires_at);
      }
    }
    const c = clientId ? await store.getClient(this.p.db, clientId) : secret.startsWith('wdg_') ? await store.clientBySecret(this.p.db, hash) : undefined;
    if (!c || c.revoked_at) throw new AppError('WD_ERR_AUTH_TOKEN_INVALID', { zh: '密钥或令牌无效或已过期', en: 'The key or token is invalid or has expired' });
    if (!c.last_used_at || now - Number(c.last_used_at) > 60_000) await store.updateClient(this.p.db, c.id, { last_used_at: now });
    const client = { id: c.id, consumer: c.consumer, name: c.name };
    this.credentials.set(hash, { client, until: now + CACHE_MS, expiresAt });
    return client;
  }

  // ---- approvals as the gateway sees them ----

  private spec(dataset: string): DatasetSpec {
    const spec = RECORD_DATASETS[dataset];
    if (!spec) throw notFound({ zh: '基础库', en: 'Base database' }, dataset);
    return spec;
  }

  /** The consumer's approval in force for a base database (the newest), or why there is none. */
  private async grantFor(consumer: string, dataset: string, now: number): Promise<Grant | Refusal> {
    const cacheKey = `${consumer}|${dataset}`;
    const hit = this.grants.get(cacheKey);
    if (hit && hit.until > now && hit.validTo > now) return hit;
    const spec = this.spec(dataset);
    const rows = (await this.p.db
      .selectFrom('sharing_approvals')
      .selectAll()
      .where('consumer', '=', consumer)
      .where('dataset', '=', dataset)
      .orderBy('granted_at', 'desc')
      .execute()) as requests.ApprovalRow[];
    const live = rows.find((a) => a.status === 'active' && Number(a.valid_from) <= now && Number(a.valid_to) > now);
    if (!live) {
      if (rows.length === 0) return 'no_approval';
      if (rows.some((a) => a.status === 'active' && Number(a.valid_from) > now)) return 'not_yet_valid';
      return rows[0]!.status === 'revoked' ? 'revoked' : 'expired';
    }
    const resource = await this.catalogue.get(live.resource_code, null);
    const g: Grant = {
      approvalId: live.id,
      resource,
      spec,
      approved: new Set(json.parse<string[]>(live.items, [])),
      purpose: live.purpose,
      validFrom: Number(live.valid_from),
      validTo: Number(live.valid_to),
      rate: live.rate_per_minute,
      quota: live.quota_per_day,
      provider: live.provider,
      until: now + CACHE_MS,
    };
    this.grants.set(cacheKey, g);
    return g;
  }

  // ---- calls ----

  private async begin(caller: Caller, dataset: string, op: Operation, asked: string[] | undefined, filterFields: string[]) {
    const now = this.p.now();
    const g = await this.grantFor(caller.client.consumer, dataset, now);
    const day = (await this.p.calendar.get()).localDate(now);
    if (typeof g === 'string') return this.refuse(caller, dataset, op, now, day, g, null);
    if (asked) {
      const outside = asked.filter((k) => !g.approved.has(k));
      if (outside.length) return this.refuse(caller, dataset, op, now, day, 'items_outside', g, outside);
    }
    const filterOutside = filterFields.filter((k) => !g.approved.has(k));
    if (filterOutside.length) return this.refuse(caller, dataset, op, now, day, 'filter_outside', g, filterOutside);
    // Calls a minute, per approval, in this process.
    const minute = Math.floor(now / 60_000);
    const w = this.windows.get(g.approvalId);
    if (w && w.minute === minute && w.count >= g.rate) return this.refuse(caller, dataset, op, now, day, 'rate', g);
    if (w && w.minute === minute) w.count++;
    else this.windows.set(g.approvalId, { minute, count: 1 });
    const plan = planAnswer(g.resource.items, g.approved, asked ? new Set(asked) : undefined);
    return { g, plan, now, day };
  }

  /** Records a refusal (call row and audit, outcome `denied`) and throws the problem the caller gets. */
  private async refuse(
    caller: Caller,
    dataset: string,
    op: Operation,
    now: number,
    day: string,
    why: Refusal,
    g: Grant | null,
    fields: string[] = [],
  ): Promise<never> {
    await this.writer.write({
      call: {
        at: now,
        day,
        client_id: caller.client.id,
        consumer: caller.client.consumer,
        provider: g?.provider ?? null,
        resource_code: g?.resource.code ?? null,
        approval_id: g?.approvalId ?? null,
        operation: op,
        purpose: caller.purpose ?? g?.purpose ?? null,
        outcome: 'refused',
        reason: why,
        rows: 0,
        items_clear: '[]',
        items_masked: '[]',
      },
      dataset,
      subjects: [],
      quota: null,
      audit: {
        at: now,
        actorId: caller.client.id,
        actorName: caller.client.name,
        action: 'sharing.gateway_call',
        targetType: 'sharing_dataset',
        targetId: dataset,
        outcome: 'denied',
        ip: caller.ip,
        requestId: caller.requestId,
        details: { consumer: caller.client.consumer, operation: op, reason: why, approval: g?.approvalId ?? null, fields },
      },
    });
    throw refusal(why, fields, now);
  }

  /**
   * Records an answered call (group-committed with others in flight): the day's quota (refused,
   * and recorded so, when the call would pass it), the call, whose records it returned, and the
   * audit entry. Nothing is answered before it is on record.
   */
  private async record(
    caller: Caller,
    dataset: string,
    op: Operation,
    ctx: { g: Grant; plan: AnswerPlan; now: number; day: string },
    cost: number,
    subjects: string[],
    asked: Record<string, unknown>,
  ): Promise<number> {
    const { g, plan, now, day } = ctx;
    const keyKind = g.spec.fields.find((f) => f.key === g.spec.keyField)!.kind;
    const purpose = caller.purpose ?? g.purpose;
    const w = await this.writer.write({
      call: {
        at: now,
        day,
        client_id: caller.client.id,
        consumer: caller.client.consumer,
        provider: g.provider,
        resource_code: g.resource.code,
        approval_id: g.approvalId,
        operation: op,
        purpose,
        outcome: 'ok',
        reason: null,
        rows: subjects.length,
        items_clear: JSON.stringify(plan.clear),
        items_masked: JSON.stringify(plan.masked.map((m) => m.key)),
      },
      dataset,
      subjects,
      quota: { approvalId: g.approvalId, day, cost, limit: g.quota },
      audit: {
        at: now,
        actorId: caller.client.id,
        actorName: caller.client.name,
        action: 'sharing.gateway_call',
        targetType: 'sharing_dataset',
        targetId: dataset,
        ip: caller.ip,
        requestId: caller.requestId,
        details: {
          consumer: caller.client.consumer,
          purpose,
          resource: g.resource.code,
          approval: g.approvalId,
          operation: op,
          ...asked,
          keys: subjects.slice(0, 20).map((k) => auditKey(keyKind === 'id_number' || keyKind === 'credit_code' ? keyKind : 'text', k)),
          rows: subjects.length,
          itemsClear: plan.clear,
          itemsMasked: plan.masked.map((m) => m.key),
        },
      },
    });
    if (!w.ok) throw refusal('quota', [String(Math.max(0, g.quota - w.used))], now);
    return w.used;
  }

  private values(spec: DatasetSpec, row: records.RecordRow): Record<string | symbol, unknown> {
    const out: Record<string | symbol, unknown> = {};
    for (const f of spec.fields) out[f.key] = row[f.column] ?? null;
    if (Number(row.synthetic) === 1) out[SYNTHETIC] = true;
    return out;
  }

  private answered(g: Grant, plan: AnswerPlan, rows: Record<string | symbol, unknown>[], used: number): Answered {
    return {
      // Generated demo records say so in every answer (合成数据).
      records: rows.map((v) => (v[SYNTHETIC] ? { ...answer(v, plan), synthetic: true } : answer(v, plan))),
      items: { clear: plan.clear, masked: plan.masked.map((m) => m.key) },
      approval: g.approvalId,
      quota: { used, limit: g.quota },
    };
  }

  /** Records by key (ID number, credit code). Keys not found are listed, and cost their share of the quota all the same. */
  async lookup(caller: Caller, dataset: string, keys: string[], items?: string[]): Promise<Answered & { notFound: string[] }> {
    const spec = this.spec(dataset);
    const begun = await this.begin(caller, dataset, 'lookup', items, []);
    const wanted = [...new Set(keys.map((k) => normaliseKey(spec, k)))];
    const found = await records.existing(this.p.db, spec, wanted);
    const hits = wanted.filter((k) => found.has(k));
    const used = await this.record(caller, dataset, 'lookup', begun, wanted.length, hits, { asked: wanted.length });
    const out = this.answered(
      begun.g,
      begun.plan,
      hits.map((k) => this.values(spec, found.get(k)!)),
      used,
    );
    return { ...out, notFound: wanted.filter((k) => !found.has(k)) };
  }

  /** A page of records matching equality filters on approved items, in key order from `after`. */
  async query(caller: Caller, dataset: string, q: PageQuery): Promise<Answered & { next: string | null }> {
    return this.page(caller, dataset, 'query', q, MAX_PAGE);
  }

  /** A bulk extract (up to 100,000 records a call; page on with `after`), with the columns it holds. */
  async extract(caller: Caller, dataset: string, q: PageQuery) {
    const out = await this.page(caller, dataset, 'extract', q, MAX_EXTRACT);
    return { ...out, columns: [...out.items.clear, ...out.items.masked, ...(out.records.some((r) => r.synthetic) ? ['synthetic'] : [])] };
  }

  private async page(caller: Caller, dataset: string, op: 'query' | 'extract', q: PageQuery, max: number): Promise<Answered & { next: string | null }> {
    const spec = this.spec(dataset);
    const filterFields = Object.keys(q.filter);
    this.checkFilter(spec, filterFields);
    const begun = await this.begin(caller, dataset, op, q.items, filterFields);
    const limit = Math.min(q.limit, max);
    const rows = await this.select(spec, q.filter, limit, q.after);
    const keyCol = records.keyColumn(spec);
    const keys = rows.map((r) => r[keyCol] as string);
    const used = await this.record(caller, dataset, op, begun, rows.length, keys, { filter: filterFields });
    return {
      ...this.answered(
        begun.g,
        begun.plan,
        rows.map((r) => this.values(spec, r)),
        used,
      ),
      next: rows.length === limit ? (keys[keys.length - 1] ?? null) : null,
    };
  }

  /**
   * Records changed (loaded or updated) since a cursor, in the order they changed, each as it is
   * now and answered as approved. The cursor is the last record's change time and key, sealed
   * (AES-256-GCM under a key the deployment keeps) so that it reveals no key a consumer may not see.
   */
  async changes(caller: Caller, dataset: string, cursor: string, limit: number) {
    const spec = this.spec(dataset);
    let from: { ts: number; key: string } | null = null;
    if (cursor && cursor !== '0') {
      from = await this.openCursor(cursor, dataset);
      if (!from)
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: '游标无效，请使用上次返回的 next', en: 'Not a cursor of this feed; send the `next` of the previous answer' },
          {
            errors: [{ pointer: '/querystring/since', detail: { zh: '游标无效', en: 'not a cursor' } }],
          },
        );
    }
    const begun = await this.begin(caller, dataset, 'changes', undefined, []);
    const keyCol = records.keyColumn(spec);
    // biome-ignore lint/suspicious/noExplicitAny: a base database's table is named by its spec
    let q = (this.p.db as any).selectFrom(spec.table).selectAll();
    if (from) {
      const f = from;
      // biome-ignore lint/suspicious/noExplicitAny: see above
      q = q.where((eb: any) => eb.or([eb('updated_at', '>', f.ts), eb.and([eb('updated_at', '=', f.ts), eb(keyCol, '>', f.key)])]));
    }
    const rows = (await q.orderBy('updated_at').orderBy(keyCol).limit(Math.min(limit, MAX_PAGE)).execute()) as records.RecordRow[];
    const keys = rows.map((r) => r[keyCol] as string);
    const used = await this.record(caller, dataset, 'changes', begun, rows.length, keys, {});
    const last = rows[rows.length - 1];
    const next = last ? await this.sealCursor({ ts: Number(last.updated_at), key: last[keyCol] as string }, dataset) : cursor || '0';
    const out = this.answered(
      begun.g,
      begun.plan,
      rows.map((r) => this.values(spec, r)),
      used,
    );
    return {
      ...out,
      records: out.records.map((record, i) => ({ changedAt: Number(rows[i]!.updated_at), version: Number(rows[i]!.version), record })),
      next,
    };
  }

  private cursorKey: Promise<Buffer> | undefined;
  private async sealKey(): Promise<Buffer> {
    this.cursorKey ??= store
      .sharedSecret(this.p.db, 'sharing.cursor_key', () => randomBytes(32).toString('base64'), this.p.now())
      .then((k) => Buffer.from(k, 'base64'));
    return this.cursorKey;
  }

  private async sealCursor(c: { ts: number; key: string }, dataset: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.sealKey(), iv);
    cipher.setAAD(Buffer.from(dataset));
    const body = Buffer.concat([cipher.update(JSON.stringify([c.ts, c.key]), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  private async openCursor(text: string, dataset: string): Promise<{ ts: number; key: string } | null> {
    try {
      const raw = Buffer.from(text, 'base64url');
      if (raw.length < 29) return null;
      const decipher = createDecipheriv('aes-256-gcm', await this.sealKey(), raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(dataset));
      decipher.setAuthTag(raw.subarray(12, 28));
      const [ts, key] = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as [number, string];
      return typeof ts === 'number' && typeof key === 'string' ? { ts, key } : null;
    } catch {
      return null;
    }
  }

  private checkFilter(spec: DatasetSpec, fields: string[]): void {
    const unknown = fields.filter((f) => !spec.fields.some((s) => s.key === f));
    if (unknown.length)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: `没有字段 ${unknown.join('、')}`, en: `no field ${unknown.join(', ')}` },
        {
          errors: unknown.map((f) => ({ pointer: `/body/filter/${f}`, detail: { zh: '没有这个字段', en: 'no such field' } })),
        },
      );
  }

  private async select(spec: DatasetSpec, filter: Record<string, string>, limit: number, after?: string): Promise<records.RecordRow[]> {
    const keyCol = records.keyColumn(spec);
    // biome-ignore lint/suspicious/noExplicitAny: a base database's table is named by its spec
    let q = (this.p.db as any).selectFrom(spec.table).selectAll();
    for (const [k, v] of Object.entries(filter)) q = q.where(spec.fields.find((f) => f.key === k)!.column, '=', v);
    if (after) q = q.where(keyCol, '>', after);
    return (await q.orderBy(keyCol).limit(limit).execute()) as records.RecordRow[];
  }

  // ---- what was used, by whom ----

  /**
   * Calls per resource, consumer and provider over days: a provider sees the use of its own
   * resources, a consumer its own calls, the data authority all.
   */
  async usage(principal: Principal, q: { from: string; to: string }) {
    const all = principal.scope.departments === ALL || principal.department === this.catalogue.authority;
    const rows = await store.usage(this.p.db, { from: q.from, to: q.to, either: all ? null : (principal.department ?? '') });
    return rows
      .map((r) => ({
        resource: r.resource_code,
        consumer: r.consumer,
        provider: r.provider,
        outcome: r.outcome,
        calls: Number(r.calls),
        records: Number(r.rows ?? 0),
        lastAt: r.last_at === null ? null : Number(r.last_at),
      }))
      .sort((a, b) => b.calls - a.calls);
  }

  /**
   * 数据使用记录: which departments read a person's (or an enterprise's) records, when, for what,
   * and which items they saw in clear. Read by the subject (once the super app verifies them) or by
   * the data authority answering them; the reading is audited.
   */
  async dataUse(subject: string, ctx: RequestContext, limit = 200) {
    const key = subject.trim().toUpperCase();
    const rows = await store.callsAbout(this.p.db, key, limit);
    await appendAudit(this.p.db, {
      ...actorOf(ctx),
      at: this.p.now(),
      action: 'sharing.data_use_viewed',
      targetType: 'sharing_subject',
      targetId: auditKey(key.length === 18 && /^\d{17}[\dX]$/.test(key) ? 'id_number' : 'credit_code', key),
      details: { entries: rows.length },
    });
    return rows.map((r) => ({
      at: Number(r.at),
      consumer: r.consumer,
      provider: r.provider,
      resource: r.resource_code,
      dataset: r.dataset,
      purpose: r.purpose,
      operation: r.operation,
      itemsClear: json.parse<string[]>(r.items_clear, []),
      itemsMasked: json.parse<string[]>(r.items_masked, []),
    }));
  }

  async callsToday(): Promise<number> {
    const day = (await this.p.calendar.get()).localDate(this.p.now());
    return store.callsOn(this.p.db, day);
  }
}

function refusal(why: Refusal, fields: string[], now: number): AppError {
  const words = REFUSALS[why];
  const detail = fields.length ? { zh: `${words.zh}：${fields.join('、')}`, en: `${words.en}: ${fields.join(', ')}` } : words;
  if (why === 'quota' || why === 'rate')
    return new AppError('WD_ERR_RATE_LIMITED', detail, { reason: why, ...(why === 'rate' ? { retryAfter: 60 - Math.floor((now / 1000) % 60) } : {}) });
  return new AppError('WD_ERR_FORBIDDEN', detail, { reason: why });
}

declare module '../../platform/bus/bus.js' {
  interface EventMap {
    'sharing.client_revoked': { clientId: string };
  }
}

export const REFUSALS: Record<Refusal, Text> = {
  no_approval: { zh: '本部门没有此基础库的共享授权，请先提出共享申请', en: 'Your department has no approval for this database; apply first' },
  expired: { zh: '共享授权已过期', en: 'The approval has expired' },
  revoked: { zh: '共享授权已被撤销', en: 'The approval was revoked' },
  not_yet_valid: { zh: '共享授权尚未生效', en: 'The approval is not yet in force' },
  items_outside: { zh: '所请求的信息项不在授权范围内', en: 'Items outside the approval' },
  filter_outside: { zh: '只能按授权明文提供的信息项查询', en: 'Filter only on items approved in clear' },
  quota: { zh: '已超出今日调用限额，剩余记录数', en: 'Today’s quota is used up; records left' },
  rate: { zh: '调用过于频繁，已超出每分钟次数限制', en: 'Too many calls this minute for the approval' },
};

function clientView(c: store.ClientRow) {
  return {
    id: c.id,
    consumer: c.consumer,
    name: c.name,
    prefix: c.prefix,
    createdAt: Number(c.created_at),
    lastUsedAt: c.last_used_at === null ? null : Number(c.last_used_at),
    revokedAt: c.revoked_at === null ? null : Number(c.revoked_at),
  };
}

export type { DataItem };
