/**
 * An item's form as data: the values an applicant sends are checked against the field
 * definitions, each refusal naming the field and the reason (ID numbers by GB 11643, credit codes
 * by GB 32100, dates as real dates, choices among the options). Fields the form does not have are
 * refused, not ignored.
 */
import type { FieldError } from '../../platform/http/errors.js';
import { checkCreditCode, checkIdNumber, isRealDate } from '../../platform/identifiers/index.js';
import type { FormField } from './catalogue.js';

export type FormValue = string | number | boolean;
export type FormValues = Record<string, FormValue>;

const MOBILE = /^1[3-9]\d{9}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The values made canonical (trimmed, upper-cased codes), and every field's error. */
export function checkForm(
  fields: readonly FormField[],
  input: Record<string, unknown>,
  now: Date,
  at = '/body/form',
): { values: FormValues; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values: FormValues = {};
  const err = (key: string, zh: string, en: string) => errors.push({ pointer: `${at}/${key}`, detail: { zh, en } });
  const known = new Set(fields.map((f) => f.key));
  for (const k of Object.keys(input ?? {})) if (!known.has(k)) err(k, `表单没有字段 ${k}`, `the form has no field ${k}`);
  for (const f of fields) {
    const raw = input?.[f.key];
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (f.required) err(f.key, `请填写${f.name.zh}`, `${f.name.en} is required`);
      continue;
    }
    switch (f.type) {
      case 'text':
      case 'textarea': {
        if (typeof raw !== 'string') {
          err(f.key, `${f.name.zh}应为文字`, `${f.name.en} is text`);
          break;
        }
        const v = raw.trim();
        const max = f.maxLength ?? (f.type === 'text' ? 200 : 2000);
        if (v.length > max) err(f.key, `${f.name.zh}不超过 ${max} 个字`, `${f.name.en} is at most ${max} characters`);
        else values[f.key] = v;
        break;
      }
      case 'number': {
        const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
        if (typeof v !== 'number' || !Number.isFinite(v)) err(f.key, `${f.name.zh}应为数字`, `${f.name.en} is a number`);
        else if (f.min !== undefined && v < f.min) err(f.key, `${f.name.zh}不小于 ${f.min}`, `${f.name.en} is at least ${f.min}`);
        else if (f.max !== undefined && v > f.max) err(f.key, `${f.name.zh}不大于 ${f.max}`, `${f.name.en} is at most ${f.max}`);
        else values[f.key] = v;
        break;
      }
      case 'date': {
        const m = typeof raw === 'string' ? DATE.exec(raw.trim()) : null;
        if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) err(f.key, `${f.name.zh}应为日期（年-月-日）`, `${f.name.en} is a date (YYYY-MM-DD)`);
        else values[f.key] = m[0];
        break;
      }
      case 'select': {
        const v = String(raw);
        if (!f.options?.some((o) => o.value === v))
          err(f.key, `${f.name.zh}须从选项中选择`, `${f.name.en} is one of: ${(f.options ?? []).map((o) => o.value).join(', ')}`);
        else values[f.key] = v;
        break;
      }
      case 'id_number': {
        const c = typeof raw === 'string' ? checkIdNumber(raw, now) : null;
        if (!c?.ok) err(f.key, `${f.name.zh}：${c && !c.ok ? c.reason.zh : '应为身份证号'}`, `${f.name.en}: ${c && !c.ok ? c.reason.en : 'an ID number'}`);
        else values[f.key] = c.normalised;
        break;
      }
      case 'credit_code': {
        const c = typeof raw === 'string' ? checkCreditCode(raw) : null;
        if (!c?.ok)
          err(f.key, `${f.name.zh}：${c && !c.ok ? c.reason.zh : '应为统一社会信用代码'}`, `${f.name.en}: ${c && !c.ok ? c.reason.en : 'a credit code'}`);
        else values[f.key] = c.normalised;
        break;
      }
      case 'phone': {
        const v = String(raw).trim();
        if (!MOBILE.test(v)) err(f.key, `${f.name.zh}应为 11 位手机号码`, `${f.name.en} is an 11-digit mobile number`);
        else values[f.key] = v;
        break;
      }
      case 'boolean': {
        if (typeof raw !== 'boolean') err(f.key, `${f.name.zh}应为是或否`, `${f.name.en} is yes or no`);
        else values[f.key] = raw;
        break;
      }
    }
  }
  return { values, errors };
}
