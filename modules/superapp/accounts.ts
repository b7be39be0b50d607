/**
 * Accounts of the public (公众账号): residents registered by ID number (GB 11643) and verified
 * against the population base database (实名核验), enterprises by unified social credit code
 * (GB 32100) with their legal representative checked against the legal-entity database, agents
 * (经办人) an enterprise authorises, and one-time codes sent by SMS for registering and signing in.
 * The login itself (password, sessions, lockout) is identity's; this module keeps who the person is.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/scope.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError, type FieldError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { checkCreditCode, checkIdNumber } from '../../platform/identifiers/index.js';
import { newId, newSecret } from '../../platform/ids.js';
import { maskCreditCode, maskIdNumber, maskName, maskPhone } from '../../platform/privacy/mask.js';
import { transaction } from '../../platform/storage/db.js';
import { type IdentityContext, type TokenPair, createPublicUser, getUserById, login, openSession } from '../identity/index.js';
import type { RecordReader } from '../sharing/index.js';
import * as store from './superapp.store.js';
import type { AccountRow, AgentRow } from './superapp.tables.js';

export const PHONE = /^1[3-9]\d{9}$/;
export const OTP_PURPOSES = ['register', 'login'] as const;
export type OtpPurpose = (typeof OTP_PURPOSES)[number];
/** What an agent (经办人) may do for an enterprise. */
export const AGENT_SCOPES = ['licences', 'reports', 'bookings', 'applications', 'data'] as const;
export type AgentScope = (typeof AGENT_SCOPES)[number];

export interface AccountOptions {
  /** How long a one-time code works (ms). */
  otpTtlMs: number;
  /** Wrong tries before a code stops working. */
  otpMaxAttempts: number;
  /** Least time between two codes to one phone (ms). */
  otpIntervalMs: number;
  /** Codes one phone may receive in a day. */
  otpPerDay: number;
}

export const DEFAULT_ACCOUNT_OPTIONS: AccountOptions = { otpTtlMs: 5 * 60_000, otpMaxAttempts: 5, otpIntervalMs: 60_000, otpPerDay: 10 };

/** One answer for every failed real-name check: it never says which of name and number was wrong. */
const MISMATCH: Text = {
  zh: '身份信息核验未通过：姓名与证件号码不一致，或人口库中没有该记录。请核对后重试，或到政务服务大厅办理。',
  en: 'Identity not verified: the name and the number do not match, or the population register has no such record. Check them, or visit a service hall.',
};
const ENTITY_MISMATCH: Text = {
  zh: '企业信息核验未通过：统一社会信用代码、企业名称与法定代表人信息不一致，或法人库中没有该企业。',
  en: 'Enterprise not verified: the credit code, the name and the legal representative do not match, or the register has no such enterprise.',
};
const CODE_INVALID: Text = { zh: '验证码错误或已过期，请重新获取', en: 'The code is wrong or has expired; ask for a new one' };

/** Names compare without spaces and with one form of the middle dot (少数民族姓名中的间隔号). */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .normalize('NFKC')
      .replace(/\s+/g, '')
      .replace(/[·•・．.]/g, '·');
  return norm(a) === norm(b) && norm(a) !== '';
}

function hashCode(id: string, phone: string, code: string): string {
  return createHash('sha256').update(`${id}|${phone}|${code}`).digest('hex');
}

export interface AccountView {
  kind: 'resident' | 'enterprise';
  name: string;
  /** The ID number or credit code, masked. */
  subject: string;
  phone: string;
  district: string | null;
  verifiedAt: number;
  elderMode: boolean;
  pushWarnings: boolean;
  synthetic: boolean;
  legalRepresentative?: string;
  /** Enterprises this resident acts for (经办人). */
  actsFor: { creditCode: string; name: string; scopes: AgentScope[]; expiresAt: number }[];
}

export interface Registration {
  idNumber: string;
  name: string;
  phone: string;
  code: string;
  password: string;
}

export interface EnterpriseRegistration {
  creditCode: string;
  name: string;
  legalRepresentative: { idNumber: string; name: string };
  phone: string;
  code: string;
  password: string;
}

/** Who a request acts as: the account itself, or an enterprise its agent acts for. */
export interface Acting {
  account: AccountRow;
  /** The person signed in (the agent, or the account holder). */
  userId: string;
  agent: boolean;
}

export class AccountService {
  constructor(
    private readonly p: IdentityContext,
    private readonly records: Pick<RecordReader, 'lookup'>,
    private readonly opts: AccountOptions = DEFAULT_ACCOUNT_OPTIONS,
  ) {}

