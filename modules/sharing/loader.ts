/**
 * Loading a base database from a file (CSV or JSON): every row checked (records.ts), refused rows
 * reported by line and field without stopping the load, records merged by key (new ones inserted,
 * changed ones updated with their before and after kept, unchanged ones left), a batch at a time,
 * each batch in one transaction, so a re-run of the same file changes nothing and a crash loses at
 * most the batch in flight. The job records who loaded what, when, and how it went.
 */
import { actorOf, appendAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/scope.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { parseCsvRows } from '../../platform/csv.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import { checkCreditCode } from '../../platform/identifiers/index.js';
import { newId } from '../../platform/ids.js';
import type { Transaction } from 'kysely';
import { type Db, json, transaction } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import { type DatasetSpec, RECORD_DATASETS, normaliseKey } from './datasets.js';
import { type CheckContext, checkRow } from './records.js';
import * as store from './records.store.js';

/** A row as read from a file: its line (CSV; the header is line 1) or index (JSON), and its fields by key. */
export interface SourceRow {
  at: number;
  raw: Record<string, unknown>;
}

export interface LoadProblem {
  at: number;
  field: string | null;
  detail: Text;
}

export interface LoadJob {
  id: string;
  dataset: string;
  source: string;
  status: 'running' | 'done' | 'failed';
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
  /** The first refused rows (up to ERRORS_KEPT), by line and field. */
  errors: LoadProblem[];
  actor: { id: string | null; name: string | null };
  startedAt: number;
  finishedAt: number | null;
}

/** How many refused rows a job keeps (the counts cover all). */
export const ERRORS_KEPT = 1000;
export const BATCH = 1000;

export function jobView(r: store.LoadJobRow): LoadJob {
  return {
    id: r.id,
    dataset: r.dataset,
    source: r.source,
    status: r.status as LoadJob['status'],
    rowsRead: r.rows_read,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    refused: r.refused,
    errors: json.parse<LoadProblem[]>(r.errors, []),
    actor: { id: r.actor_id, name: r.actor_name },
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

/** The dataset's spec, or 404. */
export function specOf(dataset: string): DatasetSpec {
  const spec = RECORD_DATASETS[dataset];
  if (!spec) throw notFound({ zh: '基础库', en: 'Base database' }, dataset);
  return spec;
}

/**
 * Reads CSV text as rows of fields by key: the header names each column by the field's key
 * (`idNumber`) or its Chinese name (`公民身份号码`); unknown columns are ignored, a missing required
 * column is refused before anything is loaded.
 */
export function csvRows(spec: DatasetSpec, text: string): Iterable<SourceRow> {
  const rows = parseCsvRows(text);
  const header = rows[0];
  if (!header) return [];
  const keys = header.map((h) => spec.fields.find((f) => f.key === h.trim() || f.name.zh === h.trim())?.key ?? null);
  // Checked now, before a job is started: a file without its required columns loads nothing.
  const missing = spec.fields.filter((f) => f.required && !keys.includes(f.key));
  if (missing.length)
    throw new AppError('WD_ERR_VALIDATION', {
      zh: `表头缺少必填列：${missing.map((f) => `${f.name.zh}（${f.key}）`).join('、')}`,
      en: `The header lacks required columns: ${missing.map((f) => f.key).join(', ')}`,
    });
  return (function* () {
    for (let i = 1; i < rows.length; i++) {
      const raw: Record<string, unknown> = {};
      rows[i]!.forEach((cell, c) => {
        const k = keys[c];
        if (k) raw[k] = cell;
      });
      yield { at: i + 1, raw };
    }
  })();
}

/** Reads JSON text: an array of objects, or one object a line (NDJSON). */
export function* jsonRows(text: string): Generator<SourceRow> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (e) {
      throw new AppError('WD_ERR_VALIDATION', { zh: '文件不是有效的 JSON', en: `The file is not valid JSON: ${(e as Error).message}` });
    }
    const items = list as unknown[];
    for (let i = 0; i < items.length; i++) yield { at: i, raw: items[i] && typeof items[i] === 'object' ? (items[i] as Record<string, unknown>) : {} };
    return;
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      raw = null;
    }
    yield { at: i + 1, raw: raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : { __invalid: line } };
  }
}

