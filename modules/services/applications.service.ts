/**
 * Applications (办件): a resident or an enterprise (or its agent) applies for an item with the form
 * prefilled from their own records, lets the department read an electronic licence or a base-
 * database record instead of a copy (免提交, consent recorded), uploads the rest (checked by
 * content), and signs the submission with their own SM2 key (云签名: the key is sealed here and used
 * only on their signed-in request; anyone verifies the signed document later). The department
 * accepts it, or refuses it, or asks once for everything missing (补正, 一次性告知); the item's
 * steps follow on the working-time calendar, and approval issues the result as an electronic
 * licence into the holder's wallet. 即办件 are approved at once when the item's rules pass on the
 * data, with the decision explained.
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import { ALL, type Principal } from '../../platform/auth/scope.js';
import { deadlineFrom } from '../../platform/calendar/calendar.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { generateSigningKeyPair } from '../../platform/crypto/keys.js';
import { openSealed, seal } from '../../platform/crypto/seal.js';
import { type DocumentAlg, decodeDocument, type SignedHeader, signatureHolds, signDocument } from '../../platform/crypto/signed-document.js';
import { IMAGE_TYPES } from '../../platform/files/index.js';
import { AppError, type FieldError, hiddenNotFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { newId } from '../../platform/ids.js';
import { checkIdNumber } from '../../platform/identifiers/index.js';
import { json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { InstanceRow, WorkflowEngine } from '../../platform/workflow/engine.js';
import type { LicenceService } from '../licences/index.js';
import type { RecordReader } from '../sharing/index.js';
import type { AccountService } from '../superapp/index.js';
import type { Transaction } from 'kysely';
import type { InstantRule, Material, ServiceItem } from './catalogue.js';
import type { CatalogueService } from './catalogue.service.js';
import { checkForm, type FormValues } from './forms.js';
import * as store from './applications.store.js';
import * as payments from './payments.store.js';
import type { ApplicationRow } from './applications.store.js';
import { APPLICATION_DEFINITION, APPLICATION_WORKFLOW, CREATED_LABEL, STATE_LABELS } from './workflow.js';

const APPLICATION: Text = { zh: '办件', en: 'Application' };

export interface ApplicationDeps {
  accounts: Pick<AccountService, 'acting'>;
  records: Pick<RecordReader, 'lookup'>;
  licences: Pick<LicenceService, 'wallet' | 'issue'>;
}

export interface ApplicationOptions {
  /** 32 bytes that seal the applicants' signing keys. */
  masterKey: Buffer;
  alg: DocumentAlg;
}

export type MaterialInput = { reuse: true } | { files: string[] };

export interface SubmitInput {
  item: string;
  form: Record<string, unknown>;
  materials: Record<string, MaterialInput>;
  /** The applicant lets the department read the reused licences and records for this application. */
  consent: boolean;
}

/** What the applicant signs: the whole submission, canonical JSON. */
export interface SubmissionPayload extends SignedHeader {
  typ: 'service-application';
  id: string;
  item: { code: string; version: number };
  applicant: { kind: 'person' | 'enterprise'; id: string; name: string };
  signer: string;
  form: FormValues;
  materials: { key: string; source: 'licence' | 'record' | 'files'; ref: string[] }[];
  round: number;
  at: string;
}

type Acting = Awaited<ReturnType<AccountService['acting']>>;
type Reusable = { source: 'licence' | 'record'; ref: string; label: Text };

const ACCEPT: Record<'image' | 'pdf', readonly string[]> = { image: IMAGE_TYPES, pdf: ['application/pdf'] };

function err(pointer: string, zh: string, en: string): FieldError {
  return { pointer, detail: { zh, en } };
}

export class ApplicationService {
  constructor(
    private readonly p: Platform,
    private readonly engine: WorkflowEngine,
    private readonly catalogue: CatalogueService,
    private readonly deps: ApplicationDeps,
    private readonly opts: ApplicationOptions,
  ) {}

  async start(): Promise<void> {
    await this.engine.register(APPLICATION_DEFINITION);
    // A material's file is seen by the applicant, the signer and the department handling it.
    this.p.files.registerSubject('service_application', async (principal, id) => {
      const a = await store.application(this.p.db, id);
      return !!a && this.canSee(principal, a);
    });
    this.p.files.registerSubject('service_bundle', async (principal, id) => {
      for (const a of await store.bundleApplications(this.p.db, id)) if (this.canSee(principal, a)) return true;
      return false;
    });
  }

  // ---- who sees what ----

  private isPublic(principal: Principal): boolean {
    return principal.roles.every((r) => r === 'citizen' || r === 'enterprise');
  }

  /** Whether the principal works in the department that handles the application. */
  isDepartmentOf(principal: Principal, a: Pick<ApplicationRow, 'department'>): boolean {
    return this.isDepartment(principal, a);
  }

  private isDepartment(principal: Principal, a: Pick<ApplicationRow, 'department'>): boolean {
    if (principal.scope.departments === ALL) return true;
    return principal.department === a.department && principal.roles.some((r) => r === 'dept_staff' || r === 'dept_leader');
  }

  canSee(principal: Principal, a: ApplicationRow): boolean {
    if (this.isPublic(principal)) return a.applicant_user_id === principal.id || a.submitted_by === principal.id;
    return this.isDepartment(principal, a);
  }

