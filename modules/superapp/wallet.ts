/**
 * The licence wallet (证照夹): the holder's licences from the licence database, each with its signed
 * document (its QR), and shares made with the holder's consent: to a department or a business, for
 * a purpose, for a period, every view logged, revocable at any time. A share is opened by its link
 * (a business, a landlord) or, for a department, by its staff in the console.
 */
import { createHash } from 'node:crypto';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { AppError, type FieldError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { checkCreditCode } from '../../platform/identifiers/index.js';
import { newId, newSecret } from '../../platform/ids.js';
import { maskIdNumber } from '../../platform/privacy/mask.js';
import { transaction } from '../../platform/storage/db.js';
import { getDepartment, listDepartments } from '../identity/index.js';
import type { LicenceService } from '../licences/index.js';
import type { AccountService } from './accounts.js';
import * as store from './superapp.store.js';
import type { ShareRow } from './superapp.tables.js';

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/** Longest consent a holder can give at once. */
export const MAX_SHARE_DAYS = 366;

export interface ShareInput {
  licences: string[];
  grantee: { kind: 'department'; code: string } | { kind: 'business'; name: string; creditCode?: string };
  purpose: string;
  validUntil: string; // YYYY-MM-DD, the last day
}

const NO_SHARE: Text = { zh: '分享链接无效、已过期或已被撤销', en: 'The share link is invalid, has expired or was revoked' };

export class WalletService {
  constructor(
    private readonly p: Platform,
    private readonly accounts: AccountService,
    private readonly licences: Pick<LicenceService, 'wallet'>,
  ) {}

  /** The holder's licences (or an enterprise's, for its agent with the licences scope). */
  async list(principal: Principal, as: string | undefined, ctx: RequestContext) {
    const { account } = await this.accounts.acting(principal, as, 'licences');
    return {
      holder: { kind: account.kind, name: account.name, synthetic: account.synthetic === 1 },
      licences: await this.licences.wallet(account.subject, ctx),
    };
  }

  private async shareView(s: ShareRow, names?: Map<string, string>) {
    const now = this.p.now();
    const views = await store.shareViews(this.p.db, [s.id]);
    return {
      id: s.id,
      licences: JSON.parse(s.licences) as string[],
      grantee: { kind: s.grantee_kind as 'department' | 'business', code: s.grantee_code, name: names?.get(s.grantee_code ?? '') ?? s.grantee_name },
      purpose: s.purpose,
      validFrom: Number(s.valid_from),
      validUntil: Number(s.valid_until),
      createdAt: Number(s.created_at),
      revokedAt: s.revoked_at === null ? null : Number(s.revoked_at),
      status: s.revoked_at ? 'revoked' : s.valid_until <= now ? 'expired' : 'active',
      views: views.map((v) => ({ at: Number(v.at), by: v.viewer_kind === 'staff' ? (v.viewer_name ?? '') : null, kind: v.viewer_kind })),
    };
  }

  /**
   * Shares licences with the holder's consent. Only the holder's own, currently valid licences;
   * a department of the city or a business named (with its credit code, checked, when given); a
   * purpose; a last day within a year. The answer carries the link's token once.
   */
  async share(principal: Principal, as: string | undefined, input: ShareInput, ctx: RequestContext) {
    const { account, userId } = await this.accounts.acting(principal, as, 'licences');
    const held = await this.licences.wallet(account.subject, ctx);
    const errors: FieldError[] = [];
    const numbers = [...new Set(input.licences)];
    if (!numbers.length) errors.push({ pointer: '/body/licences', detail: { zh: '请选择要分享的证照', en: 'Choose the licences to share' } });
    for (const n of numbers) {
      const l = held.find((x) => x.number === n);
      if (!l) errors.push({ pointer: '/body/licences', detail: { zh: `证照夹中没有 ${n}`, en: `${n} is not in your wallet` } });
      else if (l.verdict !== 'valid')
        errors.push({
          pointer: '/body/licences',
          detail: { zh: `${l.typeName} ${n} 当前不是有效状态，不能分享`, en: `${n} is not valid now and cannot be shared` },
        });
    }
    let granteeName = '';
    let granteeCode: string | null = null;
    if (input.grantee.kind === 'department') {
      const d = await getDepartment(this.p.db, input.grantee.code);
      if (!d) errors.push({ pointer: '/body/grantee/code', detail: { zh: '没有这个部门', en: 'No such department' } });
      else {
        granteeName = d.name_zh;
        granteeCode = d.code;
      }
    } else {
      granteeName = input.grantee.name.trim();
      if (!granteeName) errors.push({ pointer: '/body/grantee/name', detail: { zh: '请填写接收方名称', en: 'Name who receives it' } });
      if (input.grantee.creditCode) {
        const c = checkCreditCode(input.grantee.creditCode);
        if (!c.ok) errors.push({ pointer: '/body/grantee/creditCode', detail: c.reason });
        else granteeCode = c.normalised;
      }
    }
    if (!input.purpose.trim()) errors.push({ pointer: '/body/purpose', detail: { zh: '请说明用途', en: 'Say what it is for' } });
    const now = this.p.now();
    const cal = await this.p.calendar.get();
    const until = /^\d{4}-\d{2}-\d{2}$/.test(input.validUntil) ? cal.instantOf(input.validUntil, 24 * 60) - 1 : Number.NaN;
    if (!Number.isFinite(until) || until <= now || until > now + MAX_SHARE_DAYS * 86_400_000)
      errors.push({ pointer: '/body/validUntil', detail: { zh: '分享期限须在今天之后、一年以内', en: 'The last day is after today and within a year' } });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', errors[0]!.detail as Text, { errors });
    const token = `wds_${newSecret(24)}`;
    const row: ShareRow = {
      id: newId('shr', now),
      holder_user_id: account.user_id,
      acting_user_id: userId,
      licences: JSON.stringify(numbers),
      grantee_kind: input.grantee.kind,
      grantee_code: granteeCode,
      grantee_name: granteeName,
      purpose: input.purpose.trim().slice(0, 500),
      valid_from: now,
      valid_until: until,
      token_hash: hashToken(token),
      created_at: now,
      revoked_at: null,
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertShare(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'people.licences_shared',
        targetType: 'share',
        targetId: row.id,
        details: { licences: numbers, grantee: input.grantee.kind, granteeCode, validUntil: until, agent: userId !== account.user_id },
      });
    });
    return { ...(await this.shareView(row)), token, link: `/app/shared#${token}` };
  }

  async shares(principal: Principal, as: string | undefined) {
    const { account } = await this.accounts.acting(principal, as, 'licences');
    const names = new Map((await listDepartments(this.p.db)).map((d) => [d.code, d.name_zh]));
    return Promise.all((await store.sharesOf(this.p.db, account.user_id)).map((s) => this.shareView(s, names)));
  }

  async revoke(principal: Principal, as: string | undefined, id: string, ctx: RequestContext) {
    const { account } = await this.accounts.acting(principal, as, 'licences');
    const s = await store.getShare(this.p.db, id);
    if (!s || s.holder_user_id !== account.user_id) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这次分享', en: 'No such share' });
    if (!s.revoked_at) {
      const now = this.p.now();
      await store.revokeShare(this.p.db, id, now);
      await appendAudit(this.p.db, { ...actorOf(ctx), at: now, action: 'people.share_revoked', targetType: 'share', targetId: id });
      return this.shareView({ ...s, revoked_at: now });
    }
    return this.shareView(s);
  }

  /** What a share shows: the licences as verifiable documents, with what a verifier answers today. */
  private async open(s: ShareRow, viewer: { kind: 'staff' | 'link'; principal: Principal | null; ip: string | null }, ctx: RequestContext) {
    const now = this.p.now();
    const holder = await store.accountOf(this.p.db, s.holder_user_id);
    if (!holder) throw new AppError('WD_ERR_NOT_FOUND', NO_SHARE);
    const numbers = new Set(JSON.parse(s.licences) as string[]);
    const licences = (await this.licences.wallet(holder.subject, ctx)).filter((l) => numbers.has(l.number));
    await transaction(this.p.db, async (trx) => {
      await store.insertShareView(trx, {
        id: newId('shv', now),
        share_id: s.id,
        viewer_kind: viewer.kind,
        viewer_id: viewer.principal?.id ?? null,
        viewer_name: viewer.principal ? (viewer.principal.displayName ?? viewer.principal.name) : null,
        ip: viewer.ip,
        at: now,
      });
      await appendAudit(trx, { ...actorOf(ctx), at: now, action: 'people.share_viewed', targetType: 'share', targetId: s.id, details: { via: viewer.kind } });
      await store.notify(trx, {
        id: newId('ntc', now),
        user_id: s.holder_user_id,
        kind: 'share_view',
        ref: `${s.id}:${Math.floor(now / 3_600_000)}`,
        title_zh: `${s.grantee_name}查看了您分享的证照`,
        title_en: `${s.grantee_name} viewed the licences you shared`,
        body_zh: s.purpose,
        body_en: s.purpose,
        at: now,
        read_at: null,
      });
    });
    return {
      id: s.id,
      holder: {
        kind: holder.kind,
        name: holder.name,
        subject: holder.kind === 'resident' ? maskIdNumber(holder.subject) : holder.subject,
        synthetic: holder.synthetic === 1,
      },
      grantee: { kind: s.grantee_kind, name: s.grantee_name },
      purpose: s.purpose,
      validUntil: Number(s.valid_until),
      licences: licences.map((l) => ({
        number: l.number,
        typeName: l.typeName,
        issuer: l.issuer,
        fields: l.fields,
        labels: l.labels,
        validUntil: l.validUntil,
        verdict: l.verdict,
        document: l.document,
      })),
    };
  }

  private usable(s: ShareRow | undefined): s is ShareRow {
    const now = this.p.now();
    return s !== undefined && s.revoked_at === null && s.valid_from <= now && s.valid_until > now;
  }

  /** Opened by its link (no account needed): the token is the consent's key. */
  async openByToken(token: string, principal: Principal | null, ctx: RequestContext) {
    const s = /^wds_[A-Za-z0-9_-]{20,64}$/.test(token) ? await store.shareByToken(this.p.db, hashToken(token)) : undefined;
    if (!this.usable(s)) throw new AppError('WD_ERR_NOT_FOUND', NO_SHARE);
    return this.open(s, { kind: 'link', principal, ip: ctx.ip }, ctx);
  }

  /** Shares addressed to the caller's department and in force (the console's 授权证照). */
  async received(principal: Principal) {
    if (!principal.department) return [];
    const names = new Map((await listDepartments(this.p.db)).map((d) => [d.code, d.name_zh]));
    const rows = await store.sharesTo(this.p.db, principal.department, this.p.now());
    return Promise.all(
      rows.map(async (s) => {
        const holder = await store.accountOf(this.p.db, s.holder_user_id);
        return {
          ...(await this.shareView(s, names)),
          holder: { kind: holder?.kind ?? 'resident', name: holder?.name ?? '', synthetic: holder?.synthetic === 1 },
        };
      }),
    );
  }

  /** A department's staff open a share addressed to it; any other caller finds nothing. */
  async openForStaff(principal: Principal, id: string, ctx: RequestContext) {
    const s = await store.getShare(this.p.db, id);
    if (!this.usable(s) || s.grantee_kind !== 'department' || s.grantee_code !== principal.department) throw new AppError('WD_ERR_NOT_FOUND', NO_SHARE);
    return this.open(s, { kind: 'staff', principal, ip: ctx.ip }, ctx);
  }
}