export class LoadService {
  constructor(
    private readonly p: Platform,
    /** Whether the caller keeps the dataset's data (its provider's staff, the data authority). */
    private readonly mayKeep: (principal: Principal | null, dataset: string) => Promise<boolean>,
  ) {}

  async assertMayKeep(principal: Principal | null, dataset: string): Promise<void> {
    if (!(await this.mayKeep(principal, dataset)))
      throw new AppError('WD_ERR_OUT_OF_SCOPE', { zh: '基础库的数据由其提供部门维护', en: 'A base database is kept by its provider' });
  }

  /**
   * Loads rows into a base database. `onProgress` hears after each batch; `synthetic` marks the
   * records as generated demo data.
   */
  async load(
    dataset: string,
    source: string,
    rows: Iterable<SourceRow> | AsyncIterable<SourceRow>,
    ctx: RequestContext,
    opts: { onProgress?: (job: LoadJob) => void; synthetic?: boolean; batch?: number } = {},
  ): Promise<LoadJob> {
    const spec = specOf(dataset);
    await this.assertMayKeep(ctx.principal, dataset);
    const job = this.newJob('load', dataset, source, ctx);
    const id = job.id;
    await store.insertJob(this.p.db, toRow(job));
    const check = await this.checkContext();
    const size = opts.batch ?? BATCH;
    let batch: SourceRow[] = [];
    try {
      const flush = async () => {
        await this.batch(spec, batch, job, check, !!opts.synthetic);
        batch = [];
        opts.onProgress?.(job);
      };
      // A file read whole is a plain iterable: no promise a row (a million rows make that count).
      if (Symbol.iterator in rows) {
        for (const row of rows as Iterable<SourceRow>) {
          batch.push(row);
          if (batch.length >= size) await flush();
        }
      } else {
        for await (const row of rows) {
          batch.push(row);
          if (batch.length >= size) await flush();
        }
      }
      if (batch.length) await this.batch(spec, batch, job, check, !!opts.synthetic);
      job.status = 'done';
    } catch (e) {
      job.status = 'failed';
      job.errors.push({
        at: 0,
        field: null,
        detail: e instanceof AppError && typeof e.detail === 'object' ? e.detail : { zh: '导入中断', en: (e as Error).message },
      });
      throw e;
    } finally {
      job.finishedAt = this.p.now();
      await store.updateJob(this.p.db, id, toRow(job));
      await appendAudit(this.p.db, {
        ...actorOf(ctx),
        action: 'sharing.records_loaded',
        targetType: 'sharing_dataset',
        targetId: dataset,
        outcome: job.status === 'done' ? 'success' : 'failure',
        details: {
          job: id,
          source: job.source,
          read: job.rowsRead,
          inserted: job.inserted,
          updated: job.updated,
          unchanged: job.unchanged,
          refused: job.refused,
        },
      });
      opts.onProgress?.(job);
    }
    return job;
  }

  /**
   * One record written by another module (a licence issued or revoked): checked and merged as a
   * load's row is, its change kept in the history under the actor's name; no load job is listed.
   * Given the caller's transaction (`within`), it is written in it, so the record and the caller's
   * own change commit together. Returns the row's problems, if any.
   */
  async put(dataset: string, raw: Record<string, unknown>, ctx: RequestContext, source: string, within?: Transaction<Database>): Promise<LoadProblem[]> {
    const spec = specOf(dataset);
    const job = this.newJob('put', dataset, source, ctx);
    const db = within ?? this.p.db;
    await this.batch(spec, [{ at: 1, raw }], job, await this.checkContext(db), false, db);
    return job.errors;
  }