  // ---- the applicant's side ----

  private kindOf(acting: Acting): 'person' | 'enterprise' {
    return acting.account.kind === 'enterprise' ? 'enterprise' : 'person';
  }

  private async forApplicant(principal: Principal, as: string | undefined, code: string) {
    const acting = await this.deps.accounts.acting(principal, as, 'applications');
    const item = await this.catalogue.definition(code);
    if (item.retired) throw new AppError('WD_ERR_UNPROCESSABLE', { zh: '该事项已停止办理', en: 'The item is no longer offered' });
    const kind = this.kindOf(acting);
    if (item.applicant !== 'any' && item.applicant !== kind)
      throw new AppError('WD_ERR_UNPROCESSABLE', {
        zh: item.applicant === 'person' ? '该事项由个人申请' : '该事项由企业申请',
        en: item.applicant === 'person' ? 'People apply for this item, not enterprises' : 'Enterprises apply for this item',
      });
    return { acting, item, kind };
  }

  /** The applicant's own record in the base database for their kind, with the fields the item needs. */
  private async ownRecord(acting: Acting, item: ServiceItem) {
    const dataset = acting.account.kind === 'enterprise' ? 'legal-entities' : 'population';
    const wanted = new Set<string>();
    for (const f of item.fields) if (f.prefill?.from === dataset) wanted.add(f.prefill.field);
    for (const m of item.materials) if (m.replacedBy?.record?.dataset === dataset) for (const k of m.replacedBy.record.fields) wanted.add(k);
    wanted.add('district');
    const record = await this.deps.records.lookup(dataset, acting.account.subject, [...wanted]);
    return { dataset, record };
  }

  /** What can stand in for each material now: a valid licence of the type, or the applicant's record. */
  private async reusable(acting: Acting, item: ServiceItem, ctx: RequestContext): Promise<Map<string, Reusable>> {
    const out = new Map<string, Reusable>();
    const needsWallet = item.materials.some((m) => m.replacedBy?.licence);
    const wallet = needsWallet ? await this.deps.licences.wallet(acting.account.subject, ctx) : [];
    const { dataset, record } = await this.ownRecord(acting, item);
    for (const m of item.materials) {
      const type = m.replacedBy?.licence;
      const lic = type ? wallet.find((l) => l.type === type && l.verdict === 'valid') : undefined;
      if (lic) out.set(m.key, { source: 'licence', ref: lic.number, label: { zh: `${lic.typeName}（${lic.number}）`, en: `${lic.typeName} (${lic.number})` } });
      else if (m.replacedBy?.record?.dataset === dataset && record)
        out.set(m.key, {
          source: 'record',
          ref: `${dataset}/${acting.account.subject}`,
          label:
            dataset === 'population'
              ? { zh: '人口库中的本人信息', en: 'Your record in the population database' }
              : { zh: '法人库中的本单位信息', en: 'Your record in the legal-entity database' },
        });
    }
    return out;
  }

  /** The form as the applicant sees it first: their own data filled in, and what need not be uploaded. */
  async prefill(principal: Principal, as: string | undefined, code: string, ctx: RequestContext) {
    const { acting, item } = await this.forApplicant(principal, as, code);
    const { dataset, record } = await this.ownRecord(acting, item);
    const values: Record<string, string | number> = {};
    const account: Record<string, string | null> = {
      name: acting.account.name,
      phone: acting.account.phone,
      subject: acting.account.subject,
      district: acting.account.district,
    };
    for (const f of item.fields) {
      if (!f.prefill) continue;
      const v = f.prefill.from === 'account' ? account[f.prefill.field] : f.prefill.from === dataset ? record?.values[f.prefill.field] : null;
      if (v !== null && v !== undefined && v !== '') values[f.key] = typeof v === 'number' ? v : String(v);
    }
    const reuse = await this.reusable(acting, item, ctx);
    await appendAudit(this.p.db, {
      ...actorOf(ctx),
      at: this.p.now(),
      action: 'services.form_prefilled',
      targetType: 'service_item',
      targetId: item.code,
      details: { for: acting.agent ? acting.account.subject : null, fields: Object.keys(values).length },
    });
    return {
      item,
      values,
      materials: item.materials.map((m) => ({
        key: m.key,
        name: m.name,
        required: m.required,
        accept: m.accept ?? ['image', 'pdf'],
        reuse: reuse.get(m.key) ?? null,
      })),
      synthetic: record?.synthetic ?? false,
    };
  }

  /** The applicant's signing key, made on first use (its private half sealed). */
  private async signingKey(userId: string) {
    let row = await store.signingKeyOf(this.p.db, userId);
    if (!row) {
      const kid = `signer-${newId('k').slice(2)}`;
      const { privateKey, publicKey } = generateSigningKeyPair(this.opts.alg);
      await store.insertSigningKey(this.p.db, {
        kid,
        user_id: userId,
        alg: this.opts.alg,
        public_key: publicKey,
        sealed_private: seal(privateKey, this.opts.masterKey, kid),
        created_at: this.p.now(),
      });
      row = (await store.signingKeyOf(this.p.db, userId))!;
    }
    return { kid: row.kid, alg: row.alg as DocumentAlg, publicKey: row.public_key, privateKey: openSealed(row.sealed_private, this.opts.masterKey, row.kid) };
  }

