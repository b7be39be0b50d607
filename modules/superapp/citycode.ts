/**
 * The city code (城市码, "一码通城"): a dynamic QR code per person or enterprise, signed (SM2 with
 * SM3 by default, like the licences; Ed25519 by configuration), valid for a minute and refreshed
 * on screen every half minute. A scanner verifies it offline with the published keys (signature
 * and window); online, the scan takes the code's nonce once (a screenshot shown again fails),
 * reveals what the scan point's role allows (identity only, a licence, a booking), and is recorded
 * for the holder to see.
 */
import { randomBytes } from 'node:crypto';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { openSealed, seal } from '../../platform/crypto/seal.js';
import { type DocumentAlg, type SigningKey, type VerifyingKey, decodeDocument, signDocument, signatureHolds } from '../../platform/crypto/signed-document.js';
import { generateSigningKeyPair } from '../../platform/crypto/keys.js';
import { AppError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { maskCreditCode, maskIdNumber, maskName } from '../../platform/privacy/mask.js';
import { transaction } from '../../platform/storage/db.js';
import { getDepartment } from '../identity/index.js';
import type { LicenceService } from '../licences/index.js';
import type { AccountService } from './accounts.js';
import * as store from './superapp.store.js';
import type { AccountRow, ScanPointRow } from './superapp.tables.js';

/** Seconds a code is valid; the screen refreshes it at half that. */
export const CODE_TTL_S = 60;
/** Seconds a scanner's clock may run ahead of or behind the server's. */
export const CODE_SKEW_S = 10;

/** What a city code says, signed. Nothing in it identifies the holder to a stranger. */
export interface CityCodePayload {
  typ: 'WDC';
  v: 1;
  /** The holder's opaque reference (not the ID number). */
  h: string;
  k: 'person' | 'enterprise';
  /** The holder's name, masked (赵*), for the scanner to compare at a glance. */
  n: string;
  iat: number;
  exp: number;
  jti: string;
  kid: string;
  alg: DocumentAlg;
}

export type CodeVerdict = 'valid' | 'expired' | 'not_yet_valid' | 'forged' | 'unknown_key' | 'malformed' | 'replayed' | 'unknown_holder';

export const CODE_VERDICTS: Record<CodeVerdict, Text> = {
  valid: { zh: '城市码有效', en: 'Valid city code' },
  expired: { zh: '城市码已过期（可能是截图），请让持码人刷新', en: 'Expired (perhaps a screenshot); ask the holder to refresh it' },
  not_yet_valid: { zh: '城市码时间不对，请核对扫码设备时钟', en: 'Not yet valid; check the scanner’s clock' },
  forged: { zh: '签名不符：城市码被改动或伪造', en: 'Forged: the signature does not hold' },
  unknown_key: { zh: '签名密钥不是本市的', en: 'Signed by a key that is not the city’s' },
  malformed: { zh: '不是本市城市码', en: 'Not a city code of this city' },
  replayed: { zh: '该城市码已被使用过（截图重放），请让持码人刷新', en: 'This code was used before (a replayed screenshot); ask for a fresh one' },
  unknown_holder: { zh: '持码人账号不存在或已注销', en: 'The holder’s account no longer exists' },
};

export const POINT_KINDS = ['counter', 'bus', 'scenic', 'hospital'] as const;
export type PointKind = (typeof POINT_KINDS)[number];
export const REVEALS = ['identity', 'licence', 'booking'] as const;
export type Reveal = (typeof REVEALS)[number];

export interface CityCodeOptions {
  /** 32 bytes that seal the private key. */
  masterKey: Buffer;
  alg: DocumentAlg;
}

/**
 * Judges a decoded code against keys and a clock: the rules an offline scanner applies
 * (web/shared/citycode.ts applies the same in the browser).
 */
export function judgeCode(
  text: string,
  keyOf: (kid: string) => VerifyingKey | undefined,
  nowS: number,
): { verdict: Exclude<CodeVerdict, 'replayed' | 'unknown_holder'>; payload: CityCodePayload | null } {
  const d = decodeDocument<CityCodePayload>(text);
  if (!d.ok || d.payload.typ !== 'WDC' || typeof d.payload.h !== 'string' || typeof d.payload.exp !== 'number') return { verdict: 'malformed', payload: null };
  const key = keyOf(d.payload.kid);
  if (!key || key.alg !== d.payload.alg) return { verdict: 'unknown_key', payload: d.payload };
  if (!signatureHolds(d.bytes, d.signature, key)) return { verdict: 'forged', payload: d.payload };
  if (d.payload.iat > nowS + CODE_SKEW_S) return { verdict: 'not_yet_valid', payload: d.payload };
  if (d.payload.exp + CODE_SKEW_S < nowS) return { verdict: 'expired', payload: d.payload };
  return { verdict: 'valid', payload: d.payload };
}

export interface ScanInput {
  point: string;
  code: string;
  /** When the scanner read it (epoch ms), for scans made offline and uploaded later. */
  scannedAt?: number;
}

export class CityCodeService {
  private keys = new Map<string, VerifyingKey>();
  private signing: SigningKey | null = null;

  constructor(
    private readonly p: Platform,
    private readonly opts: CityCodeOptions,
    private readonly accounts: AccountService,
    private readonly licences: Pick<LicenceService, 'wallet'>,
    private readonly bookings: { admit(userId: string, area: string, ctx: RequestContext): Promise<{ id: string; start: string; party: number } | null> },
  ) {}

  // ---- keys ----

  private async signingKey(): Promise<SigningKey> {
    if (this.signing) return this.signing;
    let row = (await store.codeKeys(this.p.db)).find((k) => k.status === 'active');
    if (!row) {
      const alg = this.opts.alg;
      const kid = `citycode-${newId('k').slice(2)}`;
      const { privateKey, publicKey } = generateSigningKeyPair(alg);
      await store.insertCodeKey(this.p.db, {
        kid,
        alg,
        public_key: publicKey,
        sealed_private: seal(privateKey, this.opts.masterKey, kid),
        status: 'active',
        created_at: this.p.now(),
      });
      // Two processes starting at once: the first key written wins, the other is retired.
      const active = (await store.codeKeys(this.p.db)).filter((k) => k.status === 'active');
      row = active[active.length - 1]!;
    }
    this.signing = {
      kid: row.kid,
      alg: row.alg as DocumentAlg,
      publicKey: row.public_key,
      privateKey: openSealed(row.sealed_private, this.opts.masterKey, row.kid),
    };
    return this.signing;
  }

  /** The keys a scanner caches to verify offline: active and retired (codes live a minute, keys are kept). */
  async publishedKeys() {
    await this.signingKey();
    return (await store.codeKeys(this.p.db)).map((k) => ({
      kid: k.kid,
      alg: k.alg as DocumentAlg,
      publicKey: k.public_key,
      status: k.status,
      createdAt: Number(k.created_at),
      retiredAt: k.retired_at === null ? null : Number(k.retired_at),
    }));
  }

  async rotate(ctx: RequestContext): Promise<void> {
    const now = this.p.now();
    await store.retireCodeKeys(this.p.db, now);
    this.signing = null;
    await this.signingKey();
    await appendAudit(this.p.db, { ...actorOf(ctx), at: now, action: 'citycode.key_rotated', targetType: 'citycode_key', targetId: this.signing!.kid });
  }

  private async verifyingKey(kid: string): Promise<VerifyingKey | undefined> {
    const hit = this.keys.get(kid);
    if (hit) return hit;
    const row = (await store.codeKeys(this.p.db)).find((k) => k.kid === kid);
    if (!row) return undefined;
    const k = { kid: row.kid, alg: row.alg as DocumentAlg, publicKey: row.public_key };
    this.keys.set(kid, k);
    return k;
  }

  // ---- the holder's code ----

  /** A fresh code for the holder (or an enterprise they act for). */
  async issue(principal: Principal, as?: string): Promise<{ code: string; issuedAt: number; expiresAt: number; refreshAt: number; synthetic: boolean }> {
    const { account } = await this.accounts.acting(principal, as, 'licences');
    return this.codeFor(account);
  }

  async codeFor(account: AccountRow) {
    const key = await this.signingKey();
    const nowS = Math.floor(this.p.now() / 1000);
    const payload: CityCodePayload = {
      typ: 'WDC',
      v: 1,
      h: account.holder_ref,
      k: account.kind === 'enterprise' ? 'enterprise' : 'person',
      n: account.kind === 'enterprise' ? account.name : (maskName(account.name) ?? ''),
      iat: nowS,
      exp: nowS + CODE_TTL_S,
      jti: randomBytes(12).toString('base64url'),
      kid: key.kid,
      alg: key.alg,
    };
    return {
      code: signDocument(payload, key),
      issuedAt: nowS * 1000,
      expiresAt: payload.exp * 1000,
      refreshAt: (nowS + CODE_TTL_S / 2) * 1000,
      synthetic: account.synthetic === 1,
    };
  }

  /** Checks a code as an offline scanner would, without taking it (no record). */
  async check(text: string, at = this.p.now()) {
    const keys = new Map<string, VerifyingKey>();
    const d = decodeDocument<CityCodePayload>(text.trim());
    if (d.ok) {
      const k = await this.verifyingKey(d.payload.kid);
      if (k) keys.set(k.kid, k);
    }
    return judgeCode(text.trim(), (kid) => keys.get(kid), Math.floor(at / 1000));
  }

  /**
   * Takes a code from the holder: valid, and its nonce not taken before. Answers the holder's
   * account, or the verdict why not. Used by scans and by the kiosk's sign-in.
   */
  async take(text: string, at = this.p.now()): Promise<{ verdict: CodeVerdict; account: AccountRow | null; payload: CityCodePayload | null }> {
    const judged = await this.check(text, at);
    if (judged.verdict !== 'valid' || !judged.payload) {
      const account = judged.payload && judged.verdict !== 'forged' ? ((await store.accountByHolderRef(this.p.db, judged.payload.h)) ?? null) : null;
      return { verdict: judged.verdict, account, payload: judged.payload };
    }
    const account = (await store.accountByHolderRef(this.p.db, judged.payload.h)) ?? null;
    if (!account) return { verdict: 'unknown_holder', account: null, payload: judged.payload };
    const fresh = await store.takeCode(this.p.db, {
      jti: judged.payload.jti,
      holder_user_id: account.user_id,
      expires_at: (judged.payload.exp + CODE_SKEW_S) * 1000,
      used_at: this.p.now(),
    });
    return { verdict: fresh ? 'valid' : 'replayed', account, payload: judged.payload };
  }

  // ---- scan points and scans ----

  private pointView(r: ScanPointRow) {
    return {
      id: r.id,
      name: { zh: r.name_zh, en: r.name_en },
      kind: r.kind as PointKind,
      department: r.department,
      district: r.district,
      reveals: r.reveals as Reveal,
      target: r.target,
      createdAt: Number(r.created_at),
    };
  }

  async points(principal: Principal) {
    const rows = await store.scanPoints(this.p.db, principal.scope.departments === ALL ? null : (principal.department ?? '—'));
    return rows.map((r) => this.pointView(r));
  }

  async createPoint(
    principal: Principal,
    input: { name: Text; kind: PointKind; reveals: Reveal; target?: string; district?: string; department?: string },
    ctx: RequestContext,
  ) {
    const department = principal.scope.departments === ALL ? (input.department ?? principal.department) : principal.department;
    if (!department || !(await getDepartment(this.p.db, department)))
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '请指定扫码点所属部门', en: 'Name the scan point’s department' },
        { errors: [{ pointer: '/body/department', detail: 'department' }] },
      );
    if (input.reveals !== 'identity' && !input.target)
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '核验证照的扫码点须指定证照类型，核验预约的须指定景区', en: 'A licence point names the licence type; a booking point names the scenic area' },
        { errors: [{ pointer: '/body/target', detail: 'target' }] },
      );
    const now = this.p.now();
    const row: ScanPointRow = {
      id: newId('spt', now),
      name_zh: input.name.zh.trim(),
      name_en: input.name.en.trim() || input.name.zh.trim(),
      kind: input.kind,
      department,
      district: input.district ?? null,
      reveals: input.reveals,
      target: input.reveals === 'identity' ? null : (input.target ?? null),
      status: 'active',
      created_by: principal.id,
      created_at: now,
    };
    await transaction(this.p.db, async (trx) => {
      await store.insertScanPoint(trx, row);
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'citycode.point_created',
        targetType: 'scan_point',
        targetId: row.id,
        details: { kind: row.kind, reveals: row.reveals },
      });
    });
    return this.pointView(row);
  }

  /**
   * A scan at a scan point of the scanner's department: the code is taken once, what the point
   * may reveal is answered, and the scan is recorded (shown to the holder, audited). A scan made
   * offline and uploaded later is judged at the time the scanner read it (no later than now).
   */
  async scan(principal: Principal, input: ScanInput, ctx: RequestContext) {
    const point = await store.getScanPoint(this.p.db, input.point);
    if (point?.status !== 'active' || (principal.scope.departments !== ALL && principal.department !== point.department))
      throw new AppError('WD_ERR_NOT_FOUND', { zh: '没有这个扫码点', en: 'No such scan point' });
    const now = this.p.now();
    const offline = input.scannedAt !== undefined;
    const scannedAt = offline ? Math.min(now, Math.max(now - 7 * 86_400_000, input.scannedAt!)) : now;
    const taken = await this.take(input.code, scannedAt);
    let revealed: Record<string, unknown> = {};
    if (taken.verdict === 'valid' && taken.account) revealed = await this.reveal(point, taken.account, ctx);
    const id = newId('scn', now);
    const a = taken.account;
    await transaction(this.p.db, async (trx) => {
      await store.insertScan(trx, {
        id,
        holder_user_id: a?.user_id ?? null,
        point_id: point.id,
        scanner_id: principal.id,
        scanner_name: principal.displayName ?? principal.name,
        jti: taken.payload?.jti ?? null,
        outcome: taken.verdict,
        offline: offline ? 1 : 0,
        revealed: JSON.stringify(Object.keys(revealed)),
        scanned_at: scannedAt,
        at: now,
      });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'citycode.scanned',
        outcome: taken.verdict === 'valid' ? 'success' : 'failure',
        targetType: 'scan_point',
        targetId: point.id,
        details: { verdict: taken.verdict, offline, reveals: point.reveals },
      });
      if (a)
        await store.notify(trx, {
          id: newId('ntc', now),
          user_id: a.user_id,
          kind: 'scan',
          ref: id,
          title_zh: `您的城市码在「${point.name_zh}」被扫描`,
          title_en: `Your city code was scanned at ${point.name_en}`,
          body_zh: taken.verdict === 'valid' ? null : CODE_VERDICTS[taken.verdict].zh,
          body_en: taken.verdict === 'valid' ? null : CODE_VERDICTS[taken.verdict].en,
          at: now,
          read_at: null,
        });
    });
    return {
      id,
      verdict: taken.verdict,
      reason: CODE_VERDICTS[taken.verdict],
      offline,
      point: this.pointView(point),
      holder: taken.verdict === 'valid' && a ? { kind: taken.payload!.k, name: taken.payload!.n } : null,
      revealed,
    };
  }

  /** What a scan point's role may see of the holder. */
  private async reveal(point: ScanPointRow, a: AccountRow, ctx: RequestContext): Promise<Record<string, unknown>> {
    const identity =
      a.kind === 'enterprise'
        ? { kind: 'enterprise', name: a.name, creditCode: maskCreditCode(a.subject) }
        : { kind: 'person', name: a.name, idNumber: maskIdNumber(a.subject), synthetic: a.synthetic === 1 };
    if (point.reveals === 'identity') return { identity };
    if (point.reveals === 'licence') {
      const held = (await this.licences.wallet(a.subject, ctx)).filter((l) => l.type === point.target);
      const best = held.find((l) => l.verdict === 'valid') ?? held[0];
      return {
        identity: { kind: identity.kind, name: identity.name },
        licence: best ? { number: best.number, type: best.type, typeName: best.typeName, verdict: best.verdict, validUntil: best.validUntil } : null,
      };
    }
    const booking = await this.bookings.admit(a.user_id, point.target ?? '', ctx);
    return { identity: { kind: identity.kind, name: maskName(a.name) }, booking };
  }

  /** The holder's scans, newest first (扫码记录). */
  async scansOf(principal: Principal, as?: string) {
    const { account } = await this.accounts.acting(principal, as, 'data');
    const rows = await store.scansOf(this.p.db, account.user_id, 200);
    return rows.map((r) => ({
      id: r.id,
      at: Number(r.at),
      scannedAt: Number(r.scanned_at),
      point: { name: { zh: r.point_name_zh ?? '', en: r.point_name_en ?? '' }, kind: r.point_kind },
      verdict: r.outcome as CodeVerdict,
      offline: r.offline === 1,
      revealed: JSON.parse(r.revealed) as string[],
    }));
  }
}