  private newJob(prefix: string, dataset: string, source: string, ctx: RequestContext): LoadJob {
    const now = this.p.now();
    return {
      id: newId(prefix, now),
      dataset,
      source: source.slice(0, 200),
      status: 'running',
      rowsRead: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      refused: 0,
      errors: [],
      actor: { id: ctx.principal?.id ?? null, name: ctx.principal?.displayName ?? ctx.principal?.name ?? null },
      startedAt: now,
      finishedAt: null,
    };
  }

  /** What a row is checked against: the city's districts and bounds, the credit-code exceptions, today. */
  private async checkContext(db: Db | Transaction<Database> = this.p.db): Promise<CheckContext> {
    return {
      districts: new Set(this.p.profile.districts.map((d) => d.adcode)),
      bbox: this.p.profile.bbox,
      exceptions: await store.exceptionCodes(db),
      now: new Date(this.p.now()),
      today: new Date(this.p.now() + this.p.profile.utcOffsetMinutes * 60_000).toISOString().slice(0, 10),
    };
  }

  private refuse(job: LoadJob, p: LoadProblem): void {
    if (job.errors.length < ERRORS_KEPT) job.errors.push(p);
  }

  private async batch(
    spec: DatasetSpec,
    rows: SourceRow[],
    job: LoadJob,
    check: CheckContext,
    synthetic: boolean,
    db: Db | Transaction<Database> = this.p.db,
  ): Promise<void> {
    job.rowsRead += rows.length;
    // Check every row; within the batch a key given twice keeps its later row.
    const valid = new Map<string, { at: number; values: Record<string, unknown>; codeException: boolean }>();
    for (const r of rows) {
      if ('__invalid' in r.raw) {
        job.refused++;
        this.refuse(job, { at: r.at, field: null, detail: { zh: '这一行不是 JSON 对象', en: 'the line is not a JSON object' } });
        continue;
      }
      const c = checkRow(spec, r.raw, check);
      if (!c.ok) {
        job.refused++;
        for (const p of c.problems) this.refuse(job, { at: r.at, field: p.field, detail: p.detail });
        continue;
      }
      const earlier = valid.get(c.key);
      if (earlier) {
        job.refused++;
        this.refuse(job, {
          at: earlier.at,
          field: spec.keyField,
          detail: { zh: `同一记录在第 ${r.at} 行再次出现，以后者为准`, en: `the same record appears again at ${r.at}; the later row is kept` },
        });
      }
      valid.set(c.key, { at: r.at, values: c.values, codeException: c.codeException });
    }
    if (valid.size === 0) return;
    const now = this.p.now();
    await transaction(db, async (trx) => {
      const found = await store.existing(trx, spec, [...valid.keys()]);
      const inserts: Record<string, unknown>[] = [];
      const history: Parameters<typeof store.insertHistory>[1][number][] = [];
      for (const [key, v] of valid) {
        const values = v.values;
        if (spec.table === 'sharing_entities') values.code_exception = v.codeException ? 1 : 0;
        const cur = found.get(key);
        if (!cur) {
          // The checked values are this load's own object: completed in place, not copied.
          values.synthetic = synthetic ? 1 : 0;
          values.version = 1;
          values.load_id = job.id;
          values.created_at = now;
          values.updated_at = now;
          inserts.push(values);
          continue;
        }
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        for (const [col, val] of Object.entries(values)) {
          const was = cur[col] ?? null;
          if (String(was ?? '') !== String(val ?? '') || (was === null) !== (val === null)) {
            before[col] = was;
            after[col] = val;
          }
        }
        if (Object.keys(after).length === 0) {
          job.unchanged++;
          continue;
        }
        const version = Number(cur.version) + 1;
        await store.updateRecord(trx, spec, key, { ...after, version, load_id: job.id, updated_at: now });
        history.push({
          dataset: spec.key,
          record_key: key,
          version,
          op: 'update',
          before: JSON.stringify(before),
          after: JSON.stringify(after),
          load_id: job.id,
          actor_id: job.actor.id,
          actor_name: job.actor.name,
          at: now,
        });
        job.updated++;
      }
      await store.insertMany(trx, spec, inserts);
      await store.insertHistory(trx, history);
      job.inserted += inserts.length;
      await store.updateJob(trx, job.id, toRow(job));
    });
  }