  /** Checks the materials: each required one reused (with consent) or uploaded; nothing unknown. */
  private checkMaterials(
    item: ServiceItem,
    input: Record<string, MaterialInput>,
    reuse: Map<string, Reusable>,
    consent: boolean,
    only?: Set<string>,
  ): FieldError[] {
    const errors: FieldError[] = [];
    const known = new Map(item.materials.map((m) => [m.key, m]));
    for (const k of Object.keys(input ?? {})) {
      if (!known.has(k)) errors.push(err(`/body/materials/${k}`, `本事项没有材料 ${k}`, `the item has no material ${k}`));
      else if (only && !only.has(k)) errors.push(err(`/body/materials/${k}`, '补正只能提交告知的材料', 'a supplement sends only what was asked for'));
    }
    for (const m of item.materials) {
      if (only && !only.has(m.key)) continue;
      const given = input?.[m.key];
      if (!given) {
        if (m.required) errors.push(err(`/body/materials/${m.key}`, `请提供${m.name.zh}`, `${m.name.en} is required`));
        continue;
      }
      if ('reuse' in given) {
        if (!reuse.has(m.key))
          errors.push(err(`/body/materials/${m.key}`, `没有可代替${m.name.zh}的电子证照或数据，请上传`, `nothing here stands in for ${m.name.en}: upload it`));
        else if (!consent)
          errors.push(err('/body/consent', '复用证照或数据须您同意部门读取', 'reusing a licence or record needs your consent to the department reading it'));
      } else if (!Array.isArray(given.files) || given.files.length === 0 || given.files.length > 10)
        errors.push(err(`/body/materials/${m.key}`, `请上传${m.name.zh}（1–10 个文件）`, `upload ${m.name.en} (1–10 files)`));
    }
    return errors;
  }

  private acceptOf(m: Material): string[] {
    return (m.accept ?? ['image', 'pdf']).flatMap((a) => [...ACCEPT[a]]);
  }

  /** Attaches the uploaded materials and records the consents; the payload's material list. */
  private async takeMaterials(
    trx: Transaction<Database>,
    principal: Principal,
    a: { id: string; department: string; item: ServiceItem; applicantUserId: string },
    input: Record<string, MaterialInput>,
    reuse: Map<string, Reusable>,
    now: number,
    bundle: { id: string; files: Map<string, string[]> } | null = null,
  ): Promise<SubmissionPayload['materials']> {
    const out: SubmissionPayload['materials'] = [];
    for (const m of a.item.materials) {
      const given = input?.[m.key];
      if (!given) continue;
      if ('reuse' in given) {
        const r = reuse.get(m.key)!;
        out.push({ key: m.key, source: r.source, ref: [r.ref] });
        await store.insertConsent(trx, {
          id: newId('gsc', now),
          application_id: a.id,
          user_id: a.applicantUserId,
          material: m.key,
          source: r.source,
          ref: r.ref,
          department: a.department,
          purpose: `${a.item.name.zh}：${m.name.zh}`,
          at: now,
        });
      } else if (bundle) {
        // A bundle's files belong to the bundle, once, and every department in it reads them.
        if (!bundle.files.has(m.key)) {
          const files = await this.p.files.attach(trx, principal, given.files, 'service_bundle', bundle.id, `/body/materials/${m.key}`, this.acceptOf(m));
          bundle.files.set(
            m.key,
            files.map((f) => f.id),
          );
        }
        out.push({ key: m.key, source: 'files', ref: bundle.files.get(m.key)! });
      } else {
        const files = await this.p.files.attach(trx, principal, given.files, 'service_application', a.id, `/body/materials/${m.key}`, this.acceptOf(m));
        out.push({ key: m.key, source: 'files', ref: files.map((f) => f.id) });
      }
    }
    return out;
  }

  /** Checks one item's part of a submission: the form, the materials, the applicant's own identifier. */
  private async check(
    acting: Acting,
    item: ServiceItem,
    form: Record<string, unknown>,
    materials: Record<string, MaterialInput>,
    consent: boolean,
    ctx: RequestContext,
  ) {
    if (!item.channels.some((c) => c === 'online' || c === 'online_pickup'))
      throw new AppError('WD_ERR_UNPROCESSABLE', {
        zh: `「${item.name.zh}」须到窗口办理，可在线预约`,
        en: `${item.name.en} is handled at the counter only; book a visit online`,
      });
    const { values, errors } = checkForm(item.fields, form, new Date(this.p.now()));
    const reuse = await this.reusable(acting, item, ctx);
    errors.push(...this.checkMaterials(item, materials, reuse, consent));
    // The applicant's own identifier in the form is theirs: no applying in another's name.
    for (const f of item.fields)
      if (f.prefill?.from === 'account' && f.prefill.field === 'subject' && values[f.key] !== undefined && values[f.key] !== acting.account.subject)
        errors.push(err(`/body/form/${f.key}`, `${f.name.zh}须为申请人本人的`, `${f.name.en} is the applicant’s own`));
    return { values, errors, reuse };
  }

