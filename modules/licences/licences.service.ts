/**
 * Electronic licences (电子证照): types as data, issued by their department as signed documents
 * (SM2/SM3 by default, Ed25519 by configuration; RFC 8785 canonical JSON) that anyone verifies
 * offline with the published keys and revocation list; suspended, resumed, revoked and renewed,
 * every version kept, and mirrored into the licence base database (电子证照基础库).
 */
import type { Transaction } from 'kysely';
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { AuditBatcher } from '../../platform/audit/batch.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { type DocumentAlg, type SigningKey, type VerifyingKey, decodeDocument, signDocument, signatureHolds } from '../../platform/crypto/signed-document.js';
import { generateSigningKeyPair } from '../../platform/crypto/keys.js';
import { AppError, type FieldError, hiddenNotFound, notFound } from '../../platform/http/errors.js';
import { problemCount, type Text } from '../../platform/i18n/index.js';
import { checkCreditCode, checkIdNumber } from '../../platform/identifiers/index.js';
import { newId } from '../../platform/ids.js';
import { seedList } from '../../platform/profile/seeds.js';
import { json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import { listDepartments } from '../identity/index.js';
import type { LoadService } from '../sharing/index.js';
import { openSealed, seal } from '../../platform/crypto/seal.js';
import * as store from './licences.store.js';

export interface LicenceField {
  key: string;
  name: Text;
  type: 'string' | 'number' | 'date';
  required?: boolean;
}

/** A licence type (证照类型). */
export interface LicenceType {
  code: string;
  name: Text;
  department: string;
  holderKind: 'person' | 'enterprise' | 'any';
  source: string;
  /** Years a licence of this type is valid; null: until revoked. */
  validity: { years: number | null };
  fields: LicenceField[];
}

/** What a licence says, signed. */
export interface LicencePayload {
  ver: 1;
  typ: string;
  typName: string;
  no: string;
  holder: { kind: 'person' | 'enterprise'; id: string; name: string };
  fields: Record<string, string | number>;
  issuer: { dept: string; name: string };
  iat: string;
  nbf: string;
  exp: string | null;
  kid: string;
  alg: DocumentAlg;
}

export type Verdict = 'valid' | 'expired' | 'not_yet_valid' | 'suspended' | 'revoked' | 'forged' | 'unknown_issuer' | 'malformed';

export const VERDICTS: Record<Verdict, Text> = {
  valid: { zh: '有效', en: 'Valid' },
  expired: { zh: '已过有效期', en: 'Expired' },
  not_yet_valid: { zh: '尚未生效', en: 'Not yet valid' },
  suspended: { zh: '已暂停', en: 'Suspended' },
  revoked: { zh: '已注销（吊销）', en: 'Revoked' },
  forged: { zh: '签名不符：内容被改动或并非发证机关签发', en: 'Forged: the content was changed or not signed by the issuer' },
  unknown_issuer: { zh: '签名密钥不是本市发证机关的', en: 'The signing key is not one of the city’s issuers' },
  malformed: { zh: '不是本市电子证照', en: 'Not an electronic licence of the city' },
};

const LICENCE: Text = { zh: '电子证照', en: 'Licence' };

export interface LicenceOptions {
  /** 32 bytes that seal the issuers' private keys. */
  masterKey: Buffer;
  /** The signature algorithm of new keys. */
  alg: DocumentAlg;
}

export class LicenceService {
  private readonly keys = new Map<string, VerifyingKey & { department: string; status: string }>();

  constructor(
    private readonly p: Platform,
    private readonly opts: LicenceOptions,
    private readonly records: Pick<LoadService, 'put'>,
  ) {
    this.verifications = new AuditBatcher(p.db);
  }

  /** Verifications are audited by group commit: each is on record before it is answered. */
  private readonly verifications: AuditBatcher;

  /** The profile's licence types, once each. */
  async seed(): Promise<void> {
    const known = new Set((await listDepartments(this.p.db)).map((d) => d.code));
    const now = this.p.now();
    for (const { id, ...t } of seedList<Omit<LicenceType, 'code'>>(this.p, 'licence-types')) {
      if (!known.has(t.department)) {
        this.p.log.warn({ type: id, department: t.department }, 'licence type skipped: unknown department');
        continue;
      }
      await store.insertTypeIfAbsent(this.p.db, {
        code: id,
        department: t.department,
        definition: JSON.stringify({ ...t, code: id }),
        version: 1,
        updated_by: null,
        updated_at: now,
      });
    }
  }

  async types(): Promise<LicenceType[]> {
    return (await store.listTypes(this.p.db)).map((r) => json.parse<LicenceType>(r.definition, {} as LicenceType));
  }

  async type(code: string): Promise<LicenceType> {
    const r = await store.getType(this.p.db, code);
    if (!r) throw notFound({ zh: '证照类型', en: 'Licence type' }, code);
    return json.parse<LicenceType>(r.definition, {} as LicenceType);
  }

  // ---- keys ----

  /** The department's active signing key, made (and sealed) on first use. */
  private async signingKey(department: string): Promise<SigningKey> {
    let row = await store.activeKey(this.p.db, department);
    if (!row) {
      const alg = this.opts.alg;
      const kid = `${department.toLowerCase()}-${newId('k').slice(2)}`;
      const { privateKey, publicKey } = generateSigningKeyPair(alg);
      await store.insertKeyIfNoneActive(this.p.db, {
        kid,
        department,
        alg,
        public_key: publicKey,
        sealed_private: seal(privateKey, this.opts.masterKey, kid),
        status: 'active',
        created_at: this.p.now(),
        retired_at: null,
      });
      row = (await store.activeKey(this.p.db, department))!;
    }
    return { kid: row.kid, alg: row.alg as DocumentAlg, publicKey: row.public_key, privateKey: openSealed(row.sealed_private, this.opts.masterKey, row.kid) };
  }

  /** Retires a department's key: new licences get a new key; the old public key stays published. */
  async rotate(department: string, ctx: RequestContext): Promise<void> {
    this.assertIssuerOf(ctx.principal, department);
    const now = this.p.now();
    await store.retireKeys(this.p.db, department, now);
    this.keys.clear();
    await this.signingKey(department);
    await appendAudit(this.p.db, { ...actorOf(ctx), at: now, action: 'licence.key_rotated', targetType: 'department', targetId: department });
  }

  /** Every issuer's public key, active and retired (a verifier's key list). */
  async publishedKeys() {
    return (await store.listKeys(this.p.db)).map((k) => ({
      kid: k.kid,
      alg: k.alg,
      department: k.department,
      publicKey: k.public_key,
      status: k.status,
      createdAt: Number(k.created_at),
      retiredAt: k.retired_at === null ? null : Number(k.retired_at),
    }));
  }

  private async verifyingKey(kid: string) {
    const hit = this.keys.get(kid);
    if (hit) return hit;
    const row = await store.getKey(this.p.db, kid);
    if (!row) return null;
    const k = { kid: row.kid, alg: row.alg as DocumentAlg, publicKey: row.public_key, department: row.department, status: row.status };
    this.keys.set(kid, k);
    return k;
  }

  // ---- issuing ----

  private assertIssuerOf(principal: Principal | null, department: string): void {
    if (!principal) return;
    if (principal.scope.departments === ALL) return;
    if (principal.department !== department || !principal.permissions.has('licences.issue'))
      throw new AppError('WD_ERR_FORBIDDEN', { zh: `此类证照由 ${department} 签发`, en: `Licences of this type are issued by ${department}` });
  }

  /** Issues a licence of a type to a holder; the number is made from the type and a sequence when not given. */
  async issue(
    input: { type: string; holder: { id: string; name: string }; fields: Record<string, string | number>; validFrom?: string; number?: string },
    ctx: RequestContext,
  ) {
    const type = await this.type(input.type);
    this.assertIssuerOf(ctx.principal, type.department);
    const cal = await this.p.calendar.get();
    const now = this.p.now();
    const today = cal.localDate(now);
    const errors: FieldError[] = [];
    const err = (pointer: string, zh: string, en: string) => errors.push({ pointer: `/body${pointer}`, detail: { zh, en } });
    const id = input.holder.id.trim().toUpperCase();
    const person = checkIdNumber(id, new Date(now));
    const org = checkCreditCode(id);
    const kind: 'person' | 'enterprise' | null = person.ok ? 'person' : org.ok ? 'enterprise' : null;
    if (!kind) err('/holder/id', '持证主体代码须为有效的身份证号或统一社会信用代码', 'the holder is a valid ID number or credit code');
    else if (type.holderKind !== 'any' && type.holderKind !== kind)
      err(
        '/holder/id',
        `${type.name.zh}的持证主体是${type.holderKind === 'person' ? '个人' : '单位'}`,
        `a ${type.name.en} is held by ${type.holderKind === 'person' ? 'a person' : 'an organisation'}`,
      );
    if (!input.holder.name.trim()) err('/holder/name', '请填写持证主体名称', 'name the holder');
    const fields: Record<string, string | number> = {};
    for (const f of type.fields) {
      const v = input.fields[f.key];
      if (v === undefined || v === null || v === '') {
        if (f.required) err(`/fields/${f.key}`, `请填写${f.name.zh}`, `${f.name.en} is required`);
        continue;
      }
      if (f.type === 'number' && !(typeof v === 'number' && Number.isFinite(v))) err(`/fields/${f.key}`, `${f.name.zh}应为数字`, `${f.name.en} is a number`);
      else if (f.type === 'date' && !(typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)))
        err(`/fields/${f.key}`, `${f.name.zh}应为日期`, `${f.name.en} is a date`);
      else if (typeof v === 'string' && v.length > 2000) err(`/fields/${f.key}`, `${f.name.zh}过长`, `${f.name.en} is too long`);
      else fields[f.key] = v;
    }
    for (const k of Object.keys(input.fields))
      if (!type.fields.some((f) => f.key === k)) err(`/fields/${k}`, `${type.name.zh}没有这一项`, `a ${type.name.en} has no ${k}`);
    const nbf = input.validFrom ?? today;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(nbf)) err('/validFrom', '生效日期须为年-月-日', 'the start is YYYY-MM-DD');
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', problemCount(errors.length, '证照', 'licence'), { errors });
    const exp = type.validity.years ? addYearsMinusDay(nbf, type.validity.years) : null;
    const key = await this.signingKey(type.department);
    const departments = await listDepartments(this.p.db);
    const issuerName = departments.find((d) => d.code === type.department)?.name_zh ?? type.department;
    const number = input.number?.trim() || `${type.code}-${type.department}-${today.replaceAll('-', '')}-${newId('n').slice(-8).toUpperCase()}`;
    const payload: LicencePayload = {
      ver: 1,
      typ: type.code,
      typName: type.name.zh,
      no: number,
      holder: { kind: kind!, id, name: input.holder.name.trim() },
      fields,
      issuer: { dept: type.department, name: issuerName },
      iat: today,
      nbf,
      exp,
      kid: key.kid,
      alg: key.alg,
    };
    const document = signDocument(payload, key);
    await transaction(this.p.db, async (trx) => {
      if (await store.getLicence(trx, number)) throw new AppError('WD_ERR_CONFLICT', { zh: `证照编号 ${number} 已存在`, en: `Licence ${number} exists` });
      await store.insertLicence(trx, {
        number,
        type: type.code,
        department: type.department,
        holder_kind: kind!,
        holder_id: id,
        holder_name: payload.holder.name,
        document,
        kid: key.kid,
        issued_on: today,
        valid_until: exp,
        status: 'valid',
        status_reason: null,
        status_at: now,
        version: 1,
        created_at: now,
        updated_at: now,
      });
      await store.insertVersion(trx, { number, version: 1, event: 'issued', document, status: 'valid', reason: null, ...actorCols(ctx), at: now });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'licence.issued',
        targetType: 'licence',
        targetId: number,
        details: { type: type.code, holderKind: kind, kid: key.kid },
      });
      await this.mirror(trx, number, ctx, 'issued');
    });
    return this.get(number, null);
  }

  /** Suspends, resumes or revokes a licence (its issuer), with a reason; the document itself is unchanged. */
  async setStatus(number: string, to: 'valid' | 'suspended' | 'revoked', reason: string, ctx: RequestContext) {
    const row = await store.getLicence(this.p.db, number);
    if (!row) throw notFound(LICENCE, number);
    this.assertIssuerOf(ctx.principal, row.department);
    if (!reason.trim())
      throw new AppError(
        'WD_ERR_VALIDATION',
        { zh: '请写明理由', en: 'Give a reason' },
        { errors: [{ pointer: '/body/reason', detail: { zh: '必填', en: 'required' } }] },
      );
    if (row.status === 'revoked') throw new AppError('WD_ERR_CONFLICT', { zh: '证照已注销，不能再变更', en: 'A revoked licence cannot change' });
    if (row.status === to) throw new AppError('WD_ERR_CONFLICT', { zh: '证照已是此状态', en: `The licence is already ${to}` });
    const now = this.p.now();
    const event = to === 'revoked' ? 'revoked' : to === 'suspended' ? 'suspended' : 'resumed';
    await transaction(this.p.db, async (trx) => {
      const version = row.version + 1;
      await store.updateLicence(trx, number, { status: to, status_reason: reason.trim(), status_at: now, version, updated_at: now });
      await store.insertVersion(trx, { number, version, event, document: row.document, status: to, reason: reason.trim(), ...actorCols(ctx), at: now });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: `licence.${event}`,
        targetType: 'licence',
        targetId: number,
        details: { reason: reason.trim() },
      });
      await this.mirror(trx, number, ctx, event);
    });
    return this.get(number, null);
  }

  /**
   * Renews a licence (its issuer): a new document under the same number, signed with the
   * department's current key, valid for the type's term from the day after the old expiry (or from
   * today when it has lapsed). A revoked or suspended licence, or one of a type without a term, is
   * not renewed. The old document stays in the versions; verifying it after its expiry says expired.
   */
  async renew(number: string, ctx: RequestContext) {
    const row = await store.getLicence(this.p.db, number);
    if (!row) throw notFound(LICENCE, number);
    this.assertIssuerOf(ctx.principal, row.department);
    if (row.status !== 'valid')
      throw new AppError('WD_ERR_CONFLICT', { zh: '已注销或暂停的证照不能延续', en: 'A revoked or suspended licence is not renewed' });
    const type = await this.type(row.type);
    if (!type.validity.years || !row.valid_until)
      throw new AppError('WD_ERR_CONFLICT', { zh: `${type.name.zh}长期有效，无需延续`, en: `A ${type.name.en} does not expire` });
    const old = decodeDocument<LicencePayload>(row.document);
    if (!old.ok) throw new AppError('WD_ERR_CONFLICT', { zh: '证照文本无法读取', en: 'The licence document cannot be read' });
    const now = this.p.now();
    const today = (await this.p.calendar.get()).localDate(now);
    const dayAfter = new Date(Date.parse(`${row.valid_until}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const nbf = [dayAfter, today].sort()[1]!; // the later of the two dates (YYYY-MM-DD sorts as it reads)
    const key = await this.signingKey(row.department);
    const payload: LicencePayload = { ...old.payload, iat: today, nbf, exp: addYearsMinusDay(nbf, type.validity.years), kid: key.kid, alg: key.alg };
    const document = signDocument(payload, key);
    await transaction(this.p.db, async (trx) => {
      const version = row.version + 1;
      await store.updateLicence(trx, number, { document, kid: key.kid, valid_until: payload.exp, version, updated_at: now });
      await store.insertVersion(trx, { number, version, event: 'renewed', document, status: 'valid', reason: null, ...actorCols(ctx), at: now });
      await appendAudit(trx, {
        ...actorOf(ctx),
        at: now,
        action: 'licence.renewed',
        targetType: 'licence',
        targetId: number,
        details: { validFrom: nbf, validUntil: payload.exp, kid: key.kid },
      });
      await this.mirror(trx, number, ctx, 'renewed');
    });
    return this.get(number, null);
  }

  /** A holder's licences that the caller's department issued (all, for the city level); the holder's ID is audited as looked up. */
  async byHolder(holderId: string, ctx: RequestContext) {
    const principal = ctx.principal;
    const id = holderId.trim().toUpperCase();
    const rows = (await store.byHolder(this.p.db, id)).filter(
      (r) => !principal || principal.scope.departments === ALL || principal.department === r.department,
    );
    await appendAudit(this.p.db, {
      ...actorOf(ctx),
      at: this.p.now(),
      action: 'licence.holder_looked_up',
      targetType: 'licence_holder',
      targetId: id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id,
      details: { found: rows.length },
    });
    return rows.map((r) => ({
      number: r.number,
      type: r.type,
      department: r.department,
      holder: { kind: r.holder_kind, id: r.holder_id, name: r.holder_name },
      status: r.status,
      issuedOn: r.issued_on,
      validUntil: r.valid_until,
      version: r.version,
    }));
  }

  /**
   * A holder's own licences with their signed documents (the super app's wallet, 证照夹): every
   * department's, each with what a verifier would answer today. The caller has checked that the
   * holder is who asks (or acts for them); the reading is audited.
   */
  async wallet(holderId: string, ctx: RequestContext) {
    const id = holderId.trim().toUpperCase();
    const rows = await store.byHolder(this.p.db, id);
    const today = (await this.p.calendar.get()).localDate(this.p.now());
    const types = new Map((await this.types()).map((x) => [x.code, x]));
    await appendAudit(this.p.db, {
      ...actorOf(ctx),
      at: this.p.now(),
      action: 'licence.wallet_viewed',
      targetType: 'licence_holder',
      targetId: id.length === 18 && /^\d{17}[\dX]$/.test(id) ? `${id.slice(0, 6)}********${id.slice(14)}` : id,
      details: { found: rows.length },
    });
    return rows.map((r) => {
      const d = decodeDocument<LicencePayload>(r.document);
      const payload = d.ok ? d.payload : null;
      const verdict: Verdict =
        r.status === 'revoked'
          ? 'revoked'
          : r.status === 'suspended'
            ? 'suspended'
            : payload && payload.nbf > today
              ? 'not_yet_valid'
              : r.valid_until && r.valid_until < today
                ? 'expired'
                : 'valid';
      return {
        number: r.number,
        type: r.type,
        typeName: payload?.typName ?? r.type,
        department: r.department,
        issuer: payload?.issuer.name ?? r.department,
        holder: { kind: r.holder_kind, name: r.holder_name },
        fields: payload?.fields ?? {},
        /** The fields' names, for showing them. */
        labels: Object.fromEntries((types.get(r.type)?.fields ?? []).map((f) => [f.key, f.name])) as Record<string, Text>,
        issuedOn: r.issued_on,
        validUntil: r.valid_until,
        status: r.status,
        verdict,
        document: r.document,
      };
    });
  }

  /**
   * Keeps the licence base database (电子证照基础库) in step: the record with its status and
   * signature, written in the caller's transaction so the licence and its record commit together.
   */
  private async mirror(trx: Transaction<Database>, number: string, ctx: RequestContext, event: string): Promise<void> {
    const row = (await store.getLicence(trx, number))!;
    const d = decodeDocument<LicencePayload>(row.document);
    if (!d.ok) return;
    const problems = await this.records.put(
      'licences',
      {
        licenceNumber: row.number,
        licenceType: d.payload.typName,
        holderName: row.holder_name,
        holderId: row.holder_id,
        issuer: d.payload.issuer.name,
        issuedOn: row.issued_on,
        expiresOn: row.valid_until ?? '',
        status: row.status,
        signature: row.document,
      },
      ctx,
      `licence ${event}`,
      trx,
    );
    if (problems.length) this.p.log.warn({ licence: number, problems }, 'licence not mirrored into the base database');
  }

  async get(number: string, principal: Principal | null) {
    const row = await store.getLicence(this.p.db, number);
    if (!row) throw notFound(LICENCE, number);
    if (principal && principal.scope.departments !== ALL && principal.department !== row.department) throw hiddenNotFound(LICENCE, number);
    const d = decodeDocument<LicencePayload>(row.document);
    return {
      number: row.number,
      type: row.type,
      department: row.department,
      holder: { kind: row.holder_kind, id: row.holder_id, name: row.holder_name },
      payload: d.ok ? d.payload : null,
      document: row.document,
      status: row.status,
      statusReason: row.status_reason,
      issuedOn: row.issued_on,
      validUntil: row.valid_until,
      version: row.version,
      versions: (await store.versions(this.p.db, number)).map((v) => ({
        version: v.version,
        event: v.event,
        status: v.status,
        reason: v.reason,
        actor: v.actor_name,
        at: Number(v.at),
      })),
    };
  }

  /** The revocation list a verifier caches: revoked and suspended numbers, with when and why. */
  async revocations() {
    return (await store.withdrawn(this.p.db)).map((r) => ({ number: r.number, status: r.status, reason: r.status_reason, at: Number(r.status_at) }));
  }

  // ---- verifying ----

  /**
   * Checks a licence document as a verifier does: its form, its key (one of the city's issuers'),
   * its signature, its dates, and its number on the revocation list. Audited (the number, the verdict).
   */
  async verify(text: string, ctx: RequestContext): Promise<{ verdict: Verdict; reason: Text; licence: LicencePayload | null }> {
    const now = this.p.now();
    const today = (await this.p.calendar.get()).localDate(now);
    const out = await this.judge(text, today);
    await this.verifications.append({
      ...actorOf(ctx),
      at: now,
      action: 'licence.verified',
      targetType: 'licence',
      targetId: out.licence?.no ?? null,
      outcome: out.verdict === 'valid' ? 'success' : 'failure',
      details: { verdict: out.verdict },
    });
    return { ...out, reason: VERDICTS[out.verdict] };
  }

  private async judge(text: string, today: string): Promise<{ verdict: Verdict; licence: LicencePayload | null }> {
    const d = decodeDocument<LicencePayload>(text);
    if (!d.ok) return { verdict: 'malformed', licence: null };
    const key = await this.verifyingKey(d.payload.kid);
    if (!key || key.alg !== d.payload.alg) return { verdict: 'unknown_issuer', licence: d.payload };
    if (!signatureHolds(d.bytes, d.signature, key) || key.department !== d.payload.issuer?.dept) return { verdict: 'forged', licence: d.payload };
    const row = await store.getLicence(this.p.db, d.payload.no);
    // The current document, or an earlier one issued under the number (before a renewal: in force for its own term).
    if (!row || (row.document !== text.trim() && !(await store.issuedDocument(this.p.db, row.number, text.trim()))))
      return { verdict: 'forged', licence: d.payload };
    if (row.status === 'revoked') return { verdict: 'revoked', licence: d.payload };
    if (row.status === 'suspended') return { verdict: 'suspended', licence: d.payload };
    if (d.payload.nbf > today) return { verdict: 'not_yet_valid', licence: d.payload };
    if (d.payload.exp && d.payload.exp < today) return { verdict: 'expired', licence: d.payload };
    return { verdict: 'valid', licence: d.payload };
  }
}

function actorCols(ctx: RequestContext) {
  return { actor_id: ctx.principal?.id ?? null, actor_name: ctx.principal?.displayName ?? ctx.principal?.name ?? null };
}

/** The last day of a validity of n years from a start date (2026-12-05 + 5 years → 2031-12-04). */
export function addYearsMinusDay(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y + years, m - 1, d));
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
}