  /** One record as its keeper sees it (the gateway serves consumers), with its history of changes, newest first. */
  async record(dataset: string, key: string, principal: Principal | null) {
    const spec = specOf(dataset);
    await this.assertMayKeep(principal, dataset);
    const row = await store.getRecord(this.p.db, spec, normaliseKey(spec, key));
    if (!row) throw notFound({ zh: '记录', en: 'Record' }, key);
    const values = Object.fromEntries(spec.fields.map((f) => [f.key, row[f.column] ?? null]));
    const changes = (await store.history(this.p.db, dataset, row[store.keyColumn(spec)] as string)).map((h) => ({
      version: h.version,
      op: h.op,
      before: json.parse<Record<string, unknown> | null>(h.before, null),
      after: json.parse<Record<string, unknown>>(h.after, {}),
      loadId: h.load_id,
      actor: { id: h.actor_id, name: h.actor_name },
      at: Number(h.at),
    }));
    return {
      dataset,
      key: row[store.keyColumn(spec)] as string,
      values,
      synthetic: row.synthetic === 1,
      version: Number(row.version),
      loadId: row.load_id,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      history: changes,
    };
  }

  /**
   * Accepts an early credit code whose only fault is its check character (GB 32100's legacy codes),
   * by the data authority, with a reason; audited. Any other fault is not an exception.
   */
  async grantException(code: string, reason: string, ctx: RequestContext, isAuthority: boolean): Promise<void> {
    if (!isAuthority)
      throw new AppError('WD_ERR_FORBIDDEN', { zh: '信用代码例外由数据主管部门登记', en: 'Credit code exceptions are granted by the data authority' });
    const c = checkCreditCode(code);
    if (c.ok || !c.checkDigitOnly)
      throw new AppError('WD_ERR_VALIDATION', {
        zh: c.ok ? '该代码校验无误，无需例外' : `该代码不能例外：${c.reason.zh}`,
        en: c.ok ? 'The code is valid; it needs no exception' : `Only a wrong check character can be excepted: ${c.reason.en}`,
      });
    const upper = code.trim().toUpperCase();
    await transaction(this.p.db, async (trx) => {
      if (!(await store.insertException(trx, { code: upper, reason, granted_by: ctx.principal?.id ?? null, granted_at: this.p.now() })))
        throw new AppError('WD_ERR_CONFLICT', { zh: '该代码已登记例外', en: 'The code already has an exception' });
      await appendAudit(trx, { ...actorOf(ctx), action: 'sharing.code_exception_granted', targetType: 'credit_code', targetId: upper, details: { reason } });
    });
  }

  async job(id: string, principal: Principal | null): Promise<LoadJob> {
    const r = await store.getJob(this.p.db, id);
    if (!r) throw notFound({ zh: '导入任务', en: 'Load job' }, id);
    await this.assertMayKeep(principal, r.dataset);
    return jobView(r);
  }

  async jobs(dataset: string, principal: Principal | null): Promise<LoadJob[]> {
    specOf(dataset);
    await this.assertMayKeep(principal, dataset);
    return (await store.listJobs(this.p.db, dataset, 100)).map(jobView);
  }
}

function toRow(j: LoadJob): store.LoadJobRow {
  return {
    id: j.id,
    dataset: j.dataset,
    source: j.source,
    status: j.status,
    rows_read: j.rowsRead,
    inserted: j.inserted,
    updated: j.updated,
    unchanged: j.unchanged,
    refused: j.refused,
    errors: JSON.stringify(j.errors),
    actor_id: j.actor.id,
    actor_name: j.actor.name,
    started_at: j.startedAt,
    finished_at: j.finishedAt,
  };
}