  /** Records one application in the caller's transaction: materials taken, signed, its workflow started. */
  private async insert(
    trx: Transaction<Database>,
    principal: Principal,
    k: {
      acting: Acting;
      item: ServiceItem & { version: number };
      values: FormValues;
      materials: Record<string, MaterialInput>;
      reuse: Map<string, Reusable>;
      bundle: { id: string; files: Map<string, string[]> } | null;
      key: Awaited<ReturnType<ApplicationService['signingKey']>>;
      startInstance: Awaited<ReturnType<WorkflowEngine['prepare']>>;
      ctx: RequestContext;
    },
  ): Promise<ApplicationRow> {
    const { acting, item, values, key } = k;
    const now = this.p.now();
    const cal = await this.p.calendar.get();
    const id = newId('gsa', now);
    const kind = this.kindOf(acting);
    const materials = await this.takeMaterials(
      trx,
      principal,
      { id, department: item.department, item, applicantUserId: acting.account.user_id },
      k.materials,
      k.reuse,
      now,
      k.bundle,
    );
    const payload: SubmissionPayload = {
      kid: key.kid,
      alg: key.alg,
      typ: 'service-application',
      id,
      item: { code: item.code, version: item.version },
      applicant: { kind, id: acting.account.subject, name: acting.account.name },
      signer: acting.userId,
      form: values,
      materials,
      round: 1,
      at: new Date(now).toISOString(),
    };
    const [inst] = await k.startInstance(
      [{ subjectType: 'service_application', subjectId: id, department: item.department, district: acting.account.district, data: { item: item.code } }],
      { principal: null },
      trx,
    );
    const r: ApplicationRow = {
      id,
      instance_id: inst!.id,
      item_code: item.code,
      item_version: item.version,
      bundle_id: k.bundle?.id ?? null,
      department: item.department,
      district: acting.account.district,
      applicant_user_id: acting.account.user_id,
      applicant_kind: kind,
      applicant_subject: acting.account.subject,
      applicant_name: acting.account.name,
      submitted_by: acting.userId,
      channel: 'online',
      state: 'submitted',
      form: JSON.stringify(values),
      materials: JSON.stringify(materials),
      document: signDocument(payload, key),
      signer_kid: key.kid,
      submitted_at: now,
      accepted_at: null,
      due_at: deadlineFrom(cal, now, { workingDays: 5 }),
      step: 0,
      supplements: 0,
      supplement_note: null,
      supplement_keys: null,
      decided_at: null,
      decision: null,
      decision_note: null,
      instant: 0,
      result_licence: null,
      fee_cents: Math.round((item.fee?.amount ?? 0) * 100),
      operator_id: null,
      rev: inst!.rev,
      updated_at: now,
    };
    await store.insertApplication(trx, r);
    await appendAudit(trx, {
      ...actorOf(k.ctx),
      at: now,
      action: 'services.application_submitted',
      targetType: 'service_application',
      targetId: id,
      details: {
        item: item.code,
        bundle: k.bundle?.id ?? null,
        for: acting.agent ? acting.account.subject : null,
        reused: materials.filter((m) => m.source !== 'files').map((m) => m.key),
      },
    });
    return r;
  }

  /** Submits and signs an application; an 即办件 whose rules pass is approved at once. */
  async submit(principal: Principal, as: string | undefined, input: SubmitInput, ctx: RequestContext) {
    const { acting, item } = await this.forApplicant(principal, as, input.item);
    const { values, errors, reuse } = await this.check(acting, item, input.form ?? {}, input.materials ?? {}, input.consent, ctx);
    if (errors.length)
      throw new AppError('WD_ERR_VALIDATION', { zh: '申请内容有误，请按提示修改', en: 'Some of the application needs correcting' }, { errors });
    const key = await this.signingKey(acting.userId);
    const startInstance = await this.engine.prepare(APPLICATION_WORKFLOW);
    const row = await transaction(this.p.db, (trx) =>
      this.insert(trx, principal, { acting, item, values, materials: input.materials, reuse, bundle: null, key, startInstance, ctx }),
    );
    if (item.instant && row.fee_cents === 0) return this.tryInstant(row, item, ctx);
    return this.view(row, principal);
  }