  private audit(ctx: RequestContext, e: Omit<Parameters<typeof appendAudit>[1], 'at' | 'actorId' | 'actorName' | 'ip' | 'requestId'>) {
    return appendAudit(this.p.db, { ...actorOf(ctx), at: this.p.now(), ...e });
  }

  // ---- one-time codes ----

  /**
   * Sends a six-digit code to a phone by SMS. At most one a minute and ten a day per phone. For
   * signing in, a phone with no account gets the same answer and no message: the answer does not
   * tell who is registered.
   */
  async sendCode(phone: string, purpose: OtpPurpose, ctx: RequestContext): Promise<{ expiresAt: number; resendAfter: number }> {
    if (!PHONE.test(phone))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '手机号码应为 11 位数字', en: 'A mobile number is 11 digits starting with 1' },
        { errors: [{ pointer: '/body/phone', detail: 'mobile number' }] },
      );
    const now = this.p.now();
    const recent = await store.otpsSince(this.p.db, phone, now - 86_400_000);
    const last = Math.max(0, ...recent.map((r) => Number(r.created_at)));
    if (now - last < this.opts.otpIntervalMs) {
      const wait = Math.ceil((this.opts.otpIntervalMs - (now - last)) / 1000);
      throw new AppError(
        'WD_ERR_RATE_LIMITED',
        { zh: `验证码发送过于频繁，请 ${wait} 秒后再试`, en: `A code was sent a moment ago; try again in ${wait} s` },
        { retryAfter: wait },
      );
    }
    if (recent.length >= this.opts.otpPerDay)
      throw new AppError(
        'WD_ERR_RATE_LIMITED',
        { zh: '该号码今日获取验证码次数已达上限', en: 'This number has had as many codes as allowed today' },
        { retryAfter: 3600 },
      );
    const id = newId('otp', now);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = now + this.opts.otpTtlMs;
    const known = purpose === 'register' || (await store.residentByPhone(this.p.db, phone)) !== undefined;
    await store.insertOtp(this.p.db, { id, phone, purpose, code_hash: hashCode(id, phone, code), created_at: now, expires_at: expiresAt });
    if (known) {
      const city = this.p.profile.name.zh;
      const minutes = Math.round(this.opts.otpTtlMs / 60_000);
      const what = purpose === 'register' ? '注册' : '登录';
      await this.p.notifier.sendNow(
        'sms',
        phone,
        `superapp.otp.${purpose}`,
        `【${city}城市服务】您的${what}验证码是${code}，${minutes}分钟内有效。请勿告诉他人。`,
      );
    }
    await this.audit(ctx, { action: 'people.code_sent', targetType: 'phone', targetId: maskPhone(phone) ?? '', details: { purpose, sent: known } });
    return { expiresAt, resendAfter: now + this.opts.otpIntervalMs };
  }

  /** Takes a code: right, unused, in time, within the tries allowed; or one refusal for every fault. */
  async takeCode(phone: string, purpose: OtpPurpose, code: string, pointer = '/body/code'): Promise<void> {
    const now = this.p.now();
    const row = /^\d{6}$/.test(code) ? await store.latestOtp(this.p.db, phone, purpose, now) : undefined;
    const refuse = () => new AppError('WD_ERR_CODE_INVALID', CODE_INVALID, { errors: [{ pointer, detail: CODE_INVALID }] });
    if (!row) throw refuse();
    if (!(await store.countOtpAttempt(this.p.db, row.id, this.opts.otpMaxAttempts))) throw refuse();
    const want = Buffer.from(row.code_hash, 'hex');
    const got = Buffer.from(hashCode(row.id, phone, code), 'hex');
    if (!timingSafeEqual(want, got)) throw refuse();
    if (!(await store.consumeOtp(this.p.db, row.id, now))) throw refuse();
  }

  // ---- registering ----

  async registerResident(r: Registration, ctx: RequestContext, userAgent: string | null): Promise<TokenPair & { account: AccountView }> {
    const errors: FieldError[] = [];
    const id = checkIdNumber(r.idNumber, new Date(this.p.now()));
    if (!id.ok) errors.push({ pointer: '/body/idNumber', detail: id.reason });
    if (!r.name.trim()) errors.push({ pointer: '/body/name', detail: { zh: '请填写姓名', en: 'Enter your name' } });
    if (!PHONE.test(r.phone)) errors.push({ pointer: '/body/phone', detail: { zh: '手机号码应为 11 位数字', en: 'A mobile number is 11 digits' } });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', errors[0]!.detail as Text, { errors });
    const idNumber = (id as { normalised: string }).normalised;
    // The code first: checking a name against the register needs a phone the caller holds.
    await this.takeCode(r.phone, 'register', r.code);
    const person = await this.records.lookup('population', idNumber, ['name', 'district']);
    if (!person || !sameName(String(person.values.name ?? ''), r.name)) {
      await this.audit(ctx, {
        action: 'people.verification_failed',
        outcome: 'failure',
        targetType: 'person',
        targetId: maskIdNumber(idNumber) ?? '',
        details: { kind: 'resident' },
      });
      throw new AppError('WD_ERR_IDENTITY_MISMATCH', MISMATCH);
    }
    if (await store.accountBySubject(this.p.db, idNumber))
      throw new AppError('WD_ERR_CONFLICT', {
        zh: '该身份证号已注册，请直接登录或找回密码',
        en: 'This ID number is registered; sign in or reset the password',
      });
    return this.open(
      {
        kind: 'resident',
        subject: idNumber,
        name: String(person.values.name),
        phone: r.phone,
        district: person.values.district,
        synthetic: person.synthetic,
        password: r.password,
      },
      ctx,
      userAgent,
    );
  }

  /** The login and the verified account in one transaction, audited, and a session opened. */
  private async open(
    a: {
      kind: 'resident' | 'enterprise';
      subject: string;
      name: string;
      phone: string;
      district: unknown;
      synthetic: boolean;
      password: string;
      rep?: { id: string; name: string };
    },
    ctx: RequestContext,
    userAgent: string | null,
  ): Promise<TokenPair & { account: AccountView }> {
    const now = this.p.now();
    const userId = await transaction(this.p.db, async (trx) => {
      const role = a.kind === 'resident' ? 'citizen' : 'enterprise';
      const u = await createPublicUser(this.p, ctx, { username: a.subject, displayName: a.name, password: a.password, phone: a.phone, role }, trx);
      await store.insertAccount(trx, {
        user_id: u.id,
        kind: a.kind,
        subject: a.subject,
        name: a.name,
        phone: a.phone,
        district: typeof a.district === 'string' ? a.district : null,
        legal_rep_id: a.rep?.id ?? null,
        legal_rep_name: a.rep?.name ?? null,
        holder_ref: newSecret(15),
        verified_at: now,
        elder_mode: 0,
        push_warnings: 0,
        synthetic: a.synthetic ? 1 : 0,
        created_at: now,
        updated_at: now,
      });
      const verifiedAgainst = a.kind === 'resident' ? 'population' : 'legal-entities';
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'people.registered',
        targetType: 'user',
        targetId: u.id,
        details: { kind: a.kind, verifiedAgainst },
      });
      return u.id;
    });
    const pair = await openSession(this.p, ctx, userId, userAgent, 'register');
    return { ...pair, account: await this.view(userId) };
  }

  async registerEnterprise(r: EnterpriseRegistration, ctx: RequestContext, userAgent: string | null): Promise<TokenPair & { account: AccountView }> {
    const errors: FieldError[] = [];
    const code = checkCreditCode(r.creditCode);
    if (!code.ok) errors.push({ pointer: '/body/creditCode', detail: code.reason });
    const rep = checkIdNumber(r.legalRepresentative.idNumber, new Date(this.p.now()));
    if (!rep.ok) errors.push({ pointer: '/body/legalRepresentative/idNumber', detail: rep.reason });
    if (!r.name.trim()) errors.push({ pointer: '/body/name', detail: { zh: '请填写企业名称', en: 'Enter the enterprise’s name' } });
    if (!r.legalRepresentative.name.trim())
      errors.push({ pointer: '/body/legalRepresentative/name', detail: { zh: '请填写法定代表人姓名', en: 'Enter the legal representative’s name' } });
    if (!PHONE.test(r.phone)) errors.push({ pointer: '/body/phone', detail: { zh: '手机号码应为 11 位数字', en: 'A mobile number is 11 digits' } });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', errors[0]!.detail as Text, { errors });
    const creditCode = (code as { normalised: string }).normalised;
    const repId = (rep as { normalised: string }).normalised;
    await this.takeCode(r.phone, 'register', r.code);
    const entity = await this.records.lookup('legal-entities', creditCode, ['name', 'legalRepresentative', 'legalRepresentativeId', 'status', 'district']);
    const matches =
      entity !== null &&
      sameName(String(entity.values.name ?? ''), r.name) &&
      sameName(String(entity.values.legalRepresentative ?? ''), r.legalRepresentative.name) &&
      String(entity.values.legalRepresentativeId ?? '').toUpperCase() === repId;
    if (!matches) {
      await this.audit(ctx, {
        action: 'people.verification_failed',
        outcome: 'failure',
        targetType: 'enterprise',
        targetId: creditCode,
        details: { kind: 'enterprise' },
      });
      throw new AppError('WD_ERR_IDENTITY_MISMATCH', ENTITY_MISMATCH);
    }
    if (entity.values.status !== '10')
      throw new AppError('WD_ERR_UNPROCESSABLE', {
        zh: '该企业登记状态不是存续（在营），不能注册',
        en: 'The enterprise is not in operation (revoked, cancelled or moved out)',
      });
    if (await store.accountBySubject(this.p.db, creditCode))
      throw new AppError('WD_ERR_CONFLICT', {
        zh: '该企业已注册，请法定代表人直接登录',
        en: 'This enterprise is registered; the legal representative signs in',
      });
    return this.open(
      {
        kind: 'enterprise',
        subject: creditCode,
        name: String(entity.values.name),
        phone: r.phone,
        district: entity.values.district,
        synthetic: entity.synthetic,
        password: r.password,
        rep: { id: repId, name: String(entity.values.legalRepresentative) },
      },
      ctx,
      userAgent,
    );
  }

  // ---- signing in ----

  /** Password sign-in by ID number, mobile number (residents) or credit code (enterprises). */
  async signIn(account: string, password: string, ctx: RequestContext, userAgent: string | null): Promise<TokenPair & { account: AccountView }> {
    // ID numbers and credit codes are case-insensitive (a final x is X); usernames are not.
    const key = /^[0-9A-Za-z]{18}$/.test(account.trim()) ? account.trim().toUpperCase() : account.trim();
    let username = key;
    // A phone or an ID number or credit code names the account; an unknown one falls through to
    // identity's one answer for every failure.
    const a = PHONE.test(key)
      ? await store.residentByPhone(this.p.db, key)
      : /^[0-9A-Z]{18}$/.test(key)
        ? await store.accountBySubject(this.p.db, key)
        : undefined;
    if (a) username = (await getUserById(this.p.db, a.user_id))?.username ?? key;
    else if (PHONE.test(key)) username = `phone:${key}`;
    const r = await login(this.p, ctx, username, password, userAgent);
    if (!(await store.accountOf(this.p.db, r.user.id))) {
      // A staff login is not a super-app account: its session ends at once.
      throw new AppError('WD_ERR_FORBIDDEN', { zh: '工作人员请使用工作台登录', en: 'Staff sign in to the console, not the app' });
    }
    return { ...r, account: await this.view(r.user.id) };
  }

  /** Sign-in with a code sent to a resident's registered phone (短信验证码登录). */
  async signInWithCode(phone: string, code: string, ctx: RequestContext, userAgent: string | null): Promise<TokenPair & { account: AccountView }> {
    if (!PHONE.test(phone)) throw new AppError('WD_ERR_CODE_INVALID', CODE_INVALID);
    await this.takeCode(phone, 'login', code);
    const a = await store.residentByPhone(this.p.db, phone);
    if (!a) throw new AppError('WD_ERR_CODE_INVALID', CODE_INVALID);
    const pair = await openSession(this.p, ctx, a.user_id, userAgent, 'sms');
    return { ...pair, account: await this.view(a.user_id) };
  }

  /**
   * At a self-service kiosk: a sign-in code sent to the phone registered with an ID number. The
   * answer is the same whether the number is registered or not (nothing is sent when it is not).
   */
  async sendKioskCode(idNumber: string, ctx: RequestContext): Promise<{ expiresAt: number }> {
    const id = checkIdNumber(idNumber, new Date(this.p.now()));
    if (!id.ok) throw new AppError('WD_ERR_VALIDATION', id.reason, { errors: [{ pointer: '/body/idNumber', detail: id.reason }] });
    const a = await store.accountBySubject(this.p.db, id.normalised);
    if (a?.kind === 'resident') return this.sendCode(a.phone, 'login', ctx);
    await this.audit(ctx, {
      action: 'people.code_sent',
      targetType: 'person',
      targetId: maskIdNumber(id.normalised) ?? '',
      details: { purpose: 'kiosk', sent: false },
    });
    return { expiresAt: this.p.now() + this.opts.otpTtlMs };
  }

  /** At a kiosk: the ID number and the code sent to its registered phone. */
  async signInAtKiosk(idNumber: string, code: string, ctx: RequestContext, userAgent: string | null): Promise<TokenPair & { account: AccountView }> {
    const a = await store.accountBySubject(this.p.db, idNumber.trim().toUpperCase());
    if (a?.kind !== 'resident') throw new AppError('WD_ERR_CODE_INVALID', CODE_INVALID);
    await this.takeCode(a.phone, 'login', code);
    const pair = await openSession(this.p, ctx, a.user_id, userAgent, 'kiosk-id');
    return { ...pair, account: await this.view(a.user_id) };
  }

  /** A session for a holder proved another way (the city code scanned at a kiosk). */
  async sessionFor(userId: string, ctx: RequestContext, userAgent: string | null, method: string): Promise<TokenPair & { account: AccountView }> {
    const pair = await openSession(this.p, ctx, userId, userAgent, method);
    return { ...pair, account: await this.view(userId) };
  }

  // ---- the account ----

  async account(principal: Principal): Promise<AccountRow> {
    const a = principal.kind === 'user' ? await store.accountOf(this.p.db, principal.id) : undefined;
    if (!a) throw new AppError('WD_ERR_FORBIDDEN', { zh: '此功能需要市民或企业账号', en: 'This needs a resident’s or an enterprise’s account' });
    return a;
  }

  async view(userId: string): Promise<AccountView> {
    const a = (await store.accountOf(this.p.db, userId))!;
    const now = this.p.now();
    const actsFor: AccountView['actsFor'] = [];
    for (const g of await store.agencies(this.p.db, userId)) {
      if (g.expires_at <= now) continue;
      const e = await store.accountOf(this.p.db, g.enterprise_user_id);
      if (e) actsFor.push({ creditCode: e.subject, name: e.name, scopes: JSON.parse(g.scopes) as AgentScope[], expiresAt: Number(g.expires_at) });
    }
    return {
      kind: a.kind as 'resident' | 'enterprise',
      name: a.name,
      subject: (a.kind === 'resident' ? maskIdNumber(a.subject) : maskCreditCode(a.subject)) ?? '',
      phone: maskPhone(a.phone) ?? '',
      district: a.district,
      verifiedAt: Number(a.verified_at),
      elderMode: a.elder_mode === 1,
      pushWarnings: a.push_warnings === 1,
      synthetic: a.synthetic === 1,
      ...(a.kind === 'enterprise' ? { legalRepresentative: maskName(a.legal_rep_name) ?? '' } : {}),
      actsFor,
    };
  }

  async settings(principal: Principal, patch: { elderMode?: boolean; pushWarnings?: boolean }, ctx: RequestContext): Promise<AccountView> {
    const a = await this.account(principal);
    const set: Parameters<typeof store.updateAccount>[2] = { updated_at: this.p.now() };
    if (patch.elderMode !== undefined) set.elder_mode = patch.elderMode ? 1 : 0;
    if (patch.pushWarnings !== undefined) set.push_warnings = patch.pushWarnings ? 1 : 0;
    await store.updateAccount(this.p.db, a.user_id, set);
    await this.audit(ctx, { action: 'people.settings_changed', targetType: 'user', targetId: a.user_id, details: patch });
    return this.view(a.user_id);
  }

  /**
   * Who the request acts as. Without `as`, the caller's own account. With a credit code, the
   * enterprise: its own account, or a resident the enterprise authorised for this scope and not
   * past the expiry; anything else is answered as an unknown enterprise.
   */
  async acting(principal: Principal, as: string | undefined, scope: AgentScope): Promise<Acting> {
    const own = await this.account(principal);
    if (!as || as.toUpperCase() === own.subject) return { account: own, userId: own.user_id, agent: false };
    const unknown = new AppError('WD_ERR_NOT_FOUND', {
      zh: '您没有代办这家企业该项业务的授权',
      en: 'You are not authorised to act for this enterprise in this',
    });
    const e = await store.accountBySubject(this.p.db, as.toUpperCase());
    if (e?.kind !== 'enterprise') throw unknown;
    const now = this.p.now();
    const grant = (await store.agencies(this.p.db, own.user_id)).find(
      (g) => g.enterprise_user_id === e.user_id && g.expires_at > now && (JSON.parse(g.scopes) as string[]).includes(scope),
    );
    if (!grant) throw unknown;
    return { account: e, userId: own.user_id, agent: true };
  }

  // ---- agents (经办人) ----

  private async enterpriseOf(principal: Principal): Promise<AccountRow> {
    const a = await this.account(principal);
    if (a.kind !== 'enterprise')
      throw new AppError('WD_ERR_FORBIDDEN', {
        zh: '只有企业账号（法定代表人）可以授权经办人',
        en: 'Only an enterprise’s account (its legal representative) authorises agents',
      });
    return a;
  }

  agentView(g: AgentRow, agent: AccountRow | undefined, now: number) {
    return {
      id: g.id,
      agent: { name: agent?.name ?? '', idNumber: maskIdNumber(agent?.subject) ?? '' },
      scopes: JSON.parse(g.scopes) as AgentScope[],
      expiresAt: Number(g.expires_at),
      createdAt: Number(g.created_at),
      status: g.revoked_at ? 'revoked' : g.expires_at <= now ? 'expired' : 'active',
    };
  }

  async agents(principal: Principal) {
    const e = await this.enterpriseOf(principal);
    const now = this.p.now();
    const rows = await store.agentsOfEnterprise(this.p.db, e.user_id);
    return Promise.all(rows.map(async (g) => this.agentView(g, await store.accountOf(this.p.db, g.agent_user_id), now)));
  }

  /**
   * Authorises a registered resident as an agent: the legal representative names them by ID
   * number and name (both must match the resident's verified account), with scopes and an expiry
   * of at most a year.
   */
  async authorise(principal: Principal, input: { idNumber: string; name: string; scopes: AgentScope[]; expiresOn: string }, ctx: RequestContext) {
    const e = await this.enterpriseOf(principal);
    const now = this.p.now();
    const cal = await this.p.calendar.get();
    const errors: FieldError[] = [];
    const id = checkIdNumber(input.idNumber, new Date(now));
    if (!id.ok) errors.push({ pointer: '/body/idNumber', detail: id.reason });
    if (!input.scopes.length) errors.push({ pointer: '/body/scopes', detail: { zh: '至少选择一项授权事项', en: 'Choose at least one scope' } });
    const end = /^\d{4}-\d{2}-\d{2}$/.test(input.expiresOn) ? cal.instantOf(input.expiresOn, 24 * 60) - 1 : Number.NaN;
    if (!Number.isFinite(end) || end <= now || end > now + 366 * 86_400_000)
      errors.push({ pointer: '/body/expiresOn', detail: { zh: '授权期限须在今天之后、一年以内', en: 'The expiry is after today and within a year' } });
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', errors[0]!.detail as Text, { errors });
    const agent = await store.accountBySubject(this.p.db, (id as { normalised: string }).normalised);
    if (agent?.kind !== 'resident' || !sameName(agent.name, input.name))
      throw new AppError('WD_ERR_IDENTITY_MISMATCH', {
        zh: '经办人须是已实名注册的市民，且姓名与身份证号一致',
        en: 'The agent must be a registered, verified resident whose name matches the ID number',
      });
    const row: AgentRow = {
      id: newId('agt', now),
      enterprise_user_id: e.user_id,
      agent_user_id: agent.user_id,
      scopes: JSON.stringify([...new Set(input.scopes)]),
      expires_at: end,
      created_by: principal.id,
      created_at: now,
      revoked_at: null,
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertAgent(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'people.agent_authorised',
        targetType: 'agent',
        targetId: row.id,
        details: { scopes: input.scopes, expiresAt: end },
      });
      await store.notify(trx, {
        id: newId('ntc', now),
        user_id: agent.user_id,
        kind: 'agent',
        ref: row.id,
        title_zh: `${e.name}授权您为经办人`,
        title_en: `${e.name} authorised you as its agent`,
        body_zh: `授权至 ${input.expiresOn}`,
        body_en: `Until ${input.expiresOn}`,
        at: now,
        read_at: null,
      });
    });
    return this.agentView(row, agent, now);
  }

  async revokeAgent(principal: Principal, id: string, ctx: RequestContext) {
    const e = await this.enterpriseOf(principal);
    const g = await store.getAgent(this.p.db, id);
    if (!g || g.enterprise_user_id !== e.user_id) throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这项授权', en: 'No such authorisation' });
    const now = this.p.now();
    if (!g.revoked_at) {
      await store.revokeAgent(this.p.db, id, now);
      await this.audit(ctx, { action: 'people.agent_revoked', targetType: 'agent', targetId: id });
    }
    return this.agentView({ ...g, revoked_at: g.revoked_at ?? now }, await store.accountOf(this.p.db, g.agent_user_id), now);
  }
}