  /**
   * 一件事: one form and one set of materials for every item of the event, checked as a whole
   * (nothing is kept unless every part is right), then fanned out as one application per item to
   * its department. A field or material several items share is given once.
   */
  async submitBundle(
    principal: Principal,
    as: string | undefined,
    input: { event: string; form: Record<string, unknown>; materials: Record<string, MaterialInput>; consent: boolean },
    ctx: RequestContext,
  ) {
    const event = await this.catalogue.event(input.event);
    const acting = await this.deps.accounts.acting(principal, as, 'applications');
    const kind = this.kindOf(acting);
    if (event.applicant !== 'any' && event.applicant !== kind)
      throw new AppError('WD_ERR_UNPROCESSABLE', { zh: `「${event.name.zh}」不适用于此类申请人`, en: `${event.name.en} is for another kind of applicant` });
    const parts: { item: ServiceItem & { version: number }; values: FormValues; materials: Record<string, MaterialInput>; reuse: Map<string, Reusable> }[] = [];
    const errors: FieldError[] = [];
    const usedFields = new Set<string>();
    const usedMaterials = new Set<string>();
    for (const code of event.items.map((i) => i.code)) {
      const { item } = await this.forApplicant(principal, as, code);
      const form = Object.fromEntries(item.fields.flatMap((f) => (input.form?.[f.key] !== undefined ? [[f.key, input.form[f.key]]] : [])));
      const materials = Object.fromEntries(item.materials.flatMap((m) => (input.materials?.[m.key] ? [[m.key, input.materials[m.key]!]] : [])));
      for (const k of Object.keys(form)) usedFields.add(k);
      for (const k of Object.keys(materials)) usedMaterials.add(k);
      const c = await this.check(acting, item, form, materials, input.consent, ctx);
      for (const e of c.errors) if (!errors.some((x) => x.pointer === e.pointer)) errors.push(e);
      parts.push({ item, values: c.values, materials, reuse: c.reuse });
    }
    for (const k of Object.keys(input.form ?? {}))
      if (!usedFields.has(k)) errors.push(err(`/body/form/${k}`, `没有事项用到字段 ${k}`, `no item of the event has field ${k}`));
    for (const k of Object.keys(input.materials ?? {}))
      if (!usedMaterials.has(k)) errors.push(err(`/body/materials/${k}`, `没有事项用到材料 ${k}`, `no item of the event has material ${k}`));
    if (errors.length)
      throw new AppError('WD_ERR_VALIDATION', { zh: '申请内容有误，请按提示修改', en: 'Some of the application needs correcting' }, { errors });
    const key = await this.signingKey(acting.userId);
    const startInstance = await this.engine.prepare(APPLICATION_WORKFLOW);
    const now = this.p.now();
    const bundleId = newId('gsb', now);
    const rows = await transaction(this.p.db, async (trx) => {
      await store.insertBundle(trx, {
        id: bundleId,
        event_code: event.code,
        applicant_user_id: acting.account.user_id,
        submitted_by: acting.userId,
        created_at: now,
      });
      const bundle = { id: bundleId, files: new Map<string, string[]>() };
      const out: ApplicationRow[] = [];
      for (const part of parts) out.push(await this.insert(trx, principal, { acting, ...part, bundle, key, startInstance, ctx }));
      return out;
    });
    const apps = [];
    for (const [i, r] of rows.entries())
      apps.push(parts[i]!.item.instant && r.fee_cents === 0 ? await this.tryInstant(r, parts[i]!.item, ctx) : await this.view(r, principal));
    return { id: bundleId, event: { code: event.code, name: event.name }, applications: apps };
  }

  /** 即办: every rule checked on the data; approved by the system with the reasons, or left for the department with the one that failed. */
  private async tryInstant(a: ApplicationRow, item: ServiceItem & { version: number }, ctx: RequestContext) {
    const failed = await this.failedRule(a, item);
    const principal = ctx.principal!;
    if (failed) {
      await store.updateApplication(this.p.db, a.id, { decision_note: `即办条件未满足：${failed.zh}，转人工办理` });
      return this.view((await store.application(this.p.db, a.id))!, principal);
    }
    const done = await this.act(
      a,
      'instant',
      { principal: null, ip: ctx.ip, requestId: ctx.requestId },
      {
        comment: item.instant!.explain.zh,
        set: async () => ({ instant: 1, decided_at: this.p.now(), decision: 'approved', decision_note: item.instant!.explain.zh }),
      },
    );
    const issued = await this.issueResult(done, item, { principal: null, ip: ctx.ip, requestId: ctx.requestId });
    return this.view(issued, principal);
  }

  private async failedRule(a: ApplicationRow, item: ServiceItem): Promise<Text | null> {
    const form = json.parse<FormValues>(a.form, {});
    for (const rule of item.instant?.rules ?? []) {
      const r = rule as InstantRule;
      if (r.kind === 'resident') {
        const rec = await this.deps.records.lookup('population', a.applicant_subject, ['district']);
        const district = rec?.values.district;
        if (!district || !this.p.profile.districts.some((d) => d.adcode === district))
          return { zh: '人口库中没有申请人在本市的记录', en: 'the population database does not have the applicant in the city' };
      } else if (r.kind === 'record') {
        const rec = await this.deps.records.lookup(r.dataset, a.applicant_subject, [r.field]);
        if (!rec || rec.values[r.field] !== r.equals) return { zh: `${r.dataset} 中 ${r.field} 不符合条件`, en: `${r.field} in ${r.dataset} does not qualify` };
      } else if (r.kind === 'field') {
        const v = form[r.field];
        const ok =
          r.op === 'eq'
            ? v === r.value
            : r.op === 'in'
              ? Array.isArray(r.value) && (r.value as (string | number)[]).includes(v as string | number)
              : typeof v === 'number' && (r.op === 'gte' ? v >= Number(r.value) : v <= Number(r.value));
        if (!ok) return { zh: `${r.field} 超出即办范围`, en: `${r.field} is outside what is approved at once` };
      } else if (r.kind === 'age') {
        const id = checkIdNumber(a.applicant_subject, new Date(this.p.now()));
        if (!id.ok) return { zh: '申请人不是个人', en: 'the applicant is not a person' };
        const today = new Date(this.p.now()).toISOString().slice(0, 10);
        const years = Number(today.slice(0, 4)) - Number(id.birthDate.slice(0, 4)) - (today.slice(5) < id.birthDate.slice(5) ? 1 : 0);
        if ((r.min !== undefined && years < r.min) || (r.max !== undefined && years > r.max))
          return { zh: '申请人年龄不在即办范围内', en: 'the applicant’s age is outside the rule' };
      } else if (r.kind === 'no_open') {
        if (await store.openFor(this.p.db, a.applicant_user_id, r.item, a.id))
          return { zh: `已有在办的 ${r.item} 申请`, en: `an application for ${r.item} is open` };
      }
    }
    return null;
  }

  /** Issues the item's licence to the holder (by the approving official, or the system for 即办). */
  private async issueResult(a: ApplicationRow, item: ServiceItem, ctx: RequestContext): Promise<ApplicationRow> {
    if (!item.result.licence) return a;
    const form = json.parse<FormValues>(a.form, {});
    const fields: Record<string, string | number> = {};
    for (const [lf, ff] of Object.entries(item.result.licenceFields ?? {})) {
      const v = form[ff];
      if (v !== undefined && typeof v !== 'boolean') fields[lf] = v;
    }
    const lic = await this.deps.licences.issue({ type: item.result.licence, holder: { id: a.applicant_subject, name: a.applicant_name }, fields }, ctx);
    await store.updateApplication(this.p.db, a.id, { result_licence: lic.number });
    return (await store.application(this.p.db, a.id))!;
  }

  // ---- the workflow ----

  private async act(
    a0: ApplicationRow,
    transition: string,
    ctx: RequestContext,
    opts: {
      rev?: number;
      comment?: string;
      dueAt?: Record<string, number>;
      set: (a: ApplicationRow, next: InstanceRow, trx: Transaction<Database>) => Promise<Partial<ApplicationRow>> | Partial<ApplicationRow>;
    },
  ): Promise<ApplicationRow> {
    if (opts.rev !== undefined && opts.rev !== a0.rev)
      throw new AppError(
        'WD_ERR_VERSION_CONFLICT',
        { zh: '办件已被他人处理，请刷新后重试', en: 'The application changed since you read it; reload and retry' },
        { currentRev: a0.rev },
      );
    let out: ApplicationRow | undefined;
    try {
      await this.engine.fire(
        a0.instance_id,
        transition,
        { principal: ctx.principal, ip: ctx.ip, requestId: ctx.requestId },
        {
          ...(opts.comment ? { comment: opts.comment } : {}),
          expectedRev: a0.rev,
          partyChecked: true,
          ...(opts.dueAt ? { data: { _dueAt: opts.dueAt } } : {}),
          also: async (trx, next) => {
            const a = (await store.application(trx, a0.id))!;
            const patch = await opts.set(a, next, trx);
            const now = this.p.now();
            await store.updateApplication(trx, a.id, { ...patch, state: next.state, rev: next.rev, updated_at: now });
            await appendAudit(trx, {
              ...actorOf(ctx),
              at: now,
              action: `services.application_${transition}`,
              targetType: 'service_application',
              targetId: a.id,
              details: { from: a.state, to: next.state, comment: opts.comment ?? null },
            });
            out = { ...a, ...patch, state: next.state, rev: next.rev, updated_at: now };
          },
        },
      );
    } catch (e) {
      if (e instanceof AppError && e.code === 'WD_ERR_CONFLICT')
        throw new AppError(
          'WD_ERR_CONFLICT',
          {
            zh: `办件当前为「${STATE_LABELS[a0.state]?.zh ?? a0.state}」，不能${APPLICATION_DEFINITION.transitions[transition]?.label?.zh ?? transition}`,
            en: `The application is ${STATE_LABELS[a0.state]?.en ?? a0.state}: that cannot be done now`,
          },
          { state: a0.state },
        );
      throw e;
    }
    return out!;
  }

  /** Refuses (as unknown) an application the caller may not see: its applicant's and its department's only. */
  async assertVisible(id: string, principal: Principal): Promise<void> {
    await this.getFor(id, principal);
  }

  private async getFor(id: string, principal: Principal): Promise<ApplicationRow> {
    const a = await store.application(this.p.db, id);
    if (!a || !this.canSee(principal, a)) throw hiddenNotFound(APPLICATION, id);
    return a;
  }

  private async forDepartment(id: string, principal: Principal): Promise<ApplicationRow> {
    const a = await this.getFor(id, principal);
    if (!this.isDepartment(principal, a)) throw hiddenNotFound(APPLICATION, id);
    return a;
  }

  /** The department's decision on an application, by the step's role. */
  async decide(
    id: string,
    action: 'accept' | 'reject' | 'ask_supplement' | 'review' | 'approve' | 'refuse',
    input: { rev?: number; comment?: string; missing?: string[] },
    ctx: RequestContext & { principal: Principal },
  ) {
    const principal = ctx.principal;
    const a = await this.forDepartment(id, principal);
    const item = await this.catalogue.definition(a.item_code, a.item_version);
    const now = this.p.now();
    const base = { ...(input.rev !== undefined ? { rev: input.rev } : {}), ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}) };
    if (action === 'accept') {
      const cal = await this.p.calendar.get();
      const due = deadlineFrom(cal, now, { workingDays: Math.max(item.promisedDays, 1) });
      const r = await this.act(a, 'accept', ctx, {
        ...base,
        dueAt: { handling: due },
        set: () => ({ accepted_at: now, due_at: due, operator_id: principal.id, step: 0 }),
      });
      return this.view(r, principal);
    }
    if (action === 'reject' || action === 'refuse') {
      const r = await this.act(a, action, ctx, {
        ...base,
        set: () => ({ decided_at: now, decision: action === 'reject' ? 'rejected' : 'refused', decision_note: input.comment?.trim() ?? null, due_at: null }),
      });
      return this.view(r, principal);
    }
    if (action === 'ask_supplement') {
      if (a.supplements >= 1)
        throw new AppError('WD_ERR_CONFLICT', {
          zh: '补正告知只能一次，须一次性告知所有需补正的材料',
          en: 'What is missing is asked for once, all of it at once',
        });
      const known = new Set([...item.materials.map((m) => m.key), ...item.fields.map((f) => f.key)]);
      const missing = [...new Set(input.missing ?? [])];
      if (missing.length === 0 || missing.some((k) => !known.has(k)))
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: '请列出需补正的材料或字段', en: 'List the materials or fields that are missing' },
          { errors: [err('/body/missing', '须为本事项的材料或字段', 'materials or fields of the item')] },
        );
      const r = await this.act(a, 'ask_supplement', ctx, {
        ...base,
        set: () => ({ supplements: a.supplements + 1, supplement_keys: JSON.stringify(missing), supplement_note: input.comment?.trim() ?? null, due_at: null }),
      });
      return this.view(r, principal);
    }
    // review and approve: the current step's role.
    const step = item.steps[a.step];
    if (!step) throw new AppError('WD_ERR_CONFLICT', { zh: '办件没有待办的审批环节', en: 'No step is waiting' });
    if (!principal.roles.includes(step.role) && principal.scope.departments !== ALL)
      throw new AppError('WD_ERR_FORBIDDEN', {
        zh: `「${step.name.zh}」环节由${step.role === 'dept_leader' ? '部门领导' : '经办人员'}办理`,
        en: `The ${step.name.en} step is taken by ${step.role === 'dept_leader' ? 'a department leader' : 'staff'}`,
      });
    const last = a.step === item.steps.length - 1;
    if (action === 'review') {
      if (last) throw new AppError('WD_ERR_CONFLICT', { zh: '这是最后一个环节，请作出批准或不予批准的决定', en: 'This is the last step: approve or refuse' });
      const r = await this.act(a, 'review', ctx, { ...base, set: () => ({ step: a.step + 1 }) });
      return this.view(r, principal);
    }
    if (!last) throw new AppError('WD_ERR_CONFLICT', { zh: `还有「${step.name.zh}」之后的环节`, en: `Steps after ${step.name.en} remain` });
    if (a.fee_cents > 0 && !(await payments.paymentsOf(this.p.db, a.id)).some((x) => x.status === 'paid'))
      throw new AppError('WD_ERR_CONFLICT', {
        zh: `费用 ${(a.fee_cents / 100).toFixed(2)} 元尚未缴纳，缴费后才能办结`,
        en: `The fee of ${(a.fee_cents / 100).toFixed(2)} yuan is not paid yet; approval waits for it`,
      });
    const r = await this.act(a, 'approve', ctx, {
      ...base,
      set: () => ({ decided_at: now, decision: 'approved', decision_note: input.comment?.trim() ?? null, due_at: null }),
    });
    return this.view(await this.issueResult(r, item, ctx), principal);
  }

  /** The applicant sends what was asked for (only that), signed again; the department's clock starts anew. */
  async resubmit(
    principal: Principal,
    id: string,
    input: { form?: Record<string, unknown>; materials?: Record<string, MaterialInput>; consent?: boolean },
    ctx: RequestContext,
  ) {
    const a = await this.getFor(id, principal);
    if (!this.isPublic(principal) || (a.submitted_by !== principal.id && a.applicant_user_id !== principal.id)) throw hiddenNotFound(APPLICATION, id);
    if (a.state !== 'supplement') throw new AppError('WD_ERR_CONFLICT', { zh: '办件不在待补正状态', en: 'Nothing was asked for' });
    const item = await this.catalogue.definition(a.item_code, a.item_version);
    const asked = new Set(json.parse<string[]>(a.supplement_keys, []));
    const fieldKeys = new Set(item.fields.map((f) => f.key));
    const errors: FieldError[] = [];
    const formIn = input.form ?? {};
    for (const k of Object.keys(formIn))
      if (!asked.has(k) || !fieldKeys.has(k)) errors.push(err(`/body/form/${k}`, '补正只能修改告知的字段', 'a supplement changes only the fields asked for'));
    const merged = { ...json.parse<FormValues>(a.form, {}), ...formIn };
    const checked = checkForm(item.fields, merged, new Date(this.p.now()));
    errors.push(...checked.errors);
    const acting = await this.deps.accounts.acting(principal, a.applicant_user_id === principal.id ? undefined : a.applicant_subject, 'applications');
    const reuse = await this.reusable(acting, item, ctx);
    const askedMaterials = new Set([...asked].filter((k) => item.materials.some((m) => m.key === k)));
    errors.push(...this.checkMaterials(item, input.materials ?? {}, reuse, !!input.consent, askedMaterials));
    if (errors.length) throw new AppError('WD_ERR_VALIDATION', { zh: '补正内容有误，请按提示修改', en: 'Some of the supplement needs correcting' }, { errors });
    const key = await this.signingKey(principal.id);
    const now = this.p.now();
    const cal = await this.p.calendar.get();
    const prior = decodeDocument<SubmissionPayload>(a.document);
    const r = await this.act(a, 'resubmit', ctx, {
      set: async (_a, _next, trx) => {
        const taken = await this.takeMaterials(
          trx,
          principal,
          { id: a.id, department: a.department, item, applicantUserId: a.applicant_user_id },
          input.materials ?? {},
          reuse,
          now,
        );
        const before = prior.ok ? prior.payload.materials.filter((m) => !taken.some((t) => t.key === m.key)) : [];
        const payload: SubmissionPayload = {
          ...(prior.ok ? prior.payload : ({} as SubmissionPayload)),
          kid: key.kid,
          alg: key.alg,
          signer: principal.id,
          form: checked.values,
          materials: [...before, ...taken],
          round: (prior.ok ? prior.payload.round : 1) + 1,
          at: new Date(now).toISOString(),
        };
        return {
          form: JSON.stringify(checked.values),
          materials: JSON.stringify(payload.materials),
          document: signDocument(payload, key),
          signer_kid: key.kid,
          due_at: deadlineFrom(cal, now, { workingDays: 5 }),
        };
      },
    });
    return this.view(r, principal);
  }

  async withdraw(principal: Principal, id: string, ctx: RequestContext) {
    const a = await this.getFor(id, principal);
    if (!this.isPublic(principal)) throw hiddenNotFound(APPLICATION, id);
    const r = await this.act(a, 'withdraw', ctx, { set: () => ({ decided_at: this.p.now(), decision: 'withdrawn', due_at: null }) });
    return this.view(r, principal);
  }

  // ---- reading ----

  async mine(principal: Principal, as: string | undefined, q: { limit: number; offset: number }) {
    const acting = await this.deps.accounts.acting(principal, as, 'applications');
    const rows = await store.applicationsOf(this.p.db, acting.account.user_id, acting.agent ? acting.userId : null, q);
    return Promise.all(rows.map((r) => this.view(r, principal)));
  }

  async inbox(principal: Principal, q: { state?: string; item?: string; limit: number; offset: number }) {
    if (this.isPublic(principal)) throw new AppError('WD_ERR_FORBIDDEN', { zh: '办件箱供部门工作人员使用', en: 'The inbox is for department staff' });
    const department = principal.scope.departments === ALL ? null : (principal.department ?? '\u0000');
    const rows = await store.inbox(this.p.db, department, q);
    return Promise.all(rows.map((r) => this.view(r, principal)));
  }

  async detail(id: string, principal: Principal) {
    const a = await this.getFor(id, principal);
    const [steps, consents] = await Promise.all([this.engine.timeline(a.instance_id), store.consentsOf(this.p.db, a.id)]);
    const view = await this.view(a, principal);
    return {
      ...view,
      form: json.parse<FormValues>(a.form, {}),
      materials: json.parse<SubmissionPayload['materials']>(a.materials, []),
      consents: consents.map((c) => ({ material: c.material, source: c.source, ref: c.ref, department: c.department, purpose: c.purpose, at: Number(c.at) })),
      document: a.document,
      timeline: steps.map((s) => ({
        at: Number(s.at),
        transition: s.action,
        label: s.action === 'created' ? CREATED_LABEL : (APPLICATION_DEFINITION.transitions[s.action]?.label ?? { zh: s.action, en: s.action }),
        from: s.from_state,
        to: s.to_state,
        comment: s.comment,
        // The public sees that the department acted, not which official.
        actor: this.isPublic(principal) ? null : s.actor_id,
      })),
    };
  }

  /** The signed submission checked: the signature under the signer's key, and the payload. */
  async verify(id: string, principal: Principal) {
    const a = await this.getFor(id, principal);
    const key = await store.signingKeyByKid(this.p.db, a.signer_kid);
    const d = decodeDocument<SubmissionPayload>(a.document);
    const valid =
      !!key && d.ok && d.payload.id === a.id && signatureHolds(d.bytes, d.signature, { kid: key.kid, alg: key.alg as DocumentAlg, publicKey: key.public_key });
    return { valid, document: a.document, key: key ? { kid: key.kid, alg: key.alg, publicKey: key.public_key } : null, payload: d.ok ? d.payload : null };
  }

  async view(a: ApplicationRow, principal: Principal) {
    const item = await this.catalogue.get(a.item_code, a.item_version);
    const step = a.state === 'handling' ? item.steps[a.step] : undefined;
    return {
      id: a.id,
      item: { code: a.item_code, version: a.item_version, name: item.name },
      department: a.department,
      departmentName: item.departmentName,
      bundle: a.bundle_id,
      applicant: { kind: a.applicant_kind, name: a.applicant_name, id: a.applicant_subject },
      mine: this.isPublic(principal),
      agent: a.submitted_by !== a.applicant_user_id,
      state: a.state,
      stateLabel: STATE_LABELS[a.state] ?? { zh: a.state, en: a.state },
      step: step ? { key: step.key, name: step.name, role: step.role, index: a.step, of: item.steps.length } : null,
      submittedAt: Number(a.submitted_at),
      acceptedAt: a.accepted_at === null ? null : Number(a.accepted_at),
      dueAt: a.due_at === null ? null : Number(a.due_at),
      supplement: a.supplement_keys ? { keys: json.parse<string[]>(a.supplement_keys, []), note: a.supplement_note } : null,
      decision: a.decision,
      decisionNote: a.decision_note,
      decidedAt: a.decided_at === null ? null : Number(a.decided_at),
      instant: a.instant === 1,
      resultLicence: a.result_licence,
      fee: a.fee_cents / 100,
      rev: a.rev,
    };
  }
}
